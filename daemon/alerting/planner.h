#pragma once
// Rules → alert intents (pure; no I/O, no clock: `now` is a parameter).
//
// When each stage fires (local office time of the agency's WorkCalendar):
//  - before_due, offset N working days: the opening of the N-th working day before the due date;
//    N working hours: the last instant with N office hours left before the due instant;
//    N calendar days: the opening of the date N days before the due date; P%: the last instant
//    with P% of the dossier's office time (counting_from → due) left. Never before the start of
//    the count (a short procedure gets its reminder at receipt).
//  - due_today: the opening (first session start) of the due date.
//  - overdue: one second after the due instant.
//  - waiting_applicant: the start of the wait. received: the receipt.
//  Repetition k >= 1 (rules with `repeat`): working days → the opening of the (k·N)-th working day
//  after the day repetition 0 goes out: the date on which it first falls in office time (an
//  office channel holds it until then), or, when the rule's first channel sends at any hour
//  (Rule::sends_at_any_hour, no digest), its own date — so "overdue, every working day" on such a
//  channel sends at 17:00:01 when the dossier goes late and again at the next working day's
//  opening, not two working days later; working hours → k·N office hours after the first office
//  time at or after repetition 0; calendar days → k·N days after repetition 0. A rule with
//  `digest` moves each firing to the digest time of the first working day at or after it.
//  A before_due repetition stops at the due instant; a repeating stage stops after `stop_after`
//  messages (first included).
//
// What goes out late: a stage is sent only if its condition holds when it goes out
// (stage_holds); of a repeating stage only the most recent repetition that has come due is
// emitted as pending, the missed ones as skipped.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "alerting/ledger.h"
#include "alerting/rules.h"
#include "calendar/work_calendar.h"
#include "deadline/clock.h"

namespace dunghan::alerting {

/// The firing instant of repetition `repeat` of `rule`'s stage for a dossier with `clock`, or
/// nullopt when that repetition does not exist (stage not applicable: e.g. waiting_applicant while
/// not waiting; before stop_after; a before_due repetition at or after the due instant). Throws
/// calendar::CalendarError outside the supported range.
std::optional<Instant> fire_time(const Rule& rule, const deadline::DossierClock& clock,
                                 const calendar::WorkCalendar& cal, int repeat);

/// True when an alert of `stage`, planned for the appointment `due_version` and firing at
/// `fire_at`, may still go out for a dossier whose clock *now* is `clock` (issue "Alerts":
/// stages that come due late). A before_due stage holds while the dossier is open, not waiting,
/// before its due instant and not yet on its due date (unless the stage itself fell on the due
/// date); due_today while the state is due_today; overdue while overdue; waiting_applicant while
/// waiting; received while not_due or due_soon.
bool stage_holds(Stage stage, const deadline::DossierClock& clock, Instant fire_at,
                 const calendar::WorkCalendar& cal);

/// What planning one dossier at `now` produced.
struct DossierPlan {
  std::vector<AlertRow> rows;         // to insert: pending (due now) and skipped (missed)
  std::optional<Instant> next_fire;   // earliest firing after `now`, if any
  std::vector<std::string> problems;  // routing problems (unknown handler, no head, …)
};

/// Plans every rule for one dossier whose clock at `now` is `clock`. Rows carry state pending
/// (fire_at <= now and the stage holds: the latest repetition only), or skipped (older
/// repetitions, or the stage no longer holds). The first channel of each rule is used; fallbacks
/// are the dispatcher's. Closed or invalid clocks plan nothing.
DossierPlan plan_dossier(const deadline::Dossier& dossier, const deadline::DossierClock& clock,
                         std::span<const Rule> rules, const Directory& directory,
                         const calendar::WorkCalendar& cal, Instant now);

/// The digest key grouping rows of one digest message: rule, recipient, channel and slot.
std::string digest_key(const std::string& rule, const std::string& recipient,
                       const std::string& channel, Instant slot);

}  // namespace dunghan::alerting
