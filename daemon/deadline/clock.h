#pragma once
// DossierClock: a dossier's due instant, working time used and left, and state at an instant
// (docs/rules.md §2 and §3). Pure: no I/O, no clock reads; the instant is a parameter.
//
// How the clock is built (the choices docs/rules.md leaves open are marked "Decision"):
//  - Duration: Dossier::duration, else the catalogue entry of Dossier::procedure_code. The cut-off
//    comes from the catalogue entry (none without one). working_days_as comes from the options.
//  - Computed due: calendar::compute_due from received_at. Issued due: Dossier::due_at. The
//    appointment line (original and current appointment) starts from the issued due when there is
//    one (authoritative, docs/rules.md §2), else from the computed due. Without both: the clock is
//    invalid.
//  - Events: only those with the dossier's code, at or before `at`, at or after received_at and
//    at or before the dossier's closing instant are applied, in order of `at` (stable). Others
//    are ignored; all but "after `at`" are reported as anomalies.
//  - Supplementation, restart mode: at supplement_received the full duration runs again from
//    that instant, normalised like a receipt (office time, cut-off); the computed due, the
//    original and the current appointment all become the restarted due. Decision: an issued
//    due_at no longer applies after a restart (it was printed for the first receipt); an
//    extension granted before a restart is superseded too (but still counts as the one allowed).
//    Without a duration (issued due only) a restart cannot be computed: pause semantics are used
//    and an anomaly is reported.
//  - Supplementation, pause mode, and paused/resumed in every mode: the office time between the
//    start of the stop and its end is excluded; the computed due and both appointments move by
//    that much working time (calendar::WorkCalendar::add_working_minutes). Overlapping stops
//    (a pause during a supplementation wait) are one stop from the first start to the last end.
//  - Extension: the first `extended` event's new_due_at becomes the current appointment; the
//    original appointment is kept. Decision: a second extension is NOT applied (Decree 61/2018
//    art. 19(9): at most once) and is reported as an anomaly of kind second_extension.
//  - due_version: 0 for the first appointment; +1 each time the current appointment's instant
//    changes (a restart, a stop that excluded office time, an extension). Alert keys use it.
//  - A wait still open when the dossier closes ends at the closing instant with pause semantics
//    (no restart).
//
// Lateness is not cured afterwards (docs/rules.md §2; Decree 61/2018 art. 19(4), 19(9)). "The due
// in force" at an instant is the appointment that applies then (current_due, or original_due once
// the dossier is judged against it, see below), moved by the office time of a stop still open then.
//  - extended after the original appointment's due instant: extension_after_due. The new
//    appointment is still applied (alerts follow it: the applicant was told it), but from then on
//    the dossier is judged against the original appointment (judged_due): open, it is overdue;
//    resolved, it is early/on time/late against the original.
//  - extended on a date after the working day before the original due date, but not after its due
//    instant: extension_late_notice (a warning; the extension counts).
//  - supplement_requested after the due in force: supplement_after_due. Decision: the request
//    neither stops nor restarts the clock (it cannot cure the lateness), so the dossier stays
//    overdue, alerts go on, and form 6a counts it overdue or late, never "not yet due"; the
//    supplement_received that answers it changes nothing either. A status waiting_supplement
//    assumed since updated_at (status_without_event) after the due in force is treated alike.
//  - the first supplement_requested later than DeadlineOptions::supplement_request_within after
//    the receipt (and not after the due in force): supplement_late_request (a warning; the stop
//    and the restart count). Measured from received_at like the dossier's own duration.
//  - a second or later supplementation round (a supplement_requested after an earlier round was
//    answered or came after the due): supplement_repeated (a warning; it applies as any round).
//    A request while a round is still open is repeated_supplement_request and ignored, as before.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/civil.h"
#include "calendar/work_calendar.h"
#include "deadline/dossier.h"
#include "deadline/options.h"

