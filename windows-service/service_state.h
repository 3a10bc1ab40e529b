#pragma once
// The Windows service state machine: which SERVICE_STATUS to report to the Service Control Manager
// (SCM) and which request to pass to the daemon, given what happened. Plain code without
// <windows.h>, so that it builds and is tested on every platform; windows_service.cpp feeds it the
// SCM's controls and the daemon's lifecycle and calls SetServiceStatus with what it returns.
//
// The rules:
//   - START_PENDING from start_requested() until the daemon reports Lifecycle::running; then
//     RUNNING, accepting STOP, SHUTDOWN and PARAMCHANGE. Nothing is accepted while pending.
//   - STOP or SHUTDOWN → request_stop and STOP_PENDING; the daemon's own `stopping` also leads to
//     STOP_PENDING (a stop it decided itself). Once stopping, never back to RUNNING.
//   - PARAMCHANGE while running → request_reload; the status stays RUNNING (Windows has no
//     "reloading" state).
//   - The daemon's exit → STOPPED with win32 exit code NO_ERROR for exit code 0, otherwise
//     ERROR_SERVICE_SPECIFIC_ERROR with the exit code as the service-specific exit code, so that
//     the SCM records the failure and applies the failure actions.
//   - While pending, the checkpoint increases with every report (each lifecycle step and each
//     periodic tick) up to a budget; past the budget ticks stop advancing the checkpoint, so a
//     hung start or stop runs out its wait hint and the SCM treats it as hung instead of being told
//     "progress" for ever.

#include <chrono>
#include <cstdint>
#include <optional>

#include "service/daemon.h"

namespace dunghan::windows_service {

/// dwCurrentState. The values are Win32's SERVICE_STOPPED … SERVICE_RUNNING (static_assert'ed
/// against <winsvc.h> in windows_service.cpp).
enum class ServiceState : std::uint32_t {
  stopped = 1,
  start_pending = 2,
  stop_pending = 3,
  running = 4,
};

/// The SCM control codes the service handles (Win32's SERVICE_CONTROL_*); others are passed to
/// on_control() as their number and are not handled.
enum class ServiceControl : std::uint32_t {
  stop = 1,
  interrogate = 4,
  shutdown = 5,
  paramchange = 6,
};

/// dwControlsAccepted bits (Win32's SERVICE_ACCEPT_*).
inline constexpr std::uint32_t kAcceptStop = 0x1;
inline constexpr std::uint32_t kAcceptShutdown = 0x4;
inline constexpr std::uint32_t kAcceptParamChange = 0x8;

/// dwWin32ExitCode values (Win32's NO_ERROR and ERROR_SERVICE_SPECIFIC_ERROR).
inline constexpr std::uint32_t kNoError = 0;
inline constexpr std::uint32_t kErrorServiceSpecificError = 1066;

/// What SetServiceStatus is given (dwServiceType is always SERVICE_WIN32_OWN_PROCESS and is left
/// to the caller).
struct ServiceStatus {
  ServiceState state = ServiceState::stopped;
  std::uint32_t controls_accepted = 0;  // kAccept* bits; 0 while pending or stopped
  std::uint32_t win32_exit_code = kNoError;
  std::uint32_t service_exit_code = 0;     // meaningful when win32_exit_code is 1066
  std::uint32_t checkpoint = 0;            // > 0 only while pending
  std::chrono::milliseconds wait_hint{0};  // > 0 only while pending
  bool operator==(const ServiceStatus&) const = default;
};

/// What the glue asks the daemon to do (through service::DaemonControl).
enum class DaemonAction { none, request_stop, request_reload };

/// The outcome of one event.
struct Decision {
  /// The status to report with SetServiceStatus; nullopt when nothing needs reporting.
  std::optional<ServiceStatus> report;
  DaemonAction action = DaemonAction::none;
  /// For on_control(): false when the control is not one we handle (the handler then returns
  /// ERROR_CALL_NOT_IMPLEMENTED). Always true for other events.
  bool handled = true;
};

struct ServiceTimings {
  /// Wait hints reported with START_PENDING and STOP_PENDING: the longest the SCM should wait for
  /// the next checkpoint. Must exceed the tick interval with room to spare.
  std::chrono::milliseconds start_wait_hint{15'000};
  std::chrono::milliseconds stop_wait_hint{15'000};
  /// The glue calls on_tick() this often while pending.
  std::chrono::milliseconds tick_interval{2'000};
  /// How long ticks may keep advancing the checkpoint in one pending phase (start-up: loading the
  /// configuration and opening the store; stop: in-flight sends finishing within the grace period).
  std::chrono::milliseconds start_budget{120'000};
  std::chrono::milliseconds stop_budget{90'000};
};

/// Not thread-safe: the glue serialises calls (the SCM handler thread, the daemon's threads and
/// the tick timer all call it under one mutex).
class ServiceStateMachine {
 public:
  explicit ServiceStateMachine(ServiceTimings timings = {});

  /// ServiceMain has begun: START_PENDING, checkpoint 1. Calling it again, or after a stop has
  /// begun, reports nothing.
  Decision start_requested();

  /// The daemon reported a lifecycle change (DaemonHooks::on_lifecycle).
  ///   starting  → START_PENDING with the next checkpoint (when start-pending; else nothing)
  ///   running   → RUNNING (when start-pending; else nothing: a reload finishing, or ignored
  ///               once stopping)
  ///   reloading → nothing (RUNNING stays)
  ///   stopping, stopped → STOP_PENDING with the next checkpoint (before STOPPED)
  Decision on_lifecycle(service::Lifecycle lifecycle);

  /// A control code from the SCM (the HandlerEx dwControl).
  ///   STOP, SHUTDOWN → request_stop and STOP_PENDING, unless a stop is already under way or the
  ///                    service has stopped (then nothing, still handled)
  ///   PARAMCHANGE    → request_reload when running; nothing otherwise (still handled)
  ///   INTERROGATE    → the current status, unchanged
  ///   anything else  → handled = false
  Decision on_control(std::uint32_t control);

  /// The periodic tick while pending: the same status with the next checkpoint, while the phase's
  /// budget lasts (ticks counted since the phase began × tick_interval ≤ budget). Nothing when not
  /// pending or past the budget.
  Decision on_tick();

  /// run_daemon returned `exit_code`: STOPPED, with NO_ERROR for 0, else
  /// ERROR_SERVICE_SPECIFIC_ERROR and the exit code as the service-specific code (negative codes
  /// are reported as 1). After STOPPED, every event reports nothing.
  Decision on_exit(int exit_code);

  /// The status last reported (STOPPED with checkpoint 0 before start_requested()).
  const ServiceStatus& status() const { return status_; }

 private:
  Decision enter_pending(ServiceState state);
  Decision advance_pending();

  ServiceTimings timings_;
  ServiceStatus status_;
  bool started_ = false;
  int ticks_in_phase_ = 0;
};

}  // namespace dunghan::windows_service
