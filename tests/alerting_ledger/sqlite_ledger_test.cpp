// What only the SQLite ledger has: a real file (reopening, schema migrations, WAL, a file from a
// newer dunghan), two connections or threads claiming at once, and the busy timeout. Its contract
// is tested with every other implementation in ledger_contract_test.cpp.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "alerting/fire_schedule.h"
#include "alerting/ledger.h"
#include "alerting/sqlite_ledger_sql.h"
#include "alerting/state_db.h"
#include "support/temp_dir.h"

namespace dunghan::alerting {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

const Instant kT0 = Instant{seconds{1'740'000'000}};  // 2025-02-19T21:20:00Z

AlertRow make_row(const std::string& code, Instant fire_at, const std::string& channel = "email") {
  AlertRow r;
  r.id = AlertId{code, "nhac-truoc-han", 0, 0, "nguyenvana", channel};
  r.stage = deadline::AlertStage::before_due;
  r.fire_at = fire_at;
  return r;
}

class LedgerTest : public ::testing::Test {
 protected:
  std::filesystem::path path() const { return dir_.path() / "state.db"; }
  Ledger& ledger() { return *ledger_; }
  void reopen() {
    ledger_.reset();
    ledger_ = open_sqlite_ledger(path());
  }
  /// Inserts a row for `code` due at `fire_at` and returns its key.
  std::string add(const std::string& code, Instant fire_at = kT0) {
    const AlertRow r = make_row(code, fire_at);
    EXPECT_TRUE(ledger_->insert(r));
    return alert_key(r.id);
  }
  AlertState state(const std::string& key) { return ledger_->get(key).value().state; }
  /// Claims every due row at `now` and records `s` for each.
  void settle_all(AlertState s, Instant now, std::optional<Instant> next = std::nullopt) {
    RecordBatch b;
    for (const AlertRow& r : ledger_->claim(now, 1000, seconds{300})) {
      b.outcomes.push_back(RowOutcome{r.key, *r.sending_until, s, "ok", next, true});
    }
    ledger_->record(b, now);
  }

  testing::TempDir dir_;
  std::unique_ptr<Ledger> ledger_ = open_sqlite_ledger(path());
};

// ---- the hot queries' plans --------------------------------------------------------------------

/// SQLite's plan for `sql` on `path` (EXPLAIN QUERY PLAN's detail lines, joined by "; ").
std::string query_plan(const std::filesystem::path& path, const std::string& sql) {
  SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement st(db, "EXPLAIN QUERY PLAN " + sql);
  std::string plan;
  while (st.executeStep()) plan += st.getColumn(3).getString() + "; ";
  return plan;
}

// At 10^6 alert rows a claim of 64 that sorted every due row took seconds (bench/README.md): the
// claim and the due list walk the partial index alerts_due in their own order, without a sort.
TEST_F(LedgerTest, TheClaimWalksTheDueIndexInOrderWithoutSorting) {
  for (int i = 0; i < 50; ++i) add("HS-" + std::to_string(i), kT0 + seconds{i});
  ledger_.reset();  // the plan is read on a connection of its own
  const std::string plan = query_plan(path(), sqlite_sql::kDueRows);
  EXPECT_THAT(plan, HasSubstr("USING INDEX alerts_due")) << plan;
  EXPECT_THAT(plan, Not(HasSubstr("TEMP B-TREE"))) << plan;
  EXPECT_THAT(query_plan(path(), sqlite_sql::kNextAttempt), HasSubstr("alerts_due"));
}

// The flood guard counts one recipient's single alerts sent today, once per claimed batch: through
// alerts_sent_singles, not a scan of the day's (or every) sent row.
TEST_F(LedgerTest, TheFloodCountSeeksOneRecipientsSentRows) {
  add("HS-1");
  ledger_.reset();
  const std::string plan = query_plan(path(), sqlite_sql::kSentSinglesSince);
  EXPECT_THAT(plan,
              HasSubstr("INDEX alerts_sent_singles (recipient=? AND channel=? AND sent_at>?)"))
      << plan;
}

// ---- the file ----------------------------------------------------------------------------------

TEST_F(LedgerTest, ReopeningTheFileKeepsEveryRowAndMeta) {
  const std::string sent = add("T");
  settle_all(AlertState::sent, kT0 + seconds{3});
  const std::string retry = add("R");
  settle_all(AlertState::retry, kT0, kT0 + seconds{77});
  const std::string sending = add("S");
  ledger().claim(kT0, 10, seconds{300});
  const std::string pending = add("P");
  ledger().set_meta("cursor", "42");
  const std::vector<AlertRow> before = ledger().list(std::nullopt, 100);
  reopen();
  const std::vector<AlertRow> after = ledger().list(std::nullopt, 100);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].key, before[i].key);
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].state, before[i].state);
    EXPECT_EQ(after[i].attempts, before[i].attempts);
    EXPECT_EQ(after[i].next_attempt_at, before[i].next_attempt_at);
    EXPECT_EQ(after[i].sent_at, before[i].sent_at);
    EXPECT_EQ(after[i].detail, before[i].detail);
    EXPECT_EQ(after[i].sending_until, before[i].sending_until);
    EXPECT_EQ(after[i].stage, before[i].stage);
  }
  EXPECT_EQ(ledger().get(sending)->sending_until, kT0 + seconds{300});
  EXPECT_EQ(ledger().get_meta("cursor"), "42");
  EXPECT_EQ(state(pending), AlertState::pending);
  EXPECT_FALSE(ledger().insert(make_row("P", kT0)));
}

