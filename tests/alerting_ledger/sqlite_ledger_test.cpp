// The SQLite ledger on real files: inserts, every transition, queries, operator actions, reopening.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "alerting/fire_schedule.h"
#include "alerting/ledger.h"
#include "alerting/state_db.h"
#include "support/temp_dir.h"

namespace dunghan::alerting {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

const Instant kT0 = Instant{seconds{1'740'000'000}};  // 2025-02-19T21:20:00Z

AlertRow make_row(const std::string& code, Instant fire_at, const std::string& channel = "email") {
  AlertRow r;
  r.id = AlertId{code, "nhac-truoc-han", 0, 0, "nguyenvana", channel};
  r.stage = "before_due";
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

  testing::TempDir dir_;
  std::unique_ptr<Ledger> ledger_ = open_sqlite_ledger(path());
};

std::vector<std::string> keys_of(const std::vector<AlertRow>& rows) {
  std::vector<std::string> keys;
  for (const AlertRow& r : rows) keys.push_back(r.key);
  return keys;
}

// ---- insert ---------------------------------------------------------------------------------

TEST_F(LedgerTest, InsertStoresThePendingRowUnderItsKey) {
  AlertRow r = make_row("HS1", kT0);
  r.detail = "planned";
  r.digest_key = "d1";
  ASSERT_TRUE(ledger().insert(r));
  const auto got = ledger().get(alert_key(r.id));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->key, alert_key(r.id));
  EXPECT_EQ(got->id, r.id);
  EXPECT_EQ(got->stage, "before_due");
  EXPECT_EQ(got->state, AlertState::pending);
  EXPECT_EQ(got->fire_at, kT0);
  EXPECT_EQ(got->next_attempt_at, kT0);  // defaults to fire_at
  EXPECT_EQ(got->created_at, kT0);       // defaults to fire_at
  EXPECT_EQ(got->updated_at, kT0);
  EXPECT_EQ(got->attempts, 0);
  EXPECT_EQ(got->detail, "planned");
  EXPECT_EQ(got->digest_key, "d1");
  EXPECT_FALSE(got->sent_at);
}

TEST_F(LedgerTest, InsertKeepsExplicitCreationAndNextAttemptTimes) {
  AlertRow r = make_row("HS1", kT0);
  r.created_at = kT0 - seconds{100};
  r.next_attempt_at = kT0 + seconds{50};
  ledger().insert(r);
  const AlertRow got = *ledger().get(alert_key(r.id));
  EXPECT_EQ(got.created_at, kT0 - seconds{100});
  EXPECT_EQ(got.next_attempt_at, kT0 + seconds{50});
}

TEST_F(LedgerTest, InsertingAnExistingKeyIsANoOp) {
  const AlertRow r = make_row("HS1", kT0);
  ASSERT_TRUE(ledger().insert(r));
  const std::string key = alert_key(r.id);
  ASSERT_TRUE(ledger().begin_send(key, kT0));
  ledger().finish(key, AlertState::sent, kT0 + seconds{1}, "ok");
  AlertRow again = r;
  again.fire_at = kT0 + seconds{3600};
  again.stage = "due_today";
  EXPECT_FALSE(ledger().insert(again));
  const AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::sent);
  EXPECT_EQ(got.fire_at, kT0);
  EXPECT_EQ(got.stage, "before_due");
  EXPECT_EQ(ledger().counts()[AlertState::sent], 1);
}

TEST_F(LedgerTest, InsertAllCountsOnlyNewRows) {
  ledger().insert(make_row("HS1", kT0));
  const std::vector<AlertRow> rows = {make_row("HS1", kT0), make_row("HS2", kT0),
                                      make_row("HS2", kT0), make_row("HS3", kT0)};
  EXPECT_EQ(ledger().insert_all(rows), 2U);
  EXPECT_EQ(ledger().insert_all(rows), 0U);
  EXPECT_EQ(ledger().counts()[AlertState::pending], 3);
}

TEST_F(LedgerTest, InsertAcceptsAMatchingKeyAndRejectsAWrongOne) {
  AlertRow r = make_row("HS1", kT0);
  r.key = alert_key(r.id);
  EXPECT_TRUE(ledger().insert(r));
  AlertRow wrong = make_row("HS2", kT0);
  wrong.key = alert_key(r.id);
  EXPECT_THROW(ledger().insert(wrong), std::invalid_argument);
}

TEST_F(LedgerTest, InsertRejectsStatesOtherThanPendingOrSkipped) {
  AlertRow r = make_row("HS1", kT0);
  r.state = AlertState::sent;
  EXPECT_THROW(ledger().insert(r), std::invalid_argument);
  r.state = AlertState::sending;
  EXPECT_THROW(ledger().insert(r), std::invalid_argument);
  EXPECT_TRUE(ledger().counts().empty());
}

TEST_F(LedgerTest, InsertAllIsAllOrNothing) {
  AlertRow bad = make_row("HS3", kT0);
  bad.state = AlertState::dead;
  EXPECT_THROW(ledger().insert_all({make_row("HS1", kT0), make_row("HS2", kT0), bad}),
               std::invalid_argument);
  EXPECT_TRUE(ledger().counts().empty());
}

TEST_F(LedgerTest, ASkippedRowIsRecordedButNeverDue) {
  AlertRow r = make_row("HS1", kT0);
  r.state = AlertState::skipped;
  r.detail = "older repetition";
  ASSERT_TRUE(ledger().insert(r));
  EXPECT_EQ(state(alert_key(r.id)), AlertState::skipped);
  EXPECT_TRUE(ledger().due(kT0 + seconds{86400}, 10).empty());
  EXPECT_FALSE(ledger().next_attempt());
  EXPECT_FALSE(ledger().begin_send(alert_key(r.id), kT0));
}

// ---- begin_send / finish / postpone ----------------------------------------------------------

TEST_F(LedgerTest, BeginSendMovesPendingToSendingAndCountsTheAttempt) {
  const std::string key = add("HS1");
  EXPECT_TRUE(ledger().begin_send(key, kT0 + seconds{5}));
  const AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::sending);
  EXPECT_EQ(got.attempts, 1);
  EXPECT_EQ(got.updated_at, kT0 + seconds{5});
}

