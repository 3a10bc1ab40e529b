#pragma once
// Form 6a (Biểu II.06a/VPCP/KSTT, docs/rules.md §4): counts of dossiers received, resolved and in
// progress over a period of local dates, one row per field of procedures (or per department), then
// a total.
//
// Input is a stream: Form6aBuilder::add() takes one dossier with its events at a time and keeps
// only per-row counters, so memory grows with the number of rows (fields), not of dossiers.
//
// Counting (D = the dossier; dates are local dates of its timestamps at the calendar's offset;
// "closed" uses deadline::closed_at(), so a closing instant is never before the receipt):
//  - received in the period: receipt date in [from, to] → col 4 (online) or col 5 (direct, post);
//  - carried over (col 6): receipt date < from and not closed before `from` (open, or closing
//    date >= from);
//  - D counts at all only as one of the two above; col 3 = 4 + 5 + 6;
//  - resolved (col 7): counted and closing date <= to (then also >= from). Early / on time / late
//    (cols 8–10) from the clock at the end of `to` (§3, with the compare and judge_against
//    settings). Returned and withdrawn count in col 9 and in `returned_withdrawn`;
//  - in progress (col 11): counted and not closed by the end of `to` (23:59:59 local). Col 12
//    "trong hạn" when the clock waits for the applicant (also in `waiting_supplement`, which holds
//    supplementation waits and other pauses) or when the judged due date (DossierClock::
//    judged_due_date: the current appointment, or the original one after an extension recorded
//    after it) >= to (docs/rules.md: a dossier due on `to` itself is still "trong hạn"); col 13
//    otherwise. A supplementation requested after the due never waits (docs/rules.md §2 "Lateness
//    is not cured"), so such a dossier is in col 13, never col 12;
//  - lateness anomalies (docs/rules.md §2, deadline::is_lateness) of the counted dossiers, with the
//  events
//    up to the end of `to`, are counted for the form's footer (Form6a::lateness_*);
//  - the clock is taken at the end of `to` with only the events up to that instant (§4);
//  - the anomalies of each counted dossier's clock (deadline/clock.h) are counted, in total and per
//    kind, for the form's footer;
//  - a dossier whose clock is invalid (no duration, no issued due) is counted in col 9 when
//    resolved and col 12 when in progress, and in `without_due` (so the identities hold).
// Identities, per row and in total: 3 = 4+5+6 = 7+11; 7 = 8+9+10; 11 = 12+13.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/civil.h"
#include "calendar/work_calendar.h"
#include "deadline/clock.h"
#include "deadline/dossier.h"
#include "deadline/options.h"

namespace dunghan::report {

/// What a row of the form is.
enum class GroupBy {
  field,       // lĩnh vực (Dossier::field), the official form
  department,  // đơn vị (Dossier::department)
};
/// "field" | "department".
std::string_view to_string(GroupBy g);
/// Parses "field" | "department"; nullopt otherwise.
std::optional<GroupBy> parse_group_by(std::string_view s);

/// One row's counters: columns 3–13 and three details.
struct Form6aCounters {
  std::int64_t received_total = 0;        // (3) = 4 + 5 + 6
  std::int64_t received_online = 0;       // (4)
  std::int64_t received_direct_post = 0;  // (5)
  std::int64_t carried_over = 0;          // (6)
  std::int64_t resolved_total = 0;        // (7) = 8 + 9 + 10
  std::int64_t early = 0;                 // (8)
  std::int64_t on_time = 0;               // (9), returned and withdrawn included
  std::int64_t late = 0;                  // (10)
  std::int64_t in_progress_total = 0;     // (11) = 12 + 13
  std::int64_t not_due = 0;               // (12), waiting for the applicant included
  std::int64_t overdue = 0;               // (13)
  std::int64_t returned_withdrawn = 0;    // of (9): returned (trả lại) or withdrawn (xin rút)
  std::int64_t waiting_supplement = 0;    // of (12): waiting for supplementation or paused
  std::int64_t without_due = 0;           // of (9) or (12): no due could be established