int schema_rows(const std::filesystem::path& file, int* version) {
  SQLite::Database db(file, SQLite::OPEN_READONLY);
  SQLite::Statement st(db, "SELECT COUNT(*), MAX(version) FROM schema_version");
  st.executeStep();
  *version = st.getColumn(1).getInt();
  return st.getColumn(0).getInt();
}

TEST_F(LedgerTest, OpeningTwiceMigratesOnce) {
  add("P");
  auto second = open_sqlite_ledger(path());  // a second connection while the first is open
  reopen();
  int version = 0;
  EXPECT_EQ(schema_rows(path(), &version), 1);
  EXPECT_EQ(version, state_db_schema_version());
  EXPECT_EQ(second->counts()[AlertState::pending], 1);
}

TEST_F(LedgerTest, UsesWriteAheadLogging) {
  SQLite::Database db(path(), SQLite::OPEN_READONLY);
  SQLite::Statement st(db, "PRAGMA journal_mode");
  ASSERT_TRUE(st.executeStep());
  EXPECT_EQ(st.getColumn(0).getString(), "wal");
}

TEST_F(LedgerTest, RefusesAFileFromANewerSchema) {
  ledger_.reset();
  {
    SQLite::Database db(path(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE schema_version SET version = 99");
  }
  try {
    open_sqlite_ledger(path());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr(path().string()));
    EXPECT_THAT(e.what(), HasSubstr("99"));
  }
}

// A state.db written by the first release: schema version 1 (alerts and meta), with or without
// the next_fire table the fire schedule used to create by itself. Opening it migrates it once and
// keeps what it holds.
void write_version_1_file(const std::filesystem::path& file, bool with_next_fire) {
  SQLite::Database db(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec(
      "CREATE TABLE schema_version (version INTEGER NOT NULL);"
      "INSERT INTO schema_version VALUES (1);"
      "CREATE TABLE alerts (key TEXT PRIMARY KEY NOT NULL, code TEXT NOT NULL, rule TEXT NOT NULL,"
      " due_version INTEGER NOT NULL, repeat INTEGER NOT NULL, recipient TEXT NOT NULL,"
      " channel TEXT NOT NULL, stage TEXT NOT NULL, fire_at INTEGER NOT NULL,"
      " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
      " next_attempt_at INTEGER NOT NULL, detail TEXT NOT NULL DEFAULT '',"
      " digest_key TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,"
      " updated_at INTEGER NOT NULL, sent_at INTEGER) WITHOUT ROWID;"
      "CREATE TABLE meta (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;"
      "INSERT INTO meta VALUES ('cursor', '7');");
  if (with_next_fire) {
    db.exec(
        "CREATE TABLE next_fire (code TEXT PRIMARY KEY, at INTEGER NOT NULL);"
        "CREATE INDEX next_fire_at ON next_fire(at);"
        "INSERT INTO next_fire VALUES ('HS-1', 100);");
  }
}

TEST(StateDb, AVersionOneFileIsMigratedByWhicheverOpensItFirst) {
  for (const bool schedule_first : {true, false}) {
    testing::TempDir dir;
    const auto file = dir.path() / "state.db";
    write_version_1_file(file, false);
    std::unique_ptr<Ledger> ledger;
    std::unique_ptr<FireSchedule> schedule;
    if (schedule_first) schedule = FireSchedule::open(file);
    ledger = open_sqlite_ledger(file);
    if (!schedule_first) schedule = FireSchedule::open(file);
    int version = 0;
    EXPECT_EQ(schema_rows(file, &version), 1);
    EXPECT_EQ(version, state_db_schema_version());
    EXPECT_EQ(ledger->get_meta("cursor"), "7");
    schedule->set("HS-2", calendar::Instant{std::chrono::seconds{50}});
    EXPECT_EQ(schedule->due(calendar::Instant{std::chrono::seconds{60}}),
              std::vector<std::string>{"HS-2"});
  }
}

TEST(StateDb, RowsOfAnOlderFileSurviveTheRebuildThatAddsSilenced) {
  testing::TempDir dir;
  const auto file = dir.path() / "state.db";
  write_version_1_file(file, true);
  {
    SQLite::Database db(file, SQLite::OPEN_READWRITE);
    AlertId id{"HS-1", "qua-han", 0, 0, "cv1", "mail"};
    SQLite::Statement st(db,
                         "INSERT INTO alerts VALUES (?, 'HS-1', 'qua-han', 0, 0, 'cv1', 'mail', "
                         "'overdue', 100, 'pending', 0, 100, '', '', 100, 100, NULL)");
    st.bind(1, alert_key(id));
    st.exec();
  }
  auto ledger = open_sqlite_ledger(file);
  const std::vector<AlertRow> rows = ledger->list(std::nullopt, 10);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows.front().id.code, "HS-1");
  EXPECT_EQ(rows.front().state, AlertState::pending);
  EXPECT_EQ(ledger->for_dossier("HS-1", 10).size(), 1U) << "the indexes are back";
  const calendar::Instant now{std::chrono::seconds{200}};
  std::vector<AlertRow> claimed = ledger->claim(now, 10, std::chrono::seconds{60});
  ASSERT_EQ(claimed.size(), 1U);
  RecordBatch b;
  b.outcomes.push_back(RowOutcome{claimed[0].key, *claimed[0].sending_until, AlertState::silenced,
                                  "silenced", now + std::chrono::seconds{100}, false});
  EXPECT_EQ(ledger->record(b, now).transitions.front(), Transition::applied);
  EXPECT_EQ(ledger->get(claimed[0].key)->state, AlertState::silenced);
}

TEST(StateDb, AVersionOneFileThatAlreadyHasTheScheduleKeepsIt) {
  testing::TempDir dir;
  const auto file = dir.path() / "state.db";
  write_version_1_file(file, true);
  auto schedule = FireSchedule::open(file);
  EXPECT_EQ(schedule->earliest(), calendar::Instant{std::chrono::seconds{100}});
  int version = 0;
  schema_rows(file, &version);
  EXPECT_EQ(version, state_db_schema_version());
}

TEST(StateDb, TheScheduleRefusesAFileFromANewerSchemaToo) {
  testing::TempDir dir;
  const auto file = dir.path() / "state.db";
  open_sqlite_ledger(file).reset();
  {
    SQLite::Database db(file, SQLite::OPEN_READWRITE);
    db.exec("UPDATE schema_version SET version = 99");
  }
  try {
    FireSchedule::open(file);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr(file.string()));
    EXPECT_THAT(e.what(), HasSubstr("newer"));
  }
}

