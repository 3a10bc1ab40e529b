// The Windows Service Control Manager glue. Everything here is Windows-only; the decisions about
// which status to report when are in service_state.cpp (plain code, tested on Linux).
#ifdef _WIN32

#include "windows-service/windows_service.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <winsvc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "windows-service/service_state.h"

namespace dunghan::windows_service {

// The plain state machine uses its own enums with the Win32 values; keep them honest.
static_assert(static_cast<DWORD>(ServiceState::stopped) == SERVICE_STOPPED);
static_assert(static_cast<DWORD>(ServiceState::start_pending) == SERVICE_START_PENDING);
static_assert(static_cast<DWORD>(ServiceState::stop_pending) == SERVICE_STOP_PENDING);
static_assert(static_cast<DWORD>(ServiceState::running) == SERVICE_RUNNING);
static_assert(static_cast<DWORD>(ServiceControl::stop) == SERVICE_CONTROL_STOP);
static_assert(static_cast<DWORD>(ServiceControl::interrogate) == SERVICE_CONTROL_INTERROGATE);
static_assert(static_cast<DWORD>(ServiceControl::shutdown) == SERVICE_CONTROL_SHUTDOWN);
static_assert(static_cast<DWORD>(ServiceControl::paramchange) == SERVICE_CONTROL_PARAMCHANGE);
static_assert(kAcceptStop == SERVICE_ACCEPT_STOP);
static_assert(kAcceptShutdown == SERVICE_ACCEPT_SHUTDOWN);
static_assert(kAcceptParamChange == SERVICE_ACCEPT_PARAMCHANGE);
static_assert(kNoError == NO_ERROR);
static_assert(kErrorServiceSpecificError == ERROR_SERVICE_SPECIFIC_ERROR);

namespace {

constexpr const wchar_t* kDisplayName =
    L"dunghan \u2014 c\u1EA3nh b\u00E1o h\u1EA1n x\u1EED l\u00FD h\u1ED3 s\u01A1";
// Vietnamese, then English. Written with \u escapes so that the bytes do not depend on the
// compiler's source character set (MSVC without /utf-8 reads sources in the ANSI code page).
constexpr const wchar_t* kDescription =
    L"C\u1EA3nh b\u00E1o h\u1EA1n x\u1EED l\u00FD h\u1ED3 s\u01A1 th\u1EE7 t\u1EE5c h\u00E0nh "
    L"ch\u00EDnh theo ng\u00E0y l\u00E0m vi\u1EC7c, ng\u00E0y ngh\u1EC9 l\u1EC5 v\u00E0 "
    L"l\u1ECBch \u00E2m. Deadline alerts for administrative dossiers on the working calendar "
    L"(weekends, public holidays, lunar calendar).";
constexpr const wchar_t* kEventLogKey =
    L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\dunghan";
// .NET Framework 4's message file: every event id maps to "%1", so the Event Viewer shows our
// text as is. spdlog's event-log sink writes event id 1000, which this file defines. Present on
// every supported Windows (Server 2012 and later ship .NET Framework 4).
constexpr const wchar_t* kNetMessageFile =
    L"%SystemRoot%\\Microsoft.NET\\Framework64\\v4.0.30319\\EventLogMessages.dll";
constexpr auto kCommandWaitLimit = std::chrono::minutes(2);

// ---- strings and errors ------------------------------------------------------------------------

std::string narrow(std::wstring_view w) {
  if (w.empty()) return {};
  const int n = WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), nullptr, 0,
                                    nullptr, nullptr);
  std::string s(static_cast<std::size_t>(std::max(n, 0)), '\0');
  if (n > 0) {
    WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), s.data(), n, nullptr,
                        nullptr);
  }
  return s;
}

std::string error_text(DWORD code) {
  wchar_t buf[512];
  const DWORD n =
      FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, code, 0,
                     buf, static_cast<DWORD>(std::size(buf)), nullptr);
  std::wstring_view text(buf, n);
  while (!text.empty() && (text.back() == L'\n' || text.back() == L'\r' || text.back() == L' '))
    text.remove_suffix(1);
  return (text.empty() ? std::string("Windows error") : narrow(text)) + " (code " +
         std::to_string(code) + ")";
}