TEST_F(LedgerTest, BeginSendTakesARowOnlyOnce) {
  const std::string key = add("HS1");
  EXPECT_TRUE(ledger().begin_send(key, kT0));
  EXPECT_FALSE(ledger().begin_send(key, kT0));
  EXPECT_EQ(ledger().get(key)->attempts, 1);
}

TEST_F(LedgerTest, BeginSendRefusesUnknownAndFinishedRows) {
  EXPECT_FALSE(ledger().begin_send("a00000000000000000000000000000000", kT0));
  const std::string sent = add("HS1");
  ledger().begin_send(sent, kT0);
  ledger().finish(sent, AlertState::sent, kT0, "ok");
  EXPECT_FALSE(ledger().begin_send(sent, kT0));
  const std::string cancelled = add("HS2");
  ledger().cancel(cancelled, kT0, "resolved");
  EXPECT_FALSE(ledger().begin_send(cancelled, kT0));
  EXPECT_EQ(ledger().get(sent)->attempts, 1);
  EXPECT_EQ(ledger().get(cancelled)->attempts, 0);
}

TEST_F(LedgerTest, FinishSentRecordsSentAtAndDetail) {
  const std::string key = add("HS1");
  ledger().begin_send(key, kT0);
  ledger().finish(key, AlertState::sent, kT0 + seconds{2}, "250 OK");
  const AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::sent);
  EXPECT_EQ(got.sent_at, kT0 + seconds{2});
  EXPECT_EQ(got.updated_at, kT0 + seconds{2});
  EXPECT_EQ(got.detail, "250 OK");
}

