#include "alerting/latest_stage.h"

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "alerting/settle.h"

namespace dunghan::alerting {
namespace {

/// A dossier's rows read to find its other due stages (newest first: the later stages).
constexpr std::size_t kRowsPerDossier = 200;

}  // namespace

void skip_outrun_stages(std::span<Candidate* const> rows, std::span<const AlertRow> also_due) {
  using Inbox = std::tuple<std::string, std::string, std::string>;  // code, recipient, channel
  auto inbox = [](const Candidate* c) {
    return Inbox{c->row.id.code, c->row.id.recipient, c->row.id.channel};
  };
  std::map<Inbox, Instant> latest;  // → the latest fire_at
  for (const Candidate* c : rows) {
    auto [it, fresh] = latest.emplace(inbox(c), c->row.fire_at);
    if (!fresh && c->row.fire_at > it->second) it->second = c->row.fire_at;
  }
  for (const AlertRow& r : also_due) {
    auto it = latest.find(Inbox{r.id.code, r.id.recipient, r.id.channel});
    if (it != latest.end() && r.fire_at > it->second) it->second = r.fire_at;
  }
  for (Candidate* c : rows) {
    if (c->row.fire_at < latest.at(inbox(c))) {
      c->verdict = Settler::end(AlertState::skipped, std::string(kLaterStageCameDue));
    }
  }
}

void LatestStageOnly::run(Batch& batch, const Progress&) {
  const std::vector<Candidate*> open = batch.open();
  std::set<std::string> codes;
  for (const Candidate* c : open) codes.insert(c->row.id.code);
  std::set<std::string> in_batch;
  for (const Candidate& c : batch.candidates) in_batch.insert(c.row.key);
  std::vector<AlertRow> also_due;
  for (const std::string& code : codes) {
    for (AlertRow& r : ledger_.for_dossier(code, kRowsPerDossier)) {
      if (in_batch.count(r.key) != 0) continue;
      const bool due = (is_waiting_state(r.state) && r.next_attempt_at <= batch.now) ||
                       r.state == AlertState::sending;
      if (due) also_due.push_back(std::move(r));
    }
  }
  skip_outrun_stages(open, also_due);
}

}  // namespace dunghan::alerting