/// Prints why `what` failed; access denied gets the "run as administrator" explanation.
int fail(std::ostream& err, std::string_view what, DWORD code) {
  err << "error: " << what << ": " << error_text(code) << '\n';
  if (code == ERROR_ACCESS_DENIED) {
    err << "Installing, removing, starting and stopping the dunghan service need administrator "
           "rights. Open Command Prompt or PowerShell with \"Run as administrator\" and run the "
           "command again.\n";
  }
  return 1;
}

/// Writes one event to the Application log under our source. For the few problems that happen
/// before the daemon has set up its own logging (service mode has no console to print to).
void event_log(WORD type, const std::wstring& text) {
  HANDLE source = RegisterEventSourceW(nullptr, kServiceName);
  if (source == nullptr) return;
  const wchar_t* strings[] = {text.c_str()};
  ReportEventW(source, type, 0, 1000, nullptr, 1, 0, strings, nullptr);
  DeregisterEventSource(source);
}

std::wstring widen_ascii(std::string_view s) {
  return std::wstring(s.begin(), s.end());
}

std::filesystem::path program_data_dir() {
  const wchar_t* pd = _wgetenv(L"ProgramData");
  return std::filesystem::path(pd != nullptr && *pd != L'\0' ? pd : L"C:\\ProgramData") /
         L"dunghan";
}

std::wstring this_executable() {
  std::wstring buf(MAX_PATH, L'\0');
  for (;;) {
    const DWORD n = GetModuleFileNameW(nullptr, buf.data(), static_cast<DWORD>(buf.size()));
    if (n == 0) return {};
    if (n < buf.size()) {
      buf.resize(n);
      return buf;
    }
    buf.resize(buf.size() * 2);
  }
}

// ---- the daemon's control, shared by service and console mode ----------------------------------

/// Passes stop and reload requests to the daemon's DaemonControl once it exists (requests made
/// earlier are remembered), and never after the daemon has reported `stopped`. The control is
/// called with the relay's lock held so that it cannot be detached (and destroyed) meanwhile;
/// the lock is recursive in case the daemon reports a lifecycle change from inside the call.
class ControlRelay {
 public:
  void attach(service::DaemonControl& control) {
    std::lock_guard lock(mu_);
    control_ = &control;
    if (pending_stop_) {
      control.request_stop();
    } else if (pending_reload_) {
      control.request_reload();
    }
    pending_stop_ = pending_reload_ = false;
  }
  void detach() {
    std::lock_guard lock(mu_);
    control_ = nullptr;
    detached_ = true;
  }
  void request(DaemonAction action) {
    if (action == DaemonAction::none) return;
    std::lock_guard lock(mu_);
    if (detached_) return;
    if (control_ == nullptr) {
      (action == DaemonAction::request_stop ? pending_stop_ : pending_reload_) = true;
      return;
    }
    if (action == DaemonAction::request_stop) {
      control_->request_stop();
    } else {
      control_->request_reload();
    }
  }

 private:
  std::recursive_mutex mu_;
  service::DaemonControl* control_ = nullptr;
  bool detached_ = false;
  bool pending_stop_ = false;
  bool pending_reload_ = false;
};

// ---- service mode ------------------------------------------------------------------------------

struct ServiceRun {
  service::DaemonOptions options;
  SERVICE_STATUS_HANDLE handle = nullptr;
  std::mutex mu;  // guards `machine` and keeps SetServiceStatus calls in order
  ServiceStateMachine machine;
  ControlRelay relay;
  std::atomic<int> exit_code{1};
};

ServiceRun* g_service = nullptr;  // set while StartServiceCtrlDispatcherW runs

/// Reports `d` to the SCM; call with run.mu held. The daemon action is taken by the caller after
/// releasing run.mu (the daemon may report a lifecycle change from inside the request).
SERVICE_STATUS to_win32(const ServiceStatus& status) {
  SERVICE_STATUS st{};
  st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  st.dwCurrentState = static_cast<DWORD>(status.state);
  st.dwControlsAccepted = status.controls_accepted;
  st.dwWin32ExitCode = status.win32_exit_code;
  st.dwServiceSpecificExitCode = status.service_exit_code;
  st.dwCheckPoint = status.checkpoint;
  st.dwWaitHint = static_cast<DWORD>(status.wait_hint.count());
  return st;
}

