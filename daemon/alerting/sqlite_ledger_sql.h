#pragma once
// The SQLite ledger's hot queries (sqlite_ledger.cpp), named so that a test can check their
// query plans against the schema's indexes (state_db.cpp): at 10^6 alert rows, a claim that sorts
// every due row or a flood-guard count that scans the day's sent rows costs seconds a batch.

#include <string>

#include "alerting/ledger_sql.h"

namespace dunghan::alerting::sqlite_sql {

/// Due rows in the order they are taken: ?1 now (Unix s), ?2 limit (-1: none). Walks alerts_due
/// in its order: no sort, however many rows are due. kWaitingStates (ledger_sql.h) is the WHERE
/// clause of that partial index word for word, or SQLite could not use it. INDEXED BY, because
/// without statistics the planner prefers the equality on `state` of alerts_by_state_updated and
/// then sorts every due row (and SQLite fails the statement, rather than sorting silently, if the
/// index is ever gone).
inline const std::string kDueRows = std::string("SELECT ") + kAlertColumns +
                                    " FROM alerts INDEXED BY alerts_due WHERE " + kWaitingStates +
                                    " AND next_attempt_at <= ?1" + kDueOrder + " LIMIT ?2";

/// The earliest next_attempt_at of a waiting row (NULL when none).
inline const std::string kNextAttempt =
    std::string("SELECT MIN(next_attempt_at) FROM alerts INDEXED BY alerts_due WHERE ") +
    kWaitingStates;

/// Single (not digest) alerts sent to ?1 through channel ?2 since ?3 (Unix s): the flood guard's
/// count, through the partial index alerts_sent_singles (sent rows keep sent_at).
inline const std::string kSentSinglesSince =
    "SELECT COUNT(*) FROM alerts WHERE state = 'sent' AND digest_key = '' AND recipient = ?1 AND "
    "channel = ?2 AND sent_at >= ?3";

}  // namespace dunghan::alerting::sqlite_sql
