#include "alerting/batch.h"

namespace dunghan::alerting {

std::vector<Candidate*> Batch::open() {
  std::vector<Candidate*> out;
  for (Candidate& c : candidates) {
    if (!c.decided()) out.push_back(&c);
  }
  return out;
}

AlertState waiting_state(const AlertRow& claimed) {
  return claimed.attempts > 1 ? AlertState::retry : AlertState::pending;
}

std::string_view to_string(Tally t) {
  switch (t) {
    case Tally::none:
      return "none";
    case Tally::sent:
      return "sent";
    case Tally::retried:
      return "retried";
    case Tally::dead:
      return "dead";
    case Tally::unreachable:
      return "unreachable";
    case Tally::cancelled:
      return "cancelled";
    case Tally::skipped:
      return "skipped";
    case Tally::postponed:
      return "postponed";
    case Tally::held:
      return "held";
    case Tally::released:
      return "released";
    case Tally::silenced:
      return "silenced";
  }
  return "none";
}

}  // namespace dunghan::alerting
