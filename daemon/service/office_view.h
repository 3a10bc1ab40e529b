#pragma once
// The office as the pages show it: every open dossier with its clock, its handler's name and its
// routing, taken in one walk of the store (on the daemon's worker, after a cycle) and kept as an
// immutable snapshot that the HTTP endpoint reads.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerting/office_history.h"
#include "alerting/rules.h"
#include "calendar/work_calendar.h"
#include "config/config.h"
#include "deadline/clock.h"
#include "store/store.h"

namespace dunghan::service {

/// One open dossier.
struct OfficeDossier {
  std::string code;
  std::string procedure_code;
  std::string procedure_name;
  std::string field;
  std::string department;
  std::string handler;       // recipient id as the store has it (may be empty)
  std::string handler_name;  // the recipient's name; empty when the handler is no recipient
  std::string applicant;     // personal data: shown only to logged-in users off loopback
  deadline::ClockState state = deadline::ClockState::not_due;
  bool valid = false;  // false: no due could be computed (then due fields are unset)
  calendar::Instant received_at{};
  calendar::Instant due{};
  calendar::Date due_date{};
  std::int64_t minutes_left = 0;  // working minutes; negative when overdue
  bool extended = false;
  /// Routing problems of the rules that match the dossier (English, one line each): empty when
  /// every intended recipient can be found.
  std::vector<std::string> routing_problems;
};

struct OfficeSnapshot {
  calendar::Instant taken_at{};
  /// The dossiers open at taken_at, most urgent first: running clocks by due instant (the
  /// most overdue first), then those waiting for the applicant, then invalid clocks; ties by code.
  std::vector<OfficeDossier> dossiers;
  std::map<std::string, std::int64_t> by_state;  // clock state name → count
  /// Distinct routing problems (at most 200 kept) and the number of dossiers that have any.
  std::vector<std::string> problems;
  std::int64_t unroutable = 0;
  store::ReadSummary read;  // what the walk met (bad rows)
};

/// The office as it stood at `at` (store/as_of.h, the one "as of" view): every dossier open at
/// `at` — received by `at` and not closed by it, so one resolved, returned or withdrawn after `at`
/// is in — with its clock at `at` from the events up to `at`. `now` is the present: for `at` at or
/// after `now` the walk reads only the store's open dossiers (its index); for a past `at` it reads
/// every dossier that may have been open then (a scan). Routing is checked against today's
/// `config`. Throws store::StoreError.
OfficeSnapshot take_snapshot(store::DossierReader& store, const config::Config& config,
                             const calendar::WorkCalendar& cal, calendar::Instant at,
                             calendar::Instant now);

/// The office now: take_snapshot(store, config, cal, now, now).
OfficeSnapshot take_snapshot(store::DossierReader& store, const config::Config& config,
                             const calendar::WorkCalendar& cal, calendar::Instant now);

/// Open and overdue counts per department of `snapshot`, as the entries of local date `day`.
/// Departments are ordered by name; a dossier without a department counts under "".
std::vector<alerting::DepartmentDay> department_counts(const OfficeSnapshot& snapshot,
                                                       calendar::Date day);

}  // namespace dunghan::service