TEST_F(LedgerTest, FinishRetryWaitsUntilNextAttemptThenSendsAgain) {
  const std::string key = add("HS1");
  ledger().begin_send(key, kT0);
  ledger().finish(key, AlertState::retry, kT0, "421 try later", kT0 + seconds{60});
  AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::retry);
  EXPECT_EQ(got.next_attempt_at, kT0 + seconds{60});
  EXPECT_FALSE(got.sent_at);
  EXPECT_TRUE(ledger().due(kT0 + seconds{59}, 10).empty());
  EXPECT_EQ(keys_of(ledger().due(kT0 + seconds{60}, 10)), std::vector<std::string>{key});
  EXPECT_TRUE(ledger().begin_send(key, kT0 + seconds{60}));
  EXPECT_EQ(ledger().get(key)->attempts, 2);
}

TEST_F(LedgerTest, FinishPendingOrRetryRequiresNextAttempt) {
  const std::string key = add("HS1");
  ledger().begin_send(key, kT0);
  EXPECT_THROW(ledger().finish(key, AlertState::retry, kT0, "x"), std::invalid_argument);
  EXPECT_THROW(ledger().finish(key, AlertState::pending, kT0, "x"), std::invalid_argument);
  EXPECT_EQ(state(key), AlertState::sending);
}

TEST_F(LedgerTest, FinishFromSendingReachesEveryFinalState) {
  for (AlertState s :
       {AlertState::dead, AlertState::unreachable, AlertState::skipped, AlertState::cancelled}) {
    const std::string key = add("HS-" + std::string(to_string(s)));
    ASSERT_TRUE(ledger().begin_send(key, kT0));
    ledger().finish(key, s, kT0 + seconds{1}, "because");
    const AlertRow got = *ledger().get(key);
    EXPECT_EQ(got.state, s);
    EXPECT_EQ(got.detail, "because");
    EXPECT_FALSE(got.sent_at);
    EXPECT_FALSE(ledger().begin_send(key, kT0 + seconds{2})) << to_string(s);
  }
}

TEST_F(LedgerTest, FinishFromSendingBackToPendingIsDueAgain) {
  const std::string key = add("HS1");
  ledger().begin_send(key, kT0);
  ledger().finish(key, AlertState::pending, kT0, "send window closed", kT0 + seconds{300});
  EXPECT_EQ(state(key), AlertState::pending);
  EXPECT_EQ(ledger().next_attempt(), kT0 + seconds{300});
}

TEST_F(LedgerTest, FinishMarksAPendingRowSkippedWithoutSending) {
  const std::string key = add("HS1");
  ledger().finish(key, AlertState::skipped, kT0, "dossier already overdue");
  EXPECT_EQ(state(key), AlertState::skipped);
  EXPECT_EQ(ledger().get(key)->attempts, 0);
}

TEST_F(LedgerTest, FinishRefusesSentWithoutBeginSend) {
  const std::string key = add("HS1");
  EXPECT_THROW(ledger().finish(key, AlertState::sent, kT0, "ok"), std::logic_error);
  EXPECT_EQ(state(key), AlertState::pending);
}

TEST_F(LedgerTest, FinishRefusesToChangeAFinishedRow) {
  const std::string key = add("HS1");
  ledger().begin_send(key, kT0);
  ledger().finish(key, AlertState::sent, kT0, "ok");
  EXPECT_THROW(ledger().finish(key, AlertState::sent, kT0, "again"), std::logic_error);
  EXPECT_THROW(ledger().finish(key, AlertState::retry, kT0, "x", kT0), std::logic_error);
  EXPECT_THROW(ledger().finish(key, AlertState::cancelled, kT0, "x"), std::logic_error);
  EXPECT_EQ(ledger().get(key)->detail, "ok");
}

