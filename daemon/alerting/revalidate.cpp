#include "alerting/revalidate.h"

#include <algorithm>

#include "alerting/planner.h"
#include "alerting/settle.h"

namespace dunghan::alerting {
namespace {

const Rule* find_rule(std::span<const Rule> rules, const std::string& name) {
  for (const Rule& r : rules) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

NoLongerOwed cancelled(std::string reason) {
  return NoLongerOwed{AlertState::cancelled, std::move(reason)};
}

}  // namespace

Revalidation revalidate(const AlertRow& row, const LoadedDossier* dossier,
                        const RevalidateContext& ctx, Instant now) {
  if (dossier == nullptr) return cancelled("the dossier is no longer in the store");
  const deadline::DossierClock& c = dossier->clock;
  const deadline::Dossier& d = dossier->stored.dossier;
  if (!c.valid) return cancelled("the dossier's clock is invalid: " + c.invalid_reason);
  if (!deadline::is_open(c.state)) {
    return cancelled("the dossier is closed (" + std::string(deadline::to_string(c.state)) + ")");
  }
  if (row.id.due_version != c.due_version) {
    return cancelled("the appointment changed (due version " + std::to_string(c.due_version) + ")");
  }
  const Rule* rule = find_rule(ctx.rules, row.id.rule);
  if (rule == nullptr || !matches(*rule, d, c.extended)) {
    return cancelled("the rule no longer applies to the dossier");
  }
  const std::vector<const Recipient*> to = ctx.directory->resolve(*rule, d);
  const auto recipient = std::find_if(
      to.begin(), to.end(), [&](const Recipient* r) { return r->id == row.id.recipient; });
  if (recipient == to.end()) return cancelled("the rule no longer addresses this recipient");
  if (rule->repeat) {
    if (auto later = fire_time(*rule, c, *ctx.calendar, row.id.repeat + 1);
        later && *later <= now) {
      return NoLongerOwed{AlertState::skipped, "a later repetition came due"};
    }
  }
  if (!stage_holds(rule->when, c, row.fire_at, *ctx.calendar)) {
    return NoLongerOwed{AlertState::skipped, "the stage no longer holds (state " +
                                                 std::string(deadline::to_string(c.state)) + ")"};
  }
  return StillOwed{rule, *recipient};
}

const LoadedDossier* load_dossier(Batch& batch, const std::string& code,
                                  store::DossierReader& store, const RevalidateContext& ctx) {
  auto it = batch.dossiers.find(code);
  if (it != batch.dossiers.end()) return it->second.get();
  std::unique_ptr<LoadedDossier> l;
  if (std::optional<store::StoredDossier> sd = store.get(code)) {
    l = std::make_unique<LoadedDossier>();
    l->stored = std::move(*sd);
    l->clock = deadline::compute_clock(l->stored.dossier, l->stored.events, *ctx.calendar,
                                       ctx.deadline, ctx.catalogue, batch.now);
  }
  const LoadedDossier* raw = l.get();
  batch.dossiers.emplace(code, std::move(l));
  return raw;
}

RevalidateStage::RevalidateStage(store::DossierReader& store, const RevalidateContext& ctx,
                                 const std::map<std::string, channels::Channel*>& channels)
    : store_(store), ctx_(ctx), channels_(channels) {}

void RevalidateStage::run(Batch& batch, const Progress&) {
  for (Candidate* c : batch.open()) {
    const LoadedDossier* l = nullptr;
    try {
      l = load_dossier(batch, c->row.id.code, store_, ctx_);
    } catch (const std::exception& e) {
      if (!batch.error) batch.error = e.what();
      c->verdict = Settler::wait(c->row, batch.now,
                                 "the store could not be read; waits: " + std::string(e.what()),
                                 Tally::released);
      continue;
    }
    Revalidation r = revalidate(c->row, l, ctx_, batch.now);
    if (auto* gone = std::get_if<NoLongerOwed>(&r)) {
      c->verdict = Settler::end(gone->state, std::move(gone->reason));
      continue;
    }
    const StillOwed& owed = std::get<StillOwed>(r);
    c->dossier = l;
    c->rule = owed.rule;
    c->recipient = owed.recipient;
    auto ch = channels_.find(c->row.id.channel);
    c->channel = ch == channels_.end() ? nullptr : ch->second;
  }
}

}  // namespace dunghan::alerting
