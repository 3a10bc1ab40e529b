// The SQLite ledger (state.db): one transaction per call; claim() and record() are the
// dispatcher's group commits (schema: state_db.cpp).
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>
#include <set>
#include <stdexcept>
#include <tuple>

#include "alerting/ledger.h"
#include "alerting/ledger_sql.h"
#include "alerting/sqlite_ledger_sql.h"
#include "alerting/state_db.h"

namespace dunghan::alerting {
namespace {

using calendar::instant;
using calendar::secs;

/// SQLite takes a signed 64-bit limit; anything larger means "no limit".
std::int64_t sql_limit(std::size_t limit) {
  return limit > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())
             ? -1
             : static_cast<std::int64_t>(limit);
}

/// Binds as TEXT (SQLiteCpp's pointer-and-size overload would bind a BLOB).
void bind_text(SQLite::Statement& st, int index, std::string_view s) {
  st.bind(index, std::string(s));
}

AlertRow read_row(const SQLite::Statement& st) {
  AlertRow r;
  r.key = st.getColumn(0).getString();
  r.id.code = st.getColumn(1).getString();
  r.id.rule = st.getColumn(2).getString();
  r.id.due_version = st.getColumn(3).getInt();
  r.id.repeat = st.getColumn(4).getInt();
  r.id.recipient = st.getColumn(5).getString();
  r.id.channel = st.getColumn(6).getString();
  const std::string stage = st.getColumn(7).getString();
  const auto parsed_stage = deadline::parse_alert_stage(stage);
  if (!parsed_stage)
    throw std::runtime_error("ledger: row " + r.key + " has unknown stage " + stage);
  r.stage = *parsed_stage;
  r.fire_at = instant(st.getColumn(8).getInt64());
  const std::string state = st.getColumn(9).getString();
  const auto parsed = parse_alert_state(state);
  if (!parsed) throw std::runtime_error("ledger: row " + r.key + " has unknown state " + state);
  r.state = *parsed;
  r.attempts = st.getColumn(10).getInt();
  r.next_attempt_at = instant(st.getColumn(11).getInt64());
  r.detail = st.getColumn(12).getString();
  r.digest_key = st.getColumn(13).getString();
  r.created_at = instant(st.getColumn(14).getInt64());
  r.updated_at = instant(st.getColumn(15).getInt64());
  if (!st.getColumn(16).isNull()) r.sent_at = instant(st.getColumn(16).getInt64());
  if (!st.getColumn(17).isNull()) r.sending_until = instant(st.getColumn(17).getInt64());
  return r;
}

/// synchronous=NORMAL for the lifetime of the object (one transaction), then FULL again.
class RelaxedSync {
 public:
  explicit RelaxedSync(SQLite::Database& db) : db_(db) { db_.exec("PRAGMA synchronous = NORMAL"); }
  ~RelaxedSync() {
    try {
      db_.exec("PRAGMA synchronous = FULL");
    } catch (...) {  // NOLINT(bugprone-empty-catch): the next open sets FULL again
    }
  }
  RelaxedSync(const RelaxedSync&) = delete;
  RelaxedSync& operator=(const RelaxedSync&) = delete;

 private:
  SQLite::Database& db_;
};

class SqliteLedger final : public Ledger {
 public:
  SqliteLedger(const std::filesystem::path& path, std::chrono::milliseconds busy_timeout)
      : path_(path),
        db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX,
            static_cast<int>(busy_timeout.count())) {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = FULL");
    db_.exec("PRAGMA journal_size_limit = 1048576");  // a full disk must not be a WAL's fault
    migrate_state_db(db_, path_);
  }

  void checkpoint() override {
    std::lock_guard lock(mu_);
    SQLite::Statement st(db_, "PRAGMA wal_checkpoint(TRUNCATE)");
    while (st.executeStep()) {
    }
  }

  bool insert(const AlertRow& row) override {
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st = insert_statement();
    const bool inserted = insert_one(st, row, alert_key(row.id));
    tx.commit();
    return inserted;
  }

  std::size_t insert_all(const std::vector<AlertRow>& rows) override {
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    // One statement for the whole batch: preparing it again for each of a first cycle's 10^6
    // rows cost more than the inserts.
    SQLite::Statement st = insert_statement();
    std::size_t n = 0;
    for (const AlertRow& row : rows) n += insert_one(st, row, alert_key(row.id)) ? 1 : 0;
    tx.commit();
    return n;
  }

