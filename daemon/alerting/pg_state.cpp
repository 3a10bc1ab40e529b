// The state database on PostgreSQL: ledger, fire schedule, coordination (pg_state.h).
#include "alerting/pg_state.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <set>
#include <tuple>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "alerting/ledger_sql.h"
#include "pg/schema.h"
#include "pg/session.h"

namespace dunghan::alerting {
namespace {

using pg::ArrayLiteral;
using pg::Connection;
using pg::Params;
using pg::Result;

/// Migration i brings the state schema from version i to i + 1. Append only.
constexpr std::string_view kPgStateMigrations[] = {
    // 0 → 1: the ledger, its key/value table, the fire schedule.
    R"sql(
CREATE TABLE alerts (
  key             text PRIMARY KEY,
  code            text NOT NULL,
  rule            text NOT NULL,
  due_version     integer NOT NULL,
  repeat          integer NOT NULL,
  recipient       text NOT NULL,
  channel         text NOT NULL,
  stage           text NOT NULL,
  fire_at         bigint NOT NULL,
  state           text NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'retry', 'dead',
                                                 'cancelled', 'skipped', 'unreachable')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  detail          text NOT NULL DEFAULT '',
  digest_key      text NOT NULL DEFAULT '',
  created_at      bigint NOT NULL,
  updated_at      bigint NOT NULL,
  sent_at         bigint,
  sending_until   bigint,
  claimed_by      text
);
COMMENT ON TABLE alerts IS 'dunghan: the alert ledger (outbox and notification log); times are Unix seconds, UTC';
CREATE INDEX alerts_due ON alerts (next_attempt_at, fire_at, key) WHERE state IN ('pending', 'retry');
CREATE INDEX alerts_sending ON alerts (sending_until) WHERE state = 'sending';
CREATE INDEX alerts_digest ON alerts (digest_key) WHERE digest_key <> '' AND state IN ('pending', 'retry');
CREATE INDEX alerts_by_state_updated ON alerts (state, updated_at);
CREATE INDEX alerts_by_updated ON alerts (updated_at);
CREATE TABLE state_meta (
  name  text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE next_fire (
  code text PRIMARY KEY,
  at   bigint NOT NULL
);
CREATE INDEX next_fire_at ON next_fire (at);
CREATE INDEX alerts_by_code ON alerts (code, created_at);
CREATE TABLE office_daily (
  day        date NOT NULL,
  department text NOT NULL,
  open       bigint NOT NULL,
  overdue    bigint NOT NULL,
  PRIMARY KEY (day, department)
);
)sql",
    // 1 → 2: the `silenced` state (issue 15), a waiting state like pending and retry.
    R"sql(
ALTER TABLE alerts DROP CONSTRAINT alerts_state_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_state_check CHECK (state IN ('pending', 'sending', 'sent',
  'retry', 'dead', 'cancelled', 'skipped', 'unreachable', 'silenced'));
DROP INDEX alerts_due;
CREATE INDEX alerts_due ON alerts (next_attempt_at, fire_at, key)
  WHERE state IN ('pending', 'retry', 'silenced');
DROP INDEX alerts_digest;
CREATE INDEX alerts_digest ON alerts (digest_key)
  WHERE digest_key <> '' AND state IN ('pending', 'retry', 'silenced');
)sql",
    // 2 → 3: the Zalo OA token pair of each Zalo channel, one refresh for all instances
    // (alerting/pg_zalo_vault.cpp).
    R"sql(
CREATE TABLE zalo_token (
  channel       text PRIMARY KEY,
  access_token  text NOT NULL,
  refresh_token text NOT NULL,
  obtained_at   bigint NOT NULL,
  expires_in    bigint NOT NULL,
  version       bigint NOT NULL,
  updated_at    bigint NOT NULL,
  updated_by    text NOT NULL
);
COMMENT ON TABLE zalo_token IS 'dunghan: the Zalo OA token pair per Zalo channel (SECRETS); refreshed by one instance at a time under SELECT ... FOR UPDATE; times are Unix seconds, UTC';
)sql",
    // 3 → 4: the silences (issue 15; alerting/pg_silences.cpp), shared by every instance.
    R"sql(
