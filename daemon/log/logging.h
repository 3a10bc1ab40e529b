#pragma once
// Logging set-up. Log lines are English, one event per line, key=value style:
//   spdlog::info("event=config_loaded path={} calendars={}", path, n);
// Every sink is wrapped so that registered secrets (redact.h) never reach it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/common.h>

namespace dunghan::log {

enum class Target {
  automatic,  // the journal when JOURNAL_STREAM is set (started by systemd), otherwise stderr
  stderr_only,
  journal,
};

struct LogSetup {
  spdlog::level::level_enum level = spdlog::level::info;
  Target target = Target::automatic;
  /// Optional rotating file, in addition to the journal or stderr.
  std::optional<std::string> file;
  std::size_t file_max_bytes = 10 * 1024 * 1024;
  std::size_t file_max_files = 5;
};

/// Parses "trace", "debug", "info", "warn"/"warning", "error", "critical", "off".
std::optional<spdlog::level::level_enum> parse_level(std::string_view s);

/// Installs the default logger according to `setup`. May be called again (e.g. after a reload);
/// the new logger replaces the old one. Throws spdlog::spdlog_ex when the log file cannot be
/// opened.
void init_logging(const LogSetup& setup);

/// Quotes a value for key=value output when it contains blanks, quotes or '='; otherwise returns
/// it unchanged. Control characters are escaped so that one event stays on one line.
std::string kv_value(std::string_view value);

}  // namespace dunghan::log