  std::size_t restore(const std::vector<AlertRow>& rows) override {
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    std::size_t n = 0;
    for (const AlertRow& row : rows) {
      const std::string key = alert_key(row.id);
      if (!row.key.empty() && row.key != key) {
        throw std::invalid_argument("ledger: restore: key " + row.key + " does not match its id");
      }
      const bool sending = row.state == AlertState::sending;
      SQLite::Statement st(db_, std::string("INSERT INTO alerts (") + kAlertColumns +
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                    "?, NULL) ON CONFLICT (key) DO NOTHING");
      st.bind(1, key);
      st.bind(2, row.id.code);
      st.bind(3, row.id.rule);
      st.bind(4, row.id.due_version);
      st.bind(5, row.id.repeat);
      st.bind(6, row.id.recipient);
      st.bind(7, row.id.channel);
      bind_text(st, 8, deadline::to_string(row.stage));
      st.bind(9, secs(row.fire_at));
      bind_text(st, 10, to_string(sending ? AlertState::pending : row.state));
      st.bind(11, row.attempts);
      st.bind(12, secs(row.next_attempt_at));
      st.bind(13, row.detail);
      st.bind(14, row.digest_key);
      st.bind(15, secs(row.created_at));
      st.bind(16, secs(row.updated_at));
      if (row.sent_at) {
        st.bind(17, secs(*row.sent_at));
      } else {
        st.bind(17);
      }
      n += st.exec() == 1 ? 1 : 0;
    }
    tx.commit();
    return n;
  }

  std::vector<AlertRow> due(Instant now, std::size_t limit) override {
    std::lock_guard lock(mu_);
    SQLite::Statement st(db_, sqlite_sql::kDueRows);
    st.bind(1, secs(now));
    st.bind(2, sql_limit(limit));
    return read_all(st);
  }

  std::optional<Instant> next_attempt() override {
    std::lock_guard lock(mu_);
    SQLite::Statement st(db_, sqlite_sql::kNextAttempt);
    if (!st.executeStep() || st.getColumn(0).isNull()) return std::nullopt;
    return instant(st.getColumn(0).getInt64());
  }

