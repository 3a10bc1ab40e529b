#include "alerting/silence_ops.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "deadline/dossier.h"

namespace dunghan::alerting {

std::optional<Instant> parse_silence_until(std::string_view text, calendar::UtcOffset offset) {
  if (text.size() == 10) {
    const std::optional<calendar::Date> d = calendar::parse_date(text);
    if (!d) return std::nullopt;
    return calendar::to_instant(*d + std::chrono::days{1}, std::chrono::seconds{0}, offset);
  }
  const std::optional<calendar::LocalDateTime> l = calendar::parse_local_datetime(text);
  if (!l) return std::nullopt;
  return calendar::to_instant(*l, offset);
}

Silence add_silence(SilenceStore& silences, store::DossierReader& store,
                    std::span<const Rule> rules, const SilenceRequest& req, Instant now,
                    calendar::UtcOffset offset) {
  if (req.code.empty()) throw std::invalid_argument("code: a silence needs a dossier code");
  if (req.reason.empty()) throw std::invalid_argument("reason: a silence needs a reason");
  if (req.by.empty()) throw std::invalid_argument("by: a silence needs the name of who sets it");
  const std::optional<Instant> until = parse_silence_until(req.until_text, offset);
  if (!until) {
    throw std::invalid_argument("until: \"" + req.until_text +
                                "\" is not YYYY-MM-DD or YYYY-MM-DDTHH:MM");
  }
  if (*until <= now) throw std::invalid_argument("until: " + req.until_text + " has passed");
  if (!req.rule.empty() &&
      std::none_of(rules.begin(), rules.end(), [&](const Rule& r) { return r.name == req.rule; })) {
    throw std::invalid_argument("rule: no rule named " + req.rule + " in the configuration");
  }
  const std::optional<store::StoredDossier> d = store.get(req.code);
  if (!d) throw std::invalid_argument("code: no dossier " + req.code + " in the store");
  if (deadline::is_closed(d->dossier.status)) {
    throw std::invalid_argument("code: dossier " + req.code +
                                " is closed; a silence never outlives its resolution");
  }
  Silence s;
  s.code = req.code;
  s.rule = req.rule;
  s.until = *until;
  s.reason = req.reason;
  s.by = req.by;
  s.created_at = now;
  return silences.add(std::move(s));
}

std::optional<Silence> expire_silence(SilenceStore& silences, Ledger& ledger, std::int64_t id,
                                      Instant now, const std::string& by) {
  if (!silences.expire(id, now, by)) return std::nullopt;
  std::optional<Silence> s = silences.get(id);
  if (s) ledger.release_silenced(s->code, now);
  return s;
}

}  // namespace dunghan::alerting
