// The SQLite ledger (state.db): one transaction per transition (schema: state_db.cpp).
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <mutex>
#include <stdexcept>

#include "alerting/ledger.h"
#include "alerting/state_db.h"

namespace dunghan::alerting {
namespace {

constexpr int kBusyTimeoutMs = 5000;

constexpr const char* kColumns =
    "key, code, rule, due_version, repeat, recipient, channel, stage, fire_at, state, attempts, "
    "next_attempt_at, detail, digest_key, created_at, updated_at, sent_at";

std::int64_t secs(Instant t) {
  return t.time_since_epoch().count();
}
Instant instant(std::int64_t s) {
  return Instant{std::chrono::seconds{s}};
}

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
  r.stage = st.getColumn(7).getString();
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
  return r;
}

bool finish_allowed(AlertState from, AlertState to) {
  using S = AlertState;
  if (to == S::sending) return false;
  if (from == S::sending) return true;
  if (from == S::pending || from == S::retry) return to != S::sent;
  return false;
}

class SqliteLedger final : public Ledger {
 public:
  explicit SqliteLedger(const std::filesystem::path& path)
      : path_(path),
        db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX,
            kBusyTimeoutMs) {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = FULL");
    migrate_state_db(db_, path_);
  }

  bool insert(const AlertRow& row) override {
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    const bool inserted = insert_one(row);
    tx.commit();
    return inserted;
  }

  std::size_t insert_all(const std::vector<AlertRow>& rows) override {
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    std::size_t n = 0;
    for (const AlertRow& row : rows) n += insert_one(row) ? 1 : 0;
    tx.commit();
    return n;
  }

  std::vector<AlertRow> due(Instant now, std::size_t limit) override {
    std::lock_guard lock(mu_);
    SQLite::Statement st(db_, std::string("SELECT ") + kColumns +
                                  " FROM alerts WHERE state IN ('pending', 'retry') AND "
                                  "next_attempt_at <= ? ORDER BY next_attempt_at, fire_at, key "
                                  "LIMIT ?");
    st.bind(1, secs(now));
    st.bind(2, sql_limit(limit));
    return read_all(st);
  }

  std::optional<Instant> next_attempt() override {
    std::lock_guard lock(mu_);
    SQLite::Statement st(db_,
                         "SELECT MIN(next_attempt_at) FROM alerts WHERE state IN ('pending', "
                         "'retry')");
    if (!st.executeStep() || st.getColumn(0).isNull()) return std::nullopt;
    return instant(st.getColumn(0).getInt64());
  }

  bool begin_send(const std::string& key, Instant now) override {
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st(db_,
                         "UPDATE alerts SET state = 'sending', attempts = attempts + 1, "
                         "updated_at = ? WHERE key = ? AND state IN ('pending', 'retry')");
    st.bind(1, secs(now));
    st.bind(2, key);
    const int changed = st.exec();
    tx.commit();
    return changed == 1;
  }

  void finish(const std::string& key, AlertState state, Instant now, std::string detail,
              std::optional<Instant> next_attempt_at) override {
    if (state == AlertState::sending) {
      throw std::invalid_argument("ledger: finish(" + key + ") to sending; use begin_send");
    }
    const bool waiting = state == AlertState::pending || state == AlertState::retry;
    if (waiting && !next_attempt_at) {
      throw std::invalid_argument("ledger: finish(" + key + ", " + std::string(to_string(state)) +
                                  ") needs next_attempt_at");
    }
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    const std::optional<AlertState> from = state_of(key);
    if (!from) throw std::logic_error("ledger: finish: no alert " + key);
    if (!finish_allowed(*from, state)) {
      throw std::logic_error("ledger: finish: alert " + key + " cannot go from " +
                             std::string(to_string(*from)) + " to " +
                             std::string(to_string(state)));
    }
    SQLite::Statement st(db_,
                         "UPDATE alerts SET state = ?, detail = ?, updated_at = ?, "
                         "next_attempt_at = COALESCE(?, next_attempt_at), "
                         "sent_at = CASE WHEN ? THEN ? ELSE sent_at END WHERE key = ?");
    bind_text(st, 1, to_string(state));
    st.bind(2, detail);
    st.bind(3, secs(now));
    if (waiting) {
      st.bind(4, secs(*next_attempt_at));
    } else {
      st.bind(4);  // NULL: keep
    }
    st.bind(5, state == AlertState::sent ? 1 : 0);
    st.bind(6, secs(now));
    st.bind(7, key);
    st.exec();
    tx.commit();
  }

