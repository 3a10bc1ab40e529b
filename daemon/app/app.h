#pragma once
// Shared pieces of the subcommands: exit codes, global options, config loading for tools.

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "calendar/civil.h"
#include "config/config.h"
#include "text/width.h"

namespace dunghan::service {
struct DaemonOptions;
}

namespace dunghan::app {

/// Process exit codes (documented in `dunghan help`).
enum ExitCode : int {
  kOk = 0,             // success
  kUsageOrConfig = 1,  // bad command line, bad or missing configuration, bad input value
  kPartial = 2,        // partial failure: some input was rejected, the rest was processed
};

struct GlobalOptions {
  std::optional<std::string> config;     // --config FILE
  std::optional<std::string> log_level;  // --log-level LEVEL
};

/// Loads the configuration for a tool command: --config, then $DUNGHAN_CONFIG, then the default
/// path; with no file at the default path, the built-in defaults. On error prints every
/// diagnostic to `err` and returns nullopt.
std::optional<config::Config> load_for_tool(const GlobalOptions& g, std::ostream& err);

/// Adds the `--config FILE` option (the configuration file, TOML) to `cmd`, stored in g.config.
void add_config_option(CLI::App* cmd, GlobalOptions& g);

/// Sets up logging from the config and --log-level (stderr or the journal).
void setup_logging(const GlobalOptions& g, const config::Config* cfg);

using text::display_width;  // terminal columns of UTF-8 text (text/width.h)
using text::pad;            // `s` padded with spaces to a number of columns, never truncated

/// A command-line date (`option` names it in the error): YYYY-MM-DD or DD/MM/YYYY. On error
/// prints "error: OPTION: …" to stderr and returns nullopt.
std::optional<calendar::Date> date_arg(const std::string& text, const char* option);

/// The text printed by `dunghan help` after CLI11's own help: subcommands and exit codes.
std::string help_epilogue();

// Registration of each group of subcommands. Each adds its subcommands to `app` and sets a
// callback that stores the exit code in `exit_code`.
void add_config_commands(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_calendar_commands(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_dossier_commands(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_report_commands(CLI::App& app, GlobalOptions& g, int& exit_code);  // cmd_report.cpp
void add_alert_commands(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_zalo_commands(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_outbox_commands(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_service_commands(CLI::App& app, GlobalOptions& g, int& exit_code);  // cmd_service.cpp
void add_state_commands(CLI::App& app, GlobalOptions& g, int& exit_code);    // cmd_state.cpp
void add_user_commands(CLI::App& app, GlobalOptions& g, int& exit_code);     // cmd_users.cpp
/// `store check` under the `store` command (cmd_store_check.cpp).
void add_store_check_command(CLI::App& store_cmd, GlobalOptions& g, int& exit_code);
void add_silence_commands(CLI::App& app, GlobalOptions& g, int& exit_code);  // cmd_silence.cpp

#ifdef _WIN32
/// `dunghan run` on Windows: as the service when the Service Control Manager started the process,
/// otherwise in the console (Ctrl+C stops, Ctrl+Break reloads). Returns the exit code.
/// See windows-service/windows_service.h.
int run_service_or_console(const service::DaemonOptions& options);
#endif

}  // namespace dunghan::app