TEST_F(LedgerTest, FinishRefusesUnknownKeysAndTheSendingState) {
  EXPECT_THROW(ledger().finish("a00000000000000000000000000000000", AlertState::sent, kT0, "x"),
               std::logic_error);
  const std::string key = add("HS1");
  EXPECT_THROW(ledger().finish(key, AlertState::sending, kT0, "x"), std::invalid_argument);
}

TEST_F(LedgerTest, PostponeMovesTheNextAttemptWithoutCountingOne) {
  const std::string key = add("HS1");
  ledger().postpone(key, kT0 + seconds{3600}, "send window closed");
  const AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::pending);
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.next_attempt_at, kT0 + seconds{3600});
  EXPECT_EQ(got.detail, "send window closed");
  EXPECT_TRUE(ledger().due(kT0 + seconds{3599}, 10).empty());
}

TEST_F(LedgerTest, PostponeLeavesRowsOutsidePendingAndRetryAlone) {
  const std::string key = add("HS1");
  ledger().cancel(key, kT0, "resolved");
  ledger().postpone(key, kT0 + seconds{3600}, "window");
  const AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::cancelled);
  EXPECT_EQ(got.detail, "resolved");
  EXPECT_NO_THROW(ledger().postpone("a00000000000000000000000000000000", kT0, "x"));
}

// ---- due / next_attempt ------------------------------------------------------------------------

TEST_F(LedgerTest, DueReturnsRowsWhoseTimeHasComeOldestFirst) {
  const std::string late = add("HS1", kT0 + seconds{30});
  const std::string early = add("HS2", kT0 + seconds{10});
  const std::string middle = add("HS3", kT0 + seconds{20});
  add("HS4", kT0 + seconds{31});  // not yet
  EXPECT_EQ(keys_of(ledger().due(kT0 + seconds{30}, 10)),
            (std::vector<std::string>{early, middle, late}));
}

TEST_F(LedgerTest, DueHonoursTheLimitAndBreaksTiesByKey) {
  std::vector<std::string> keys;
  for (int i = 0; i < 5; ++i) keys.push_back(add("HS" + std::to_string(i)));
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys_of(ledger().due(kT0, 3)),
            (std::vector<std::string>(keys.begin(), keys.begin() + 3)));
  EXPECT_TRUE(ledger().due(kT0, 0).empty());
  EXPECT_EQ(ledger().due(kT0, std::numeric_limits<std::size_t>::max()).size(), 5U);
}

TEST_F(LedgerTest, DueIncludesRetryAndExcludesEveryOtherState) {
  const std::string pending = add("P");
  const std::string retry = add("R");
  ledger().begin_send(retry, kT0);
  ledger().finish(retry, AlertState::retry, kT0, "later", kT0);
  const std::string sending = add("S");
  ledger().begin_send(sending, kT0);
  const std::string sent = add("T");
  ledger().begin_send(sent, kT0);
  ledger().finish(sent, AlertState::sent, kT0, "ok");
  const std::string dead = add("D");
  ledger().begin_send(dead, kT0);
  ledger().finish(dead, AlertState::dead, kT0, "gave up");
  const std::string cancelled = add("C");
  ledger().cancel(cancelled, kT0, "resolved");
  const std::vector<std::string> due = keys_of(ledger().due(kT0 + seconds{1}, 100));
  EXPECT_EQ(std::set<std::string>(due.begin(), due.end()), (std::set<std::string>{pending, retry}));
}

TEST_F(LedgerTest, NextAttemptIsTheEarliestWaitingRow) {
  EXPECT_FALSE(ledger().next_attempt());
  const std::string first = add("HS1", kT0 + seconds{10});
  add("HS2", kT0 + seconds{20});
  EXPECT_EQ(ledger().next_attempt(), kT0 + seconds{10});
  ledger().begin_send(first, kT0 + seconds{10});
  EXPECT_EQ(ledger().next_attempt(), kT0 + seconds{20});  // a sending row is not waiting
  ledger().finish(first, AlertState::retry, kT0, "x", kT0 + seconds{5});
  EXPECT_EQ(ledger().next_attempt(), kT0 + seconds{5});
}