void report_locked(ServiceRun& run, const Decision& d) {
  if (!d.report || run.handle == nullptr) return;
  SERVICE_STATUS st = to_win32(*d.report);
  if (!SetServiceStatus(run.handle, &st)) {
    event_log(EVENTLOG_WARNING_TYPE,
              L"event=set_service_status_failed error=" + std::to_wstring(GetLastError()));
  }
}

DWORD WINAPI control_handler(DWORD control, DWORD /*event_type*/, LPVOID /*event_data*/,
                             LPVOID context) {
  ServiceRun& run = *static_cast<ServiceRun*>(context);
  Decision d;
  {
    std::lock_guard lock(run.mu);
    d = run.machine.on_control(control);
    report_locked(run, d);
  }
  run.relay.request(d.action);
  return d.handled ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

/// Calls on_tick() every tick_interval until stopped, so that checkpoints advance while pending.
class Ticker {
 public:
  explicit Ticker(ServiceRun& run, std::chrono::milliseconds interval)
      : thread_([this, &run, interval] {
          std::unique_lock lock(mu_);
          while (!cv_.wait_for(lock, interval, [this] { return done_; })) {
            lock.unlock();
            {
              std::lock_guard service_lock(run.mu);
              report_locked(run, run.machine.on_tick());
            }
            lock.lock();
          }
        }) {}
  ~Ticker() { stop(); }
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;
  void stop() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

void WINAPI service_main(DWORD /*argc*/, LPWSTR* /*argv*/) {
  ServiceRun& run = *g_service;
  run.handle = RegisterServiceCtrlHandlerExW(kServiceName, control_handler, &run);
  if (run.handle == nullptr) {
    event_log(EVENTLOG_ERROR_TYPE, L"event=service_start_failed step=register_handler error=" +
                                       std::to_wstring(GetLastError()));
    run.exit_code = 1;
    return;
  }
  {
    std::lock_guard lock(run.mu);
    report_locked(run, run.machine.start_requested());
  }

  // Services start in %SystemRoot%\System32; work in our own directory instead. The command
  // line's --config is absolute already (made so by `service install`).
  std::error_code ec;
  const std::filesystem::path dir = program_data_dir();
  std::filesystem::create_directories(dir, ec);
  std::filesystem::current_path(dir, ec);
  if (ec) {
    event_log(EVENTLOG_WARNING_TYPE, L"event=working_directory_failed path=" + dir.wstring() +
                                         L" error=" + widen_ascii(ec.message()));
  }
  // Tells log::init_logging (Target::automatic) that a service manager started us, so that logs
  // go to the Event Log: on Windows the "journal" is the Event Log. _putenv_s updates the CRT's
  // copy of the environment, which std::getenv reads.
  _putenv_s("JOURNAL_STREAM", "windows-service");

  int code = 1;
  {
    Ticker ticker(run, ServiceTimings{}.tick_interval);
    service::DaemonHooks hooks;
    hooks.handle_signals = false;
    hooks.systemd_notify = false;
    hooks.on_control_ready = [&run](service::DaemonControl& c) { run.relay.attach(c); };
    hooks.on_lifecycle = [&run](service::Lifecycle l, const std::string& /*detail*/) {
      if (l == service::Lifecycle::stopped) run.relay.detach();
      std::lock_guard lock(run.mu);
      report_locked(run, run.machine.on_lifecycle(l));
    };
    try {
      code = service::run_daemon(run.options, std::move(hooks));
    } catch (const std::exception& e) {
      event_log(EVENTLOG_ERROR_TYPE, L"event=daemon_failed error=" + widen_ascii(e.what()));
      code = 1;
    }
    run.relay.detach();
  }  // the ticker stops before STOPPED is reported
  run.exit_code = code;
  SERVICE_STATUS final_status{};
  SERVICE_STATUS_HANDLE handle = nullptr;
  {
    std::lock_guard lock(run.mu);
    const Decision d = run.machine.on_exit(code);
    if (!d.report) return;
    final_status = to_win32(*d.report);
    handle = run.handle;
  }
  // Last, touching nothing of `run` afterwards: once STOPPED is reported the dispatcher may return
  // on the main thread (destroying `run`) and the process may end at any moment.
  SetServiceStatus(handle, &final_status);
}

// ---- console mode ------------------------------------------------------------------------------

struct ConsoleRun {
  ControlRelay relay;
  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
};

/// Lives as long as the process: the console handler runs on its own thread and may still be
/// returning after run_console() has.
ConsoleRun& console_run() {
  static ConsoleRun run;
  return run;
}

BOOL WINAPI console_handler(DWORD type) {
  ConsoleRun* run = &console_run();
  switch (type) {
    case CTRL_C_EVENT:
      run->relay.request(DaemonAction::request_stop);
      return TRUE;
    case CTRL_BREAK_EVENT:
      run->relay.request(DaemonAction::request_reload);
      return TRUE;
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT: {
      // Windows ends the process when this handler returns (or after about 5 s): give the
      // graceful stop what time there is.
      run->relay.request(DaemonAction::request_stop);
      std::unique_lock lock(run->mu);
      run->cv.wait_for(lock, std::chrono::milliseconds(4500), [run] { return run->finished; });
      return TRUE;
    }
    default:
      return FALSE;
  }
}

int run_console(const service::DaemonOptions& options) {
  ConsoleRun& run = console_run();
  SetConsoleCtrlHandler(console_handler, TRUE);
  std::cerr << "dunghan: running in the console (not as a service). Ctrl+C stops, Ctrl+Break "
               "reloads the configuration.\n";
  service::DaemonHooks hooks;
  hooks.handle_signals = false;  // Ctrl+C and Ctrl+Break come through console_handler
  hooks.systemd_notify = false;
  hooks.on_control_ready = [&run](service::DaemonControl& c) { run.relay.attach(c); };
  hooks.on_lifecycle = [&run](service::Lifecycle l, const std::string& /*detail*/) {
    if (l == service::Lifecycle::stopped) run.relay.detach();
  };
  int code = 1;
  try {
    code = service::run_daemon(options, std::move(hooks));
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
  }
  run.relay.detach();
  {
    std::lock_guard lock(run.mu);
    run.finished = true;
  }
  run.cv.notify_all();
  SetConsoleCtrlHandler(console_handler, FALSE);
  return code;
}

// ---- the management commands -------------------------------------------------------------------

class ScHandle {
 public:
  explicit ScHandle(SC_HANDLE h = nullptr) : h_(h) {}
  ~ScHandle() {
    if (h_ != nullptr) CloseServiceHandle(h_);
  }
  ScHandle(ScHandle&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
  ScHandle& operator=(ScHandle&& other) noexcept {
    if (this != &other) {
      if (h_ != nullptr) CloseServiceHandle(h_);
      h_ = std::exchange(other.h_, nullptr);
    }
    return *this;
  }
  SC_HANDLE get() const { return h_; }
  explicit operator bool() const { return h_ != nullptr; }

 private:
  SC_HANDLE h_;
};

std::optional<SERVICE_STATUS_PROCESS> query_status(SC_HANDLE svc) {
  SERVICE_STATUS_PROCESS s{};
  DWORD needed = 0;
  if (!QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, reinterpret_cast<LPBYTE>(&s), sizeof s,
                            &needed)) {
    return std::nullopt;
  }
  return s;
}

/// Polls until the state is no longer `pending` or the limit has passed; returns the last status.
std::optional<SERVICE_STATUS_PROCESS> wait_while(SC_HANDLE svc, DWORD pending) {
  const auto deadline = std::chrono::steady_clock::now() + kCommandWaitLimit;
  for (;;) {
    auto s = query_status(svc);
    if (!s || s->dwCurrentState != pending || std::chrono::steady_clock::now() > deadline) {
      return s;
    }
    const DWORD pause = std::clamp<DWORD>(s->dwWaitHint / 10, 250, 2000);
    Sleep(pause);
  }
}

const char* state_name(DWORD state) {
  switch (state) {
    case SERVICE_STOPPED:
      return "stopped";
    case SERVICE_START_PENDING:
      return "starting";
    case SERVICE_STOP_PENDING:
      return "stopping";
    case SERVICE_RUNNING:
      return "running";
    case SERVICE_CONTINUE_PENDING:
      return "continuing";
    case SERVICE_PAUSE_PENDING:
      return "pausing";
    case SERVICE_PAUSED:
      return "paused";
    default:
      return "unknown";
  }
}

std::string exit_code_text(const SERVICE_STATUS_PROCESS& s) {
  if (s.dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR) {
    return "exit code " + std::to_string(s.dwServiceSpecificExitCode);
  }
  if (s.dwWin32ExitCode == NO_ERROR) return "exit code 0";
  return error_text(s.dwWin32ExitCode);
}

constexpr const char* kWhereLogs =
    "Logs: Event Viewer > Windows Logs > Application, source \"dunghan\"; and the file set by "
    "[log] file in the configuration, if any.";

ScHandle open_scm(DWORD access, std::ostream& err, int& rc) {
  ScHandle scm(OpenSCManagerW(nullptr, nullptr, access));
  if (!scm) rc = fail(err, "cannot open the Service Control Manager", GetLastError());
  return scm;
}

bool register_event_source(const std::wstring& exe, std::wstring& message_file, std::ostream& err) {
  wchar_t expanded[MAX_PATH];
  const DWORD n = ExpandEnvironmentStringsW(kNetMessageFile, expanded, MAX_PATH);
  const bool have_net =
      n > 0 && n <= MAX_PATH && GetFileAttributesW(expanded) != INVALID_FILE_ATTRIBUTES;
  // Without the .NET file, the executable: it has no message-table resource (none is built), so
  // the Event Viewer prefixes each event with "The description for Event ID 1000 cannot be found"
  // but still shows our text.
  message_file = have_net ? std::wstring(kNetMessageFile) : exe;
  HKEY key = nullptr;
  LSTATUS rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, kEventLogKey, 0, nullptr,
                               REG_OPTION_NON_VOLATILE, KEY_SET_VALUE, nullptr, &key, nullptr);
  if (rc != ERROR_SUCCESS) {
    fail(err, "cannot register the event-log source", static_cast<DWORD>(rc));
    return false;
  }
  const DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
  rc = RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ,
                      reinterpret_cast<const BYTE*>(message_file.c_str()),
                      static_cast<DWORD>((message_file.size() + 1) * sizeof(wchar_t)));
  if (rc == ERROR_SUCCESS) {
    rc = RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, reinterpret_cast<const BYTE*>(&types),
                        sizeof types);
  }
  RegCloseKey(key);
  if (rc != ERROR_SUCCESS) {
    fail(err, "cannot register the event-log source", static_cast<DWORD>(rc));
    return false;
  }
  return true;
}

