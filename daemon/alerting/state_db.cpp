#include "alerting/state_db.h"

#include <stdexcept>
#include <string>
#include <string_view>

#include "alerting/ledger.h"

namespace dunghan::alerting {
namespace {

/// Migration i brings the schema from version i to version i + 1. Append only; never edit one
/// that has shipped.
constexpr std::string_view kSqliteStateMigrations[] = {
    // 0 → 1: the alerts table (notification log and outbox) and a small key/value table.
    R"sql(
CREATE TABLE alerts (
  key             TEXT PRIMARY KEY NOT NULL,
  code            TEXT NOT NULL,
  rule            TEXT NOT NULL,
  due_version     INTEGER NOT NULL,
  repeat          INTEGER NOT NULL,
  recipient       TEXT NOT NULL,
  channel         TEXT NOT NULL,
  stage           TEXT NOT NULL,
  fire_at         INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'retry', 'dead',
                                                 'cancelled', 'skipped', 'unreachable')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  detail          TEXT NOT NULL DEFAULT '',
  digest_key      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  sent_at         INTEGER
) WITHOUT ROWID;
CREATE INDEX alerts_due ON alerts (state, next_attempt_at);
CREATE INDEX alerts_by_state_updated ON alerts (state, updated_at);
CREATE INDEX alerts_by_updated ON alerts (updated_at);
CREATE TABLE meta (
  name  TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    // 1 → 2: the fire schedule (next alert time per open dossier). Files written before this
    // migration existed may already have the table (the schedule used to create it itself).
    R"sql(
CREATE TABLE IF NOT EXISTS next_fire (code TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS next_fire_at ON next_fire (at);
)sql",
    // 2 → 3: a lease on rows in `sending` (recovered every cycle once it runs out; NULL for rows
    // left by an older dunghan), and an index to claim a digest whole.
    R"sql(
ALTER TABLE alerts ADD COLUMN sending_until INTEGER;
CREATE INDEX alerts_digest ON alerts (digest_key, state) WHERE digest_key <> '';
)sql",
    // 3 → 4: a dossier's alert history (the office pages) and the daily counts of open and
    // overdue dossiers per department (the pages' 30-day chart).
    R"sql(
CREATE INDEX alerts_by_code ON alerts (code, created_at);
CREATE TABLE office_daily (
  day        TEXT NOT NULL,
  department TEXT NOT NULL,
  open       INTEGER NOT NULL,
  overdue    INTEGER NOT NULL,
  PRIMARY KEY (day, department)
) WITHOUT ROWID;
)sql",
    // 4 → 5: the `silenced` state (a CHECK constraint cannot be altered in SQLite: the table is
    // rebuilt with its indexes) and the silences (silences.h).
    R"sql(
CREATE TABLE alerts_v5 (
  key             TEXT PRIMARY KEY NOT NULL,
  code            TEXT NOT NULL,
  rule            TEXT NOT NULL,
  due_version     INTEGER NOT NULL,
  repeat          INTEGER NOT NULL,
  recipient       TEXT NOT NULL,
  channel         TEXT NOT NULL,
  stage           TEXT NOT NULL,
  fire_at         INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'retry', 'dead',
                                                 'cancelled', 'skipped', 'unreachable',
                                                 'silenced')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  detail          TEXT NOT NULL DEFAULT '',
  digest_key      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  sending_until   INTEGER
) WITHOUT ROWID;
INSERT INTO alerts_v5 (key, code, rule, due_version, repeat, recipient, channel, stage, fire_at,
                       state, attempts, next_attempt_at, detail, digest_key, created_at,
                       updated_at, sent_at, sending_until)
  SELECT key, code, rule, due_version, repeat, recipient, channel, stage, fire_at, state, attempts,
         next_attempt_at, detail, digest_key, created_at, updated_at, sent_at, sending_until
  FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_v5 RENAME TO alerts;
CREATE INDEX alerts_due ON alerts (state, next_attempt_at);
CREATE INDEX alerts_by_state_updated ON alerts (state, updated_at);
CREATE INDEX alerts_by_updated ON alerts (updated_at);
CREATE INDEX alerts_digest ON alerts (digest_key, state) WHERE digest_key <> '';
CREATE INDEX alerts_by_code ON alerts (code, created_at);
CREATE TABLE silences (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  code       TEXT NOT NULL,
  rule       TEXT NOT NULL DEFAULT '',
  until      INTEGER NOT NULL,
  reason     TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  ended_at   INTEGER,
  ended_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX silences_by_code ON silences (code, until);
)sql",
    // 5 → 6: indexes for the two queries that ran once per claimed batch and grew with the
    // ledger (found at 10^6 rows, bench/README.md). The claim took `state IN (...)` through
    // (state, next_attempt_at) and sorted every due row for each batch of 64; it now walks a
    // partial index in its own order (the WHERE text is ledger_sql.h's kWaitingStates, word for
    // word). The flood guard's count scanned the day's sent rows; it now counts one recipient's.
    R"sql(
DROP INDEX alerts_due;
CREATE INDEX alerts_due ON alerts (next_attempt_at, fire_at, key)
  WHERE state IN ('pending', 'retry', 'silenced');
CREATE INDEX alerts_sent_singles ON alerts (recipient, channel, sent_at)
  WHERE state = 'sent' AND digest_key = '';
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kSqliteStateMigrations));

}  // namespace

bool is_state_db_error(const std::exception& e) {
  return dynamic_cast<const SQLite::Exception*>(&e) != nullptr;
}

int state_db_schema_version() {
  return kSchemaVersion;
}

void migrate_state_db(SQLite::Database& db, const std::filesystem::path& path) {
  SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  int version = 0;
  {
    SQLite::Statement st(db, "SELECT MAX(version) FROM schema_version");
    if (st.executeStep() && !st.getColumn(0).isNull()) version = st.getColumn(0).getInt();
  }
  if (version > kSchemaVersion) {
    throw std::runtime_error("state database " + path.string() + ": schema version " +
                             std::to_string(version) + " is newer than this dunghan knows (" +
                             std::to_string(kSchemaVersion) + "); refusing to open it");
  }
  for (int v = version; v < kSchemaVersion; ++v) db.exec(std::string(kSqliteStateMigrations[v]));
  if (version < kSchemaVersion) {
    db.exec("DELETE FROM schema_version");
    SQLite::Statement st(db, "INSERT INTO schema_version (version) VALUES (?)");
    st.bind(1, kSchemaVersion);
    st.exec();
  }
  tx.commit();
}

}  // namespace dunghan::alerting