  Form6aCounters& operator+=(const Form6aCounters& o);
  friend bool operator==(const Form6aCounters&, const Form6aCounters&) = default;
};

struct Form6aRow {
  std::string key;  // the field (or department) name as stored; may be empty
  Form6aCounters counters;
};

struct Form6a {
  calendar::Date from{};  // first day of the period, included
  calendar::Date to{};    // last day of the period, included
  GroupBy group_by = GroupBy::field;
  /// Ordered by key in Vietnamese collation (text/collate.h: "Doanh nghiệp", "Đầu tư",
  /// "Lao động"); a row with an empty key (not recorded) comes last.
  std::vector<Form6aRow> rows;
  Form6aCounters total;
  /// Some clock behind the figures depends on a provisional calendar year (docs/rules.md §1).
  bool provisional = false;
  std::int64_t dossiers_seen = 0;       // every dossier passed to add()
  std::int64_t dossiers_counted = 0;    // those in column 3 (= total.received_total)
  std::int64_t dossiers_anomalous = 0;  // counted dossiers whose clock reported an anomaly
  /// Anomalies reported by the clocks of the counted dossiers (a dossier may have several), as
  /// seen at the end of `to`; and per kind (deadline::to_string(AnomalyKind) → count).
  std::int64_t anomalies = 0;
  std::map<std::string, std::int64_t, std::less<>> anomalies_by_kind;
  /// Counted dossiers with at least one lateness anomaly (docs/rules.md §2 "Lateness is not cured
  /// afterwards"): the count the form's footer gives.
  std::int64_t lateness_dossiers = 0;
  /// Lateness anomalies of the counted dossiers by kind (a dossier may have several); only kinds
  /// that occur are present.
  std::map<deadline::AnomalyKind, std::int64_t> lateness_by_kind;
};

/// Accumulates form 6a over a stream of dossiers.
class Form6aBuilder {
 public:
  /// Period [from, to], both local dates included. `cal`, `options` and `catalogue` (may be null)
  /// must outlive the builder. Throws std::invalid_argument when to < from.
  Form6aBuilder(calendar::Date from, calendar::Date to, GroupBy group_by,
                const calendar::WorkCalendar& cal, const deadline::DeadlineOptions& options,
                const deadline::ProcedureCatalogue* catalogue);

  /// Counts one dossier with its events (any order; the clock sorts them). Each dossier must be
  /// added once. Dossiers outside the period are ignored (but counted in dossiers_seen).
  /// Throws only std::bad_alloc.
  void add(const deadline::Dossier& dossier, std::span<const deadline::Event> events);

  /// The form so far: rows in Vietnamese collation (as Form6a::rows), then the total. The builder
  /// stays usable.
  Form6a result() const;

 private:
  calendar::Date from_;
  calendar::Date to_;
  GroupBy group_by_;
  const calendar::WorkCalendar& cal_;
  const deadline::DeadlineOptions& options_;
  const deadline::ProcedureCatalogue* catalogue_;
  calendar::Instant end_of_period_;  // the last second of `to`, local
  std::map<std::string, Form6aCounters, std::less<>> rows_;
  bool provisional_ = false;
  std::int64_t seen_ = 0;
  std::int64_t counted_ = 0;
  std::int64_t anomalous_ = 0;
  std::int64_t anomalies_ = 0;
  std::map<std::string, std::int64_t, std::less<>> anomalies_by_kind_;
  std::int64_t lateness_dossiers_ = 0;
  std::map<deadline::AnomalyKind, std::int64_t> lateness_by_kind_;
};

/// Calls `visit(dossier, events)` once per dossier; the store's iteration, for instance.
using DossierVisitor =
    std::function<void(const deadline::Dossier&, std::span<const deadline::Event>)>;
using DossierSource = std::function<void(const DossierVisitor&)>;

/// Runs `source` through a Form6aBuilder. Throws std::invalid_argument when to < from, and
/// whatever `source` throws.
Form6a build_form6a(const DossierSource& source, calendar::Date from, calendar::Date to,
                    GroupBy group_by, const calendar::WorkCalendar& cal,
                    const deadline::DeadlineOptions& options,
                    const deadline::ProcedureCatalogue* catalogue);

}  // namespace dunghan::report
