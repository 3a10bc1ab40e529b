#pragma once
// Stage 6, record: the verdicts of a batch go to the ledger in group commits. Every commit writes
// all the verdicts decided since the previous one (and their fallback rows) in ONE ledger
// transaction (Ledger::record). The send stage triggers a commit whenever answers arrive, so while
// the ledger syncs one group to disk the next messages are already being sent: one fsync for many
// alerts when they come fast, one per alert when they come one at a time — and after a crash,
// only the messages sent since the last commit are sent again (same keys).

#include <optional>
#include <string>

#include "alerting/batch.h"
#include "alerting/cycle_report.h"
#include "alerting/ledger.h"

namespace dunghan::alerting {

class Recorder {
 public:
  /// `ledger` and `report` must outlive the recorder; `report` gets the counts of what the ledger
  /// applied. `offset`: the agency's, for the instants in log lines.
  Recorder(Ledger& ledger, CycleReport& report, calendar::UtcOffset offset);

  /// Writes every decided, not yet recorded candidate of `batch` in one transaction (nothing to
  /// do: no transaction). For each applied verdict: counts it (tally, and the metric label per
  /// channel) and logs it; a verdict the ledger reports changed_meanwhile is logged and not
  /// counted. Returns false, keeping the verdicts for the next commit, when the ledger throws
  /// (last_error() says why). Never throws.
  bool commit(Batch& batch) noexcept;
  /// commit(), tried twice. Throws std::runtime_error with the ledger's error when the verdicts
  /// still cannot be written: the rows stay in `sending` until their lease runs out.
  void flush(Batch& batch);
  /// The ledger's error of the last failed commit, if the last commit failed.
  const std::optional<std::string>& last_error() const { return last_error_; }

 private:
  Ledger& ledger_;
  CycleReport& report_;
  calendar::UtcOffset offset_;
  std::optional<std::string> last_error_;
};

}  // namespace dunghan::alerting