/// Sets one optional setting; a Windows (or wine) that does not know the setting
/// (ERROR_INVALID_LEVEL) gets a warning instead of a failure. Returns false on other errors.
bool set_config2(SC_HANDLE svc, DWORD level, void* info, const char* what, bool& applied,
                 std::ostream& err) {
  applied = ChangeServiceConfig2W(svc, level, info) != FALSE;
  if (applied) return true;
  const DWORD e = GetLastError();
  if (e == ERROR_INVALID_LEVEL) {
    err << "warning: this Windows cannot set " << what << " (" << error_text(e)
        << "); continuing without it.\n";
    return true;
  }
  fail(err, std::string("cannot set ") + what, e);
  return false;
}

/// The description, delayed start and failure actions. `delayed_applied` tells whether delayed
/// automatic start could be set.
bool configure_service(SC_HANDLE svc, bool& delayed_applied, std::ostream& err) {
  bool applied = false;
  std::wstring text = kDescription;
  SERVICE_DESCRIPTIONW description{};
  description.lpDescription = text.data();
  if (!set_config2(svc, SERVICE_CONFIG_DESCRIPTION, &description, "the description", applied,
                   err)) {
    return false;
  }
  SERVICE_DELAYED_AUTO_START_INFO delayed{};
  delayed.fDelayedAutostart = TRUE;
  if (!set_config2(svc, SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &delayed, "delayed automatic start",
                   delayed_applied, err)) {
    return false;
  }
  SC_ACTION actions[3] = {
      {SC_ACTION_RESTART, 10'000}, {SC_ACTION_RESTART, 30'000}, {SC_ACTION_RESTART, 60'000}};
  SERVICE_FAILURE_ACTIONSW failure{};
  failure.dwResetPeriod = 24 * 60 * 60;  // seconds without failure before the count restarts
  failure.cActions = 3;
  failure.lpsaActions = actions;
  if (!set_config2(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &failure, "the failure actions", applied,
                   err)) {
    return false;
  }
  // Also restart when the service stops with a non-zero exit code, not only when it crashes.
  SERVICE_FAILURE_ACTIONS_FLAG flag{};
  flag.fFailureActionsOnNonCrashFailures = TRUE;
  return set_config2(svc, SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &flag,
                     "failure actions on non-crash failures", applied, err);
}

}  // namespace

// ---- public ------------------------------------------------------------------------------------

int run_service_or_console(const service::DaemonOptions& options) {
  ServiceRun run;
  run.options = options;
  if (run.options.config_path) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(*run.options.config_path, ec);
    if (!ec) run.options.config_path = abs.string();
  }
  g_service = &run;
  wchar_t name[] = L"dunghan";
  SERVICE_TABLE_ENTRYW table[] = {{name, service_main}, {nullptr, nullptr}};
  if (StartServiceCtrlDispatcherW(table)) {
    g_service = nullptr;
    return run.exit_code;
  }
  const DWORD error = GetLastError();
  g_service = nullptr;
  if (error == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) return run_console(options);
  return fail(std::cerr, "cannot connect to the Service Control Manager", error);
}

