#pragma once
// The [deadline] settings of docs/rules.md §2 and §3, with the docs/rules.md defaults.

#include <optional>
#include <string_view>

#include "calendar/due_date.h"

namespace dunghan::deadline {

/// How a duration written in working days is counted (`[deadline] working_days_as`).
enum class WorkingDaysAs {
  days,   // Civil Code: the N-th working day after receipt, due at its close (default)
  hours,  // N × hours_per_day office hours from the normalised receipt (provincial software)
};

/// What a supplementation request does to the clock (`[deadline] supplement`).
enum class SupplementMode {
  restart,  // the full duration runs again from the complete dossier (Decree 61/2018 19(4);
            // default)
  pause,    // the waiting time is excluded; the due instant moves by that much working time
};

/// How a resolution is compared with the appointment (`[deadline] compare`).
enum class CompareMode {
  date,     // by local dates: before the due date early, on it on time, after it late (default)
  instant,  // on the due date, after the due instant is late
};

/// Which appointment a resolution is judged against (`[deadline] judge_against`).
enum class JudgeAgainst {
  current,   // the appointment after an extension, if any (default)
  original,  // the appointment before any extension
};

struct DeadlineOptions {
  WorkingDaysAs working_days_as = WorkingDaysAs::days;
  SupplementMode supplement = SupplementMode::restart;
  CompareMode compare = CompareMode::date;
  JudgeAgainst judge_against = JudgeAgainst::current;
  /// An open dossier is `due_soon` when its due falls within this much after the query
  /// (docs/rules.md §3): working_days N: the due date is one of the next N working days after the
  /// query's date; calendar_days N: the due date is at most N days after the query's date;
  /// working_hours N: at most N office hours are left.
  calendar::Duration due_soon{2, calendar::DurationUnit::working_days};
  /// `[deadline] supplement_request_within`: a supplementation request must be made within this
  /// much after the receipt (Decree 61/2018 art. 19(4)); a later one (but not after the due
  /// instant) is the anomaly supplement_late_request (docs/rules.md §2). Counted like a dossier's
  /// duration from the receipt (normalisation, the procedure's cut-off and working_days_as apply):
  /// with the default, the window ends at the close of the 3rd working day after the receipt day; a
  /// request at that very instant is in time.
  calendar::Duration supplement_request_within{3, calendar::DurationUnit::working_days};
};

/// "days" | "hours", "restart" | "pause", "date" | "instant", "current" | "original".
std::string_view to_string(WorkingDaysAs v);
std::string_view to_string(SupplementMode v);
std::string_view to_string(CompareMode v);
std::string_view to_string(JudgeAgainst v);
/// Parse the names above exactly (lower case). nullopt otherwise.
std::optional<WorkingDaysAs> parse_working_days_as(std::string_view s);
std::optional<SupplementMode> parse_supplement_mode(std::string_view s);
std::optional<CompareMode> parse_compare_mode(std::string_view s);
std::optional<JudgeAgainst> parse_judge_against(std::string_view s);

}  // namespace dunghan::deadline