CREATE TABLE silences (
  id          bigserial PRIMARY KEY,
  code        text NOT NULL,
  rule        text NOT NULL DEFAULT '',
  until       bigint NOT NULL,
  reason      text NOT NULL,
  created_by  text NOT NULL DEFAULT '',
  created_at  bigint NOT NULL,
  ended_at    bigint,
  ended_by    text NOT NULL DEFAULT ''
);
CREATE INDEX silences_code ON silences (code);
COMMENT ON TABLE silences IS 'dunghan: silences (acknowledgements) of dossiers'' alerts; times are Unix seconds, UTC';
)sql",
    // 4 → 5: the flood guard's count of one recipient's single alerts sent today, once per
    // claimed batch (it fetched every sent row; found at 10^6 rows, bench/README.md).
    R"sql(
CREATE INDEX alerts_sent_singles ON alerts (recipient, channel, sent_at)
  WHERE state = 'sent' AND digest_key = '';
)sql",
};

constexpr std::string_view kComponent = "state";
constexpr std::string_view kPlanLock = "plan";

using calendar::instant;
using calendar::secs;

std::string num(std::int64_t n) {
  return std::to_string(n);
}
/// LIMIT parameter: NULL (no limit) for anything that does not fit a bigint.
pg::Param limit_param(std::size_t limit) {
  if (limit > static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::nullopt;
  }
  return num(static_cast<std::int64_t>(limit));
}

AlertRow read_row(const Result& r, int i) {
  AlertRow row;
  row.key = r.str(i, 0);
  row.id.code = r.str(i, 1);
  row.id.rule = r.str(i, 2);
  row.id.due_version = static_cast<int>(r.int64(i, 3));
  row.id.repeat = static_cast<int>(r.int64(i, 4));
  row.id.recipient = r.str(i, 5);
  row.id.channel = r.str(i, 6);
  const auto stage = deadline::parse_alert_stage(r.text(i, 7));
  if (!stage) {
    throw std::runtime_error("ledger: row " + row.key + " has unknown stage " + r.str(i, 7));
  }
  row.stage = *stage;
  row.fire_at = instant(r.int64(i, 8));
  const auto state = parse_alert_state(r.text(i, 9));
  if (!state) {
    throw std::runtime_error("ledger: row " + row.key + " has unknown state " + r.str(i, 9));
  }
  row.state = *state;
  row.attempts = static_cast<int>(r.int64(i, 10));
  row.next_attempt_at = instant(r.int64(i, 11));
  row.detail = r.str(i, 12);
  row.digest_key = r.str(i, 13);
  row.created_at = instant(r.int64(i, 14));
  row.updated_at = instant(r.int64(i, 15));
  if (auto s = r.opt_int64(i, 16)) row.sent_at = instant(*s);
  if (auto s = r.opt_int64(i, 17)) row.sending_until = instant(*s);
  return row;
}

std::vector<AlertRow> read_alerts(const Result& r) {
  std::vector<AlertRow> rows;
  rows.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) rows.push_back(read_row(r, i));
  return rows;
}

/// The session shared by the parts of one state, migrating the schema on each connect.
std::shared_ptr<pg::Session> make_session(const pg::ConnectSpec& spec) {
  auto s = std::make_shared<pg::Session>(spec);
  s->on_connect([](Connection& c) { pg::migrate(c, kComponent, kPgStateMigrations); });
  return s;
}

/// INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING key: rows as insert()
/// describes, in one statement. Returns the keys inserted.
std::set<std::string> insert_rows(Connection& c, const std::vector<AlertRow>& rows,
                                  const std::vector<std::string>& keys) {
  if (rows.empty()) return {};
  ArrayLiteral key, code, rule, dv, rep, rcp, ch, stage, fire, state, next, detail, digest, created;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const AlertRow& r = rows[i];
    const Instant c_at = r.created_at == Instant{} ? r.fire_at : r.created_at;
    const Instant n_at = r.next_attempt_at == Instant{} ? r.fire_at : r.next_attempt_at;
    key.add(keys[i]);
    code.add(r.id.code);
    rule.add(r.id.rule);
    dv.add(std::int64_t{r.id.due_version});
    rep.add(std::int64_t{r.id.repeat});
    rcp.add(r.id.recipient);
    ch.add(r.id.channel);
    stage.add(deadline::to_string(r.stage));
    fire.add(secs(r.fire_at));
    state.add(to_string(r.state));
    next.add(secs(n_at));
    detail.add(r.detail);
    digest.add(r.digest_key);
    created.add(secs(c_at));
  }
  const Result res = c.exec_prepared(
      "ledger_insert",
      "INSERT INTO alerts (key, code, rule, due_version, repeat, recipient, channel, stage, "
      "fire_at, state, attempts, next_attempt_at, detail, digest_key, created_at, updated_at) "
      "SELECT k, c, r, dv, rp, rc, ch, st, fa, s, 0, na, d, dg, ca, ca FROM unnest($1::text[], "
      "$2::text[], $3::text[], $4::integer[], $5::integer[], $6::text[], $7::text[], $8::text[], "
      "$9::bigint[], $10::text[], $11::bigint[], $12::text[], $13::text[], $14::bigint[]) AS "
      "t(k, c, r, dv, rp, rc, ch, st, fa, s, na, d, dg, ca) ON CONFLICT (key) DO NOTHING "
      "RETURNING key",
      {key.str(), code.str(), rule.str(), dv.str(), rep.str(), rcp.str(), ch.str(), stage.str(),
       fire.str(), state.str(), next.str(), detail.str(), digest.str(), created.str()});
  std::set<std::string> inserted;
  for (int i = 0; i < res.rows(); ++i) inserted.insert(res.str(i, 0));
  return inserted;
}

class PgLedger final : public Ledger {
 public:
  PgLedger(std::shared_ptr<pg::Session> session, std::string instance)
      : session_(std::move(session)), instance_(std::move(instance)) {}

  bool insert(const AlertRow& row) override { return insert_all({row}) == 1; }

  std::size_t insert_all(const std::vector<AlertRow>& rows) override {
    std::vector<std::string> keys;
    keys.reserve(rows.size());
    for (const AlertRow& r : rows) {
      keys.push_back(alert_key(r.id));
      check_insert(r, keys.back());
    }
    return run([&](Connection& c) { return insert_rows(c, rows, keys).size(); });
  }

  std::size_t restore(const std::vector<AlertRow>& rows) override {
    if (rows.empty()) return 0;
    ArrayLiteral key, code, rule, dv, rep, rcp, ch, stage, fire, state, att, next, detail, digest,
        created, updated, sent;
    for (const AlertRow& r : rows) {
      const std::string k = alert_key(r.id);
      if (!r.key.empty() && r.key != k) {
        throw std::invalid_argument("ledger: restore: key " + r.key + " does not match its id");
      }
      key.add(k);
      code.add(r.id.code);
      rule.add(r.id.rule);
      dv.add(std::int64_t{r.id.due_version});
      rep.add(std::int64_t{r.id.repeat});
      rcp.add(r.id.recipient);
      ch.add(r.id.channel);
      stage.add(deadline::to_string(r.stage));
      fire.add(secs(r.fire_at));
      state.add(to_string(r.state == AlertState::sending ? AlertState::pending : r.state));
      att.add(std::int64_t{r.attempts});
      next.add(secs(r.next_attempt_at));
      detail.add(r.detail);
      digest.add(r.digest_key);
      created.add(secs(r.created_at));
      updated.add(secs(r.updated_at));
      if (r.sent_at) {
        sent.add(secs(*r.sent_at));
      } else {
        sent.add_null();
      }
    }
    return run([&](Connection& c) {
      const Result res = c.exec(
          "INSERT INTO alerts (key, code, rule, due_version, repeat, recipient, channel, stage, "
          "fire_at, state, attempts, next_attempt_at, detail, digest_key, created_at, updated_at, "
          "sent_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], "
          "$5::integer[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[], "
          "$11::integer[], $12::bigint[], $13::text[], $14::text[], $15::bigint[], $16::bigint[], "
          "$17::bigint[]) ON CONFLICT (key) DO NOTHING",
          {key.str(), code.str(), rule.str(), dv.str(), rep.str(), rcp.str(), ch.str(), stage.str(),
           fire.str(), state.str(), att.str(), next.str(), detail.str(), digest.str(),
           created.str(), updated.str(), sent.str()});
      return static_cast<std::size_t>(res.affected());
    });
  }

