#pragma once
// The long-running daemon (`dunghan run`): one Boost.Asio io_context for timers, signals, the
// HTTP endpoint and the systemd watchdog; cycles run on a worker thread so that slow I/O (SMTP,
// HTTP) never blocks timers or signal handling.
//
// This is the one seam the platform glue uses: systemd (Linux) and the Windows Service Control
// Manager (windows-service/) both drive the daemon through DaemonHooks and DaemonControl.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "calendar/civil.h"

namespace dunghan::service {

/// The daemon's lifecycle, reported to the platform (sd_notify, SetServiceStatus).
enum class Lifecycle {
  starting,   // loading the configuration, opening the store and ledger
  running,    // start-up succeeded; cycles run
  reloading,  // a reload was requested and is being validated
  stopping,   // a stop was requested; in-flight sends finish up to the grace period
  stopped,    // the event loop has ended
};
std::string_view to_string(Lifecycle l);

/// Requests from outside the event loop (signal handlers excepted: they are the loop's own).
/// Thread-safe; calls before the loop runs are remembered.
class DaemonControl {
 public:
  virtual ~DaemonControl() = default;
  /// Graceful stop: stop taking new work, let in-flight sends finish up to the grace period,
  /// leave everything else pending, exit 0.
  virtual void request_stop() = 0;
  /// Reload the configuration (validated fully; the old one is kept on any error).
  virtual void request_reload() = 0;
};

struct DaemonOptions {
  std::optional<std::string> config_path;  // --config; else $DUNGHAN_CONFIG; else the default
  std::optional<std::string> log_level;    // --log-level
  /// Testing only: the daemon's clock starts at this instant and runs at normal speed.
  std::optional<calendar::Instant> start_clock_at;
  /// Testing only: the event loop blocks for ever this many seconds after start-up, so tests can
  /// see the systemd watchdog pings stop.
  std::optional<int> test_stall_loop_after;
};

struct DaemonHooks {
  /// Called on every lifecycle change, from the thread that made it (any thread).
  std::function<void(Lifecycle, const std::string& detail)> on_lifecycle;
  /// Called once the control object exists (before start-up work), from the calling thread.
  std::function<void(DaemonControl&)> on_control_ready;
  /// Install SIGTERM/SIGINT (stop) and SIGHUP (reload) handlers. The Windows service sets false.
  bool handle_signals = true;
  /// Talk to systemd (sd_notify READY/STATUS/WATCHDOG/RELOADING/STOPPING) when NOTIFY_SOCKET is
  /// set.
  bool systemd_notify = true;
};

/// Runs the daemon until it is stopped. Returns the process exit code: 0 after a graceful stop,
/// 1 when start-up failed: an invalid configuration, a state directory another process holds
/// (state_lock.h) or that cannot be created, an address that cannot be bound, a runtime that
/// cannot be built for another reason than the two below. A store that cannot be reached or a
/// state database that cannot be written (a full disk) does not stop it: it serves /healthz (503,
/// saying why) and tries again every poll, and so recovers by itself.
int run_daemon(const DaemonOptions& options, DaemonHooks hooks = {});

}  // namespace dunghan::service