namespace dunghan::deadline {

/// docs/rules.md §3. Open dossiers: the first five, in the order they are tested. Closed: the rest.
enum class ClockState {
  waiting_applicant,  // supplementation requested and not received, or paused: no alert fires
  overdue,            // the query instant is after the current appointment
  due_today,          // the current appointment's date is the query's date
  due_soon,           // within DeadlineOptions::due_soon of the query
  not_due,
  early,      // resolved before the due date
  on_time,    // resolved on the due date (compare=instant: and not after the due instant)
  late,       // resolved after
  returned,   // trả lại: counted as on time in form 6a, listed separately
  withdrawn,  // xin rút: as returned
};

/// "waiting_applicant", "overdue", "due_today", "due_soon", "not_due", "early", "on_time",
/// "late", "returned", "withdrawn".
std::string_view to_string(ClockState s);
/// True for the five open states.
constexpr bool is_open(ClockState s) {
  return s == ClockState::waiting_applicant || s == ClockState::overdue ||
         s == ClockState::due_today || s == ClockState::due_soon || s == ClockState::not_due;
}

/// Something wrong or unusual in a dossier's data, reported as a value (never thrown).
enum class AnomalyKind {
  no_due,                         // neither a duration (dossier or catalogue) nor an issued due_at
  unknown_procedure,              // procedure_code not in the catalogue and no duration given
  calendar_error,                 // a date outside the calendar's supported range
  event_other_dossier,            // an event whose code is not the dossier's: ignored
  events_unordered,               // events not sorted by `at`: sorted (stably) before use
  event_before_receipt,           // an event before received_at: ignored
  event_after_close,              // an event after the dossier closed: ignored
  repeated_supplement_request,    // supplement_requested while already waiting: ignored
  unmatched_supplement_received,  // supplement_received without a pending request: ignored
  repeated_pause,                 // paused while already paused: ignored
  unmatched_resumed,              // resumed without a pause: ignored
  extension_without_due,          // extended without new_due_at: ignored
  second_extension,               // a second extension: not applied (at most once)
  restart_without_duration,       // restart mode without a duration: pause semantics used
  missing_resolved_at,            // a closed status without resolved_at: updated_at used
  resolved_before_receipt,        // resolved_at before received_at: the receipt instant used
  status_without_event,           // waiting/paused status with no such event: wait since updated_at
  // Lateness is not cured afterwards (docs/rules.md §2): see the file comment.
  extension_after_due,      // extended after the original due instant: judged against the original
  extension_late_notice,    // extended later than 1 working day before the original due date
  supplement_after_due,     // supplementation requested after the due instant: no stop, overdue
  supplement_late_request,  // requested later than supplement_request_within after receipt
  supplement_repeated,      // a second or later supplementation round
};

/// "no_due", "unknown_procedure", … (the enumerator's name).
std::string_view to_string(AnomalyKind k);

/// True for the five kinds of docs/rules.md §2 "Lateness is not cured afterwards"
/// (extension_after_due … supplement_repeated): the anomalies `status` marks, `audit` lists, the
/// daemon logs and form 6a counts under its table. The other kinds are data problems.
constexpr bool is_lateness(AnomalyKind k) {
  return k == AnomalyKind::extension_after_due || k == AnomalyKind::extension_late_notice ||
         k == AnomalyKind::supplement_after_due || k == AnomalyKind::supplement_late_request ||
         k == AnomalyKind::supplement_repeated;
}
/// True for the lateness kinds docs/rules.md calls warnings (the event still counts):
/// extension_late_notice, supplement_late_request, supplement_repeated. The other two change how
/// the dossier is judged.
constexpr bool is_lateness_warning(AnomalyKind k) {
  return k == AnomalyKind::extension_late_notice || k == AnomalyKind::supplement_late_request ||
         k == AnomalyKind::supplement_repeated;
}
/// The Vietnamese label of every kind, for officers ("Gia hạn sau khi đã quá hạn", "Mã thủ tục
/// không có trong danh mục", …): form 6a's notes, `status`, `alerts explain`. Logs and JSON use
/// to_string().
std::string_view label_vn(AnomalyKind k);
/// The kind whose to_string() is `name`; nullopt for any other text.
std::optional<AnomalyKind> anomaly_kind_from_string(std::string_view name);

struct Anomaly {
  AnomalyKind kind = AnomalyKind::no_due;
  std::optional<Instant> at;  // the event's instant when an event caused it
  std::string message;        // English, one line, for logs and `dunghan check`
  friend bool operator==(const Anomaly&, const Anomaly&) = default;
};

/// The clock of one dossier at one instant.
struct DossierClock {
  /// False when no due can be established (no_due, calendar_error). Then the due fields below are
  /// unset/epoch, used/left are 0 and `state` is a placeholder: not_due for an open dossier,
  /// on_time for a resolved one, returned/withdrawn for those.
  bool valid = false;
  std::string invalid_reason;

  Instant at{};  // the query instant

