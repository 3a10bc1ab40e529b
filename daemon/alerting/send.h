#pragma once
// Stage 5, send: every rendered envelope goes to its channel. Each channel gets a small bounded
// set of worker threads (Channel::max_concurrent_sends(), at most kMaxSendersPerChannel), so that
// several recipients are served at once over the channel's reused connections; the dispatching
// thread meanwhile turns each answer into verdicts (Settler) and calls `progress` so the ledger
// records them while other messages are in flight. Each channel's circuit breaker is asked before
// every send: while it is open the envelope is held (no connection, no attempt used).

#include <cstddef>
#include <functional>
#include <set>
#include <string>

#include "alerting/breaker.h"
#include "alerting/pipeline.h"
#include "alerting/settle.h"

namespace dunghan::alerting {

/// The most worker threads one channel gets in one batch.
inline constexpr std::size_t kMaxSendersPerChannel = 8;
/// With several connections, how many answers per connection may wait to be recorded (the
/// ledger's fsync takes milliseconds: enough answers must fit in one commit to keep up).
inline constexpr std::size_t kUnrecordedPerConnection = 16;

/// How many messages of `channel` may be sent and not yet recorded at once — what a crash can make
/// the dispatcher send again (with the same keys): 1 for a channel that sends one at a time (file,
/// console, Zalo: send, record, send, … as in the per-row mode), else kUnrecordedPerConnection ×
/// max_concurrent_sends(), so that the ledger's group commits keep up with several connections.
std::size_t unrecorded_window(const channels::Channel& channel);

class SendStage final : public DispatchStage {
 public:
  /// `breakers(name)` returns the channel's breaker (nullptr: none). References must outlive the
  /// stage.
  SendStage(Settler& settler, std::function<CircuitBreaker*(const std::string&)> breakers);
  std::string_view name() const override { return "send"; }
  /// Sends every rendered envelope that still has undecided rows, and sets their verdicts: the
  /// channel's answer (a throw from Channel::send is a `retry` answer with the error as detail),
  /// held while the channel's breaker is open, or given back when Batch::keep_going() turned
  /// false. Calls `progress` on this thread after each group of answers. Returns when every
  /// envelope is decided and every worker has finished.
  void run(Batch& batch, const Progress& progress) override;
  /// The channels that sent something since the last call (to end_batch() them at the end of a
  /// pass), and forgets them.
  std::set<channels::Channel*> take_used();

 private:
  Settler& settler_;
  std::function<CircuitBreaker*(const std::string&)> breakers_;
  std::set<channels::Channel*> used_;
};

}  // namespace dunghan::alerting
