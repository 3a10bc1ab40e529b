#include "alerting/planner.h"

#include <algorithm>

namespace dunghan::alerting {
namespace {

using calendar::Date;
using calendar::DurationUnit;
using calendar::WorkCalendar;
using calendar::WorkingDays;
using calendar::WorkingMinutes;
using deadline::ClockState;
using deadline::DossierClock;
using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;

/// The opening of date `d`: its first session, or the default first session on a day off.
Instant opening(const WorkCalendar& cal, Date d) {
  auto sessions = cal.sessions_on(d);
  const calendar::MinuteOfDay start =
      sessions.empty() ? cal.spec().sessions.front().start : sessions.front().start;
  return calendar::to_instant(d, start, cal.offset());
}

/// The latest instant t <= due with at least `needed` office minutes in [t, due).
Instant latest_with_minutes_left(const WorkCalendar& cal, Instant due, std::int64_t needed,
                                 Instant floor) {
  if (needed <= 0) return due;
  // Find a lower bound with enough office time by doubling, then bisect on seconds.
  Instant lo = due - days{1};
  while (cal.working_minutes_between(lo, due).count < needed) {
    if (lo <= floor) return floor;
    lo = std::max(floor, lo - (due - lo));
  }
  Instant hi = due;  // invariant: f(lo) >= needed, f(hi) < needed
  while (hi - lo > seconds{1}) {
    const Instant mid = lo + (hi - lo) / 2;
    if (cal.working_minutes_between(mid, due).count >= needed)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

std::optional<Instant> base_time(const Rule& rule, const DossierClock& clock,
                                 const WorkCalendar& cal) {
  switch (rule.when) {
    case Stage::before_due: {
      if (!rule.offset) return std::nullopt;
      const Offset& o = *rule.offset;
      Instant t;
      if (!o.duration) {
        const std::int64_t total =
            cal.working_minutes_between(clock.counting_from, clock.current_due).count;
        const std::int64_t needed = (total * o.percent + 99) / 100;
        t = latest_with_minutes_left(cal, clock.current_due, needed, clock.counting_from);
      } else {
        switch (o.duration->unit) {
          case DurationUnit::working_days:
            t = opening(cal,
                        cal.add_working_days(clock.due_date, WorkingDays{-o.duration->amount}));
            break;
          case DurationUnit::working_hours:
            t = latest_with_minutes_left(cal, clock.current_due, o.duration->amount * 60,
                                         clock.counting_from);
            break;
          case DurationUnit::calendar_days:
            t = opening(cal, clock.due_date - days{o.duration->amount});
            break;
        }
      }
      return std::max(t, clock.counting_from);
    }
    case Stage::due_today:
      return opening(cal, clock.due_date);
    case Stage::overdue:
      return clock.current_due + seconds{1};
    case Stage::waiting_applicant:
      if (clock.state != ClockState::waiting_applicant || !clock.waiting_since) return std::nullopt;
      return *clock.waiting_since;
    case Stage::received:
      return clock.counting_from;
  }
  return std::nullopt;
}

Instant to_digest_slot(const WorkCalendar& cal, Instant t, calendar::MinuteOfDay at) {
  Date d = calendar::local_date(t, cal.offset());
  for (int guard = 0; guard < 4000; ++guard, d += days{1}) {
    if (!cal.is_working_day(d)) continue;
    const Instant slot = calendar::to_instant(d, at, cal.offset());
    if (slot >= t) return slot;
  }
  throw calendar::CalendarError("no working day for a digest after " +
                                calendar::format_iso(t, cal.offset()));
}

constexpr int kMaxSkippedRecorded = 30;

}  // namespace

std::optional<Instant> fire_time(const Rule& rule, const DossierClock& clock,
                                 const WorkCalendar& cal, int repeat) {
  if (!clock.valid || repeat < 0) return std::nullopt;
  if (repeat > 0 && !rule.repeat) return std::nullopt;
  if (rule.stop_after && repeat >= *rule.stop_after) return std::nullopt;
  std::optional<Instant> base = base_time(rule, clock, cal);
  if (!base) return std::nullopt;
  Instant t = *base;
  if (repeat > 0) {
    const calendar::Duration& r = *rule.repeat;
    const Instant anchor = cal.roll_to_office_time(*base);
    switch (r.unit) {
      case DurationUnit::working_days: {
        // The day repetition 0 goes out (planner.h); add_working_days counts strictly after it,
        // so a day off works too.
        const Instant sent = rule.sends_at_any_hour && !rule.digest ? *base : anchor;
        t = opening(cal, cal.add_working_days(calendar::local_date(sent, cal.offset()),
                                              WorkingDays{r.amount * repeat}));
        break;
      }
      case DurationUnit::working_hours:
        t = cal.add_working_minutes(anchor, WorkingMinutes{r.amount * 60 * repeat});
        break;
      case DurationUnit::calendar_days:
        t = *base + days{r.amount * repeat};
        break;
    }
    if (rule.when == Stage::before_due && t >= clock.current_due) return std::nullopt;
  }
  if (rule.digest) t = to_digest_slot(cal, t, *rule.digest);
  return t;
}

bool stage_holds(Stage stage, const DossierClock& clock, Instant fire_at, const WorkCalendar& cal) {
  if (!clock.valid || !deadline::is_open(clock.state)) return false;
  switch (stage) {
    case Stage::before_due: {
      if (clock.state == ClockState::waiting_applicant || clock.at >= clock.current_due) {
        return false;
      }
      if (clock.state != ClockState::due_today) return true;
      return calendar::local_date(fire_at, cal.offset()) == clock.due_date;
    }
    case Stage::due_today:
      return clock.state == ClockState::due_today;
    case Stage::overdue:
      return clock.state == ClockState::overdue;
    case Stage::waiting_applicant:
      return clock.state == ClockState::waiting_applicant;
    case Stage::received:
      return clock.state == ClockState::not_due || clock.state == ClockState::due_soon;
  }
  return false;
}

std::string digest_key(const std::string& rule, const std::string& recipient,
                       const std::string& channel, Instant slot) {
  return alert_key(AlertId{"digest", rule, 0,
                           static_cast<int>(slot.time_since_epoch().count() / 60), recipient,
                           channel});
}

DossierPlan plan_dossier(const deadline::Dossier& dossier, const DossierClock& clock,
                         std::span<const Rule> rules, const Directory& directory,
                         const WorkCalendar& cal, Instant now) {
  DossierPlan plan;
  if (!clock.valid || !deadline::is_open(clock.state)) return plan;
  auto consider_next = [&plan](Instant t) {
    if (!plan.next_fire || t < *plan.next_fire) plan.next_fire = t;
  };
  for (const Rule& rule : rules) {
    if (rule.channels.empty() || !matches(rule, dossier, clock.extended)) continue;
    // The repetitions that have come due: 0..last. Repeats are bounded by stop_after, by the due
    // instant (before_due) or by `now`; a safety cap keeps a bad rule from looping for ever.
    int last = -1;
    std::optional<Instant> last_fire;
    for (int k = 0; k < 100000; ++k) {
      std::optional<Instant> t = fire_time(rule, clock, cal, k);
      if (!t) break;
      if (*t > now) {
        consider_next(*t);
        break;
      }
      last = k;
      last_fire = t;
      if (!rule.repeat) break;
    }
    if (last < 0) continue;
    std::vector<const Recipient*> to = directory.resolve(rule, dossier, &plan.problems);
    const bool holds = stage_holds(rule.when, clock, *last_fire, cal);
    for (const Recipient* r : to) {
      for (int k = 0; k <= last; ++k) {
        const bool is_latest = k == last;
        // Only the latest repetition is a candidate; the missed ones are recorded as skipped (the
        // most recent kMaxSkippedRecorded of them: a dossier overdue for years would otherwise
        // write hundreds of rows on a first start).
        if (!is_latest && k < last - kMaxSkippedRecorded) continue;
        AlertRow row;
        row.id =
            AlertId{dossier.code, rule.name, clock.due_version, k, r->id, rule.channels.front()};
        row.key = alert_key(row.id);
        row.stage = rule.when;
        row.fire_at = is_latest ? *last_fire : *fire_time(rule, clock, cal, k);
        row.next_attempt_at = row.fire_at;
        row.created_at = now;
        row.updated_at = now;
        if (is_latest && holds) {
          row.state = AlertState::pending;
          if (rule.digest) {
            row.digest_key = digest_key(rule.name, r->id, rule.channels.front(), row.fire_at);
          }
        } else {
          row.state = AlertState::skipped;
          row.detail = is_latest ? "the stage no longer held when it came due"
                                 : "a later repetition came due";
        }
        plan.rows.push_back(std::move(row));
      }
    }
  }
  return plan;
}

}  // namespace dunghan::alerting