  std::vector<AlertRow> due(Instant now, std::size_t limit) override {
    return run([&](Connection& c) {
      return read_alerts(c.exec_prepared("ledger_due",
                                         std::string("SELECT ") + kAlertColumns +
                                             " FROM alerts WHERE " + kWaitingStates +
                                             " AND next_attempt_at <= $1" + kDueOrder + " LIMIT $2",
                                         {num(secs(now)), limit_param(limit)}));
    });
  }

  std::optional<Instant> next_attempt() override {
    return run([&](Connection& c) -> std::optional<Instant> {
      const Result r = c.exec_prepared(
          "ledger_next",
          std::string("SELECT min(next_attempt_at) FROM alerts WHERE ") + kWaitingStates, {});
      if (auto v = r.opt_int64(0, 0)) return instant(*v);
      return std::nullopt;
    });
  }

  std::vector<AlertRow> claim(Instant now, std::size_t limit, std::chrono::seconds lease) override {
    if (lease <= std::chrono::seconds::zero()) {
      throw std::invalid_argument("ledger: claim: the lease must be positive");
    }
    if (limit == 0) return {};
    const Instant until = now + lease;
    std::vector<AlertRow> rows = run([&](Connection& c) {
      // One statement: the first `limit` due rows nobody else holds, plus the rest of each digest
      // they start, marked `sending` under this instance's lease. SKIP LOCKED: rows another
      // instance is claiming at this moment are left to it.
      return read_alerts(c.exec_prepared(
          "ledger_claim",
          std::string("WITH first AS (SELECT key, digest_key FROM alerts WHERE ") + kWaitingStates +
              " AND next_attempt_at <= $1" + kDueOrder +
              " LIMIT $2 FOR UPDATE SKIP LOCKED), more AS (SELECT a.key FROM alerts a WHERE "
              "a.digest_key <> '' AND a.digest_key IN (SELECT digest_key FROM first) AND a." +
              kWaitingStates +
              " AND a.next_attempt_at <= $1 FOR UPDATE SKIP LOCKED), picked AS (SELECT key FROM "
              "first UNION SELECT key FROM more) UPDATE alerts a SET state = 'sending', attempts = "
              "a.attempts + 1, updated_at = $1, sending_until = $3, claimed_by = $4 FROM picked "
              "WHERE a.key = picked.key RETURNING " +
              "a.key, a.code, a.rule, a.due_version, a.repeat, a.recipient, a.channel, a.stage, "
              "a.fire_at, a.state, a.attempts, a.next_attempt_at, a.detail, a.digest_key, "
              "a.created_at, a.updated_at, a.sent_at, a.sending_until",
          {num(secs(now)), limit_param(limit), num(secs(until)), instance_}));
    });
    std::sort(rows.begin(), rows.end(), [](const AlertRow& a, const AlertRow& b) {
      return std::tie(a.next_attempt_at, a.fire_at, a.key) <
             std::tie(b.next_attempt_at, b.fire_at, b.key);
    });
    return rows;
  }

  RecordResult record(const RecordBatch& batch, Instant now) override {
    for (const RowOutcome& o : batch.outcomes) check_outcome(o);
    std::vector<std::string> new_keys;
    for (const AlertRow& row : batch.new_rows) {
      new_keys.push_back(alert_key(row.id));
      check_insert(row, new_keys.back());
    }
    std::lock_guard lock(stash_mu_);
    try {
      flush_stash_locked();
      return session_->run([&](Connection& c) { return record_locked(c, batch, new_keys, now); });
    } catch (const pg::Unavailable& e) {
      // Sent is sent: keep what was decided and record it when the server is back.
      stash_.push_back(Stashed{batch, new_keys, now});
      spdlog::error(
          "event=ledger_record_deferred outcomes={} held_in_memory={} error={} note=\"recorded "
          "when the state database is back\"",
          batch.outcomes.size(), stash_.size(), e.what());
      throw;
    }
  }

