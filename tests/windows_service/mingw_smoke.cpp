// Cross-compile smoke program for scripts/check-windows (not built by CMake). Links the real SCM
// glue (windows-service/windows_service.cpp), the state machine and the real `dunghan service`
// commands (daemon/app/cmd_service.cpp) against a stand-in daemon, so that it proves the Windows
// code links without the modules that need libcurl, SQLite or OpenSSL. Under wine it also runs:
//   mingw_smoke.exe state                 prints the state machine's reports for a full run
//   mingw_smoke.exe run --console-test    console mode: the stand-in daemon sends itself
//                                         Ctrl+Break then Ctrl+C and checks it got reload, stop
//   mingw_smoke.exe run                   what the installed service runs
//   mingw_smoke.exe service <command>     the real `dunghan service …` commands
// The stand-in daemon appends what happens to smoke-trace.txt in its working directory (in service
// mode %ProgramData%\dunghan, which also checks that the working directory was set).
#ifdef _WIN32

#include <windows.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "app/app.h"
#include "service/daemon.h"
#include "windows-service/service_state.h"

namespace dunghan::service {

namespace {

bool g_console_test = false;  // `run --console-test`: send ourselves Ctrl+Break and Ctrl+C

void trace(const std::string& line) {
  std::ofstream("smoke-trace.txt", std::ios::app) << line << '\n';
  std::cerr << "smoke: " << line << '\n';
}

class FakeControl final : public DaemonControl {
 public:
  void request_stop() override {
    std::lock_guard lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  void request_reload() override {
    std::lock_guard lock(mu_);
    ++reloads_;
    cv_.notify_all();
  }
  /// Waits until a stop is requested or `limit` passes; returns whether a stop came.
  bool wait_for_stop(std::chrono::seconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [this] { return stop_; });
  }
  int reloads() {
    std::lock_guard lock(mu_);
    return reloads_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  int reloads_ = 0;
};

}  // namespace

// The stand-in for the real daemon (daemon/service/daemon.cpp needs SQLite, libcurl, OpenSSL).
int run_daemon(const DaemonOptions& /*options*/, DaemonHooks hooks) {
  FakeControl control;
  auto report = [&hooks](Lifecycle l) {
    trace("lifecycle " + std::string(to_string(l)));
    if (hooks.on_lifecycle) hooks.on_lifecycle(l, "");
  };
  trace(std::string("handle_signals=") + (hooks.handle_signals ? "true" : "false") +
        " systemd_notify=" + (hooks.systemd_notify ? "true" : "false"));
  std::error_code ec;
  trace("cwd=" + std::filesystem::current_path(ec).string());
  if (hooks.on_control_ready) hooks.on_control_ready(control);
  report(Lifecycle::starting);
  report(Lifecycle::running);
  // In the console test, ask for a reload and a stop the way a user would; as a service, the
  // SCM's STOP is awaited instead.
  if (g_console_test) {
    std::thread([] {
      Sleep(300);
      if (!GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, 0)) {
        trace("GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT) failed error=" +
              std::to_string(GetLastError()));
      }
      Sleep(300);
      if (!GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0)) {
        trace("GenerateConsoleCtrlEvent(CTRL_C_EVENT) failed error=" +
              std::to_string(GetLastError()));
      }
    }).detach();
  }
  const bool stopped = control.wait_for_stop(std::chrono::seconds(20));
  trace("reloads=" + std::to_string(control.reloads()) +
        " stop_requested=" + (stopped ? "true" : "false"));
  report(Lifecycle::stopping);
  report(Lifecycle::stopped);
  return stopped ? 0 : 3;
}

}  // namespace dunghan::service

namespace {

int print_state_machine_run() {
  using dunghan::service::Lifecycle;
  using namespace dunghan::windows_service;
  ServiceStateMachine m;
  auto show = [](const char* event, const Decision& d) {
    std::cout << event << ":";
    if (d.report) {
      std::cout << " state=" << static_cast<unsigned>(d.report->state)
                << " checkpoint=" << d.report->checkpoint
                << " wait_hint_ms=" << d.report->wait_hint.count()
                << " accepted=" << d.report->controls_accepted
                << " exit=" << d.report->win32_exit_code << "/" << d.report->service_exit_code;
    }
    if (d.action == DaemonAction::request_stop) std::cout << " action=request_stop";
    if (d.action == DaemonAction::request_reload) std::cout << " action=request_reload";
    std::cout << '\n';
  };
  show("start_requested", m.start_requested());
  show("lifecycle_starting", m.on_lifecycle(Lifecycle::starting));
  show("tick", m.on_tick());
  show("lifecycle_running", m.on_lifecycle(Lifecycle::running));
  show("control_paramchange", m.on_control(SERVICE_CONTROL_PARAMCHANGE));
  show("control_stop", m.on_control(SERVICE_CONTROL_STOP));
  show("lifecycle_stopped", m.on_lifecycle(Lifecycle::stopped));
  show("exit_0", m.on_exit(0));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "state") return print_state_machine_run();
  if (mode == "run") {
    dunghan::service::g_console_test = argc > 2 && std::string(argv[2]) == "--console-test";
    dunghan::service::DaemonOptions options;
    return dunghan::app::run_service_or_console(options);
  }
  if (mode == "service") {
    CLI::App app{"mingw smoke", "mingw_smoke"};
    dunghan::app::GlobalOptions g;
    int exit_code = 0;
    dunghan::app::add_service_commands(app, g, exit_code);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return app.exit(e);
    }
    return exit_code;
  }
  std::cerr << "usage: mingw_smoke state | run | service <install|uninstall|start|stop|status>\n";
  return 2;
}

#endif  // _WIN32
