// calendar, workdays, deadline, lunar: the working calendar as command-line tools.
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "calendar/due_date.h"
#include "calendar/holidays.h"
#include "calendar/lunar.h"
#include "calendar/work_calendar.h"
#include "deadline/clock.h"

namespace dunghan::app {
namespace {

using calendar::Date;
using nlohmann::json;

struct CalendarTool {
  config::Config cfg;
  std::shared_ptr<const calendar::WorkCalendar> cal;
};

std::optional<CalendarTool> open_tool(const GlobalOptions& g) {
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return std::nullopt;
  try {
    auto cal = config::build_calendar(*cfg);
    return CalendarTool{std::move(*cfg), std::move(cal)};
  } catch (const calendar::CalendarError& e) {
    std::cerr << "error: calendar: " << e.what() << '\n';
  }
  return std::nullopt;
}

// ---- calendar --year Y ----------------------------------------------------------------------

int run_calendar(const GlobalOptions& g, int year, const std::string& format) {
  auto tool = open_tool(g);
  if (!tool) return kUsageOrConfig;
  const calendar::WorkCalendar& cal = *tool->cal;
  using namespace std::chrono;
  const Date first{std::chrono::year{year} / January / 1};
  const Date last{std::chrono::year{year} / December / 31};
  json off = json::array(), makeup = json::array(), holidays = json::array();
  for (Date d = first; d <= last; d += days{1}) {
    const calendar::DayInfo info = cal.describe(d);
    if (!info.rest_day && !info.working) {
      off.push_back({{"date", calendar::format_date(d)},
                     {"name", info.name},
                     {"kind", info.kind ? std::string(calendar::to_string(*info.kind)) : "day_off"},
                     {"source", info.source}});
    } else if (info.rest_day && info.working) {
      makeup.push_back(
          {{"date", calendar::format_date(d)}, {"name", info.name}, {"source", info.source}});
    }
  }
  const bool provisional = cal.is_provisional(year);
  // Every statutory holiday date, also on a weekend (issue "Working calendar"): in a provisional
  // year the statutory rules' own list (a Tết day on a Saturday is listed on its date, not on the
  // weekday it gives off); in a declared year the holidays of the official schedule.
  const std::vector<calendar::DayEntry> listed =
      provisional && cal.spec().statutory_rules
          ? calendar::statutory_year(year, cal.spec().rest_days).holidays
          : cal.entries_in_year(year);
  for (const calendar::DayEntry& e : listed) {
    if (e.kind != calendar::DayKind::holiday || calendar::year_of(e.date) != year) continue;
    holidays.push_back({{"date", calendar::format_date(e.date)},
                        {"name", e.name},
                        {"kind", std::string(calendar::to_string(e.kind))}});
  }
  if (format == "json") {
    json out = {{"year", year},
                {"provisional", provisional},
                {"non_working_weekdays", off},
                {"working_weekend_days", makeup},
                {"holidays", holidays}};
    std::cout << out.dump(2) << '\n';
    return kOk;
  }
  std::cout << "Lịch làm việc năm " << year
            << (provisional ? " (TẠM TÍNH theo Bộ luật Lao động: chưa có lịch chính thức)"
                            : " (theo lịch chính thức)")
            << "\n\n";
  auto print_rows = [](const char* title, const json& rows) {
    std::cout << title << (rows.empty() ? ": không có\n" : ":\n");
    for (const json& r : rows) {
      const Date d = *calendar::parse_date(r["date"].get<std::string>());
      std::cout << "  " << pad(calendar::weekday_name_vn(d), 9) << calendar::format_date_vn(d)
                << "  ";
      if (r.contains("source")) {
        std::cout << pad(r["name"].get<std::string>(), 34) << "  "
                  << r["source"].get<std::string>();
      } else {
        std::cout << r["name"].get<std::string>();
      }
      std::cout << '\n';
    }
    std::cout << '\n';
  };
  print_rows("Ngày nghỉ trong tuần làm việc", off);
  print_rows("Ngày làm việc bù vào ngày nghỉ hằng tuần", makeup);
  print_rows("Các ngày lễ, Tết theo luật", holidays);
  const calendar::WorkingDays total = cal.count_working_days(first, last);
  std::cout << "Tổng số ngày làm việc: " << total.count << '\n';
  return kOk;
}

// ---- workdays --from D --to D ---------------------------------------------------------------

int run_workdays(const GlobalOptions& g, const std::string& from, const std::string& to) {
  auto a = date_arg(from, "--from");
  auto b = date_arg(to, "--to");
  if (!a || !b) return kUsageOrConfig;
  auto tool = open_tool(g);
  if (!tool) return kUsageOrConfig;
  const calendar::WorkingDays n = tool->cal->count_working_days(*a, *b);
  std::cout << json{{"working_days", n.count}}.dump() << '\n';
  return kOk;
}

// ---- deadline --received T (--duration D | --procedure CODE) ---------------------------------

/// The due date the daemon computes: the same [deadline] options (working_days_as) and, with
/// --procedure, the catalogue's duration and cut-off (deadline::due_options_for, the clock's own).
int run_deadline(const GlobalOptions& g, const std::string& received,
                 const std::optional<std::string>& duration,
                 const std::optional<std::string>& procedure,
                 const std::optional<std::string>& cutoff, const std::string& format) {
  if (!duration && !procedure) {
    std::cerr << "error: give --duration (e.g. \"15 ngày làm việc\") or --procedure CODE (a "
                 "procedure of the configuration's catalogue)\n";
    return kUsageOrConfig;
  }
  std::optional<calendar::Duration> dur;
  if (duration) {
    dur = calendar::parse_duration(*duration);
    if (!dur) {
      std::cerr << "error: --duration: \"" << *duration
                << "\" is not a duration (e.g. \"15 working days\", \"15 ngày làm việc\", "
                   "\"4 giờ làm việc\", \"30 ngày\")\n";
      return kUsageOrConfig;
    }
  }
  std::optional<calendar::MinuteOfDay> cut;
  if (cutoff) {
    cut = calendar::parse_hh_mm(*cutoff);
    if (!cut) {
      std::cerr << "error: --cutoff: \"" << *cutoff << "\" is not a time HH:MM\n";
      return kUsageOrConfig;
    }
  }
  auto tool = open_tool(g);
  if (!tool) return kUsageOrConfig;
  const deadline::Procedure* proc = nullptr;
  if (procedure) {
    proc = tool->cfg.procedures.find(*procedure);
    if (proc == nullptr) {
      std::cerr << "error: --procedure: no procedure \"" << *procedure
                << "\" in the configuration's catalogue ([[procedure]] entries";
      if (tool->cfg.procedures.size() > 0) {
        std::cerr << ":";
        for (const deadline::Procedure& p : tool->cfg.procedures.entries())
          std::cerr << ' ' << p.code;
      }
      std::cerr << ")\n";
      return kUsageOrConfig;
    }
    if (!dur) dur = proc->duration;
  }
  calendar::DueOptions options = deadline::due_options_for(proc, tool->cfg.deadline);
  if (cut) options.cutoff = cut;  // the command line wins over the catalogue
  const calendar::UtcOffset offset = tool->cal->offset();
  auto at = calendar::parse_instant(received, offset);
  if (!at) {
    std::cerr << "error: --received: \"" << received
              << "\" is not a date-time (YYYY-MM-DDTHH:MM, local time)\n";
    return kUsageOrConfig;
  }
  calendar::DueResult r;
  try {
    r = calendar::compute_due(*tool->cal, *at, *dur, options);
  } catch (const calendar::CalendarError& e) {
    std::cerr << "error: calendar: " << e.what() << '\n';
    return kUsageOrConfig;
  }
  const bool as_hours =
      options.working_days_as_hours && dur->unit == calendar::DurationUnit::working_days;
  if (format == "json") {
    json out = {
        {"received", calendar::format_iso(r.received, offset)},
        {"counting_from", calendar::format_iso(r.counting_from, offset)},
        {"due_date", calendar::format_date(r.due_date)},
        {"due_at", calendar::format_iso(r.due_at, offset)},
        {"provisional", r.provisional},
        {"duration", calendar::format_duration(*dur)},
        {"working_days_as", std::string(deadline::to_string(tool->cfg.deadline.working_days_as))}};
    out["cutoff"] = options.cutoff ? json(calendar::format_hh_mm(*options.cutoff)) : json(nullptr);
    if (proc != nullptr) out["procedure"] = proc->code;
    std::cout << out.dump(2) << '\n';
    return kOk;
  }
  const calendar::LocalDateTime rec = calendar::to_local(r.received, offset);
  const calendar::LocalDateTime from = calendar::to_local(r.counting_from, offset);
  const calendar::LocalDateTime due = calendar::to_local(r.due_at, offset);
  auto hm = [](const calendar::LocalDateTime& l) {
    return calendar::format_hh_mm(std::chrono::duration_cast<std::chrono::minutes>(l.time_of_day));
  };
  if (proc != nullptr) {
    std::cout << "Thủ tục:             " << proc->code
              << (proc->name.empty() ? "" : " — " + proc->name) << '\n';
  }
  std::cout << "Thời hạn giải quyết: " << calendar::format_duration_vn(*dur);
  if (as_hours) {
    std::cout << " (tính theo giờ: " << dur->amount * tool->cal->spec().hours_per_day
              << " giờ làm việc, working_days_as = \"hours\")";
  }
  std::cout << '\n';
  if (options.cutoff) {
    std::cout << "Giờ chốt tiếp nhận:  " << calendar::format_hh_mm(*options.cutoff)
              << " (nhận từ giờ này tính từ ngày làm việc sau)\n";
  }
  std::cout << "Tiếp nhận:           " << calendar::weekday_name_vn(rec.date) << ", "
            << calendar::format_date_vn(rec.date) << " " << hm(rec) << '\n'
            << "Bắt đầu tính từ:     " << calendar::weekday_name_vn(from.date) << ", "
            << calendar::format_date_vn(from.date) << " " << hm(from) << '\n'
            << "Hẹn trả kết quả:     " << calendar::weekday_name_vn(due.date) << ", "
            << calendar::format_date_vn(due.date) << " " << hm(due) << '\n';
  if (r.provisional) {
    std::cout << "Lưu ý: lịch nghỉ của năm liên quan là TẠM TÍNH (chưa có lịch chính thức).\n";
  }
  return kOk;
}

// ---- lunar ----------------------------------------------------------------------------------

int run_lunar(const std::optional<std::string>& date, const std::optional<std::string>& from,
              const std::optional<std::string>& to, const std::optional<std::string>& to_solar,
              bool leap, const std::string& format) {
  if (to_solar) {
    int d = 0, m = 0, y = 0;
    char tail = 0;
    if (std::sscanf(to_solar->c_str(), "%d/%d/%d%c", &d, &m, &y, &tail) != 3) {
      std::cerr << "error: --to-solar: \"" << *to_solar << "\" is not a lunar date D/M/YYYY\n";
      return kUsageOrConfig;
    }
    auto solar = calendar::lunar_to_solar(calendar::LunarDate{d, m, y, leap});
    if (!solar) {
      std::cerr << "error: --to-solar: lunar " << *to_solar << (leap ? " (leap month)" : "")
                << " does not exist\n";
      return kUsageOrConfig;
    }
    if (format == "json") {
      std::cout << json{{"solar", calendar::format_date(*solar)}}.dump() << '\n';
    } else {
      std::cout << calendar::format_date(*solar) << '\n';
    }
    return kOk;
  }
  std::optional<Date> a, b;
  if (date) {
    a = b = date_arg(*date, "DATE");
  } else if (from && to) {
    a = date_arg(*from, "--from");
    b = date_arg(*to, "--to");
  } else {
    std::cerr << "error: give a DATE, or --from and --to, or --to-solar D/M/YYYY\n";
    return kUsageOrConfig;
  }
  if (!a || !b) return kUsageOrConfig;
  if (*b < *a) {
    std::cerr << "error: --to is before --from\n";
    return kUsageOrConfig;
  }
  if (!calendar::in_supported_range(*a) || !calendar::in_supported_range(*b)) {
    std::cerr << "error: dates must lie within " << calendar::kFirstSupportedYear << ".."
              << calendar::kLastSupportedYear << '\n';
    return kUsageOrConfig;
  }
  json rows = json::array();
  std::ostringstream out;
  if (format == "csv") out << "solar,lunar_day,lunar_month,lunar_year,leap\n";
  for (Date d = *a; d <= *b; d += std::chrono::days{1}) {
    const calendar::LunarDate l = calendar::solar_to_lunar(d);
    if (format == "csv") {
      out << calendar::format_date(d) << ',' << l.day << ',' << l.month << ',' << l.year << ','
          << (l.leap ? 1 : 0) << '\n';
    } else if (format == "json") {
      rows.push_back({{"solar", calendar::format_date(d)},
                      {"lunar_day", l.day},
                      {"lunar_month", l.month},
                      {"lunar_year", l.year},
                      {"leap", l.leap}});
    } else {
      out << pad(calendar::weekday_name_vn(d), 9) << calendar::format_date_vn(d) << "  âm lịch "
          << std::setw(2) << l.day << '/' << std::setw(2) << l.month << (l.leap ? " (nhuận)" : "")
          << '/' << l.year << '\n';
    }
  }
  if (format == "json") {
    std::cout << (date ? rows[0] : rows).dump(2) << '\n';
  } else {
    std::cout << out.str();
  }
  return kOk;
}

/// The values the calendar commands' options are parsed into; owned by the commands' callbacks.
struct CalendarArgs {
  int year = 0;
  std::string format = "text";
  std::string from, to, received;
  std::optional<std::string> duration, procedure, cutoff, lunar_date, lunar_from, lunar_to,
      to_solar;
  bool leap = false;
};

}  // namespace

void add_calendar_commands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto a = std::make_shared<CalendarArgs>();