int install_service(const InstallOptions& options, std::ostream& out, std::ostream& err) {
  const std::wstring exe = this_executable();
  if (exe.empty()) return fail(err, "cannot find this program's path", GetLastError());
  std::wstring command = L"\"" + exe + L"\" run";
  std::filesystem::path config_file;
  std::error_code ec;
  if (options.config) {
    config_file = std::filesystem::absolute(std::filesystem::path(*options.config), ec);
    if (ec) {
      err << "error: --config " << *options.config << ": " << ec.message() << '\n';
      return 1;
    }
    command += L" --config \"" + config_file.wstring() + L"\"";
  } else {
    config_file = program_data_dir() / L"dunghan.toml";
  }

  int rc = 0;
  ScHandle scm = open_scm(SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE, err, rc);
  if (!scm) return rc;
  constexpr DWORD kAccess = SERVICE_CHANGE_CONFIG | SERVICE_START | SERVICE_QUERY_STATUS;
  bool updated = false;
  ScHandle svc(CreateServiceW(scm.get(), kServiceName, kDisplayName, kAccess,
                              SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                              command.c_str(), nullptr, nullptr, nullptr, nullptr /* LocalSystem */,
                              nullptr));
  if (!svc) {
    const DWORD e = GetLastError();
    if (e == ERROR_SERVICE_MARKED_FOR_DELETE) {
      err << "error: the dunghan service was uninstalled but Windows has not removed it yet. "
             "Close the Services console (services.msc) and Event Viewer, then try again (or "
             "restart Windows).\n";
      return 1;
    }
    if (e != ERROR_SERVICE_EXISTS) return fail(err, "cannot create the service", e);
    svc = ScHandle(OpenServiceW(scm.get(), kServiceName, kAccess));
    if (!svc) return fail(err, "cannot open the existing service", GetLastError());
    if (!ChangeServiceConfigW(svc.get(), SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
                              SERVICE_ERROR_NORMAL, command.c_str(), nullptr, nullptr, nullptr,
                              nullptr, nullptr, kDisplayName)) {
      return fail(err, "cannot update the existing service", GetLastError());
    }
    updated = true;
  }
  bool delayed = false;
  if (!configure_service(svc.get(), delayed, err)) return 1;
  std::wstring message_file;
  if (!register_event_source(exe, message_file, err)) return 1;
  std::filesystem::create_directories(program_data_dir(), ec);

  out << (updated ? "Updated" : "Installed") << " the dunghan service: automatic"
      << (delayed ? " (delayed)" : "")
      << " start as LocalSystem, restarted after 10 s, 30 s and 60 s on failure.\n"
      << "  command line:  " << narrow(command) << '\n'
      << "  configuration: " << narrow(config_file.wstring()) << '\n'
      << "  working dir:   " << narrow(program_data_dir().wstring()) << '\n'
      << "  event source:  Application/dunghan, messages from " << narrow(message_file) << '\n'
      << kWhereLogs << '\n';
  if (!std::filesystem::exists(config_file, ec)) {
    out << "Note: " << narrow(config_file.wstring())
        << " does not exist yet. Write it (start from the annotated sample config/dunghan.toml) "
           "before starting the "
           "service.\n";
  }
  out << "Start it now with `dunghan service start`; otherwise it starts after the next boot.\n";
  return 0;
}

