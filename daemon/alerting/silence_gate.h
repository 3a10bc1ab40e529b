#pragma once
// The silence gate (a gate of stage 2, gate.h): a row of a dossier that a silence holds for ends
// this pass in `silenced`, due again when the silence ends (its `until`, or earlier when it is
// expired: Ledger::release_silenced), with no attempt used. When it comes due again the gates ask
// again; the rows of the stages and repetitions that no longer hold are skipped by revalidation
// and the "latest stage only" stage (latest_stage.h), so only the latest stage still holding goes
// out.

#include <string_view>

#include "alerting/gate.h"
#include "alerting/silences.h"
#include "calendar/civil.h"

namespace dunghan::alerting {

/// The ledger detail of a silenced row: "silenced by silence #ID (BY) until ISO: REASON"
/// (`offset`: the agency's UTC offset for the time).
std::string silenced_detail(const Silence& s, calendar::UtcOffset offset);

class SilenceGate final : public Gate {
 public:
  /// `silences` must outlive the gate; `offset` formats the times in the ledger's detail.
  SilenceGate(SilenceStore& silences, calendar::UtcOffset offset);
  std::string_view name() const override { return "silence"; }
  /// silenced until the end of the longest silence holding at `now` for the row's dossier and
  /// rule; pass when none holds. Throws (the whole batch waits) when the silences cannot be read.
  GateDecision check(const Candidate& c, Instant now) const override;

 private:
  SilenceStore& silences_;
  calendar::UtcOffset offset_;
};

}  // namespace dunghan::alerting
