#pragma once
// Shared pieces of the subcommands: exit codes, global options, config loading for tools.

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "config/config.h"

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

/// Sets up logging from the config and --log-level (stderr or the journal).
void setup_logging(const GlobalOptions& g, const config::Config* cfg);

/// Display width of UTF-8 text in a terminal: code points (NFC Vietnamese has no wide glyphs).
std::size_t display_width(std::string_view s);
/// `s` followed by spaces up to `width` display columns (never truncated).
std::string pad(std::string_view s, std::size_t width);

/// The text printed by `dunghan help` after CLI11's own help: subcommands and exit codes.
std::string help_epilogue();

// Registration of each group of subcommands. Each adds its subcommands to `app` and sets a
// callback that stores the exit code in `exit_code`.
void add_config_commands(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_calendar_commands(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_dossier_commands(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_alert_commands(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_zalo_commands(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_outbox_commands(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_service_commands(CLI::App& app, GlobalOptions& g, int& exit_code);  // cmd_service.cpp

#ifdef _WIN32
/// `dunghan run` on Windows: as the service when the Service Control Manager started the process,
/// otherwise in the console (Ctrl+C stops, Ctrl+Break reloads). Returns the exit code.
/// See windows-service/windows_service.h.
int run_service_or_console(const service::DaemonOptions& options);
#endif

}  // namespace dunghan::app