  std::size_t recover_expired(Instant now) override {
    return requeue_sending("(sending_until IS NULL OR sending_until <= $1)", now);
  }

  std::size_t recover(Instant now) override { return requeue_sending("true", now); }

  std::size_t retry(const std::string& key, Instant now) override {
    return requeue("key = $2 AND state IN ('dead', 'unreachable', 'retry', 'cancelled', 'skipped')",
                   now, key);
  }

  std::size_t retry_all_dead(Instant now) override {
    return requeue("state = 'dead'", now, std::nullopt);
  }

  std::size_t cancel(const std::string& key, Instant now, std::string reason) override {
    return run([&](Connection& c) {
      return static_cast<std::size_t>(
          c.exec("UPDATE alerts SET state = 'cancelled', detail = $1, updated_at = $2 WHERE key "
                 "= $3 AND state IN ('pending', 'retry', 'silenced')",
                 {reason, num(secs(now)), key})
              .affected());
    });
  }

  // Silences themselves are not kept in the PostgreSQL state yet (service::open_state_silences),
  // but the ledger takes the state like SQLite's (the contract suite runs on both).
  std::size_t release_silenced(const std::string& code, Instant now) override {
    return run([&](Connection& c) {
      return static_cast<std::size_t>(
          c.exec("UPDATE alerts SET next_attempt_at = $1, updated_at = $1 WHERE code = $2 AND "
                 "state = 'silenced' AND next_attempt_at > $1",
                 {num(secs(now)), code})
              .affected());
    });
  }

  std::size_t sent_singles_since(const std::string& recipient, const std::string& channel,
                                 Instant since) override {
    // One count on the server through alerts_sent_singles (the base class would fetch every
    // sent row there is, once per recipient and batch).
    return run([&](Connection& c) {
      return static_cast<std::size_t>(
          c.exec_prepared("ledger_sent_singles",
                          "SELECT count(*) FROM alerts WHERE state = 'sent' AND digest_key = '' "
                          "AND recipient = $1 AND channel = $2 AND sent_at >= $3",
                          {recipient, channel, num(secs(since))})
              .int64(0, 0));
    });
  }

  std::optional<AlertRow> get(const std::string& key) override {
    return run([&](Connection& c) -> std::optional<AlertRow> {
      const Result r = c.exec_prepared(
          "ledger_get", std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE key = $1",
          {key});
      if (r.rows() == 0) return std::nullopt;
      return read_row(r, 0);
    });
  }

  std::vector<AlertRow> list(std::optional<AlertState> state, std::size_t limit) override {
    return run([&](Connection& c) {
      std::string sql = std::string("SELECT ") + kAlertColumns + " FROM alerts";
      Params p;
      if (state) {
        sql += " WHERE state = $2";
      }
      sql += " ORDER BY updated_at DESC, key LIMIT $1";
      p.push_back(limit_param(limit));
      if (state) p.emplace_back(std::string(to_string(*state)));
      return read_alerts(c.exec(sql, p));
    });
  }

  std::vector<AlertRow> for_dossier(const std::string& code, std::size_t limit) override {
    return run([&](Connection& c) {
      return read_alerts(
          c.exec_prepared("ledger_for_dossier",
                          std::string("SELECT ") + kAlertColumns +
                              " FROM alerts WHERE code = $1 ORDER BY created_at DESC, "
                              "fire_at DESC, key LIMIT $2",
                          {code, limit_param(limit)}));
    });
  }

  StateCounts counts() override {
    return run([&](Connection& c) {
      const Result r = c.exec("SELECT state, count(*) FROM alerts GROUP BY state");
      StateCounts out;
      for (int i = 0; i < r.rows(); ++i) {
        if (auto s = parse_alert_state(r.text(i, 0))) out[*s] = r.int64(i, 1);
      }
      return out;
    });
  }

  std::optional<std::string> get_meta(const std::string& name) override {
    return run([&](Connection& c) -> std::optional<std::string> {
      const Result r =
          c.exec_prepared("meta_get", "SELECT value FROM state_meta WHERE name = $1", {name});
      if (r.rows() == 0) return std::nullopt;
      return r.str(0, 0);
    });
  }

