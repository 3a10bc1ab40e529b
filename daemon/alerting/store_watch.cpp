#include "alerting/store_watch.h"

#include <spdlog/spdlog.h>

namespace dunghan::alerting {

StoreCheck check_store(store::DossierReader& store, Ledger& ledger) {
  StoreCheck check;
  check.identity = store::to_string(store.identity());
  const std::optional<std::string> known = ledger.get_meta(kStoreIdentityMeta);
  if (known && *known != check.identity) {
    check.replaced_from = *known;
    spdlog::warn(
        "event=store_replaced from=\"{}\" to=\"{}\" note=\"the store is not the one read "
        "before (replaced, re-created or restored): reading it all again, re-planning every open "
        "dossier\"",
        *known, check.identity);
  }
  return check;
}

void record_store(Ledger& ledger, const StoreCheck& check) {
  if (check.replaced_from || !ledger.get_meta(kStoreIdentityMeta)) {
    ledger.set_meta(kStoreIdentityMeta, check.identity);
  }
}

}  // namespace dunghan::alerting
