#pragma once
// Adding and expiring a silence the same way from every door (`dunghan silence`, the dossier page,
// POST /api/v1/silences): the checks, the end of "--until", and, when a silence ends early, the
// ledger's silenced rows made due again.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "alerting/ledger.h"
#include "alerting/rules.h"
#include "alerting/silences.h"
#include "calendar/civil.h"
#include "store/store.h"

namespace dunghan::alerting {

/// The end of a silence from its text: "YYYY-MM-DD" holds through that local day (ends at the
/// next local midnight), "YYYY-MM-DDTHH:MM" (or with a space) ends at that local minute (both at
/// `offset`). nullopt when the text is neither.
std::optional<Instant> parse_silence_until(std::string_view text, calendar::UtcOffset offset);

/// What a user asks for.
struct SilenceRequest {
  std::string code;
  std::string rule;        // empty: every rule
  std::string until_text;  // as parse_silence_until
  std::string reason;
  std::string by;  // the user; empty is refused
};

/// Checks `req` and stores the silence (created_at = `now`). Throws std::invalid_argument with an
/// English message naming the field when: the code, reason or user is empty; `until` cannot be
/// read or is not after `now`; the rule is not among `rules`; the store has no such dossier, or
/// it is closed (resolved, returned, withdrawn). Throws store::StoreError / std::runtime_error
/// when the store or the state database cannot be read or written.
Silence add_silence(SilenceStore& silences, store::DossierReader& store,
                    std::span<const Rule> rules, const SilenceRequest& req, Instant now,
                    calendar::UtcOffset offset);

/// Ends silence `id` at `now` (by `by`) and makes its dossier's silenced rows due now
/// (Ledger::release_silenced), so the next cycle sends the latest stage still holding. Returns
/// the silence as it now is; nullopt when there is no such silence or it no longer holds. Throws
/// std::runtime_error when the state database cannot be written.
std::optional<Silence> expire_silence(SilenceStore& silences, Ledger& ledger, std::int64_t id,
                                      Instant now, const std::string& by);

}  // namespace dunghan::alerting