  void set_meta(const std::string& name, const std::string& value) override {
    run([&](Connection& c) {
      c.exec_prepared("meta_set",
                      "INSERT INTO state_meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO "
                      "UPDATE SET value = excluded.value",
                      {name, value});
    });
  }

 private:
  struct Stashed {
    RecordBatch batch;
    std::vector<std::string> new_keys;
    Instant now;
  };

  /// Runs `fn` on the session after recording what an outage left in memory.
  template <typename F>
  auto run(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
    {
      std::lock_guard lock(stash_mu_);
      flush_stash_locked();
    }
    return session_->run(std::forward<F>(fn));
  }

  /// Records the outcomes kept from an outage, oldest first. Throws pg::Unavailable while the
  /// server is still away (they stay kept).
  void flush_stash_locked() {
    while (!stash_.empty()) {
      const Stashed& s = stash_.front();
      const RecordResult r = session_->run(
          [&](Connection& c) { return record_locked(c, s.batch, s.new_keys, s.now); });
      std::size_t applied = 0;
      for (std::size_t i = 0; i < r.transitions.size(); ++i) {
        if (r.transitions[i] == Transition::applied) {
          ++applied;
        } else {
          spdlog::warn(
              "event=alert_changed_meanwhile key={} wanted={} note=\"recorded after an outage; "
              "the row was no longer as claimed\"",
              s.batch.outcomes[i].key, to_string(s.batch.outcomes[i].state));
        }
      }
      spdlog::info("event=ledger_record_resumed outcomes={} applied={}", r.transitions.size(),
                   applied);
      stash_.erase(stash_.begin());
    }
  }

  RecordResult record_locked(Connection& c, const RecordBatch& batch,
                             const std::vector<std::string>& new_keys, Instant now) {
    RecordResult result;
    result.transitions.assign(batch.outcomes.size(), Transition::changed_meanwhile);
    // A key given twice: only its first outcome can find the row in `sending` (as when applied
    // one after the other).
    ArrayLiteral key, lease, state, detail, next, back, index;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < batch.outcomes.size(); ++i) {
      const RowOutcome& o = batch.outcomes[i];
      if (!seen.insert(o.key).second) continue;
      const bool waiting = is_waiting_state(o.state);
      key.add(o.key);
      lease.add(secs(o.lease));
      state.add(to_string(o.state));
      detail.add(o.detail);
      if (waiting) {
        next.add(secs(*o.next_attempt_at));
      } else {
        next.add_null();
      }
      back.add(std::int64_t{o.attempted ? 0 : 1});
      index.add(static_cast<std::int64_t>(i));
    }
    pg::Transaction tx(c);
    if (key.size() > 0) {
      const Result r = c.exec_prepared(
          "ledger_record",
          "UPDATE alerts a SET state = o.state, detail = o.detail, updated_at = $8, "
          "next_attempt_at = COALESCE(o.next, a.next_attempt_at), sent_at = CASE WHEN o.state = "
          "'sent' THEN $8 ELSE a.sent_at END, attempts = GREATEST(a.attempts - o.back, 0), "
          "sending_until = NULL, claimed_by = NULL FROM unnest($1::text[], $2::bigint[], "
          "$3::text[], $4::text[], $5::bigint[], $6::integer[], $7::bigint[]) AS o(key, lease, "
          "state, detail, next, back, i) WHERE a.key = o.key AND a.state = 'sending' AND "
          "a.sending_until = o.lease RETURNING o.i",
          {key.str(), lease.str(), state.str(), detail.str(), next.str(), back.str(), index.str(),
           num(secs(now))});
      for (int i = 0; i < r.rows(); ++i) {
        result.transitions[static_cast<std::size_t>(r.int64(i, 0))] = Transition::applied;
      }
    }
    const std::set<std::string> inserted = insert_rows(c, batch.new_rows, new_keys);
    tx.commit();
    std::set<std::string> reported;
    for (const std::string& k : new_keys) {
      result.inserted.push_back(inserted.contains(k) && reported.insert(k).second);
    }
    return result;
  }

  std::size_t requeue(const std::string& where, Instant now,
                      const std::optional<std::string>& key) {
    return run([&](Connection& c) {
      Params p{num(secs(now))};
      if (key) p.push_back(*key);
      return static_cast<std::size_t>(
          c.exec("UPDATE alerts SET state = 'pending', attempts = 0, next_attempt_at = $1, "
                 "updated_at = $1, detail = 'requeued by an operator' WHERE " +
                     where,
                 p)
              .affected());
    });
  }

  std::size_t requeue_sending(const std::string& where, Instant now) {
    return run([&](Connection& c) {
      return static_cast<std::size_t>(
          c.exec("UPDATE alerts SET state = 'pending', next_attempt_at = $1, updated_at = $1, "
                 "sending_until = NULL, claimed_by = NULL, detail = 'interrupted while sending; "
                 "resent with the same key' WHERE state = 'sending' AND " +
                     where,
                 {num(secs(now))})
              .affected());
    });
  }

  std::shared_ptr<pg::Session> session_;
  std::string instance_;
  std::mutex stash_mu_;
  std::vector<Stashed> stash_;
};

