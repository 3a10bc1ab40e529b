#pragma once
// The dispatcher as a chain of named stages over one batch (engine.h lists them), composed the way
// Prometheus Alertmanager composes notify.MultiStage: each stage does one job, decides what it can
// (a Verdict on a Candidate) and leaves the rest to the next. A stage added later (a silence gate,
// "only the latest stage per dossier and recipient", a flood guard) is one more entry in the list.

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "alerting/batch.h"

namespace dunghan::alerting {

/// Called by a stage, on the dispatching thread, after it has set verdicts that are worth writing
/// to the ledger now rather than at the end of the batch (the send stage calls it as outcomes
/// arrive, so that the ledger commits while other messages are still in flight).
using Progress = std::function<void()>;

class DispatchStage {
 public:
  virtual ~DispatchStage() = default;
  /// A short name for logs ("revalidate", "gate", …).
  virtual std::string_view name() const = 0;
  /// Works on the batch: decides undecided candidates (sets Candidate::verdict once; never
  /// changes one already set) and/or builds or changes envelopes. A problem of one row or one
  /// message is a verdict, never an exception; a stage throws only for something that stops the
  /// whole batch, and then leaves every candidate it did not finish undecided.
  virtual void run(Batch& batch, const Progress& progress) = 0;
};

/// Runs stages in order. Each stage sees the batch as the previous one left it.
class Pipeline {
 public:
  Pipeline() = default;
  /// Appends `stage` at the end.
  void add(std::unique_ptr<DispatchStage> stage);
  /// Inserts `stage` just before the stage named `before` (at the end when there is none).
  void insert_before(std::string_view before, std::unique_ptr<DispatchStage> stage);
  /// The stages' names, in order.
  std::vector<std::string_view> names() const;
  /// Runs every stage on `batch`; stops at the first exception (rethrown).
  void run(Batch& batch, const Progress& progress) const;

 private:
  std::vector<std::unique_ptr<DispatchStage>> stages_;
};

}  // namespace dunghan::alerting
