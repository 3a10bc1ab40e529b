#pragma once
// The "latest stage only" stage (after the gates, before grouping): when several stages of one
// dossier come due for the same recipient on the same channel in one batch (after downtime, a
// weekend, a closed send window, the end of a silence), only the latest goes out; the others end
// `skipped` ("a later stage came due"). One handler does not get the 2-day and the 1-day "sắp đến
// hạn" in the same minute.

#include <span>
#include <string_view>

#include "alerting/pipeline.h"

namespace dunghan::alerting {

/// The ledger detail of a row skipped for a later stage.
inline constexpr std::string_view kLaterStageCameDue = "a later stage came due";

/// Of `rows` (undecided candidates of one batch), decides the ones that a later stage of the same
/// dossier for the same recipient on the same channel (any rule or due version) outruns: skipped,
/// detail kLaterStageCameDue, no attempt used. "Later" is a later fire_at; rows with the latest
/// fire_at of their dossier, recipient and channel are all left undecided (a tie sends both rather
/// than guessing). Another channel is another message the rules asked for (e-mail and Zalo): it
/// is left alone. `also_due`: rows outside the batch that are due too (claimed by another batch,
/// or waiting with next_attempt_at <= now): a later stage among them outruns the batch's rows as
/// well. Pure.
void skip_outrun_stages(std::span<Candidate* const> rows, std::span<const AlertRow> also_due = {});

class LatestStageOnly final : public DispatchStage {
 public:
  /// `ledger` must outlive the stage.
  explicit LatestStageOnly(Ledger& ledger) : ledger_(ledger) {}
  std::string_view name() const override { return "latest"; }
  /// skip_outrun_stages over the batch's undecided candidates, with the due rows of their
  /// dossiers that the ledger holds outside the batch (Ledger::for_dossier: one read per dossier),
  /// so that a catch-up spread over several batches still sends only the latest stage. Throws
  /// (the batch waits) when the ledger cannot be read.
  void run(Batch& batch, const Progress& progress) override;

 private:
  Ledger& ledger_;
};

}  // namespace dunghan::alerting
