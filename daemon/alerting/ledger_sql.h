#pragma once
// SQL text shared by the two ledgers (sqlite_ledger.cpp and pg_state.cpp): both read a row by
// column position, so the column list is one constant, not two copies that could drift apart.

namespace dunghan::alerting {

/// The alerts table's columns in the order both ledgers' read_row() expects (0-based positions:
/// key 0 … sending_until 17). Used in SELECT and INSERT lists.
inline constexpr const char* kAlertColumns =
    "key, code, rule, due_version, repeat, recipient, channel, stage, fire_at, state, attempts, "
    "next_attempt_at, detail, digest_key, created_at, updated_at, sent_at, sending_until";

/// The states a row waits in for its next attempt (pending, retry, or silenced until a time).
inline constexpr const char* kWaitingStates = "state IN ('pending', 'retry', 'silenced')";

/// The order in which due rows are taken: earliest next attempt first, then fire time, then key.
inline constexpr const char* kDueOrder = " ORDER BY next_attempt_at, fire_at, key";

}  // namespace dunghan::alerting