// ---- recover -----------------------------------------------------------------------------------

TEST_F(LedgerTest, RecoverPutsSendingRowsBackToPendingDueNow) {
  const std::string a = add("HS1");
  const std::string b = add("HS2");
  const std::string c = add("HS3");
  ledger().begin_send(a, kT0);
  ledger().begin_send(b, kT0);
  ledger().finish(b, AlertState::sent, kT0, "ok");
  ledger().begin_send(c, kT0);
  reopen();  // as after a crash
  const Instant now = kT0 + seconds{600};
  EXPECT_EQ(ledger().recover(now), 2U);
  for (const std::string& key : {a, c}) {
    const AlertRow got = *ledger().get(key);
    EXPECT_EQ(got.state, AlertState::pending);
    EXPECT_EQ(got.next_attempt_at, now);
    EXPECT_EQ(got.attempts, 1);
    EXPECT_THAT(got.detail, HasSubstr("interrupted"));
  }
  EXPECT_EQ(state(b), AlertState::sent);
  EXPECT_EQ(ledger().due(now, 10).size(), 2U);
  EXPECT_EQ(ledger().recover(now), 0U);
}

// ---- operator actions --------------------------------------------------------------------------

TEST_F(LedgerTest, RetryRequeuesADeadRowWithAttemptsReset) {
  const std::string key = add("HS1");
  ledger().begin_send(key, kT0);
  ledger().finish(key, AlertState::dead, kT0, "5 attempts failed");
  const Instant now = kT0 + seconds{7200};
  EXPECT_EQ(ledger().retry(key, now), 1U);
  const AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::pending);
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.next_attempt_at, now);
  EXPECT_EQ(keys_of(ledger().due(now, 10)), std::vector<std::string>{key});
}

TEST_F(LedgerTest, RetryRequeuesUnreachableCancelledSkippedAndRetryRows) {
  const std::string unreachable = add("U");
  ledger().begin_send(unreachable, kT0);
  ledger().finish(unreachable, AlertState::unreachable, kT0, "no zalo");
  const std::string cancelled = add("C");
  ledger().cancel(cancelled, kT0, "resolved");
  const std::string skipped = add("S");
  ledger().finish(skipped, AlertState::skipped, kT0, "late");
  const std::string retry = add("R");
  ledger().begin_send(retry, kT0);
  ledger().finish(retry, AlertState::retry, kT0, "later", kT0 + seconds{9999});
  for (const std::string& key : {unreachable, cancelled, skipped, retry}) {
    EXPECT_EQ(ledger().retry(key, kT0 + seconds{1}), 1U);
    EXPECT_EQ(state(key), AlertState::pending);
    EXPECT_EQ(ledger().get(key)->next_attempt_at, kT0 + seconds{1});
  }
}

TEST_F(LedgerTest, RetryLeavesSentPendingSendingAndUnknownRowsAlone) {
  const std::string sent = add("T");
  ledger().begin_send(sent, kT0);
  ledger().finish(sent, AlertState::sent, kT0, "ok");
  const std::string sending = add("S");
  ledger().begin_send(sending, kT0);
  const std::string pending = add("P", kT0 + seconds{500});
  EXPECT_EQ(ledger().retry(sent, kT0), 0U);
  EXPECT_EQ(ledger().retry(sending, kT0), 0U);
  EXPECT_EQ(ledger().retry(pending, kT0), 0U);
  EXPECT_EQ(ledger().retry("a00000000000000000000000000000000", kT0), 0U);
  EXPECT_EQ(state(sent), AlertState::sent);
  EXPECT_EQ(state(sending), AlertState::sending);
  EXPECT_EQ(ledger().get(pending)->next_attempt_at, kT0 + seconds{500});
}

