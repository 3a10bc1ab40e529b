#include "alerting/breaker.h"

#include <algorithm>

namespace dunghan::alerting {

CircuitBreaker::CircuitBreaker(Policy policy) : policy_(policy) {}

std::chrono::seconds CircuitBreaker::interval() const {
  std::chrono::seconds d = policy_.initial;
  for (int i = 0; i < failed_probes_ && d < policy_.max; ++i) d *= 2;
  return std::min(d, policy_.max);
}

CircuitBreaker::Permit CircuitBreaker::acquire(calendar::Instant now) {
  std::unique_lock lock(mu_);
  probe_done_.wait(lock, [this] { return !probing_; });
  if (!open_) return Permit::send;
  if (now < probe_at_) return Permit::hold;
  probing_ = true;
  return Permit::probe;
}

CircuitBreaker::Change CircuitBreaker::report(Permit permit, bool channel_down,
                                              calendar::Instant now) {
  Change change = Change::none;
  {
    std::lock_guard lock(mu_);
    if (permit == Permit::probe) {
      probing_ = false;
      if (channel_down) {
        ++failed_probes_;
        probe_at_ = now + interval();
        change = Change::still_open;
      } else {
        open_ = false;
        failed_probes_ = 0;
        change = Change::closed;
      }
    } else if (permit == Permit::send && channel_down && !open_) {
      open_ = true;
      failed_probes_ = 0;
      probe_at_ = now + interval();
      change = Change::opened;
    }
  }
  if (permit == Permit::probe) probe_done_.notify_all();
  return change;
}

bool CircuitBreaker::is_open() const {
  std::lock_guard lock(mu_);
  return open_;
}

std::optional<calendar::Instant> CircuitBreaker::next_probe() const {
  std::lock_guard lock(mu_);
  if (!open_) return std::nullopt;
  return probe_at_;
}

int CircuitBreaker::failed_probes() const {
  std::lock_guard lock(mu_);
  return failed_probes_;
}

}  // namespace dunghan::alerting
