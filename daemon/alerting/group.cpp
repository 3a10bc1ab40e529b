#include "alerting/group.h"

#include <map>

namespace dunghan::alerting {

std::vector<Envelope> group(std::span<Candidate* const> rows) {
  std::vector<Envelope> singles;
  std::vector<Envelope> digests;
  std::map<std::string, std::size_t> digest_at;  // digest key → index in `digests`
  for (Candidate* c : rows) {
    if (c->row.digest_key.empty()) {
      Envelope e;
      e.key = c->row.key;
      e.rows = {c};
      e.channel = c->channel;
      singles.push_back(std::move(e));
      continue;
    }
    auto [it, fresh] = digest_at.emplace(c->row.digest_key, digests.size());
    if (fresh) {
      Envelope e;
      e.key = c->row.digest_key;
      e.digest = true;
      e.channel = c->channel;
      digests.push_back(std::move(e));
    }
    digests[it->second].rows.push_back(c);
  }
  for (Envelope& e : digests) singles.push_back(std::move(e));
  return singles;
}

void GroupStage::run(Batch& batch, const Progress&) {
  const std::vector<Candidate*> open = batch.open();
  for (Envelope& e : group(open)) batch.envelopes.push_back(std::move(e));
}

}  // namespace dunghan::alerting