  void postpone(const std::string& key, Instant next_attempt_at, std::string detail) override {
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st(db_,
                         "UPDATE alerts SET next_attempt_at = ?, detail = ? "
                         "WHERE key = ? AND state IN ('pending', 'retry')");
    st.bind(1, secs(next_attempt_at));
    st.bind(2, detail);
    st.bind(3, key);
    st.exec();
    tx.commit();
  }

  std::size_t recover(Instant now) override {
    std::lock_guard lock(mu_);
    SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement st(
        db_,
        "UPDATE alerts SET state = 'pending', next_attempt_at = ?, updated_at = ?, "
        "detail = 'interrupted while sending; resent with the same key' "
        "WHERE state = 'sending'");
    st.bind(1, secs(now));
    st.bind(2, secs(now));
    const int changed = st.exec();
    tx.commit();
    return static_cast<std::size_t>(changed);
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
    SQLite::Statement st(db_,
                         "UPDATE alerts SET state = 'cancelled', detail = ?, updated_at = ? "
                         "WHERE key = ? AND state IN ('pending', 'retry')");
    st.bind(1, reason);
    st.bind(2, secs(now));
    st.bind(3, key);
    const int changed = st.exec();
    tx.commit();
    return static_cast<std::size_t>(changed);
  }

  std::optional<AlertRow> get(const std::string& key) override {
    std::lock_guard lock(mu_);
    SQLite::Statement st(db_, std::string("SELECT ") + kColumns + " FROM alerts WHERE key = ?");
    st.bind(1, key);
    if (!st.executeStep()) return std::nullopt;
    return read_row(st);
  }

  std::vector<AlertRow> list(std::optional<AlertState> state, std::size_t limit) override {
    std::lock_guard lock(mu_);
    std::string sql = std::string("SELECT ") + kColumns + " FROM alerts";
    if (state) sql += " WHERE state = ?";
    sql += " ORDER BY updated_at DESC, key LIMIT ?";
    SQLite::Statement st(db_, sql);
    int i = 1;
    if (state) bind_text(st, i++, to_string(*state));
    st.bind(i, sql_limit(limit));
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
  std::optional<AlertState> state_of(const std::string& key) {
    SQLite::Statement st(db_, "SELECT state FROM alerts WHERE key = ?");
    st.bind(1, key);
    if (!st.executeStep()) return std::nullopt;
    return parse_alert_state(st.getColumn(0).getString());
  }

  bool insert_one(const AlertRow& row) {
    const std::string key = alert_key(row.id);
    if (row.state != AlertState::pending && row.state != AlertState::skipped) {
      throw std::invalid_argument("ledger: insert: alert " + key +
                                  " must be pending or skipped, not " +
                                  std::string(to_string(row.state)));
    }
    if (!row.key.empty() && row.key != key) {
      throw std::invalid_argument("ledger: insert: key " + row.key + " does not match its id (" +
                                  key + ")");
    }
    const Instant created = row.created_at == Instant{} ? row.fire_at : row.created_at;
    const Instant next = row.next_attempt_at == Instant{} ? row.fire_at : row.next_attempt_at;
    SQLite::Statement st(db_, std::string("INSERT INTO alerts (") + kColumns +
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, "
                                  "NULL) ON CONFLICT (key) DO NOTHING");
    st.bind(1, key);
    st.bind(2, row.id.code);
    st.bind(3, row.id.rule);
    st.bind(4, row.id.due_version);
    st.bind(5, row.id.repeat);
    st.bind(6, row.id.recipient);
    st.bind(7, row.id.channel);
    st.bind(8, row.stage);
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

std::unique_ptr<Ledger> open_sqlite_ledger(const std::filesystem::path& path) {
  try {
    return std::make_unique<SqliteLedger>(path);
  } catch (const SQLite::Exception& e) {
    throw std::runtime_error("ledger " + path.string() + ": " + e.what());
  }
}

}  // namespace dunghan::alerting
