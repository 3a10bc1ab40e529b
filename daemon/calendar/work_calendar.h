#pragma once
// WorkCalendar: the agency's working days and office time, precomputed once over
// [kFirstSupportedYear, kLastSupportedYear] so that every query is O(1) or O(log n) — never a
// loop over days (docs/rules.md §1; issue "Working calendar").
//
// Precedence of dated entries (docs/rules.md §1): admin entries > official schedules > statutory
// rules (the latter only for years no schedule declares; such years are "provisional"). All ranges
// of instants are half-open [a, b); ranges of dates say which ends they include.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "calendar/civil.h"
#include "calendar/holidays.h"

namespace dunghan::calendar {

/// A count of working days (value type; never a bare int).
struct WorkingDays {
  std::int64_t count = 0;
  friend auto operator<=>(const WorkingDays&, const WorkingDays&) = default;
};

/// An amount of office time in minutes (value type).
struct WorkingMinutes {
  std::int64_t count = 0;
  friend auto operator<=>(const WorkingMinutes&, const WorkingMinutes&) = default;
};

/// One office session of a working day: [start, end) in local minutes since midnight.
struct Session {
  MinuteOfDay start{0};
  MinuteOfDay end{0};
  friend bool operator==(const Session&, const Session&) = default;
};

/// Sessions that apply every year from `from` to `to`, both included; the range may wrap over
/// the new year (e.g. 10-16 … 04-15).
struct Season {
  std::chrono::month_day from;
  std::chrono::month_day to;
  std::vector<Session> sessions;
};

/// An admin's own dated entry ([[calendar.day_off]] / [[calendar.working_day]]).
struct DayOverride {
  Date date;
  std::string name;
};

/// Everything a WorkCalendar is built from. Defaults are the docs/rules.md §1 defaults.
struct CalendarSpec {
  UtcOffset offset{};
  WeekdaySet rest_days = WeekdaySet::sat_sun();
  std::vector<Session> sessions{
      {std::chrono::hours{7}, std::chrono::hours{11} + std::chrono::minutes{30}},
      {std::chrono::hours{13} + std::chrono::minutes{30}, std::chrono::hours{17}}};
  std::vector<Season> seasons;
  std::vector<Schedule> schedules;
  bool statutory_rules = true;  // false: provisional years get no holidays at all
  int hours_per_day = 8;        // used for "N working days" counted as hours
  std::vector<DayOverride> days_off;
  std::vector<DayOverride> working_days;
};

/// What the calendar knows about one date.
struct DayInfo {
  Date date;
  bool working = false;
  bool rest_day = false;        // a weekly rest day by the weekday alone
  bool provisional = false;     // the year follows the statutory rules (no official schedule)
  std::optional<DayKind> kind;  // the entry that decided the date, if any
  std::string name;             // that entry's name
  std::string source;           // that entry's source
};

class WorkCalendar {
 public:
  /// Validates `spec` and precomputes the tables. Throws CalendarError with a readable reason on
  /// overlapping or empty sessions, a season without sessions, or a dated entry outside the
  /// supported range.
  static std::shared_ptr<const WorkCalendar> build(CalendarSpec spec);

  const CalendarSpec& spec() const;
  UtcOffset offset() const;

  /// All queries below throw CalendarError for a date outside the supported range.

  bool is_working_day(Date d) const;
  DayInfo describe(Date d) const;
  /// True when `year` follows the statutory rules because no schedule declares it.
  bool is_provisional(int year) const;
  /// Every DayEntry that applies in `year` after precedence, sorted by date (holidays on rest
  /// days included, so the caller can list them).
  std::vector<DayEntry> entries_in_year(int year) const;

  /// n = 0: `d` itself. n > 0: the n-th working day strictly after `d` (Civil Code art. 147(2):
  /// the starting day is not counted). n < 0: the |n|-th working day strictly before `d`.
  Date add_working_days(Date d, WorkingDays n) const;
  /// The first working day on or after `d`.
  Date next_working_day_on_or_after(Date d) const;
  /// Working days in [from, to], both ends included; 0 when to < from.
  WorkingDays count_working_days(Date from, Date to) const;

  /// The office sessions of `d`; empty when `d` is not a working day.
  std::span<const Session> sessions_on(Date d) const;
  /// Office minutes of `d` (0 on a day off).
  WorkingMinutes office_minutes_on(Date d) const;
  /// The instant the last session of working day `d` closes. Throws CalendarError if `d` is not a
  /// working day.
  Instant close_of_day(Date d) const;

  /// `t` when it lies inside a session [start, end); otherwise the start of the next session
  /// (before opening → opening; lunch → afternoon opening; after close or on a day off → the
  /// first session of the next working day). An instant exactly at a session's end rolls forward.
  Instant roll_to_office_time(Instant t) const;
  /// The first instant at which `m` minutes of office time have elapsed since `t` (m >= 0). The
  /// result may be the end of a session (e.g. 11:30). m = 0 returns `t` unchanged.
  Instant add_working_minutes(Instant t, WorkingMinutes m) const;
  /// Office time in [a, b), in whole minutes rounded toward zero; negative when b < a.
  WorkingMinutes working_minutes_between(Instant a, Instant b) const;

  /// Bytes held by the precomputed tables (for the memory report).
  std::size_t memory_bytes() const;

  ~WorkCalendar();
  WorkCalendar(const WorkCalendar&) = delete;
  WorkCalendar& operator=(const WorkCalendar&) = delete;

  struct Impl;

 private:
  explicit WorkCalendar(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dunghan::calendar