TEST(SqliteLedger, OpenErrorNamesTheFile) {
  testing::TempDir dir;
  const auto missing = dir.path() / "no-such-dir" / "state.db";
  try {
    open_sqlite_ledger(missing);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr(missing.string()));
  }
}

TEST(SqliteLedger, TwoConnectionsNeverClaimTheSameRow) {
  testing::TempDir dir;
  const auto file = dir.path() / "state.db";
  auto a = open_sqlite_ledger(file);
  auto b = open_sqlite_ledger(file);
  constexpr int kRows = 300;
  std::vector<AlertRow> rows;
  for (int i = 0; i < kRows; ++i) rows.push_back(make_row("HS" + std::to_string(i), kT0));
  ASSERT_EQ(a->insert_all(rows), static_cast<std::size_t>(kRows));
  std::vector<std::string> taken_a, taken_b;
  auto worker = [&](Ledger& l, std::vector<std::string>& taken) {
    for (;;) {
      const std::vector<AlertRow> got = l.claim(kT0, 7, seconds{300});
      if (got.empty()) return;
      for (const AlertRow& r : got) taken.push_back(r.key);
    }
  };
  std::thread ta(worker, std::ref(*a), std::ref(taken_a));
  std::thread tb(worker, std::ref(*b), std::ref(taken_b));
  ta.join();
  tb.join();
  EXPECT_EQ(taken_a.size() + taken_b.size(), static_cast<std::size_t>(kRows));
  std::set<std::string> all(taken_a.begin(), taken_a.end());
  all.insert(taken_b.begin(), taken_b.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kRows)) << "a row was claimed twice";
  for (const AlertRow& r : a->list(std::nullopt, 1000)) EXPECT_EQ(r.attempts, 1) << r.key;
}

