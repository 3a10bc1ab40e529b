#pragma once
// Official holiday schedule files (config/holidays/*.toml) → calendar::Schedule.
//
//   [schedule]
//   name = "…"
//   years = [2019, 2020]          # each year listed is authoritative (no statutory rules)
//   [[day]]
//   date = 2026-01-01             # or "2026-01-01"
//   kind = "holiday"              # holiday | compensatory | swap | makeup_workday
//   name = "Tết Dương lịch"
//   source = "CV 12729/VPCP-KGVX"

#include <filesystem>
#include <string_view>

#include "calendar/holidays.h"
#include "config/diagnostics.h"

namespace dunghan::config {

/// The text of the schedule shipped in config/holidays/vn.toml, compiled into the binary.
std::string_view builtin_schedule_text();
/// The name under which the built-in schedule is referred to in `[calendar] schedules`.
inline constexpr std::string_view kBuiltinScheduleName = "builtin:vn";

/// Parses a schedule from `text`; `origin` names it in diagnostics. Throws ConfigError listing
/// every problem: syntax, unknown keys, bad kinds, missing fields, dates outside 1900..2199,
/// duplicate dates.
calendar::Schedule parse_schedule(std::string_view text, const std::string& origin);
/// Reads and parses a schedule file. Throws ConfigError (also when the file cannot be read).
calendar::Schedule load_schedule_file(const std::filesystem::path& path);
/// The built-in schedule, parsed once.
const calendar::Schedule& builtin_schedule();

}  // namespace dunghan::config