int uninstall_service(std::ostream& out, std::ostream& err) {
  int rc = 0;
  ScHandle scm = open_scm(SC_MANAGER_CONNECT, err, rc);
  if (!scm) return rc;
  ScHandle svc(OpenServiceW(scm.get(), kServiceName, DELETE | SERVICE_STOP | SERVICE_QUERY_STATUS));
  if (!svc) {
    const DWORD e = GetLastError();
    if (e != ERROR_SERVICE_DOES_NOT_EXIST) return fail(err, "cannot open the service", e);
    out << "The dunghan service is not installed.\n";
  } else {
    auto s = query_status(svc.get());
    if (s && s->dwCurrentState != SERVICE_STOPPED) {
      out << "Stopping the service...\n";
      SERVICE_STATUS st{};
      if (!ControlService(svc.get(), SERVICE_CONTROL_STOP, &st) &&
          GetLastError() != ERROR_SERVICE_NOT_ACTIVE) {
        const DWORD e = GetLastError();
        if (e == ERROR_ACCESS_DENIED) return fail(err, "cannot stop the service", e);
        err << "warning: cannot stop the service: " << error_text(e) << '\n';
      }
      s = wait_while(svc.get(), SERVICE_STOP_PENDING);
      if (s && s->dwCurrentState != SERVICE_STOPPED) {
        err << "warning: the service is still " << state_name(s->dwCurrentState)
            << "; Windows removes it once it has stopped.\n";
      }
    }
    if (!DeleteService(svc.get())) {
      const DWORD e = GetLastError();
      if (e != ERROR_SERVICE_MARKED_FOR_DELETE) return fail(err, "cannot delete the service", e);
    }
    out << "Removed the dunghan service.\n";
  }
  const LSTATUS r = RegDeleteKeyW(HKEY_LOCAL_MACHINE, kEventLogKey);
  if (r != ERROR_SUCCESS && r != ERROR_FILE_NOT_FOUND) {
    return fail(err, "cannot remove the event-log source", static_cast<DWORD>(r));
  }
  out << "Kept " << narrow(program_data_dir().wstring())
      << " (configuration, state and log files); delete it yourself if you no longer need it.\n";
  return 0;
}

