#include "alerting/flood.h"

#include <map>
#include <utility>

namespace dunghan::alerting {

std::string flood_digest_key(const std::string& recipient, const std::string& channel,
                             const std::string& first_row_key) {
  return alert_key(AlertId{"flood", first_row_key, 0, 0, recipient, channel});
}

void guard_flood(std::vector<Envelope>& envelopes, std::size_t max,
                 const std::function<std::size_t(const std::string& recipient,
                                                 const std::string& channel)>& sent_today) {
  if (max == 0) return;
  using Inbox = std::pair<std::string, std::string>;  // (recipient, channel)
  std::map<Inbox, std::size_t> allowed;
  std::map<Inbox, Envelope> overflow;
  std::vector<Inbox> order;  // of the overflow digests
  std::vector<Envelope> kept;
  for (Envelope& e : envelopes) {
    if (e.digest || e.rows.size() != 1) {
      kept.push_back(std::move(e));
      continue;
    }
    const Candidate& c = *e.rows.front();
    const Inbox t{c.row.id.recipient, c.row.id.channel};
    auto it = allowed.find(t);
    if (it == allowed.end()) {
      const std::size_t sent = sent_today(t.first, t.second);
      it = allowed.emplace(t, sent >= max ? 0 : max - sent).first;
    }
    if (it->second > 0) {
      --it->second;
      kept.push_back(std::move(e));
      continue;
    }
    auto [o, fresh] = overflow.try_emplace(t);
    if (fresh) {
      o->second.key = flood_digest_key(t.first, t.second, c.row.key);
      o->second.digest = true;
      o->second.channel = e.channel;
      order.push_back(t);
    }
    o->second.rows.push_back(e.rows.front());
  }
  for (const Inbox& t : order) kept.push_back(std::move(overflow.at(t)));
  envelopes = std::move(kept);
}

FloodGuardStage::FloodGuardStage(std::size_t max, Ledger& ledger, calendar::UtcOffset offset)
    : max_(max), ledger_(ledger), offset_(offset) {}

void FloodGuardStage::run(Batch& batch, const Progress&) {
  const Instant midnight = calendar::to_instant(calendar::local_date(batch.now, offset_),
                                                std::chrono::seconds{0}, offset_);
  guard_flood(batch.envelopes, max_, [&](const std::string& recipient, const std::string& channel) {
    return ledger_.sent_singles_since(recipient, channel, midnight);
  });
}

}  // namespace dunghan::alerting
