#pragma once
// Due dates of docs/rules.md §2: durations in working days, working hours or calendar days, receipt
// normalisation and the optional intake cut-off. Pure; no clock.

#include <optional>
#include <string>
#include <string_view>

#include "calendar/work_calendar.h"

namespace dunghan::calendar {

enum class DurationUnit { working_days, working_hours, calendar_days };

/// A procedure's legal duration: an amount and a unit.
struct Duration {
  std::int64_t amount = 0;
  DurationUnit unit = DurationUnit::working_days;
  friend bool operator==(const Duration&, const Duration&) = default;
};

/// Parses English and Vietnamese forms, case-insensitive, surrounding blanks ignored:
/// "15 working days", "1 working day", "15 ngày làm việc", "4 working hours", "4 giờ làm việc",
/// "30 days", "30 ngày", "30 calendar days". Amount 0..100000. Vietnamese diacritics are optional
/// and may be precomposed or combining ("15 ngay lam viec" is accepted). Returns nullopt on
/// anything else.
std::optional<Duration> parse_duration(std::string_view s);
/// "15 working days" / "4 working hours" / "30 days" (canonical English form).
std::string format_duration(const Duration& d);
/// "15 ngày làm việc" / "4 giờ làm việc" / "30 ngày".
std::string format_duration_vn(const Duration& d);

struct DueOptions {
  /// Receipt at or after this local time counts as received at the opening of the next working day.
  std::optional<MinuteOfDay> cutoff;
  /// `[deadline] working_days_as = "hours"`: N working days = N × hours_per_day office hours.
  bool working_days_as_hours = false;
};

struct DueResult {
  Instant received;          // as given
  Instant counting_from;     // the normalised receipt (after rolling and cut-off)
  Date due_date;             // local date of the due instant
  Instant due_at;            // the due instant
  bool provisional = false;  // some date between receipt and due lies in a provisional year
};

/// The due instant of a dossier received at `received` with `duration` (docs/rules.md §2):
///  - working_days: day 1 is the working day after the (normalised) receipt day; the due instant
///    is the close of the last session of the N-th working day. N = 0: the close of the receipt
///    day.
///  - working_hours: the first instant at which N hours of office time have elapsed since the
///    normalised receipt.
///  - calendar_days: receipt day + N, moved to the next working day if it is not one; due
///    instant as for working days.
/// Throws CalendarError when a date falls outside the supported range, or when duration.amount
/// lies outside 0..100000.
DueResult compute_due(const WorkCalendar& cal, Instant received, const Duration& duration,
                      const DueOptions& options = {});

}  // namespace dunghan::calendar
