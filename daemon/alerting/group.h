#pragma once
// Stage 3, group: the messages to send. A row without a digest key is one message (its key is
// the row's key); the rows that share a digest key go out as one digest message (its key is the
// digest key), in the order they were claimed. Later stages may rewrite the envelopes (a flood
// guard turning a recipient's extra messages into a digest, issue 15).

#include <span>
#include <vector>

#include "alerting/pipeline.h"

namespace dunghan::alerting {

/// Groups `rows` (undecided, revalidated, in claim order) into envelopes: single rows first, in
/// order, then one envelope per digest key, in order of the key's first row. Pure.
std::vector<Envelope> group(std::span<Candidate* const> rows);

class GroupStage final : public DispatchStage {
 public:
  std::string_view name() const override { return "group"; }
  /// Appends the envelopes of the batch's undecided candidates to Batch::envelopes.
  void run(Batch& batch, const Progress& progress) override;
};

}  // namespace dunghan::alerting
