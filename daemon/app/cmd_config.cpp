// check-config: validate the configuration and print a one-paragraph summary; with server
// databases ([store] / [state] kind = "postgresql") also connect to them (unless --offline).
#include <iostream>
#include <memory>

#include "app/app.h"
#include "calendar/civil.h"
#include "log/redact.h"
#ifdef DUNGHAN_HAVE_service
#include "pg/connection.h"
#include "service/endpoint_check.h"
#include "service/server_db.h"
#endif
#ifdef DUNGHAN_HAVE_store
#include "service/runtime.h"
#include "store/db_url.h"
#include "store/mapped_store.h"
#endif

namespace dunghan::app {
namespace {

#ifdef DUNGHAN_HAVE_service
/// Checks the server databases of `cfg`: each url must parse; unless `offline`, each server must
/// accept a connection within its timeout (5 s). Prints a line per database (stdout) and every
/// problem (stderr, naming the key, the server and the database, never a password). Returns
/// true when all is well.
bool check_server_databases(const config::Config& cfg, const std::string& file, bool offline) {
  struct Db {
    const char* key;
    const char* what;
    const std::optional<config::ServerDatabase>* db;
  };
  const Db dbs[] = {{"store.url", "Dossier store", &cfg.store.server},
                    {"state.url", "State (ledger, schedule)", &cfg.state.server}};
  bool ok = true;
  const std::string instance = service::service_instance_id(cfg);
  for (const Db& d : dbs) {
    if (!*d.db) continue;
    pg::ConnectSpec spec;
    try {
      spec = service::server_spec(**d.db, instance, d.key);
    } catch (const std::exception& e) {
      std::cerr << "error: " << file << ": " << log::redact(e.what()) << '\n';
      ok = false;
      continue;
    }
    if (offline) {
      std::cout << d.what << ": " << pg::describe(spec) << " (not connected: --offline)\n";
      continue;
    }
    try {
      pg::Connection c(spec);
      c.exec("SELECT 1");
      std::cout << d.what << ": " << pg::describe(spec) << ", connected (PostgreSQL "
                << c.server_version() / 10000 << ")\n";
    } catch (const pg::Error& e) {
      std::cerr << "error: " << file << ": key `" << d.key << "`: " << log::redact(e.what())
                << '\n';
      ok = false;
    }
  }
  return ok;
}
#endif

}  // namespace

void add_config_commands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "check-config", "validate the configuration file and summarise it (exit 0 valid, 1 invalid)");
  add_config_option(cmd, g);
  auto offline = std::make_shared<bool>(false);
  cmd->add_flag(
      "--offline", *offline,
      "do not connect to the PostgreSQL databases the file names (only check their urls)");
  cmd->callback([&g, &exit_code, offline] {
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
#ifdef DUNGHAN_HAVE_service
      if (!check_server_databases(cfg, choice.path.string(), *offline)) {
        std::cerr << "the configuration is valid, but a database it names cannot be used.\n";
        exit_code = kUsageOrConfig;
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
