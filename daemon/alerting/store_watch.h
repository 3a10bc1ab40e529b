#pragma once
// Internal to alerting/: notices that the dossier store is not the one the ledger last read (it
// was replaced, deleted and re-created, or restored from a backup). The change cursor in the
// state database then means nothing for the store that is there now (its row versions may all
// be below it: its dossiers would be skipped for ever), so Engine::plan() starts again from an
// empty cursor and re-plans every open dossier.

#include <optional>
#include <string>

#include "alerting/ledger.h"
#include "store/store.h"

namespace dunghan::alerting {

/// The ledger's meta key holding the identity of the store last read.
inline constexpr const char* kStoreIdentityMeta = "store_identity";

struct StoreCheck {
  std::string identity;  // store::to_string(store.identity()) now
  /// Set when the ledger recorded another identity (logged as event=store_replaced). Unset on
  /// the first check of a ledger, which records without judging.
  std::optional<std::string> replaced_from;
};

/// Asks `store` for its identity (which reopens a replaced store) and compares it with the one
/// recorded in `ledger`. Logs event=store_replaced when they differ. Throws store::StoreError
/// when the store cannot be reached, and what the ledger throws.
StoreCheck check_store(store::DossierReader& store, Ledger& ledger);

/// Records `check.identity` in `ledger` once the cycle that made the check has read the store
/// (so that a cycle that fails half-way checks, and re-plans, again).
void record_store(Ledger& ledger, const StoreCheck& check);

}  // namespace dunghan::alerting
