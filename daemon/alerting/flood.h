#pragma once
// The flood guard (a stage after grouping, before rendering): beyond `max` single messages to one
// recipient on one channel in one local day of the agency ([alerts] max_messages_per_recipient),
// the rest of that recipient's single messages in the batch go out as one digest message. Digests
// are left as they are. The day's count comes from the ledger (sent single rows since local
// midnight), so it holds across restarts and batches.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "alerting/ledger.h"
#include "alerting/pipeline.h"
#include "calendar/civil.h"

namespace dunghan::alerting {

/// The message key of a flood digest: "a" + 32 hex digits, from the recipient, the channel and
/// the first row's key (stable when the same rows are retried).
std::string flood_digest_key(const std::string& recipient, const std::string& channel,
                             const std::string& first_row_key);

/// Rewrites `envelopes`: for each (recipient, channel), the single-row, non-digest envelopes
/// beyond the first `max - sent_today(recipient, channel)` (none when sent_today >= max) are
/// merged, in order, into one digest envelope (Envelope::digest, key flood_digest_key) appended
/// at the end — a digest also when only one is left over, so that the day's singles never exceed
/// `max`. `max` 0: no limit (nothing changes). `sent_today` is asked once per (recipient, channel)
/// that has single envelopes. Pure apart from `sent_today`.
void guard_flood(std::vector<Envelope>& envelopes, std::size_t max,
                 const std::function<std::size_t(const std::string& recipient,
                                                 const std::string& channel)>& sent_today);

class FloodGuardStage final : public DispatchStage {
 public:
  /// `ledger` must outlive the stage; `offset` is the agency's UTC offset (its local day).
  FloodGuardStage(std::size_t max, Ledger& ledger, calendar::UtcOffset offset);
  std::string_view name() const override { return "flood"; }
  /// guard_flood over the batch's envelopes, counting what went out since local midnight of
  /// batch.now. Throws (the batch waits) when the ledger cannot be read.
  void run(Batch& batch, const Progress& progress) override;

 private:
  std::size_t max_;
  Ledger& ledger_;
  calendar::UtcOffset offset_;
};

}  // namespace dunghan::alerting
