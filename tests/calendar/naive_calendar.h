#pragma once
// The reference answer for WorkCalendar: the rules of docs/rules.md §1 applied literally, one date
// at a time, and every query answered by stepping day by day (the QuantLib Calendar::advance way).
// Slow and obviously right; it shares no code with work_calendar.cpp beyond statutory_year().

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "calendar/holidays.h"
#include "calendar/work_calendar.h"

namespace dunghan::calendar::testing {

class NaiveCalendar {
 public:
  explicit NaiveCalendar(const CalendarSpec& spec) : spec_(spec) {
    first_ = Date{std::chrono::year{kFirstSupportedYear} / 1 / 1};
    last_ = Date{std::chrono::year{kLastSupportedYear} / 12 / 31};
    for (Date d = first_; d <= last_; d += std::chrono::days{1}) {
      working_.push_back(decide(d) ? 1 : 0);
    }
  }

  bool in_range(Date d) const { return d >= first_ && d <= last_; }

  bool working(Date d) const {
    if (!in_range(d)) throw CalendarError("out of range");
    return working_[static_cast<std::size_t>((d - first_).count())] != 0;
  }

  // The sessions the season rules give `d` (whether or not it is working).
  const std::vector<Session>& sessions(Date d) const {
    const std::chrono::year_month_day ymd{d};
    const std::chrono::month_day md{ymd.month(), ymd.day()};
    for (const Season& s : spec_.seasons) {
      const bool in = s.from <= s.to ? (s.from <= md && md <= s.to) : (md >= s.from || md <= s.to);
      if (in) return s.sessions;
    }
    return spec_.sessions;
  }

  // Throws CalendarError when the answer is outside the range.
  Date add_working_days(Date d, std::int64_t n) const {
    if (!in_range(d)) throw CalendarError("out of range");
    const std::chrono::days step{n > 0 ? 1 : -1};
    for (std::int64_t left = n > 0 ? n : -n; left > 0;) {
      d += step;
      if (working(d)) --left;  // working() throws once we step out of the range
    }
    return d;
  }

  Date next_on_or_after(Date d) const {
    while (!working(d)) d += std::chrono::days{1};
    return d;
  }

  std::int64_t count(Date from, Date to) const {
    if (!in_range(from) || !in_range(to)) throw CalendarError("out of range");
    std::int64_t c = 0;
    for (Date d = from; d <= to; d += std::chrono::days{1}) c += working(d) ? 1 : 0;
    return c;
  }

  Instant roll(Instant t) const {
    auto [d, tod] = local(t);
    for (bool first = true;; first = false, d += std::chrono::days{1}) {
      if (!working(d)) continue;
      for (const Session& s : sessions(d)) {
        const std::int64_t start = s.start.count() * 60;
        const std::int64_t end = s.end.count() * 60;
        if (!first) return instant(d, start);
        if (tod < end) return instant(d, std::max(tod, start));
      }
    }
  }

  Instant add_minutes(Instant t, std::int64_t m) const {
    auto [d, tod] = local(t);
    if (m == 0) return t;
    std::int64_t left = m * 60;
    for (bool first = true;; first = false, d += std::chrono::days{1}) {
      if (!working(d)) continue;
      for (const Session& s : sessions(d)) {
        const std::int64_t lo = std::max<std::int64_t>(s.start.count() * 60, first ? tod : 0);
        const std::int64_t hi = s.end.count() * 60;
        if (lo >= hi) continue;
        if (left <= hi - lo) return instant(d, lo + left);
        left -= hi - lo;
      }
    }
  }

  std::int64_t minutes_between(Instant a, Instant b) const {
    if (b < a) return -minutes_between(b, a);
    const auto [da, ta] = local(a);
    const auto [db, tb] = local(b);
    std::int64_t secs = 0;
    for (Date d = da; d <= db; d += std::chrono::days{1}) {
      if (!working(d)) continue;
      const std::int64_t from = d == da ? ta : 0;
      const std::int64_t to = d == db ? tb : 86400;
      for (const Session& s : sessions(d)) {
        const std::int64_t lo = std::max<std::int64_t>(s.start.count() * 60, from);
        const std::int64_t hi = std::min<std::int64_t>(s.end.count() * 60, to);
        if (hi > lo) secs += hi - lo;
      }
    }
    return secs / 60;
  }

 private:
  // docs/rules.md §1 precedence, literally.
  bool decide(Date d) {
    if (admin_off_.empty() && admin_work_.empty()) {
      for (const DayOverride& o : spec_.days_off) admin_off_.insert(o.date);
      for (const DayOverride& o : spec_.working_days) admin_work_.insert(o.date);
    }
    if (admin_off_.count(d) != 0) return false;
    if (admin_work_.count(d) != 0) return true;
    if (auto it = schedule_dates().find(d); it != schedule_dates().end()) return !it->second;
    const int y = static_cast<int>(std::chrono::year_month_day{d}.year());
    const bool rest = spec_.rest_days.contains(std::chrono::weekday{d});
    if (declared().count(y) != 0 || !spec_.statutory_rules) return !rest;
    auto it = statutory_.find(y);
    if (it == statutory_.end()) {
      std::set<Date> off;
      for (const DayEntry& e : statutory_year(y, spec_.rest_days).days_off) off.insert(e.date);
      it = statutory_.emplace(y, std::move(off)).first;
    }
    return !rest && it->second.count(d) == 0;
  }

  // date -> is a day off, over all schedule entries (first entry wins).
  const std::map<Date, bool>& schedule_dates() {
    if (!schedule_dates_) {
      schedule_dates_.emplace();
      for (const Schedule& s : spec_.schedules) {
        for (const DayEntry& e : s.entries) schedule_dates_->emplace(e.date, is_day_off(e.kind));
      }
    }
    return *schedule_dates_;
  }
  const std::set<int>& declared() {
    if (!declared_) {
      declared_.emplace();
      for (const Schedule& s : spec_.schedules) declared_->insert(s.years.begin(), s.years.end());
    }
    return *declared_;
  }

  std::pair<Date, std::int64_t> local(Instant t) const {
    const std::int64_t s = t.time_since_epoch().count() + spec_.offset.east.count() * 60;
    std::int64_t day = s / 86400;
    if (s % 86400 < 0) --day;
    const Date d{std::chrono::days{day}};
    if (!in_range(d)) throw CalendarError("out of range");
    return {d, s - day * 86400};
  }
  Instant instant(Date d, std::int64_t tod) const {
    return Instant{std::chrono::seconds{d.time_since_epoch().count() * 86400 + tod -
                                        spec_.offset.east.count() * 60}};
  }

  CalendarSpec spec_;
  Date first_;
  Date last_;
  std::vector<std::uint8_t> working_;
  std::map<int, std::set<Date>> statutory_;
  std::set<Date> admin_off_;
  std::set<Date> admin_work_;
  std::optional<std::map<Date, bool>> schedule_dates_;
  std::optional<std::set<int>> declared_;
};

}  // namespace dunghan::calendar::testing
