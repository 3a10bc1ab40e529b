#pragma once
// Stage 1, revalidate: is a claimed row still owed? Reloads its dossier (once per batch), computes
// the clock now, and checks the appointment (due version), the rule, the recipient and the stage's
// condition. Rows that no longer apply end cancelled or skipped; the others go on with the dossier,
// clock, rule, recipient and channel filled in.

#include <map>
#include <memory>
#include <span>
#include <string>
#include <variant>

#include "alerting/pipeline.h"
#include "alerting/rules.h"
#include "calendar/work_calendar.h"
#include "deadline/clock.h"
#include "deadline/options.h"
#include "store/store.h"

namespace dunghan::alerting {

/// What revalidation compares a row with.
struct RevalidateContext {
  const calendar::WorkCalendar* calendar = nullptr;
  deadline::DeadlineOptions deadline;
  const deadline::ProcedureCatalogue* catalogue = nullptr;
  std::span<const Rule> rules;
  const Directory* directory = nullptr;
};

/// The row still applies: to this rule and recipient (pointers into the context's rules and
/// directory).
struct StillOwed {
  const Rule* rule = nullptr;
  const Recipient* recipient = nullptr;
};
/// The row no longer applies: `state` is cancelled (the dossier is gone, invalid or closed, the
/// appointment changed, the rule or the recipient no longer applies) or skipped (a later
/// repetition came due, or the stage's condition no longer holds), with the reason.
struct NoLongerOwed {
  AlertState state = AlertState::cancelled;
  std::string reason;
};
using Revalidation = std::variant<StillOwed, NoLongerOwed>;

/// Judges `row` against `dossier` (nullptr: the store has no such dossier) at `now`. Pure.
Revalidation revalidate(const AlertRow& row, const LoadedDossier* dossier,
                        const RevalidateContext& ctx, Instant now);

/// The dossier `code` with its clock at `batch.now`, read once per batch (kept in
/// Batch::dossiers), or nullptr when the store has none. Throws what the store throws (a failure
/// is not kept: the next call reads again).
const LoadedDossier* load_dossier(Batch& batch, const std::string& code,
                                  store::DossierReader& store, const RevalidateContext& ctx);

class RevalidateStage final : public DispatchStage {
 public:
  /// `channels` maps channel names to channels (nullptr or absent: not configured). All references
  /// must outlive the stage.
  RevalidateStage(store::DossierReader& store, const RevalidateContext& ctx,
                  const std::map<std::string, channels::Channel*>& channels);
  std::string_view name() const override { return "revalidate"; }
  /// Decides the rows that no longer apply; fills in the others. When the store cannot be read
  /// for a row, the row is given back (pending, no attempt used, due now) and Batch::error is set;
  /// the other rows are still judged.
  void run(Batch& batch, const Progress& progress) override;

 private:
  store::DossierReader& store_;
  const RevalidateContext& ctx_;
  const std::map<std::string, channels::Channel*>& channels_;
};

}  // namespace dunghan::alerting
