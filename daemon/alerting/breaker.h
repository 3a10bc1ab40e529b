#pragma once
// A circuit breaker per channel (issue 12 item 6). While a channel's transport fails (its server
// cannot be reached, or answers every message alike: Outcome::channel_down), the dispatcher sends
// one probe per backoff interval and holds every other message of the channel without a
// connection attempt and without using an attempt of its row. Pure state; thread-safe (the send
// stage's workers share one breaker per channel); time is the caller's `now`.
//
//   closed ──(a send reports channel_down)──▶ open (probe at now + interval)
//   open ──(now ≥ probe time: one caller gets `probe`)──▶ half-open
//   half-open ──(probe ok)──▶ closed           half-open ──(probe down)──▶ open, interval doubled
// The interval starts at `initial` and doubles after each failed probe, up to `max`.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "calendar/civil.h"

namespace dunghan::alerting {

class CircuitBreaker {
 public:
  struct Policy {
    std::chrono::seconds initial{60};
    std::chrono::seconds max{3600};
  };
  enum class Permit {
    send,   // closed: send
    probe,  // the one send that tests an open channel; report() its result
    hold,   // open: do not connect; wait until next_probe()
  };
  enum class Change { none, opened, still_open, closed };

  explicit CircuitBreaker(Policy policy);

  /// What a caller about to send at `now` may do. While a probe is in flight, other callers block
  /// until report() of the probe, then get send (it succeeded) or hold (it failed).
  Permit acquire(calendar::Instant now);
  /// Reports how a send or probe allowed by acquire() ended: `channel_down` when the channel's
  /// transport failed. Must be called once for every `probe` (also when the send threw), may be
  /// called for `send`. Returns the state change, for logging: opened (a send failed while
  /// closed), still_open (a probe failed), closed (a probe succeeded), none.
  Change report(Permit permit, bool channel_down, calendar::Instant now);

  bool is_open() const;
  /// When open: the instant from which the next probe may go out.
  std::optional<calendar::Instant> next_probe() const;
  /// Failed probes since the channel went down (0 while closed).
  int failed_probes() const;

 private:
  std::chrono::seconds interval() const;

  Policy policy_;
  mutable std::mutex mu_;
  std::condition_variable probe_done_;
  bool open_ = false;
  bool probing_ = false;
  int failed_probes_ = 0;
  calendar::Instant probe_at_{};
};

}  // namespace dunghan::alerting