int start_service(std::ostream& out, std::ostream& err) {
  int rc = 0;
  ScHandle scm = open_scm(SC_MANAGER_CONNECT, err, rc);
  if (!scm) return rc;
  ScHandle svc(OpenServiceW(scm.get(), kServiceName, SERVICE_START | SERVICE_QUERY_STATUS));
  if (!svc) {
    const DWORD e = GetLastError();
    if (e == ERROR_SERVICE_DOES_NOT_EXIST) {
      err << "error: the dunghan service is not installed; run `dunghan service install` first.\n";
      return 1;
    }
    return fail(err, "cannot open the service", e);
  }
  if (!StartServiceW(svc.get(), 0, nullptr)) {
    const DWORD e = GetLastError();
    if (e != ERROR_SERVICE_ALREADY_RUNNING) return fail(err, "cannot start the service", e);
  }
  const auto s = wait_while(svc.get(), SERVICE_START_PENDING);
  if (!s) return fail(err, "cannot query the service", GetLastError());
  if (s->dwCurrentState == SERVICE_RUNNING) {
    out << "The dunghan service is running (pid " << s->dwProcessId << ").\n";
    return 0;
  }
  err << "error: the dunghan service is " << state_name(s->dwCurrentState);
  if (s->dwCurrentState == SERVICE_STOPPED) err << " (" << exit_code_text(*s) << ")";
  err << ".\n" << kWhereLogs << '\n';
  return 1;
}

