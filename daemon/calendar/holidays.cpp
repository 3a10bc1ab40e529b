#include "calendar/holidays.h"

#include <algorithm>
#include <set>
#include <string>

#include "calendar/lunar.h"

namespace dunghan::calendar {

namespace {

using std::chrono::days;
using std::chrono::weekday;

constexpr std::string_view kArt112 = "Bộ luật Lao động 2019, Điều 112";
constexpr std::string_view kArt111 = "Bộ luật Lao động 2019, Điều 111(3)";

constexpr std::string_view kNewYear = "Tết Dương lịch";
constexpr std::string_view kTet = "Tết Nguyên đán";
constexpr std::string_view kHungKings = "Giỗ Tổ Hùng Vương";
constexpr std::string_view kVictory = "Ngày Chiến thắng";
constexpr std::string_view kLabour = "Ngày Quốc tế Lao động";
constexpr std::string_view kNationalDay = "Quốc khánh";

Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

DayEntry entry(Date d, DayKind kind, std::string_view name, std::string_view source) {
  return DayEntry{d, kind, std::string(name), std::string(source)};
}

/// The day of September adjacent to 2/9 (docs/rules.md §1): by the weekday of 2/9,
/// Mon → 3, Tue → 1, Wed → 1, Thu → 3, Fri → 1, Sat → 1, Sun → 3.
unsigned national_day_adjacent(weekday w) {
  constexpr unsigned kByWeekday[7] = {3, 3, 1, 1, 3, 1, 1};  // index = c_encoding, 0 = Sunday
  return kByWeekday[w.c_encoding()];
}

class YearBuilder {
 public:
  explicit YearBuilder(WeekdaySet rest) : rest_(rest) {}

  bool is_rest(Date d) const { return rest_.contains(weekday{d}); }
  bool is_free(Date d) const { return !is_rest(d) && off_.count(d) == 0; }

  /// A statutory holiday on its own date; on a working day it becomes a day off.
  void holiday(Date d, std::string_view name) {
    holidays_.push_back(entry(d, DayKind::holiday, name, kArt112));
    if (!is_rest(d)) off_.insert(d);
  }

  /// The Tết block [first, first + 4]: every day of it is a statutory holiday on its own date; a
  /// day on a weekly rest day gives its day off on the nearest free working day before the block
  /// (a Saturday, with the Sat/Sun week) or after it (any other) — a moved day, which is a day off
  /// but no statutory date.
  void tet(Date first) {
    const Date last = first + days{4};
    const bool sat_sun = rest_ == WeekdaySet::sat_sun();
    int before = 0;
    int after = 0;
    for (Date d = first; d <= last; d += days{1}) {
      holiday(d, kTet);  // on a rest day: listed, no day off of its own
      if (!is_rest(d)) continue;
      if (sat_sun && weekday{d} == std::chrono::Saturday) {
        ++before;
      } else {
        ++after;
      }
    }
    Date cursor = first - days{1};
    for (int i = 0; i < before; ++i) {
      while (!is_free(cursor)) cursor -= days{1};
      moved(cursor);
    }
    cursor = last + days{1};
    for (int i = 0; i < after; ++i) {
      while (!is_free(cursor)) cursor += days{1};
      moved(cursor);
    }
  }

  /// A Tết day off moved out of the block onto `d` (a free working day).
  void moved(Date d) {
    moved_.push_back(entry(d, DayKind::holiday, kTet, kArt112));
    off_.insert(d);
  }

  /// Nghỉ bù (art. 111(3)) for every holiday so far on a weekly rest day, except Tết (moved
  /// instead), in date order: the next working day that is not already off.
  void compensate() {
    std::vector<DayEntry> sorted = holidays_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const DayEntry& a, const DayEntry& b) { return a.date < b.date; });
    for (const DayEntry& h : sorted) {
      if (!is_rest(h.date) || h.name == kTet) continue;
      Date d = h.date + days{1};
      while (!is_free(d)) d += days{1};
      compensatory_.push_back(entry(d, DayKind::compensatory, "Nghỉ bù " + h.name, kArt111));
      off_.insert(d);
    }
  }

  StatutoryYear finish() && {
    StatutoryYear y;
    y.holidays = std::move(holidays_);
    const auto by_date = [](const DayEntry& a, const DayEntry& b) { return a.date < b.date; };
    std::stable_sort(y.holidays.begin(), y.holidays.end(), by_date);
    for (const DayEntry& h : y.holidays) {
      // Two holidays on one working day (Hùng Kings on 30/4, only in 1947 within the range) give
      // one day off: art. 111(3) compensates only holidays on weekly rest days.
      if (is_rest(h.date) || (!y.days_off.empty() && y.days_off.back().date == h.date)) continue;
      y.days_off.push_back(h);
    }
    y.days_off.insert(y.days_off.end(), moved_.begin(), moved_.end());
    y.days_off.insert(y.days_off.end(), compensatory_.begin(), compensatory_.end());
    std::stable_sort(y.days_off.begin(), y.days_off.end(), by_date);
    return y;
  }

 private:
  WeekdaySet rest_;
  std::set<Date> off_;  // days off on working days so far
  std::vector<DayEntry> holidays_;
  std::vector<DayEntry> moved_;  // Tết days off moved out of the block (docs/rules.md §1)
  std::vector<DayEntry> compensatory_;
};

}  // namespace

std::string_view to_string(DayKind k) {
  switch (k) {
    case DayKind::holiday:
      return "holiday";
    case DayKind::compensatory:
      return "compensatory";
    case DayKind::swap:
      return "swap";
    case DayKind::makeup_workday:
      return "makeup_workday";
    case DayKind::admin_day_off:
      return "day_off";
    case DayKind::admin_working_day:
      return "working_day";
  }
  return "unknown";
}

StatutoryYear statutory_year(int year, WeekdaySet rest) {
  if (year < kFirstSupportedYear || year > kLastSupportedYear) {
    throw CalendarError("year " + std::to_string(year) + " is outside the supported range " +
                        std::to_string(kFirstSupportedYear) + ".." +
                        std::to_string(kLastSupportedYear));
  }
  if (rest.bits() == 0x7f) {
    throw CalendarError("every weekday is a weekly rest day: there is no working day");
  }
  YearBuilder b(rest);
  b.holiday(ymd(year, 1, 1), kNewYear);
  // Tết: giao thừa (the last day of the lunar year) and lunar 1/1..4/1. Tết always falls between
  // 21/01 and 20/02, so the whole block and its moved days stay inside `year`.
  const auto tet = lunar_to_solar(LunarDate{1, 1, year, false});
  if (!tet) throw CalendarError("no Tết date for year " + std::to_string(year));
  b.tet(*tet - days{1});
  const auto hung_kings = lunar_to_solar(LunarDate{10, 3, year, false});
  if (!hung_kings) throw CalendarError("no Hùng Kings date for year " + std::to_string(year));
  b.holiday(*hung_kings, kHungKings);
  b.holiday(ymd(year, 4, 30), kVictory);
  b.holiday(ymd(year, 5, 1), kLabour);
  const Date national_day = ymd(year, 9, 2);
  b.holiday(national_day, kNationalDay);
  b.holiday(ymd(year, 9, national_day_adjacent(weekday{national_day})), kNationalDay);
  b.compensate();
  return std::move(b).finish();
}

}  // namespace dunghan::calendar
