// service install | uninstall | start | stop | status: the Windows service (windows-service/).
// The commands exist on every platform so that `dunghan help` is the same everywhere; on Linux
// they explain that systemd runs the daemon there.
#include <iostream>
#include <memory>

#include "app/app.h"

#ifdef _WIN32
#include "windows-service/windows_service.h"
#endif

namespace dunghan::app {
namespace {

#ifndef _WIN32
int not_on_this_platform() {
  std::cerr << "error: `dunghan service` manages the Windows service and exists only on Windows.\n"
               "On Linux, systemd runs the daemon: install the unit from systemd/ and use\n"
               "  systemctl enable --now dunghan    systemctl status dunghan    "
               "journalctl -u dunghan\n";
  return kUsageOrConfig;
}
#endif

}  // namespace

#ifdef _WIN32
int run_service_or_console(const service::DaemonOptions& options) {
  return windows_service::run_service_or_console(options);
}
#endif

void add_service_commands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  CLI::App* svc =
      app.add_subcommand("service", "install, remove, start, stop the Windows service (Windows)");
  svc->require_subcommand(1);

  CLI::App* install = svc->add_subcommand(
      "install", "install (or update) the service: automatic delayed start, restart on failure");
  install->add_option("--config", g.config, "configuration file the service uses (TOML)")
      ->option_text("FILE");
  CLI::App* uninstall = svc->add_subcommand(
      "uninstall", "stop and remove the service (keeps %ProgramData%\\dunghan)");
  CLI::App* start = svc->add_subcommand("start", "start the service and wait until it runs");
  CLI::App* stop = svc->add_subcommand("stop", "stop the service gracefully and wait");
  CLI::App* status = svc->add_subcommand("status", "the service's state, start type, command line");

#ifdef _WIN32
  namespace ws = windows_service;
  install->callback([&g, &exit_code] {
    ws::InstallOptions o;
    o.config = g.config;
    exit_code = ws::install_service(o, std::cout, std::cerr);
  });
  uninstall->callback([&exit_code] { exit_code = ws::uninstall_service(std::cout, std::cerr); });
  start->callback([&exit_code] { exit_code = ws::start_service(std::cout, std::cerr); });
  stop->callback([&exit_code] { exit_code = ws::stop_service(std::cout, std::cerr); });
  status->callback([&exit_code] { exit_code = ws::print_service_status(std::cout, std::cerr); });
#else
  for (CLI::App* cmd : {install, uninstall, start, stop, status}) {
    cmd->callback([&exit_code] { exit_code = not_on_this_platform(); });
  }
#endif
}

}  // namespace dunghan::app