TEST_F(LedgerTest, RetryAllDeadRequeuesOnlyDeadRows) {
  std::vector<std::string> dead;
  for (int i = 0; i < 3; ++i) {
    dead.push_back(add("D" + std::to_string(i)));
    ledger().begin_send(dead.back(), kT0);
    ledger().finish(dead.back(), AlertState::dead, kT0, "gave up");
  }
  const std::string unreachable = add("U");
  ledger().begin_send(unreachable, kT0);
  ledger().finish(unreachable, AlertState::unreachable, kT0, "no address");
  EXPECT_EQ(ledger().retry_all_dead(kT0 + seconds{1}), 3U);
  for (const std::string& key : dead) EXPECT_EQ(state(key), AlertState::pending);
  EXPECT_EQ(state(unreachable), AlertState::unreachable);
  EXPECT_EQ(ledger().retry_all_dead(kT0 + seconds{2}), 0U);
}

TEST_F(LedgerTest, CancelStopsPendingAndRetryRows) {
  const std::string pending = add("P");
  const std::string retry = add("R");
  ledger().begin_send(retry, kT0);
  ledger().finish(retry, AlertState::retry, kT0, "later", kT0 + seconds{60});
  EXPECT_EQ(ledger().cancel(pending, kT0 + seconds{1}, "dossier resolved"), 1U);
  EXPECT_EQ(ledger().cancel(retry, kT0 + seconds{1}, "by operator"), 1U);
  EXPECT_EQ(state(pending), AlertState::cancelled);
  EXPECT_EQ(ledger().get(pending)->detail, "dossier resolved");
  EXPECT_EQ(state(retry), AlertState::cancelled);
  EXPECT_TRUE(ledger().due(kT0 + seconds{3600}, 10).empty());
}

TEST_F(LedgerTest, CancelLeavesSendingSentAndUnknownRowsAlone) {
  const std::string sending = add("S");
  ledger().begin_send(sending, kT0);
  const std::string sent = add("T");
  ledger().begin_send(sent, kT0);
  ledger().finish(sent, AlertState::sent, kT0, "ok");
  EXPECT_EQ(ledger().cancel(sending, kT0, "x"), 0U);
  EXPECT_EQ(ledger().cancel(sent, kT0, "x"), 0U);
  EXPECT_EQ(ledger().cancel("a00000000000000000000000000000000", kT0, "x"), 0U);
  EXPECT_EQ(state(sending), AlertState::sending);
  EXPECT_EQ(state(sent), AlertState::sent);
}

// ---- get / list / counts / meta ----------------------------------------------------------------

TEST_F(LedgerTest, GetOfAnUnknownKeyIsEmpty) {
  EXPECT_FALSE(ledger().get("a00000000000000000000000000000000"));
}

TEST_F(LedgerTest, CountsGroupRowsByState) {
  EXPECT_TRUE(ledger().counts().empty());
  add("P1");
  add("P2");
  const std::string sent = add("T");
  ledger().begin_send(sent, kT0);
  ledger().finish(sent, AlertState::sent, kT0, "ok");
  const std::string dead = add("D");
  ledger().begin_send(dead, kT0);
  ledger().finish(dead, AlertState::dead, kT0, "x");
  const StateCounts expected = {
      {AlertState::pending, 2}, {AlertState::sent, 1}, {AlertState::dead, 1}};
  EXPECT_EQ(ledger().counts(), expected);
}