  std::vector<AlertRow> claim(Instant now, std::size_t limit, std::chrono::seconds lease) override {
    if (lease <= std::chrono::seconds::zero()) {
      throw std::invalid_argument("ledger: claim: the lease must be positive");
    }
    if (limit == 0) return {};
    std::lock_guard lock(mu_);
    // A claim need not wait for the disk: one lost in a power cut never happened (its rows are
    // pending again and go out with the same keys, as after a crash), and the next record()'s
    // fsync of the log makes it durable anyway. Every other write is synchronous=FULL.
    const RelaxedSync relaxed(db_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    std::vector<AlertRow> rows;
    {
      SQLite::Statement st(db_, sqlite_sql::kDueRows);
      st.bind(1, secs(now));
      st.bind(2, sql_limit(limit));
      rows = read_all(st);
    }
    // A digest is claimed whole: the rest of every digest the batch started.
    std::set<std::string> keys;
    std::set<std::string> digests;
    for (const AlertRow& r : rows) {
      keys.insert(r.key);
      if (!r.digest_key.empty()) digests.insert(r.digest_key);
    }
    if (!digests.empty()) {
      SQLite::Statement st(db_, std::string("SELECT ") + kAlertColumns +
                                    " FROM alerts WHERE digest_key = ? AND digest_key <> '' AND " +
                                    kWaitingStates + " AND next_attempt_at <= ?");
      for (const std::string& d : digests) {
        st.reset();
        st.bind(1, d);
        st.bind(2, secs(now));
        while (st.executeStep()) {
          AlertRow r = read_row(st);
          if (keys.insert(r.key).second) rows.push_back(std::move(r));
        }
      }
      std::sort(rows.begin(), rows.end(), [](const AlertRow& a, const AlertRow& b) {
        return std::tie(a.next_attempt_at, a.fire_at, a.key) <
               std::tie(b.next_attempt_at, b.fire_at, b.key);
      });
    }
    const Instant until = now + lease;
    SQLite::Statement up(db_,
                         "UPDATE alerts SET state = 'sending', attempts = attempts + 1, "
                         "updated_at = ?, sending_until = ? WHERE key = ?");
    for (AlertRow& r : rows) {
      up.reset();
      up.bind(1, secs(now));
      up.bind(2, secs(until));
      up.bind(3, r.key);
      up.exec();
      r.state = AlertState::sending;
      ++r.attempts;
      r.updated_at = now;
      r.sending_until = until;
    }
    tx.commit();
    return rows;
  }

  RecordResult record(const RecordBatch& batch, Instant now) override {
    for (const RowOutcome& o : batch.outcomes) check_outcome(o);
    std::vector<std::string> new_keys;
    for (const AlertRow& row : batch.new_rows) {
      new_keys.push_back(alert_key(row.id));
      check_insert(row, new_keys.back());
    }
    RecordResult result;
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st(db_,
                         "UPDATE alerts SET state = ?, detail = ?, updated_at = ?, "
                         "next_attempt_at = COALESCE(?, next_attempt_at), "
                         "sent_at = CASE WHEN ? THEN ? ELSE sent_at END, "
                         "attempts = MAX(attempts - ?, 0), sending_until = NULL "
                         "WHERE key = ? AND state = 'sending' AND sending_until = ?");
    for (const RowOutcome& o : batch.outcomes) {
      const bool waiting = is_waiting_state(o.state);
      st.reset();
      bind_text(st, 1, to_string(o.state));
      st.bind(2, o.detail);
      st.bind(3, secs(now));
      if (waiting) {
        st.bind(4, secs(*o.next_attempt_at));
      } else {
        st.bind(4);  // NULL: keep
      }
      st.bind(5, o.state == AlertState::sent ? 1 : 0);
      st.bind(6, secs(now));
      st.bind(7, o.attempted ? 0 : 1);
      st.bind(8, o.key);
      st.bind(9, secs(o.lease));
      result.transitions.push_back(st.exec() == 1 ? Transition::applied
                                                  : Transition::changed_meanwhile);
    }
    if (!batch.new_rows.empty()) {
      SQLite::Statement insert = insert_statement();
      for (std::size_t i = 0; i < batch.new_rows.size(); ++i) {
        result.inserted.push_back(insert_one(insert, batch.new_rows[i], new_keys[i]));
      }
    }
    tx.commit();
    return result;
  }

  std::size_t recover_expired(Instant now) override {
    std::lock_guard lock(mu_);
    return requeue_sending("sending_until IS NULL OR sending_until <= ?", now, true);
  }

  std::size_t recover(Instant now) override {
    std::lock_guard lock(mu_);
    return requeue_sending("1", now, false);
  }

  std::size_t retry(const std::string& key, Instant now) override {
    std::lock_guard lock(mu_);
    return requeue("key = ? AND state IN ('dead', 'unreachable', 'retry', 'cancelled', 'skipped')",
                   &key, now);
  }

  std::size_t retry_all_dead(Instant now) override {
    std::lock_guard lock(mu_);
    return requeue("state = 'dead'", nullptr, now);
  }

  std::size_t cancel(const std::string& key, Instant now, std::string reason) override {
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st(db_, std::string("UPDATE alerts SET state = 'cancelled', detail = ?, "
                                          "updated_at = ? WHERE key = ? AND ") +
                                  kWaitingStates);
    st.bind(1, reason);
    st.bind(2, secs(now));
    st.bind(3, key);
    const int changed = st.exec();
    tx.commit();
    return static_cast<std::size_t>(changed);
  }

  std::size_t sent_singles_since(const std::string& recipient, const std::string& channel,
                                 Instant since) override {
    std::lock_guard lock(mu_);
    SQLite::Statement st(db_, sqlite_sql::kSentSinglesSince);
    bind_text(st, 1, recipient);
    bind_text(st, 2, channel);
    st.bind(3, secs(since));
    st.executeStep();
    return static_cast<std::size_t>(st.getColumn(0).getInt64());
  }

  std::size_t release_silenced(const std::string& code, Instant now) override {
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st(db_,
                         "UPDATE alerts SET next_attempt_at = ?, updated_at = ? "
                         "WHERE code = ? AND state = 'silenced' AND next_attempt_at > ?");
    st.bind(1, secs(now));
    st.bind(2, secs(now));
    bind_text(st, 3, code);
    st.bind(4, secs(now));
    const int changed = st.exec();
    tx.commit();
    return static_cast<std::size_t>(changed);
  }

  std::optional<AlertRow> get(const std::string& key) override {
    std::lock_guard lock(mu_);
    SQLite::Statement st(db_,
                         std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE key = ?");
    st.bind(1, key);
    if (!st.executeStep()) return std::nullopt;
    return read_row(st);
  }

  std::vector<AlertRow> list(std::optional<AlertState> state, std::size_t limit) override {
    std::lock_guard lock(mu_);
    std::string sql = std::string("SELECT ") + kAlertColumns + " FROM alerts";
    if (state) sql += " WHERE state = ?";
    sql += " ORDER BY updated_at DESC, key LIMIT ?";
    SQLite::Statement st(db_, sql);
    int i = 1;
    if (state) bind_text(st, i++, to_string(*state));
    st.bind(i, sql_limit(limit));
    return read_all(st);
  }

  std::vector<AlertRow> for_dossier(const std::string& code, std::size_t limit) override {
    std::lock_guard lock(mu_);
    SQLite::Statement st(db_, std::string("SELECT ") + kAlertColumns +
                                  " FROM alerts WHERE code = ? ORDER BY created_at DESC, fire_at "
                                  "DESC, key LIMIT ?");
    bind_text(st, 1, code);
    st.bind(2, sql_limit(limit));
    return read_all(st);
  }

  StateCounts counts() override {
    std::lock_guard lock(mu_);
    SQLite::Statement st(db_, "SELECT state, COUNT(*) FROM alerts GROUP BY state");
    StateCounts out;
    while (st.executeStep()) {
      if (auto s = parse_alert_state(st.getColumn(0).getString())) {
        out[*s] = st.getColumn(1).getInt64();
      }
    }
    return out;
  }

  std::optional<std::string> get_meta(const std::string& name) override {
    std::lock_guard lock(mu_);
    SQLite::Statement st(db_, "SELECT value FROM meta WHERE name = ?");
    st.bind(1, name);
    if (!st.executeStep()) return std::nullopt;
    return st.getColumn(0).getString();
  }

  void set_meta(const std::string& name, const std::string& value) override {
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st(db_,
                         "INSERT INTO meta (name, value) VALUES (?, ?) "
                         "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
    st.bind(1, name);
    st.bind(2, value);
    st.exec();
    tx.commit();
  }

 private:
  SQLite::Statement insert_statement() {
    return SQLite::Statement(db_, std::string("INSERT INTO alerts (") + kAlertColumns +
                                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, "
                                      "NULL, NULL) ON CONFLICT (key) DO NOTHING");
  }

  /// Inserts `row` under `key` through `st` (insert_statement()); false when the key is there.
  bool insert_one(SQLite::Statement& st, const AlertRow& row, const std::string& key) {
    check_insert(row, key);
    const Instant created = row.created_at == Instant{} ? row.fire_at : row.created_at;
    const Instant next = row.next_attempt_at == Instant{} ? row.fire_at : row.next_attempt_at;
    st.reset();
    st.clearBindings();
    st.bind(1, key);
    st.bind(2, row.id.code);
    st.bind(3, row.id.rule);
    st.bind(4, row.id.due_version);
    st.bind(5, row.id.repeat);
    st.bind(6, row.id.recipient);
    st.bind(7, row.id.channel);
    bind_text(st, 8, deadline::to_string(row.stage));
    st.bind(9, secs(row.fire_at));
    bind_text(st, 10, to_string(row.state));
    st.bind(11, secs(next));
    st.bind(12, row.detail);
    st.bind(13, row.digest_key);
    st.bind(14, secs(created));
    st.bind(15, secs(created));
    return st.exec() == 1;
  }

  std::size_t requeue(const char* where, const std::string* key, Instant now) {
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st(db_, std::string("UPDATE alerts SET state = 'pending', attempts = 0, "
                                          "next_attempt_at = ?, updated_at = ?, "
                                          "detail = 'requeued by an operator' WHERE ") +
                                  where);
    st.bind(1, secs(now));
    st.bind(2, secs(now));
    if (key != nullptr) st.bind(3, *key);
    const int changed = st.exec();
    tx.commit();
    return static_cast<std::size_t>(changed);
  }

  /// Rows in `sending` matching `where` (which may use one parameter: now) → pending, due now,
  /// attempts kept, lease cleared.
  std::size_t requeue_sending(const char* where, Instant now, bool where_uses_now) {
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st(
        db_,
        std::string("UPDATE alerts SET state = 'pending', next_attempt_at = ?, updated_at = ?, "
                    "sending_until = NULL, "
                    "detail = 'interrupted while sending; resent with the same key' "
                    "WHERE state = 'sending' AND (") +
            where + ")");
    st.bind(1, secs(now));
    st.bind(2, secs(now));
    if (where_uses_now) st.bind(3, secs(now));
    const int changed = st.exec();
    tx.commit();
    return static_cast<std::size_t>(changed);
  }

  static std::vector<AlertRow> read_all(SQLite::Statement& st) {
    std::vector<AlertRow> rows;
    while (st.executeStep()) rows.push_back(read_row(st));
    return rows;
  }

  std::filesystem::path path_;
  std::mutex mu_;
  SQLite::Database db_;
};

}  // namespace

std::unique_ptr<Ledger> open_sqlite_ledger(const std::filesystem::path& path,
                                           std::chrono::milliseconds busy_timeout) {
  try {
    return std::make_unique<SqliteLedger>(path, busy_timeout);
  } catch (const SQLite::Exception& e) {
    throw std::runtime_error("ledger " + path.string() + ": " + e.what());
  }
}

}  // namespace dunghan::alerting