TEST(SqliteLedger, OneObjectCanBeSharedBetweenThreads) {
  testing::TempDir dir;
  auto l = open_sqlite_ledger(dir.path() / "state.db");
  constexpr int kPerThread = 30;
  auto worker = [&](int t) {
    for (int i = 0; i < kPerThread; ++i) {
      l->insert(make_row("T" + std::to_string(t) + "-" + std::to_string(i), kT0));
      RecordBatch b;
      for (const AlertRow& r : l->claim(kT0, 5, seconds{300})) {
        b.outcomes.push_back(RowOutcome{r.key, *r.sending_until, AlertState::sent, "ok", {}, true});
      }
      l->record(b, kT0);
    }
  };
  std::thread t1(worker, 1);
  std::thread t2(worker, 2);
  t1.join();
  t2.join();
  EXPECT_EQ(l->counts()[AlertState::sent], 2 * kPerThread);
}

// A write that meets another connection's lock waits for the busy timeout, then throws and
// changes nothing.
TEST(SqliteLedger, AWriteThatStaysLockedThrowsAfterTheBusyTimeoutAndChangesNothing) {
  testing::TempDir dir;
  const auto file = dir.path() / "state.db";
  auto l = open_sqlite_ledger(file, std::chrono::milliseconds{100});
  l->insert(make_row("HS1", kT0));
  const std::vector<AlertRow> claimed = l->claim(kT0, 1, seconds{300});
  ASSERT_EQ(claimed.size(), 1U);
  SQLite::Database other(file, SQLite::OPEN_READWRITE);
  other.exec("BEGIN IMMEDIATE");
  RecordBatch b;
  b.outcomes.push_back(
      RowOutcome{claimed[0].key, *claimed[0].sending_until, AlertState::sent, "ok", {}, true});
  EXPECT_THROW(l->record(b, kT0), std::runtime_error);
  EXPECT_THROW(l->claim(kT0, 1, seconds{300}), std::runtime_error);
  other.exec("ROLLBACK");
  EXPECT_EQ(l->get(claimed[0].key)->state, AlertState::sending);
  EXPECT_EQ(l->record(b, kT0).transitions, std::vector<Transition>{Transition::applied});
}

// A state.db of schema version 2 (before the lease) with a row caught in `sending`: opening it
// adds the lease column, and the row counts as expired (no lease known).
TEST(StateDb, ARowInSendingFromBeforeTheLeaseIsRecoveredByTheNextCycle) {
  testing::TempDir dir;
  const auto file = dir.path() / "state.db";
  write_version_1_file(file, true);
  {
    SQLite::Database db(file, SQLite::OPEN_READWRITE);
    db.exec(
        "UPDATE schema_version SET version = 2;"
        "INSERT INTO alerts (key, code, rule, due_version, repeat, recipient, channel, stage,"
        " fire_at, state, attempts, next_attempt_at, created_at, updated_at)"
        " VALUES ('a0123', 'HS1', 'r', 0, 0, 'cv1', 'email', 'overdue', 100, 'sending', 1, 100,"
        " 100, 100)");
  }
  auto l = open_sqlite_ledger(file);
  EXPECT_FALSE(l->get("a0123")->sending_until);
  EXPECT_EQ(l->recover_expired(Instant{seconds{200}}), 1U);
  const AlertRow got = *l->get("a0123");
  EXPECT_EQ(got.state, AlertState::pending);
  EXPECT_EQ(got.attempts, 1);
  EXPECT_EQ(got.stage, deadline::AlertStage::overdue);
}

TEST(StateDb, ARowWithAStageThisBuildDoesNotKnowIsAnErrorNamingIt) {
  testing::TempDir dir;
  const auto file = dir.path() / "state.db";
  auto l = open_sqlite_ledger(file);
  l->insert(make_row("HS1", kT0));
  {
    SQLite::Database db(file, SQLite::OPEN_READWRITE);
    db.exec("UPDATE alerts SET stage = 'someday'");
  }
  try {
    l->list(std::nullopt, 10);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("someday"));
  }
}

}  // namespace
}  // namespace dunghan::alerting