TEST_F(LedgerTest, ListFiltersByStateNewestChangeFirstWithinTheLimit) {
  const std::string a = add("A");
  const std::string b = add("B");
  const std::string c = add("C");
  add("P");
  ledger().begin_send(a, kT0 + seconds{1});
  ledger().finish(a, AlertState::dead, kT0 + seconds{10}, "x");
  ledger().begin_send(b, kT0 + seconds{1});
  ledger().finish(b, AlertState::dead, kT0 + seconds{30}, "x");
  ledger().begin_send(c, kT0 + seconds{1});
  ledger().finish(c, AlertState::dead, kT0 + seconds{20}, "x");
  EXPECT_EQ(keys_of(ledger().list(AlertState::dead, 10)), (std::vector<std::string>{b, c, a}));
  EXPECT_EQ(keys_of(ledger().list(AlertState::dead, 2)), (std::vector<std::string>{b, c}));
  EXPECT_EQ(ledger().list(std::nullopt, 100).size(), 4U);
  EXPECT_EQ(ledger().list(AlertState::pending, 100).size(), 1U);
  EXPECT_TRUE(ledger().list(AlertState::sent, 100).empty());
}

TEST_F(LedgerTest, MetaStoresAndOverwritesValues) {
  EXPECT_FALSE(ledger().get_meta("store.cursor"));
  ledger().set_meta("store.cursor", "2025-02-19T10:00:00");
  EXPECT_EQ(ledger().get_meta("store.cursor"), "2025-02-19T10:00:00");
  ledger().set_meta("store.cursor", "2025-02-20T10:00:00");
  EXPECT_EQ(ledger().get_meta("store.cursor"), "2025-02-20T10:00:00");
  ledger().set_meta("other", "");
  EXPECT_EQ(ledger().get_meta("other"), "");
}

// ---- the file ----------------------------------------------------------------------------------

TEST_F(LedgerTest, ReopeningTheFileKeepsEveryRowAndMeta) {
  const std::string pending = add("P");
  const std::string sent = add("T");
  ledger().begin_send(sent, kT0);
  ledger().finish(sent, AlertState::sent, kT0 + seconds{3}, "ok");
  const std::string retry = add("R");
  ledger().begin_send(retry, kT0);
  ledger().finish(retry, AlertState::retry, kT0, "later", kT0 + seconds{77});
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
  }
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

TEST(SqliteLedger, TwoConnectionsNeverTakeTheSameRow) {
  testing::TempDir dir;
  const auto file = dir.path() / "state.db";
  auto a = open_sqlite_ledger(file);
  auto b = open_sqlite_ledger(file);
  constexpr int kRows = 60;
  std::vector<AlertRow> rows;
  for (int i = 0; i < kRows; ++i) rows.push_back(make_row("HS" + std::to_string(i), kT0));
  ASSERT_EQ(a->insert_all(rows), static_cast<std::size_t>(kRows));
  std::atomic<int> taken_a{0}, taken_b{0};
  auto worker = [&](Ledger& l, std::atomic<int>& taken) {
    for (const AlertRow& r : rows) {
      if (l.begin_send(alert_key(r.id), kT0)) ++taken;
    }
  };
  std::thread ta(worker, std::ref(*a), std::ref(taken_a));
  std::thread tb(worker, std::ref(*b), std::ref(taken_b));
  ta.join();
  tb.join();
  EXPECT_EQ(taken_a + taken_b, kRows);
  for (const AlertRow& r : a->list(std::nullopt, 1000)) EXPECT_EQ(r.attempts, 1) << r.key;
}

TEST(SqliteLedger, OneObjectCanBeSharedBetweenThreads) {
  testing::TempDir dir;
  auto l = open_sqlite_ledger(dir.path() / "state.db");
  constexpr int kPerThread = 30;
  auto worker = [&](int t) {
    for (int i = 0; i < kPerThread; ++i) {
      const AlertRow r = make_row("T" + std::to_string(t) + "-" + std::to_string(i), kT0);
      l->insert(r);
      ASSERT_TRUE(l->begin_send(alert_key(r.id), kT0));
      l->finish(alert_key(r.id), AlertState::sent, kT0, "ok");
    }
  };
  std::thread t1(worker, 1);
  std::thread t2(worker, 2);
  t1.join();
  t2.join();
  EXPECT_EQ(l->counts()[AlertState::sent], 2 * kPerThread);
}

}  // namespace
}  // namespace dunghan::alerting
