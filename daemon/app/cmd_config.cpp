// check-config: validate the configuration and print a one-paragraph summary.
#include <iostream>

#include "app/app.h"
#include "calendar/civil.h"
#ifdef DUNGHAN_HAVE_service
#include "service/endpoint_check.h"
#endif
#ifdef DUNGHAN_HAVE_store
#include "service/runtime.h"
#include "store/db_url.h"
#include "store/mapped_store.h"
#endif

namespace dunghan::app {

void add_config_commands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "check-config", "validate the configuration file and summarise it (exit 0 valid, 1 invalid)");
  cmd->add_option("--config", g.config, "configuration file (TOML)")->option_text("FILE");
  cmd->callback([&g, &exit_code] {
    const config::ConfigChoice choice = config::choose_config_path(g.config);
    try {
      config::Config cfg = config::load_config(choice.path);
      auto cal = config::build_calendar(cfg);
#ifdef DUNGHAN_HAVE_service
      const std::vector<std::string> endpoint = service::check_endpoint(cfg);
      for (const std::string& p : endpoint) {
        std::cerr << "error: " << choice.path.string() << ": " << p << '\n';
      }
      if (!endpoint.empty()) {
        std::cerr << endpoint.size() << " error(s); the configuration is not valid.\n";
        exit_code = kUsageOrConfig;
        return;
      }
#endif
      std::string store_line;
#ifdef DUNGHAN_HAVE_store
      if (cfg.store.mapping && !cfg.store.mapping->url.empty()) {
        // The url's full check (a password in it, its parts) lives with the store.
        const auto url = store::parse_db_url(cfg.store.mapping->url);
        if (const auto* e = std::get_if<store::DbUrlError>(&url)) {
          std::cerr << "error: " << choice.path.string()
                    << ": key `store.mapping.url`: " << e->message
                    << "\n1 error(s); the configuration is not valid.\n";
          exit_code = kUsageOrConfig;
          return;
        }
        store_line = "Dossiers are read from " + store::describe(std::get<store::DbUrl>(url)) +
                     " (read-only; `dunghan store check` connects and shows what the mapping "
                     "reads).\n";
      }
#endif
      std::cout << config::summary(cfg, cal.get()) << '\n' << store_line;
      exit_code = kOk;
#ifdef DUNGHAN_HAVE_store
      if (cfg.store.mapping) {
        for (const std::string& w :
             store::mapping_warnings(service::store_settings(cfg).mapping.value())) {
          std::cerr << "warning: " << w << '\n';
        }
      }
#endif
    } catch (const config::ConfigError& e) {
      for (const config::Diagnostic& d : e.diagnostics()) {
        std::cerr << "error: " << to_string(d) << '\n';
      }
      std::cerr << e.diagnostics().size() << " error(s); the configuration is not valid.\n";
      exit_code = kUsageOrConfig;
    } catch (const calendar::CalendarError& e) {
      std::cerr << "error: " << choice.path.string() << ": calendar: " << e.what() << '\n';
      exit_code = kUsageOrConfig;
    }
  });
}

}  // namespace dunghan::app