  CLI::App* cal = app.add_subcommand("calendar", "the working calendar of a year");
  cal->add_option("--year", a->year, "the year")
      ->required()
      ->check(CLI::Range(calendar::kFirstSupportedYear, calendar::kLastSupportedYear));
  cal->add_option("--format", a->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  add_config_option(cal, g);
  cal->callback([&g, &exit_code, a] { exit_code = run_calendar(g, a->year, a->format); });

  CLI::App* wd = app.add_subcommand("workdays", "working days between two dates, both included");
  wd->add_option("--from", a->from, "first date (YYYY-MM-DD)")->required();
  wd->add_option("--to", a->to, "last date (YYYY-MM-DD)")->required();
  add_config_option(wd, g);
  wd->callback([&g, &exit_code, a] { exit_code = run_workdays(g, a->from, a->to); });

  CLI::App* dl = app.add_subcommand(
      "deadline",
      "the due date of a dossier, counted as the daemon counts it ([deadline] working_days_as, "
      "the catalogue's cut-off)");
  dl->add_option("--received", a->received, "receipt, local time YYYY-MM-DDTHH:MM")->required();
  dl->add_option("--duration", a->duration,
                 "e.g. \"15 working days\", \"4 giờ làm việc\" (default with --procedure: the "
                 "catalogue's)");
  dl->add_option("--procedure", a->procedure,
                 "a procedure code of the catalogue ([[procedure]]): its duration and cut-off");
  dl->add_option(
      "--cutoff", a->cutoff,
      "intake cut-off HH:MM (receipt at or after → next day; overrides the catalogue's)");
  dl->add_option("--format", a->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  add_config_option(dl, g);
  dl->callback([&g, &exit_code, a] {
    exit_code = run_deadline(g, a->received, a->duration, a->procedure, a->cutoff, a->format);
  });

  CLI::App* ln = app.add_subcommand("lunar", "the Vietnamese lunar calendar (UTC+7)");
  ln->add_option("date", a->lunar_date, "a solar date YYYY-MM-DD");
  ln->add_option("--from", a->lunar_from, "first solar date of a range");
  ln->add_option("--to", a->lunar_to, "last solar date of a range");
  ln->add_option("--to-solar", a->to_solar, "a lunar date D/M/YYYY to convert to solar");
  ln->add_flag("--leap", a->leap, "with --to-solar: the lunar month is the leap month");
  ln->add_option("--format", a->format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));
  ln->callback([&exit_code, a] {
    exit_code =
        run_lunar(a->lunar_date, a->lunar_from, a->lunar_to, a->to_solar, a->leap, a->format);
  });
}

}  // namespace dunghan::app
