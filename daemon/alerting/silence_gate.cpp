#include "alerting/silence_gate.h"

#include <vector>

namespace dunghan::alerting {

std::string silenced_detail(const Silence& s, calendar::UtcOffset offset) {
  std::string out = "silenced by silence #" + std::to_string(s.id);
  if (!s.by.empty()) out += " (" + s.by + ")";
  out += " until " + calendar::format_iso(s.end(), offset) + ": " + s.reason;
  return out;
}

SilenceGate::SilenceGate(SilenceStore& silences, calendar::UtcOffset offset)
    : silences_(silences), offset_(offset) {}

GateDecision SilenceGate::check(const Candidate& c, Instant now) const {
  const std::vector<Silence> all = silences_.for_dossier(c.row.id.code);
  const std::optional<Silence> s = holding(all, c.row.id.rule, now);
  if (!s) return GateDecision::pass();
  return GateDecision::silence(s->end(), silenced_detail(*s, offset_));
}

}  // namespace dunghan::alerting
