#include "config/schedule_file.h"

#include <fstream>
#include <map>
#include <sstream>

#include "config/table_reader.h"

namespace dunghan::config {
namespace {

std::optional<calendar::DayKind> parse_kind(std::string_view s) {
  using calendar::DayKind;
  if (s == "holiday") return DayKind::holiday;
  if (s == "compensatory") return DayKind::compensatory;
  if (s == "swap") return DayKind::swap;
  if (s == "makeup_workday") return DayKind::makeup_workday;
  return std::nullopt;
}

Diagnostic syntax_error(const toml::parse_error& e, const std::string& origin) {
  return Diagnostic{origin, static_cast<int>(e.source().begin.line),
                    static_cast<int>(e.source().begin.column), "",
                    "TOML syntax error: " + std::string(e.description())};
}

}  // namespace

calendar::Schedule parse_schedule(std::string_view text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw ConfigError({syntax_error(e, origin)});
  }
  ReadContext ctx{origin, {}, {}};
  TableReader top(root, "", ctx);
  calendar::Schedule schedule;
  schedule.origin = origin;
  if (auto head = top.subtable("schedule", true)) {
    head->string("name");
    head->string("description");
    if (const toml::array* years = head->table().get_as<toml::array>("years")) {
      head->accept("years");
      for (std::size_t i = 0; i < years->size(); ++i) {
        const auto* y = (*years)[i].as_integer();
        if (y == nullptr || y->get() < calendar::kFirstSupportedYear ||
            y->get() > calendar::kLastSupportedYear) {
          head->element_error("years", i, "expected a year 1900..2199");
          continue;
        }
        schedule.years.push_back(static_cast<int>(y->get()));
      }
    } else {
      head->integer("years", 0, 0, true);  // records "missing" or "wrong type"
    }
    head->finish();
  }
  std::map<int, std::size_t> seen;  // date → index in entries
  for (TableReader& day : top.array_of_tables("day")) {
    auto date = day.date("date", true);
    auto kind_text =
        day.one_of("kind", {"holiday", "compensatory", "swap", "makeup_workday"}, true);
    auto name = day.string("name", true);
    auto source = day.string("source", true);
    day.string("note");
    day.finish();
    if (!date || !kind_text || !name || !source) continue;
    const std::chrono::year_month_day ymd{std::chrono::year{date->year},
                                          std::chrono::month{date->month},
                                          std::chrono::day{date->day}};
    if (!ymd.ok()) {
      day.error("date", "not a valid date");
      continue;
    }
    const calendar::Date d{ymd};
    if (!calendar::in_supported_range(d)) {
      day.error("date", "date outside the supported years 1900..2199");
      continue;
    }
    const int key = static_cast<int>(d.time_since_epoch().count());
    if (auto it = seen.find(key); it != seen.end()) {
      day.error("date", calendar::format_date(d) + " is listed twice");
      continue;
    }
    seen.emplace(key, schedule.entries.size());
    schedule.entries.push_back(calendar::DayEntry{d, *parse_kind(*kind_text), *name, *source});
  }
  top.finish();
  if (!ctx.diagnostics.empty()) throw ConfigError(std::move(ctx.diagnostics));
  std::sort(
      schedule.entries.begin(), schedule.entries.end(),
      [](const calendar::DayEntry& a, const calendar::DayEntry& b) { return a.date < b.date; });
  return schedule;
}

calendar::Schedule load_schedule_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError({Diagnostic{path.string(), 0, 0, "", "cannot read schedule file"}});
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_schedule(buf.str(), path.string());
}

const calendar::Schedule& builtin_schedule() {
  static const calendar::Schedule schedule =
      parse_schedule(builtin_schedule_text(), std::string(kBuiltinScheduleName));
  return schedule;
}

}  // namespace dunghan::config
