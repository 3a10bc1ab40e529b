#include "alerting/settle.h"

#include <algorithm>

#include "alerting/planner.h"

namespace dunghan::alerting {
namespace {

using channels::Outcome;

Tally tally_of(AlertState s) {
  switch (s) {
    case AlertState::cancelled:
      return Tally::cancelled;
    case AlertState::skipped:
      return Tally::skipped;
    case AlertState::dead:
      return Tally::dead;
    default:
      return Tally::none;
  }
}

}  // namespace

Settler::Settler(RetryPolicy policy, std::mt19937_64& rng) : policy_(policy), rng_(rng) {}

std::chrono::seconds Settler::backoff(int attempts) {
  double base = static_cast<double>(policy_.retry_initial.count());
  const double cap = static_cast<double>(policy_.retry_max.count());
  for (int i = 1; i < attempts && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return std::chrono::seconds{static_cast<std::int64_t>(base * jitter(rng_)) + 1};
}

Verdict Settler::end(AlertState state, std::string reason) {
  Verdict v;
  v.state = state;
  v.detail = std::move(reason);
  v.tally = tally_of(state);
  return v;
}

Verdict Settler::wait(const AlertRow& row, Instant until, std::string reason, Tally tally) {
  Verdict v;
  v.state = waiting_state(row);
  v.detail = std::move(reason);
  v.next_attempt_at = until;
  v.tally = tally;
  return v;
}

void Settler::add_fallback(Verdict& verdict, const Candidate& c, Instant now,
                           std::vector<std::string>& problems) {
  if (c.rule == nullptr) return;
  const AlertRow& row = c.row;
  const std::vector<std::string>& chain = c.rule->channels;
  auto it = std::find(chain.begin(), chain.end(), row.id.channel);
  if (it == chain.end() || std::next(it) == chain.end()) {
    problems.push_back("alert " + row.key + " to " + row.id.recipient +
                       ": no channel left to fall back to");
    return;
  }
  AlertRow next;
  next.id = row.id;
  next.id.channel = *std::next(it);
  next.key = alert_key(next.id);
  next.stage = row.stage;
  next.fire_at = row.fire_at;
  next.state = AlertState::pending;
  next.next_attempt_at = now;
  next.detail = "fallback from channel " + row.id.channel;
  next.created_at = now;
  next.updated_at = now;
  if (!row.digest_key.empty()) {
    next.digest_key = digest_key(c.rule->name, row.id.recipient, next.id.channel, row.fire_at);
  }
  verdict.fallback = std::move(next);
}

void Settler::settle(Envelope& envelope, const Outcome& o, Instant now,
                     std::vector<std::string>& problems) {
  // One next attempt for the whole envelope, so that a digest's rows come due together and go
  // out again as one message (one jitter, not one per row).
  std::optional<Instant> retry_at;
  if (o.kind == Outcome::Kind::retry) {
    int attempts = 1;
    for (const Candidate* c : envelope.rows) attempts = std::max(attempts, c->row.attempts);
    retry_at = now + backoff(attempts);
    if (o.not_before && *o.not_before > *retry_at) retry_at = *o.not_before;
  }
  for (Candidate* c : envelope.rows) {
    if (c->decided()) continue;
    Verdict v;
    v.attempted = true;
    v.detail = o.detail;
    switch (o.kind) {
      case Outcome::Kind::sent:
        v.state = AlertState::sent;
        v.tally = Tally::sent;
        v.metric = "sent";
        break;
      case Outcome::Kind::retry:
        if (c->row.attempts >= policy_.max_attempts) {
          v.state = AlertState::dead;
          v.tally = Tally::dead;
          v.metric = "dead";
          v.detail = "gave up after " + std::to_string(c->row.attempts) + " attempts: " + o.detail;
        } else {
          v.state = AlertState::retry;
          v.tally = Tally::retried;
          v.metric = "retry";
          v.next_attempt_at = retry_at;
        }
        break;
      case Outcome::Kind::unreachable:
        v.state = AlertState::unreachable;
        v.tally = Tally::unreachable;
        v.metric = "unreachable";
        add_fallback(v, *c, now, problems);
        break;
      case Outcome::Kind::failed:
        v.state = AlertState::dead;
        v.tally = Tally::dead;
        v.metric = "failed";
        v.operator_error = o.operator_error;
        add_fallback(v, *c, now, problems);
        break;
    }
    c->verdict = std::move(v);
  }
}

}  // namespace dunghan::alerting
