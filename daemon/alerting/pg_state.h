#pragma once
// The state database on PostgreSQL (`[state] kind = "postgresql"`): the ledger, the fire schedule,
// the coordination of several instances, the office pages' daily counts and the Zalo token pairs,
// in the tables of the schema component "state" (alerts, state_meta, next_fire, office_daily,
// zalo_token), created and migrated under an advisory lock on each connect.
//
// How several instances share it (coordination.h): claim() is one statement
// `UPDATE … WHERE key IN (SELECT … FOR UPDATE SKIP LOCKED)` that marks the rows `sending` with a
// lease and the claiming instance (`claimed_by`); record() applies an outcome only while the row
// still holds that lease; the planning lock is a session-level advisory lock.
//
// An outage: every member throws pg::Unavailable (a std::runtime_error) naming the server while
// it cannot be reached, and the next call connects again. The outcomes of a record() that could
// not reach the server are kept in memory and recorded, with the lease check and the instant they
// were decided at, by the first call that reaches it again (before anything else it does); a
// crash before that leaves the rows in `sending` — resent with the same key once their lease runs
// out, as after any crash.
//
// Times: Unix seconds (UTC) in bigint columns, as in the SQLite state.db, so `dunghan state copy`
// moves them exactly.

#include <memory>
#include <string>

#include "alerting/coordination.h"
#include "alerting/fire_schedule.h"
#include "alerting/ledger.h"
#include "alerting/office_history.h"
#include "alerting/silences.h"
#include "pg/connection.h"
#include "pg/session.h"

namespace dunghan::alerting {

struct PgState {
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<FireSchedule> schedule;
  std::unique_ptr<Coordination> coordination;
};

/// Opens the state on the server `spec` names for instance `instance_id` (non-empty), sharing one
/// connection between the three parts. Connects lazily: a server that is down now is reported by
/// the first call (pg::Unavailable), which a later call retries. Never throws for the server.
PgState open_pg_state(const pg::ConnectSpec& spec, const std::string& instance_id);

/// A ledger alone on its own connection (tests, tools). Lazy like open_pg_state.
std::unique_ptr<Ledger> open_pg_ledger(const pg::ConnectSpec& spec, const std::string& instance_id);

/// The office pages' daily counts (table office_daily) on their own connection. Lazy likewise.
std::unique_ptr<OfficeHistory> open_pg_office_history(const pg::ConnectSpec& spec);
/// The silences in the PostgreSQL state (table `silences`, migration 3 → 4), shared by every
/// instance. Connects at first use; members throw pg::Unavailable / pg::Error (runtime_errors
/// naming the server and the database, never the password) and std::invalid_argument as
/// SilenceStore says.
std::unique_ptr<SilenceStore> open_pg_silences(const pg::ConnectSpec& spec);

/// A session of its own on the state database, migrating the state schema on each connect (for
/// state kept outside the ledger: the Zalo token vault, pg_zalo_vault.h). Lazy like open_pg_state.
std::shared_ptr<pg::Session> open_pg_state_session(const pg::ConnectSpec& spec);

/// Connects now and brings the state schema up to date (check-config, `state copy`). Throws
/// pg::Unavailable or pg::Error naming the server.
void check_pg_state(const pg::ConnectSpec& spec);

/// The schema version of the state tables this build writes.
int pg_state_schema_version();

}  // namespace dunghan::alerting
