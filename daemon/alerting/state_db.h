#pragma once
// Internal to alerting/: the schema of the state database (state.db in the state directory), which
// holds the ledger (alerts, meta) and the fire schedule (next_fire). Both open the same file and
// call migrate_state_db first, so whichever opens it first brings it to the current version.

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>

namespace dunghan::alerting {

/// The schema version this build writes.
int state_db_schema_version();

/// Brings `db` (opened read-write on `path`) to the current schema in one IMMEDIATE transaction:
/// forward-only migrations, each applied once; concurrent openers wait on the lock and find the
/// work done. Throws std::runtime_error naming `path` when the file's schema is newer than this
/// build knows, or SQLite::Exception on an SQLite error.
void migrate_state_db(SQLite::Database& db, const std::filesystem::path& path);

}  // namespace dunghan::alerting
