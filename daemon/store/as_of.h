#pragma once
// The office as it stood at an instant ("as of T"): the dossiers open at T, each with its clock
// at T computed from the events up to T only (docs/rules.md §4: "the state of a dossier at an
// instant takes only the events up to that instant"). A dossier resolved, returned or withdrawn
// after T was open at T and is visited with its state at T; one received after T is not visited.
//
// The one implementation of every "as of" view: `dunghan status --at T`, and the dashboard's daily
// snapshots. Pure apart from the reader it is given; no clock reads (T is a parameter).

#include <functional>
#include <optional>
#include <span>

#include "calendar/civil.h"
#include "calendar/work_calendar.h"
#include "deadline/clock.h"
#include "deadline/dossier.h"
#include "deadline/options.h"
#include "store/store.h"

namespace dunghan::store {

/// `base` narrowed to the dossiers that may have been open at `at`: received at or before `at`
/// and not closed before `at` + 1 s (deadline::closed_at; a dossier that closed at `at` exactly
/// was closed at `at`). `base.open_only` is cleared: the current status says nothing about a past
/// `at`. The department condition is kept. The store may still return dossiers that were not open
/// at `at`; for_each_open_at drops them with deadline::open_at.
/// `now`, when the caller knows the present: for `at` at or after `now` the filter keeps
/// `open_only` instead (the store's index, not a scan of every row): a dossier whose status is
/// closed can then be open at `at` only with a closing recorded in the future, which is bad data,
/// and it is left out as every view of the present leaves it out.
DossierFilter open_at_filter(Instant at, DossierFilter base = {},
                             std::optional<Instant> now = std::nullopt);

/// What the clocks need: the calendar, the [deadline] options and the procedure catalogue (may be
/// null). All must outlive the call.
struct ClockContext {
  const calendar::WorkCalendar& calendar;
  const deadline::DeadlineOptions& options;
  const deadline::ProcedureCatalogue* catalogue = nullptr;
};

/// Called once per dossier open at the instant, with its events (all of them, ordered by `at`;
/// the clock used only those up to the instant) and its clock at the instant, whose state is one
/// of the five open states (deadline::is_open).
using OpenAtVisitor = std::function<void(const deadline::Dossier&, std::span<const deadline::Event>,
                                         const deadline::DossierClock&)>;

/// Visits every dossier of `reader` that was open at `at` (deadline::open_at) and matches `base`
/// (department; `open_only` is ignored, see open_at_filter, which also says what `now` does),
/// each once, with its clock at `at`. Order: the reader's. Returns the reader's summary (bad rows
/// are skipped and counted there). Throws StoreError, and whatever `visit` throws.
ReadSummary for_each_open_at(DossierReader& reader, Instant at, const DossierFilter& base,
                             const ClockContext& context, const OpenAtVisitor& visit,
                             std::optional<Instant> now = std::nullopt);

}  // namespace dunghan::store