class PgFireSchedule final : public FireSchedule {
 public:
  explicit PgFireSchedule(std::shared_ptr<pg::Session> session) : session_(std::move(session)) {}

  void set_all(
      const std::vector<std::pair<std::string, std::optional<calendar::Instant>>>& items) override {
    if (items.empty()) return;
    // The last item of a code wins, as when applied in order.
    std::unordered_map<std::string, std::optional<calendar::Instant>> last;
    for (const auto& [code, at] : items) last[code] = at;
    ArrayLiteral up_code, up_at, gone;
    for (const auto& [code, at] : last) {
      if (at) {
        up_code.add(code);
        up_at.add(secs(*at));
      } else {
        gone.add(code);
      }
    }
    session_->run([&](Connection& c) {
      pg::Transaction tx(c);
      if (up_code.size() > 0) {
        c.exec_prepared("fire_upsert",
                        "INSERT INTO next_fire (code, at) SELECT * FROM unnest($1::text[], "
                        "$2::bigint[]) ON CONFLICT (code) DO UPDATE SET at = excluded.at",
                        {up_code.str(), up_at.str()});
      }
      if (gone.size() > 0) {
        c.exec_prepared("fire_delete", "DELETE FROM next_fire WHERE code = ANY($1::text[])",
                        {gone.str()});
      }
      tx.commit();
    });
  }

  std::vector<std::string> due(calendar::Instant now) override {
    return session_->run([&](Connection& c) {
      const Result r =
          c.exec_prepared("fire_due", "SELECT code FROM next_fire WHERE at <= $1 ORDER BY at, code",
                          {num(secs(now))});
      std::vector<std::string> out;
      out.reserve(static_cast<std::size_t>(r.rows()));
      for (int i = 0; i < r.rows(); ++i) out.push_back(r.str(i, 0));
      return out;
    });
  }

  std::optional<calendar::Instant> earliest() override {
    return session_->run([&](Connection& c) -> std::optional<calendar::Instant> {
      const Result r = c.exec_prepared("fire_min", "SELECT min(at) FROM next_fire", {});
      if (auto v = r.opt_int64(0, 0)) return instant(*v);
      return std::nullopt;
    });
  }

 private:
  std::shared_ptr<pg::Session> session_;
};

class PgOfficeHistory final : public OfficeHistory {
 public:
  explicit PgOfficeHistory(std::shared_ptr<pg::Session> session) : session_(std::move(session)) {}

  void record(calendar::Date day, const std::vector<DepartmentDay>& counts) override {
    ArrayLiteral dept, open, overdue;
    for (const DepartmentDay& c : counts) {
      if (c.day != day) continue;
      dept.add(c.department);
      open.add(c.open);
      overdue.add(c.overdue);
    }
    const std::string d = calendar::format_date(day);
    session_->run([&](Connection& c) {
      pg::Transaction tx(c);
      c.exec("DELETE FROM office_daily WHERE day = $1::date", {d});
      c.exec(
          "INSERT INTO office_daily (day, department, open, overdue) SELECT $1::date, t.* FROM "
          "unnest($2::text[], $3::bigint[], $4::bigint[]) AS t ON CONFLICT (day, department) DO "
          "UPDATE SET open = excluded.open, overdue = excluded.overdue",
          {d, dept.str(), open.str(), overdue.str()});
      tx.commit();
    });
  }

