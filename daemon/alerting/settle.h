#pragma once
// Verdicts: how a row ends a pass. What a channel's answer means for the rows of one message
// (sent; retry with bounded exponential backoff and jitter, honouring the channel's "not before";
// dead after max_attempts; unreachable or failed → a fallback row for the rule's next channel),
// and the verdicts of rows that end without a send. Pure but for the jitter's random generator.

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "alerting/batch.h"
#include "calendar/civil.h"
#include "channels/channel.h"

namespace dunghan::alerting {

struct RetryPolicy {
  int max_attempts = 8;                    // the attempt that reaches this ends `dead`
  std::chrono::seconds retry_initial{60};  // the delay after the first attempt
  std::chrono::seconds retry_max{3600};    // the cap of the doubling delay
};

class Settler {
 public:
  /// `rng` must outlive the settler; it is used from one thread only.
  Settler(RetryPolicy policy, std::mt19937_64& rng);

  const RetryPolicy& policy() const { return policy_; }

  /// The delay before attempt `attempts` + 1: retry_initial doubled (attempts − 1) times, capped
  /// at retry_max, times a jitter in [0.8, 1.2), plus one second. attempts >= 1.
  std::chrono::seconds backoff(int attempts);

  /// Sets the verdict of every undecided row of `envelope` after its channel answered `outcome` at
  /// `now` (one answer for all the rows of a digest). sent → sent. retry → retry at one next
  /// attempt for the whole envelope (now + backoff of its most-tried row, or the channel's
  /// not_before when later), or dead when a row has reached max_attempts ("dead" in the metric,
  /// not "retry"). unreachable → unreachable, failed → dead; both with a fallback row for the
  /// rule's next channel (`problems` gets a line when there is none).
  void settle(Envelope& envelope, const channels::Outcome& outcome, Instant now,
              std::vector<std::string>& problems);

  /// A verdict that ends a row without a send attempt (cancelled, skipped, dead by age or an
  /// unconfigured channel): `state` with `reason`, counted as `tally`.
  static Verdict end(AlertState state, std::string reason);
  /// A verdict that gives a claimed row back to wait until `until` without using an attempt
  /// (state: waiting_state(row)).
  static Verdict wait(const AlertRow& row, Instant until, std::string reason, Tally tally);
  /// Adds to `verdict` the fallback row for the rule's next channel after `c`'s channel, or a line
  /// to `problems` when the rule has none left. `c.rule` may be null (no fallback then).
  static void add_fallback(Verdict& verdict, const Candidate& c, Instant now,
                           std::vector<std::string>& problems);

 private:
  RetryPolicy policy_;
  std::mt19937_64& rng_;
};

}  // namespace dunghan::alerting
