#include "alerting/gate.h"

#include "alerting/settle.h"

namespace dunghan::alerting {

GateDecision GateDecision::wait(Instant until, std::string reason, Tally tally) {
  GateDecision d;
  d.kind = Kind::wait;
  d.until = until;
  d.reason = std::move(reason);
  d.tally = tally;
  return d;
}

GateDecision GateDecision::end(AlertState state, std::string reason, bool fallback) {
  GateDecision d;
  d.kind = Kind::end;
  d.state = state;
  d.reason = std::move(reason);
  d.fallback = fallback;
  return d;
}

GateDecision GateDecision::silence(Instant until, std::string reason) {
  GateDecision d = end(AlertState::silenced, std::move(reason));
  d.until = until;
  d.tally = Tally::silenced;
  return d;
}

AgeGate::AgeGate(std::chrono::seconds max_age, const calendar::WorkCalendar& cal)
    : max_age_(max_age), cal_(cal) {}

GateDecision AgeGate::check(const Candidate& c, Instant now) const {
  const bool office_window =
      c.channel != nullptr && c.channel->send_window() == channels::SendWindow::office;
  const Instant from =
      office_window ? cal_.roll_to_office_time(c.row.created_at) : c.row.created_at;
  if (now - from > max_age_) {
    return GateDecision::end(AlertState::dead, "undelivered for longer than the maximum age");
  }
  return GateDecision::pass();
}

GateDecision ConfiguredChannelGate::check(const Candidate& c, Instant) const {
  if (c.channel != nullptr) return GateDecision::pass();
  return GateDecision::end(AlertState::dead, "channel " + c.row.id.channel + " is not configured",
                           true);
}

CircuitGate::CircuitGate(std::function<const CircuitBreaker*(const std::string&)> breakers)
    : breakers_(std::move(breakers)) {}

GateDecision CircuitGate::check(const Candidate& c, Instant now) const {
  const CircuitBreaker* b = breakers_(c.row.id.channel);
  if (b == nullptr) return GateDecision::pass();
  const std::optional<Instant> probe = b->next_probe();
  if (!probe || *probe <= now) return GateDecision::pass();
  return GateDecision::wait(
      *probe, "channel " + c.row.id.channel + " is down; waits for it without using an attempt",
      Tally::held);
}

SendWindowGate::SendWindowGate(const calendar::WorkCalendar& cal) : cal_(cal) {}

GateDecision SendWindowGate::check(const Candidate& c, Instant now) const {
  if (c.channel == nullptr || c.channel->send_window() != channels::SendWindow::office) {
    return GateDecision::pass();
  }
  const Instant open = cal_.roll_to_office_time(now);
  if (open == now) return GateDecision::pass();
  return GateDecision::wait(open, "outside office hours; waits for the next opening",
                            Tally::postponed);
}

void GateStage::add(std::unique_ptr<Gate> gate) {
  gates_.push_back(std::move(gate));
}

void GateStage::run(Batch& batch, const Progress&) {
  for (Candidate* c : batch.open()) {
    for (const auto& gate : gates_) {
      GateDecision d = gate->check(*c, batch.now);
      if (d.kind == GateDecision::Kind::pass) continue;
      if (d.kind == GateDecision::Kind::wait) {
        c->verdict = Settler::wait(c->row, *d.until, std::move(d.reason), d.tally);
      } else {
        Verdict v = Settler::end(d.state, std::move(d.reason));
        if (d.until) v.next_attempt_at = d.until;
        if (d.tally != Tally::none) v.tally = d.tally;
        if (d.state == AlertState::silenced) v.metric = "silenced";
        if (d.fallback) Settler::add_fallback(v, *c, batch.now, batch.problems);
        c->verdict = std::move(v);
      }
      break;
    }
  }
}

}  // namespace dunghan::alerting
