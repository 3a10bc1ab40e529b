#pragma once
// The Windows Service Control Manager (SCM) glue: one dunghan.exe that runs either as the
// `dunghan` service or in a console, plus `dunghan service install|uninstall|start|stop|status`.
// Windows only: on other platforms this header declares nothing (systemd runs the daemon there).
//
// Paths: the configuration, state and logs live under %ProgramData%\dunghan\ (see
// config::default_config_path and config::default_state_dir); the service's working directory is
// %ProgramData%\dunghan.

#ifdef _WIN32

#include <iosfwd>
#include <optional>
#include <string>

#include "service/daemon.h"

namespace dunghan::windows_service {

/// The service name known to the SCM (`sc query dunghan`) and the event-log source name.
inline constexpr const wchar_t* kServiceName = L"dunghan";

/// `dunghan run`: tries StartServiceCtrlDispatcherW. Started by the SCM, it runs the daemon as the
/// service (START_PENDING until the daemon reports running, STOP/SHUTDOWN → graceful stop,
/// PARAMCHANGE → reload) and returns the daemon's exit code once the service has stopped. Started
/// from a console (ERROR_FAILED_SERVICE_CONTROLLER_CONNECT), it runs the daemon in the console:
/// Ctrl+C (and closing the window, logging off, shutting down) stops, Ctrl+Break reloads. Returns
/// the process exit code: run_daemon's, or 1 when the dispatcher failed for another reason.
int run_service_or_console(const service::DaemonOptions& options);

struct InstallOptions {
  /// --config: stored (made absolute) in the service's command line; nullopt: the service uses
  /// the default path (%ProgramData%\dunghan\dunghan.toml).
  std::optional<std::string> config;
};

// The management commands. Each prints what it did to `out` and problems to `err`, and returns
// the process exit code: 0 on success, 1 on failure (including "not run as administrator", which
// gets its own message).

/// Creates the service (own process, automatic delayed start, LocalSystem, description in
/// Vietnamese and English, restart after 10 s, 30 s and 60 s on failure) running
/// `"<this exe>" run [--config "<absolute F>"]`, and registers the event-log source. When the
/// service exists already, updates its command line and settings instead (used for updates).
int install_service(const InstallOptions& options, std::ostream& out, std::ostream& err);
/// Stops the service if running (waiting up to 2 minutes), deletes it and the event-log source.
/// Leaves %ProgramData%\dunghan (configuration, state, logs) in place. Not installed: 0.
int uninstall_service(std::ostream& out, std::ostream& err);
/// Starts the service and waits (up to 2 minutes) until it runs or stops.
int start_service(std::ostream& out, std::ostream& err);
/// Stops the service and waits (up to 2 minutes) until it has stopped. Already stopped: 0.
int stop_service(std::ostream& out, std::ostream& err);
/// Prints the state, process id, start type, command line and last exit code. Does not need an
/// administrator. Not installed: 1.
int print_service_status(std::ostream& out, std::ostream& err);

}  // namespace dunghan::windows_service

#endif  // _WIN32
