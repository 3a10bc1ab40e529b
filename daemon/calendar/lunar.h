#pragma once
// The Vietnamese lunar calendar: Hồ Ngọc Đức's astronomical algorithm evaluated at UTC+7
// (docs/rules.md §1, docs/rules.md §1.5). Pure functions, no tables read from disk.

#include <optional>

#include "calendar/civil.h"

namespace dunghan::calendar {

struct LunarDate {
  int day = 1;        // 1..30
  int month = 1;      // 1..12
  int year = 0;       // the lunar year, numbered as the solar year in which it mostly falls
  bool leap = false;  // true in a leap (intercalary) month
  friend bool operator==(const LunarDate&, const LunarDate&) = default;
};

/// The lunar date of the solar date `d` (Vietnam, UTC+7). Valid for solar years 1900..2199;
/// throws CalendarError outside. The first call builds a table of all lunar months of the range
/// (about 3 ms, thread-safe); later calls are a binary search.
LunarDate solar_to_lunar(Date d);

/// The solar date of a lunar date. Returns nullopt when no such lunar day exists (day 30 of a
/// 29-day month, a leap flag on a month that is not leap that year, day/month out of 1..30/1..12),
/// or when the solar date would fall outside 1900-01-01..2199-12-31. Never throws.
std::optional<Date> lunar_to_solar(const LunarDate& l);

/// The leap month of lunar year `year` (1..12), or 0 when the year has none. The leap month
/// repeats the number of the month before it (leap 3 follows the regular 3rd month).
/// Throws CalendarError for a lunar year outside [kFirstSupportedYear, kLastSupportedYear].
int lunar_leap_month(int year);

}  // namespace dunghan::calendar