  std::vector<DepartmentDay> between(calendar::Date from, calendar::Date to) override {
    return session_->run([&](Connection& c) {
      const Result r = c.exec(
          "SELECT day, department, open, overdue FROM office_daily WHERE day >= $1::date AND day "
          "<= $2::date ORDER BY day, department",
          {calendar::format_date(from), calendar::format_date(to)});
      std::vector<DepartmentDay> out;
      for (int i = 0; i < r.rows(); ++i) {
        if (const auto d = calendar::parse_date(r.text(i, 0))) {
          out.push_back(DepartmentDay{*d, r.str(i, 1), r.int64(i, 2), r.int64(i, 3)});
        }
      }
      return out;
    });
  }

 private:
  std::shared_ptr<pg::Session> session_;
};

class PgCoordination final : public Coordination {
 public:
  PgCoordination(std::shared_ptr<pg::Session> session, std::string instance)
      : session_(std::move(session)), instance_(std::move(instance)) {}
  ~PgCoordination() override { resign(); }

  const std::string& instance_id() const override { return instance_; }

  bool try_lead() override {
    std::lock_guard lock(mu_);
    try {
      leads_ = session_->run([&](Connection& c) {
        // The lock lives as long as the connection that took it: a reconnect lost it.
        if (leads_ && generation_ == session_->connects()) {
          c.exec("SELECT 1");  // still connected, so still held
          return true;
        }
        const bool got = pg::try_lock(c, kPlanLock);
        generation_ = session_->connects();
        return got;
      });
    } catch (...) {
      leads_ = false;
      throw;
    }
    return leads_;
  }

  bool leads() const override {
    std::lock_guard lock(mu_);
    return leads_;
  }

  void resign() noexcept override {
    std::lock_guard lock(mu_);
    if (!leads_) return;
    leads_ = false;
    try {
      session_->run([&](Connection& c) {
        if (generation_ == session_->connects()) pg::unlock(c, kPlanLock);
      });
    } catch (const std::exception& e) {  // a lost connection released it already
      spdlog::debug("event=plan_lock_release_failed error={}", e.what());
    }
  }

  std::int64_t leased_rows() override {
    return session_->run([&](Connection& c) {
      return c
          .exec_prepared("leased_rows",
                         "SELECT count(*) FROM alerts WHERE state = 'sending' AND claimed_by = $1",
                         {instance_})
          .int64(0, 0);
    });
  }

 private:
  std::shared_ptr<pg::Session> session_;
  std::string instance_;
  mutable std::mutex mu_;
  bool leads_ = false;
  std::int64_t generation_ = -1;
};

}  // namespace

std::shared_ptr<pg::Session> open_pg_state_session(const pg::ConnectSpec& spec) {
  return make_session(spec);
}

PgState open_pg_state(const pg::ConnectSpec& spec, const std::string& instance_id) {
  if (instance_id.empty()) throw std::invalid_argument("open_pg_state: empty instance id");
  auto session = make_session(spec);
  PgState s;
  s.ledger = std::make_unique<PgLedger>(session, instance_id);
  s.schedule = std::make_unique<PgFireSchedule>(session);
  s.coordination = std::make_unique<PgCoordination>(session, instance_id);
  return s;
}

std::unique_ptr<OfficeHistory> open_pg_office_history(const pg::ConnectSpec& spec) {
  return std::make_unique<PgOfficeHistory>(make_session(spec));
}

std::unique_ptr<Ledger> open_pg_ledger(const pg::ConnectSpec& spec,
                                       const std::string& instance_id) {
  if (instance_id.empty()) throw std::invalid_argument("open_pg_ledger: empty instance id");
  return std::make_unique<PgLedger>(make_session(spec), instance_id);
}

void check_pg_state(const pg::ConnectSpec& spec) {
  Connection c(spec);
  pg::migrate(c, kComponent, kPgStateMigrations);
}

int pg_state_schema_version() {
  return static_cast<int>(std::size(kPgStateMigrations));
}

}  // namespace dunghan::alerting