  /// dunghan's own due instant from the duration (after restarts and stops); nullopt without a
  /// duration.
  std::optional<Instant> computed_due;
  /// Dossier::due_at as given (the receipt slip), if any.
  std::optional<Instant> issued_due;
  /// The normalised start of the count in force (the receipt, or the last restart).
  Instant counting_from{};
  /// The appointment before any extension (issued or computed, after restarts and stops).
  Instant original_due{};
  /// The appointment in force: original_due, or the extension's new_due_at (moved by later stops).
  Instant current_due{};
  calendar::Date due_date{};           // local date of current_due
  calendar::Date original_due_date{};  // local date of original_due
  /// The appointment lateness is judged against (docs/rules.md §2 "Lateness is not cured"):
  /// current_due, or original_due after an extension recorded after it (extension_after_due). An
  /// open dossier is overdue once `at` is after it; form 6a splits in-progress dossiers by
  /// judged_due_date. A resolution is judged against original_due with judge_against = original,
  /// else against this.
  Instant judged_due{};
  calendar::Date judged_due_date{};  // local date of judged_due
  int due_version = 0;
  bool extended = false;

  /// Office time counted so far and left, at `at` (or at the closing instant for a closed dossier,
  /// or at the start of the stop while waiting for the applicant: the clock is stopped then).
  /// used >= 0 excludes stopped time; left = office time from that instant to current_due,
  /// negative when past it.
  calendar::WorkingMinutes used{};
  calendar::WorkingMinutes left{};

  ClockState state = ClockState::not_due;
  /// When the dossier closed (closed_at(dossier)), if it had closed by `at`.
  std::optional<Instant> closed;
  /// Start of the current stop while state == waiting_applicant.
  std::optional<Instant> waiting_since;
  /// Some date the result depends on lies in a provisional calendar year (docs/rules.md §1).
  bool provisional = false;
  std::vector<Anomaly> anomalies;

  bool has(AnomalyKind k) const;
  /// True when some anomaly is of a lateness kind (is_lateness).
  bool has_lateness() const;
};

/// The duration that counts for `dossier`: Dossier::duration, else its catalogue entry's
/// (`catalogue` may be null); nullopt without either.
std::optional<calendar::Duration> duration_for(const Dossier& dossier,
                                               const ProcedureCatalogue* catalogue);
/// How a receipt of procedure `procedure` (may be null: no cut-off) is counted under `options`:
/// the procedure's cut-off and `[deadline] working_days_as`. The one place the clock, `audit` and
/// `dunghan deadline` take these from, so the three agree.
calendar::DueOptions due_options_for(const Procedure* procedure, const DeadlineOptions& options);

/// The clock of `dossier` at instant `at` (UTC), using only the events at or before `at`
/// (docs/rules.md §4). `events` are the dossier's events in any order (sorted by the store
/// normally); `catalogue` may be null. A closed dossier whose closing instant is after `at` is open
/// at `at`. Never throws for bad data (anomalies instead); a CalendarError from a date outside the
/// supported range yields an invalid clock. May throw std::bad_alloc.
DossierClock compute_clock(const Dossier& dossier, std::span<const Event> events,
                           const calendar::WorkCalendar& cal, const DeadlineOptions& options,
                           const ProcedureCatalogue* catalogue, Instant at);

/// A disagreement between the issued appointment (Dossier::due_at) and the due date dunghan
/// computes from the receipt and the duration (a calendar audit, docs/rules.md §2).
struct AuditFinding {
  std::string code;              // the dossier's code
  calendar::Date issued_date;    // local date of Dossier::due_at
  calendar::Date computed_date;  // local date of compute_due(received_at, duration)
  /// Working days from computed to issued: > 0 when the issued date is later, < 0 when earlier.
  /// Counts working days in (computed, issued] (or -(issued, computed]).
  std::int64_t working_days_difference = 0;
  /// English explanation: the difference, then each likely cause found (the issued date is a day
  /// off / a weekly rest day; make-up working days or days off between the two dates).
  std::string reason;
  friend bool operator==(const AuditFinding&, const AuditFinding&) = default;
};

/// Compares the local date of the issued appointment with the computed due date (from the receipt,
/// without events). nullopt when they are the same date, when the dossier has no due_at, or when no
/// duration is known. Throws calendar::CalendarError for dates outside the supported range.
std::optional<AuditFinding> audit(const Dossier& dossier, const calendar::WorkCalendar& cal,
                                  const DeadlineOptions& options,
                                  const ProcedureCatalogue* catalogue);

}  // namespace dunghan::deadline
