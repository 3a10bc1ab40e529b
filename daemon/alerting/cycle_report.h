#pragma once
// What one cycle of the engine did (planning and dispatch), for the daemon's health and metrics.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "calendar/civil.h"

namespace dunghan::alerting {

/// What one cycle did.
struct CycleReport {
  std::int64_t dossiers_read = 0;
  std::int64_t rows_rejected = 0;    // bad store rows (reported in problems)
  std::int64_t store_rows_read = 0;  // rows fetched from the store's database by plan()
  /// Set when the store could not be read: why. plan() then worked from the last copies of the
  /// dossiers (store::CachedReader) and the dispatch went on; the daemon reports the store as
  /// unreachable (503) until a cycle reads it again.
  std::optional<std::string> store_unavailable;
  std::int64_t planned = 0;  // new ledger rows (pending or skipped)
  std::int64_t sent = 0, retried = 0, dead = 0, unreachable = 0, cancelled = 0, skipped = 0,
               postponed = 0;
  std::int64_t held = 0;      // waited for a channel that is down (no attempt used)
  std::int64_t released = 0;  // given back unsent (a stop, a store error; no attempt used)
  std::int64_t silenced = 0;  // held back by a silence until it ends (no attempt used)
  /// plan() found the store replaced, re-created or restored (event=store_replaced): it read it
  /// from an empty cursor and re-planned every open dossier.
  bool store_replaced = false;
  /// Send attempts: channel → outcome ("sent", "retry", "dead" for the last attempt before dead,
  /// "unreachable", "failed") → n. Counted once the ledger has recorded them.
  std::map<std::string, std::map<std::string, std::int64_t>> outcomes;
  /// Every channel's circuit breaker at the end of the cycle: the next probe while it is open
  /// (the channel is down; its messages wait without using attempts), empty while it is closed.
  std::map<std::string, std::optional<calendar::Instant>> circuits;
  std::vector<std::string> problems;  // routing problems and bad rows (deduplicated, capped)
  std::optional<calendar::Instant> next_wake;  // earliest next firing or retry
};

}  // namespace dunghan::alerting
