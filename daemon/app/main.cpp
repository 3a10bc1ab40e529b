// dunghan: one binary, many subcommands. `dunghan help` lists them with the exit codes.
#include <iostream>

#include "app/app.h"
#include "app/manual.h"
#include "calendar/civil.h"
#include "log/logging.h"
#include "log/redact.h"

namespace dunghan::app {

std::optional<config::Config> load_for_tool(const GlobalOptions& g, std::ostream& err) {
  const config::ConfigChoice choice = config::choose_config_path(g.config);
  try {
    return config::load_or_default(choice);
  } catch (const config::ConfigError& e) {
    for (const config::Diagnostic& d : e.diagnostics()) err << "error: " << to_string(d) << '\n';
    err << e.diagnostics().size() << " error(s) in the configuration; nothing was done.\n";
  }
  return std::nullopt;
}

void add_config_option(CLI::App* cmd, GlobalOptions& g) {
  cmd->add_option("--config", g.config, "configuration file (TOML)")->option_text("FILE");
}

void setup_logging(const GlobalOptions& g, const config::Config* cfg) {
  log::LogSetup setup;
  std::string level = cfg != nullptr ? cfg->log.level : "info";
  if (g.log_level) level = *g.log_level;
  setup.level = log::parse_level(level).value_or(spdlog::level::info);
  if (cfg != nullptr && cfg->log.file) {
    setup.file = cfg->log.file->string();
    setup.file_max_bytes = cfg->log.max_size_mb * 1024 * 1024;
    setup.file_max_files = cfg->log.max_files;
  }
  log::init_logging(setup);
}

std::optional<calendar::Date> date_arg(const std::string& text, const char* option) {
  auto d = calendar::parse_date(text);
  if (!d) d = calendar::parse_date_dmy(text);
  if (!d) {
    std::cerr << "error: " << option << ": \"" << text
              << "\" is not a date (YYYY-MM-DD or DD/MM/YYYY)\n";
  }
  return d;
}

namespace {
std::string exit_codes_text() {
  std::string text;
  for (const ExitCodeDoc& e : exit_code_docs()) {
    text += "  " + std::to_string(e.code) + "  " + std::string(e.meaning) + "\n";
  }
  return text;
}
}  // namespace

std::string help_epilogue() {
  return R"(Commands:
  help                     this text
  check-config             validate the configuration and summarise it
  run [--once]             the alert daemon (--once: one cycle, then exit)
  store init               create or migrate the embedded dossier store
  store check              run [store.mapping] once on the agency's database and show what it
                           reads (rows, decoded fields, unmapped columns, bad timestamps, times)
  import --dossiers F.csv [--events F.csv]
                           load dossiers and events (bad rows rejected with line and column)
  status                   open dossiers, most urgent first
  report --quarter 2026-Q3 | --month 2026-09 | --year 2026 | --from D --to D
                           form 6a (Biểu II.06a/VPCP/KSTT): text, md, csv, json, html,
                           xlsx (--output FILE)
  audit                    issued appointments that disagree with the calendar
  alerts preview | explain CODE | test --channel C --to R
                           what would be sent, one dossier's clock, a test message
  outbox list | retry KEY|--dead | cancel KEY
                           the alert ledger
  state copy --to-config F copy the store and ledger into another configuration's
                           (SQLite to PostgreSQL or back)
  silence add CODE --until D --reason R [--rule R] [--by N] | list [--all] | expire ID
                           stop reminding about a dossier until a date, with who and why
  zalo set-token           store a Zalo OA token pair
  user add NAME [--role admin|viewer] | user list
                           users of the office pages (password from standard input)
  service install|uninstall|start|stop|status
                           the Windows service (on Linux: use systemd)
  calendar --year Y        the working calendar of a year (days off, make-up days, holidays)
  workdays --from D --to D working days between two dates, both included
  deadline --received T --duration "15 working days"
                           the due date and due instant of a dossier
  lunar DATE | --from D --to D | --to-solar D/M/YYYY
                           the Vietnamese lunar calendar (UTC+7)

Configuration: --config FILE, else $DUNGHAN_CONFIG, else )" +
         config::default_config_path().string() +
         R"(.
Tools other than check-config use the built-in defaults when there is no file at the default path.

Exit codes:
)" + exit_codes_text();
}

}  // namespace dunghan::app

int main(int argc, char** argv) {
  using namespace dunghan::app;
  CLI::App app{
      "dunghan — cảnh báo hạn xử lý hồ sơ thủ tục hành chính (deadline alerts for "
      "Vietnamese one-stop shops)",
      "dunghan"};
  app.set_version_flag("--version", std::string("dunghan ") + DUNGHAN_VERSION);
  app.require_subcommand(0, 1);
  app.footer("Run `dunghan help` for the commands and exit codes.");
  GlobalOptions g;
  add_config_option(&app, g);
  app.add_option("--log-level", g.log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  int exit_code = kOk;

  CLI::App* help = app.add_subcommand("help", "show the commands and exit codes");
  // Hidden: what the build installs (cmake/Install.cmake), generated from this very app.
  int man_section = 0;
  std::string completion;
  help->add_option("--man", man_section, "print the manual page of section 1 or 5")
      ->check(CLI::IsMember({1, 5}))
      ->group("");
  help->add_option("--completion", completion, "print the completion script for a shell")
      ->check(CLI::IsMember({"bash"}))
      ->group("");
  help->callback([&] {
    exit_code = kOk;
    if (man_section == 5) {
      std::cout << config_man_page();
    } else if (man_section == 1) {
      std::vector<std::string> problems;
      std::cout << cli_man_page(app, problems);
      for (const std::string& p : problems) std::cerr << "error: undocumented: " << p << '\n';
      if (!problems.empty()) exit_code = kUsageOrConfig;
    } else if (!completion.empty()) {
      std::cout << bash_completion(app);
    } else {
      std::cout << app.help() << '\n' << help_epilogue();
    }
  });
  add_config_commands(app, g, exit_code);
  add_calendar_commands(app, g, exit_code);
  add_dossier_commands(app, g, exit_code);
  add_report_commands(app, g, exit_code);
  add_alert_commands(app, g, exit_code);
  add_zalo_commands(app, g, exit_code);
  add_outbox_commands(app, g, exit_code);
  add_service_commands(app, g, exit_code);
  add_state_commands(app, g, exit_code);
  add_user_commands(app, g, exit_code);
  add_silence_commands(app, g, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsageOrConfig;
  } catch (const std::exception& e) {
    std::cerr << "error: " << dunghan::log::redact(e.what()) << '\n';
    return kUsageOrConfig;
  }
  if (app.get_subcommands().empty()) {
    std::cout << app.help() << '\n' << help_epilogue();
    return kUsageOrConfig;
  }
  return exit_code;
}