int stop_service(std::ostream& out, std::ostream& err) {
  int rc = 0;
  ScHandle scm = open_scm(SC_MANAGER_CONNECT, err, rc);
  if (!scm) return rc;
  ScHandle svc(OpenServiceW(scm.get(), kServiceName, SERVICE_STOP | SERVICE_QUERY_STATUS));
  if (!svc) {
    const DWORD e = GetLastError();
    if (e == ERROR_SERVICE_DOES_NOT_EXIST) {
      err << "error: the dunghan service is not installed.\n";
      return 1;
    }
    return fail(err, "cannot open the service", e);
  }
  SERVICE_STATUS st{};
  if (!ControlService(svc.get(), SERVICE_CONTROL_STOP, &st)) {
    const DWORD e = GetLastError();
    if (e == ERROR_SERVICE_NOT_ACTIVE) {
      out << "The dunghan service is not running.\n";
      return 0;
    }
    if (e != ERROR_SERVICE_CANNOT_ACCEPT_CTRL) return fail(err, "cannot stop the service", e);
    // Starting (no controls accepted yet) or already stopping: wait for the start to finish and
    // ask again, or wait for the stop.
    if (auto s = wait_while(svc.get(), SERVICE_START_PENDING);
        s && s->dwCurrentState == SERVICE_RUNNING &&
        !ControlService(svc.get(), SERVICE_CONTROL_STOP, &st)) {
      return fail(err, "cannot stop the service", GetLastError());
    }
  }
  const auto s = wait_while(svc.get(), SERVICE_STOP_PENDING);
  if (!s) return fail(err, "cannot query the service", GetLastError());
  if (s->dwCurrentState == SERVICE_STOPPED) {
    out << "The dunghan service has stopped (" << exit_code_text(*s) << ").\n";
    return 0;
  }
  err << "error: the dunghan service is still " << state_name(s->dwCurrentState) << " after "
      << std::chrono::duration_cast<std::chrono::seconds>(kCommandWaitLimit).count() << " s.\n"
      << kWhereLogs << '\n';
  return 1;
}

int print_service_status(std::ostream& out, std::ostream& err) {
  int rc = 0;
  ScHandle scm = open_scm(SC_MANAGER_CONNECT, err, rc);
  if (!scm) return rc;
  ScHandle svc(OpenServiceW(scm.get(), kServiceName, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG));
  if (!svc) {
    const DWORD e = GetLastError();
    if (e == ERROR_SERVICE_DOES_NOT_EXIST) {
      out << "The dunghan service is not installed.\n";
      return 1;
    }
    return fail(err, "cannot open the service", e);
  }
  const auto s = query_status(svc.get());
  if (!s) return fail(err, "cannot query the service", GetLastError());
  out << "dunghan service: " << state_name(s->dwCurrentState);
  if (s->dwProcessId != 0) out << " (pid " << s->dwProcessId << ")";
  out << '\n';
  if (s->dwCurrentState == SERVICE_STOPPED) out << "  last " << exit_code_text(*s) << '\n';

  DWORD needed = 0;
  QueryServiceConfigW(svc.get(), nullptr, 0, &needed);
  std::vector<std::uint64_t> buf(needed / sizeof(std::uint64_t) + 1);  // 8-byte aligned
  auto* cfg = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buf.data());
  if (QueryServiceConfigW(svc.get(), cfg, static_cast<DWORD>(buf.size() * sizeof(std::uint64_t)),
                          &needed)) {
    SERVICE_DELAYED_AUTO_START_INFO delayed{};
    DWORD n2 = 0;
    const bool is_delayed =
        QueryServiceConfig2W(svc.get(), SERVICE_CONFIG_DELAYED_AUTO_START_INFO,
                             reinterpret_cast<LPBYTE>(&delayed), sizeof delayed, &n2) &&
        delayed.fDelayedAutostart;
    const char* start = cfg->dwStartType == SERVICE_AUTO_START     ? "automatic"
                        : cfg->dwStartType == SERVICE_DEMAND_START ? "manual"
                        : cfg->dwStartType == SERVICE_DISABLED     ? "disabled"
                                                                   : "other";
    out << "  start type:    " << start << (is_delayed ? " (delayed)" : "") << '\n';
    if (cfg->lpBinaryPathName != nullptr)
      out << "  command line:  " << narrow(cfg->lpBinaryPathName) << '\n';
    if (cfg->lpServiceStartName != nullptr)
      out << "  account:       " << narrow(cfg->lpServiceStartName) << '\n';
  }
  out << kWhereLogs << '\n';
  return 0;
}

}  // namespace dunghan::windows_service

#endif  // _WIN32
