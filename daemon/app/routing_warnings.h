#pragma once
// What `import` says about routing after loading dossiers: handlers that are no configured
// recipient and departments no recipient belongs to (warnings; nothing is refused).

#include <iosfwd>

#include "config/config.h"
#include "store/store.h"

namespace dunghan::app {

/// Walks the open dossiers of `store` and writes one "warning: …" line to `err` per handler that
/// is not a recipient id and per department that no recipient belongs to (with the number of
/// dossiers and an example code; at most 20 of each, then a count). Returns the number of
/// problems found. Throws store::StoreError.
int warn_routing(const config::Config& config, store::DossierReader& store, std::ostream& err);

}  // namespace dunghan::app
