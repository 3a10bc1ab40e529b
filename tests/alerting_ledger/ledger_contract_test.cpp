// The contract of alerting/ledger.h, run against every implementation: the SQLite ledger on a real
// file and the in-memory ledger of tests/support (which the dispatcher's unit tests use) in
// ledger_tests; the PostgreSQL ledger on a real server in pg_tests (this file compiled again with
// DUNGHAN_CONTRACT_POSTGRESQL: one server for the program, a fresh schema per test).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <ostream>
#include <set>

#include "alerting/ledger.h"
#include "support/memory_ledger.h"
#include "support/temp_dir.h"
#ifdef DUNGHAN_CONTRACT_POSTGRESQL
#include "alerting/pg_state.h"
#include "support/pg_test_db.h"
#endif

namespace dunghan::alerting {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

const Instant kT0 = Instant{seconds{1'740'000'000}};  // 2025-02-19T21:20:00Z
constexpr seconds kLease{300};
constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();

struct Implementation {
  std::string name;
  /// Opens a fresh, empty ledger; `dir` is an empty directory that outlives it.
  std::function<std::unique_ptr<Ledger>(const std::filesystem::path& dir)> open;
};
/// gtest prints the parameter by its name (not its bytes) in test listings and ctest names.
void PrintTo(const Implementation& i, std::ostream* os) {
  *os << i.name;
}

const std::vector<Implementation>& implementations() {
  static const std::vector<Implementation> all = {
#ifdef DUNGHAN_CONTRACT_POSTGRESQL
      {"Postgresql",
       [](const std::filesystem::path&) {
         testing::PgTestDb& db = testing::PgTestDb::shared();
         return open_pg_ledger(db.spec(db.fresh_schema()), "contract-test");
       }},
#else
      {"Sqlite",
       [](const std::filesystem::path& dir) { return open_sqlite_ledger(dir / "state.db"); }},
      {"Memory",
       [](const std::filesystem::path&) -> std::unique_ptr<Ledger> {
         return std::make_unique<testing::MemoryLedger>();
       }},
#endif
  };
  return all;
}

AlertRow make_row(const std::string& code, Instant fire_at, const std::string& channel = "email") {
  AlertRow r;
  r.id = AlertId{code, "nhac-truoc-han", 0, 0, "nguyenvana", channel};
  r.stage = deadline::AlertStage::before_due;
  r.fire_at = fire_at;
  return r;
}

std::vector<std::string> keys_of(const std::vector<AlertRow>& rows) {
  std::vector<std::string> keys;
  for (const AlertRow& r : rows) keys.push_back(r.key);
  return keys;
}

class LedgerContract : public ::testing::TestWithParam<Implementation> {
 protected:
  Ledger& ledger() { return *ledger_; }

  /// Inserts a pending row for `code` due at `fire_at` and returns its key.
  std::string add(const std::string& code, Instant fire_at = kT0) {
    const AlertRow r = make_row(code, fire_at);
    EXPECT_TRUE(ledger_->insert(r));
    return alert_key(r.id);
  }
  /// Claims the row `key`, which must be the first due row at `now`.
  AlertRow take(const std::string& key, Instant now = kT0) {
    std::vector<AlertRow> rows = ledger_->claim(now, 1, kLease);
    EXPECT_EQ(keys_of(rows), std::vector<std::string>{key});
    return rows.empty() ? AlertRow{} : rows.front();
  }
  /// Records one outcome for a claimed row.
  Transition put(const AlertRow& claimed, AlertState state, Instant now, std::string detail,
                 std::optional<Instant> next = std::nullopt, bool attempted = true) {
    RecordBatch b;
    b.outcomes.push_back(RowOutcome{claimed.key, claimed.sending_until.value_or(Instant{}), state,
                                    std::move(detail), next, attempted});
    const RecordResult r = ledger_->record(b, now);
    EXPECT_EQ(r.transitions.size(), 1U);
    return r.transitions.empty() ? Transition::changed_meanwhile : r.transitions.front();
  }
  /// Inserts `code`, claims it and records `state` for it; returns the key.
  std::string add_in(const std::string& code, AlertState state, Instant next = kT0) {
    const std::string key = add(code);
    const AlertRow c = take(key);
    EXPECT_EQ(put(c, state, kT0, "because", next), Transition::applied);
    return key;
  }
  AlertState state(const std::string& key) { return ledger_->get(key).value().state; }

  testing::TempDir dir_;
  std::unique_ptr<Ledger> ledger_ = GetParam().open(dir_.path());
};

// ---- insert ---------------------------------------------------------------------------------

TEST_P(LedgerContract, InsertStoresThePendingRowUnderItsKey) {
  AlertRow r = make_row("HS1", kT0);
  r.stage = deadline::AlertStage::waiting_applicant;
  r.detail = "planned";
  r.digest_key = "d1";
  ASSERT_TRUE(ledger().insert(r));
  const auto got = ledger().get(alert_key(r.id));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->key, alert_key(r.id));
  EXPECT_EQ(got->id, r.id);
  EXPECT_EQ(got->stage, deadline::AlertStage::waiting_applicant);
  EXPECT_EQ(got->state, AlertState::pending);
  EXPECT_EQ(got->fire_at, kT0);
  EXPECT_EQ(got->next_attempt_at, kT0);  // defaults to fire_at
  EXPECT_EQ(got->created_at, kT0);       // defaults to fire_at
  EXPECT_EQ(got->updated_at, kT0);
  EXPECT_EQ(got->attempts, 0);
  EXPECT_EQ(got->detail, "planned");
  EXPECT_EQ(got->digest_key, "d1");
  EXPECT_FALSE(got->sent_at);
  EXPECT_FALSE(got->sending_until);
}

TEST_P(LedgerContract, InsertKeepsExplicitCreationAndNextAttemptTimes) {
  AlertRow r = make_row("HS1", kT0);
  r.created_at = kT0 - seconds{100};
  r.next_attempt_at = kT0 + seconds{50};
  ledger().insert(r);
  const AlertRow got = *ledger().get(alert_key(r.id));
  EXPECT_EQ(got.created_at, kT0 - seconds{100});
  EXPECT_EQ(got.next_attempt_at, kT0 + seconds{50});
}

TEST_P(LedgerContract, InsertingAnExistingKeyIsANoOp) {
  const std::string key = add("HS1");
  put(take(key), AlertState::sent, kT0 + seconds{1}, "ok");
  AlertRow again = make_row("HS1", kT0 + seconds{3600});
  again.stage = deadline::AlertStage::due_today;
  EXPECT_FALSE(ledger().insert(again));
  const AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::sent);
  EXPECT_EQ(got.fire_at, kT0);
  EXPECT_EQ(got.stage, deadline::AlertStage::before_due);
  EXPECT_EQ(ledger().counts()[AlertState::sent], 1);
}

TEST_P(LedgerContract, InsertAllCountsOnlyNewRows) {
  ledger().insert(make_row("HS1", kT0));
  const std::vector<AlertRow> rows = {make_row("HS1", kT0), make_row("HS2", kT0),
                                      make_row("HS2", kT0), make_row("HS3", kT0)};
  EXPECT_EQ(ledger().insert_all(rows), 2U);
  EXPECT_EQ(ledger().insert_all(rows), 0U);
  EXPECT_EQ(ledger().counts()[AlertState::pending], 3);
}

TEST_P(LedgerContract, InsertAcceptsAMatchingKeyAndRejectsAWrongOne) {
  AlertRow r = make_row("HS1", kT0);
  r.key = alert_key(r.id);
  EXPECT_TRUE(ledger().insert(r));
  AlertRow wrong = make_row("HS2", kT0);
  wrong.key = alert_key(r.id);
  EXPECT_THROW(ledger().insert(wrong), std::invalid_argument);
}

TEST_P(LedgerContract, InsertRejectsStatesOtherThanPendingOrSkipped) {
  AlertRow r = make_row("HS1", kT0);
  r.state = AlertState::sent;
  EXPECT_THROW(ledger().insert(r), std::invalid_argument);
  r.state = AlertState::sending;
  EXPECT_THROW(ledger().insert(r), std::invalid_argument);
  EXPECT_TRUE(ledger().counts().empty());
}

TEST_P(LedgerContract, InsertAllIsAllOrNothing) {
  AlertRow bad = make_row("HS3", kT0);
  bad.state = AlertState::dead;
  EXPECT_THROW(ledger().insert_all({make_row("HS1", kT0), make_row("HS2", kT0), bad}),
               std::invalid_argument);
  EXPECT_TRUE(ledger().counts().empty());
}

TEST_P(LedgerContract, ASkippedRowIsRecordedButNeverDueNorClaimed) {
  AlertRow r = make_row("HS1", kT0);
  r.state = AlertState::skipped;
  r.detail = "older repetition";
  ASSERT_TRUE(ledger().insert(r));
  EXPECT_EQ(state(alert_key(r.id)), AlertState::skipped);
  EXPECT_TRUE(ledger().due(kT0 + seconds{86400}, 10).empty());
  EXPECT_TRUE(ledger().claim(kT0 + seconds{86400}, 10, kLease).empty());
  EXPECT_FALSE(ledger().next_attempt());
}

// ---- claim -----------------------------------------------------------------------------------

TEST_P(LedgerContract, ClaimMovesADueRowToSendingWithALeaseAndCountsTheAttempt) {
  const std::string key = add("HS1");
  const std::vector<AlertRow> claimed = ledger().claim(kT0 + seconds{5}, 10, seconds{120});
  ASSERT_EQ(claimed.size(), 1U);
  EXPECT_EQ(claimed[0].key, key);
  EXPECT_EQ(claimed[0].state, AlertState::sending);
  EXPECT_EQ(claimed[0].attempts, 1);
  EXPECT_EQ(claimed[0].sending_until, kT0 + seconds{125});
  EXPECT_EQ(claimed[0].stage, deadline::AlertStage::before_due);
  const AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::sending);
  EXPECT_EQ(got.attempts, 1);
  EXPECT_EQ(got.updated_at, kT0 + seconds{5});
  EXPECT_EQ(got.sending_until, kT0 + seconds{125});
}

TEST_P(LedgerContract, ClaimHandsARowOutOnlyOnce) {
  const std::string key = add("HS1");
  EXPECT_EQ(ledger().claim(kT0, 10, kLease).size(), 1U);
  EXPECT_TRUE(ledger().claim(kT0, 10, kLease).empty());
  EXPECT_TRUE(ledger().claim(kT0 + seconds{kLease} * 2, 10, kLease).empty())
      << "an expired lease is recovered by recover_expired, not by claim";
  EXPECT_EQ(ledger().get(key)->attempts, 1);
}

TEST_P(LedgerContract, ClaimTakesDueRowsInOrderWithinTheLimit) {
  const std::string late = add("HS1", kT0 + seconds{30});
  const std::string early = add("HS2", kT0 + seconds{10});
  const std::string middle = add("HS3", kT0 + seconds{20});
  const std::string future = add("HS4", kT0 + seconds{31});
  EXPECT_EQ(keys_of(ledger().claim(kT0 + seconds{30}, 2, kLease)),
            (std::vector<std::string>{early, middle}));
  EXPECT_EQ(keys_of(ledger().claim(kT0 + seconds{30}, 10, kLease)),
            (std::vector<std::string>{late}));
  EXPECT_TRUE(ledger().claim(kT0 + seconds{30}, 10, kLease).empty());
  EXPECT_EQ(state(future), AlertState::pending);
}

TEST_P(LedgerContract, ClaimBreaksTiesByKeyAndHonoursZeroAndHugeLimits) {
  std::vector<std::string> keys;
  for (int i = 0; i < 5; ++i) keys.push_back(add("HS" + std::to_string(i)));
  std::sort(keys.begin(), keys.end());
  EXPECT_TRUE(ledger().claim(kT0, 0, kLease).empty());
  EXPECT_EQ(keys_of(ledger().claim(kT0, 2, kLease)),
            (std::vector<std::string>(keys.begin(), keys.begin() + 2)));
  EXPECT_EQ(keys_of(ledger().claim(kT0, kAll, kLease)),
            (std::vector<std::string>(keys.begin() + 2, keys.end())));
}

TEST_P(LedgerContract, ClaimTakesPendingAndRetryRowsOnly) {
  const std::string sent = add_in("T", AlertState::sent);
  const std::string dead = add_in("D", AlertState::dead);
  const std::string sending = add("S");
  take(sending);
  const std::string retry = add_in("R", AlertState::retry, kT0 + seconds{1});
  const std::string cancelled = add("C", kT0 + seconds{1000});
  ledger().cancel(cancelled, kT0, "resolved");
  const std::string pending = add("P");
  const std::vector<std::string> claimed = keys_of(ledger().claim(kT0 + seconds{1}, 100, kLease));
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()),
            (std::set<std::string>{pending, retry}));
  EXPECT_EQ(ledger().get(retry)->attempts, 2);
  EXPECT_EQ(state(sent), AlertState::sent);
  EXPECT_EQ(state(dead), AlertState::dead);
  EXPECT_EQ(state(cancelled), AlertState::cancelled);
}

TEST_P(LedgerContract, ClaimTakesADigestWholeBeyondTheLimit) {
  std::vector<std::string> digest;
  for (int i = 0; i < 3; ++i) {
    AlertRow r = make_row("G" + std::to_string(i), kT0);
    r.digest_key = "digest-1";
    ASSERT_TRUE(ledger().insert(r));
    digest.push_back(alert_key(r.id));
  }
  AlertRow other = make_row("O", kT0);
  other.digest_key = "digest-2";
  ledger().insert(other);
  AlertRow later = make_row("L", kT0 + seconds{10});
  later.digest_key = "digest-1";  // same digest key, not yet due: stays
  ledger().insert(later);
  std::sort(digest.begin(), digest.end());
  // The first due row (by key) decides which digest the batch starts.
  const std::string first = std::min(digest.front(), alert_key(other.id));
  const std::vector<AlertRow> claimed = ledger().claim(kT0, 1, kLease);
  if (first == alert_key(other.id)) {
    EXPECT_EQ(keys_of(claimed), std::vector<std::string>{first});
  } else {
    EXPECT_EQ(keys_of(claimed), digest);
  }
  EXPECT_EQ(state(alert_key(later.id)), AlertState::pending);
}

TEST_P(LedgerContract, ClaimRefusesALeaseThatIsNotPositive) {
  add("HS1");
  EXPECT_THROW(ledger().claim(kT0, 1, seconds{0}), std::invalid_argument);
  EXPECT_EQ(ledger().counts()[AlertState::pending], 1);
}

// ---- record ----------------------------------------------------------------------------------

TEST_P(LedgerContract, RecordSentSetsSentAtAndDetailAndEndsTheLease) {
  const std::string key = add("HS1");
  EXPECT_EQ(put(take(key), AlertState::sent, kT0 + seconds{2}, "250 OK"), Transition::applied);
  const AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::sent);
  EXPECT_EQ(got.sent_at, kT0 + seconds{2});
  EXPECT_EQ(got.updated_at, kT0 + seconds{2});
  EXPECT_EQ(got.detail, "250 OK");
  EXPECT_EQ(got.attempts, 1);
  EXPECT_FALSE(got.sending_until);
}

TEST_P(LedgerContract, RecordRetryWaitsUntilTheNextAttemptThenIsClaimedAgain) {
  const std::string key = add("HS1");
  put(take(key), AlertState::retry, kT0, "421 try later", kT0 + seconds{60});
  const AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::retry);
  EXPECT_EQ(got.next_attempt_at, kT0 + seconds{60});
  EXPECT_FALSE(got.sent_at);
  EXPECT_TRUE(ledger().claim(kT0 + seconds{59}, 10, kLease).empty());
  const AlertRow again = take(key, kT0 + seconds{60});
  EXPECT_EQ(again.attempts, 2);
}

TEST_P(LedgerContract, RecordReachesEveryFinalState) {
  for (AlertState s :
       {AlertState::dead, AlertState::unreachable, AlertState::skipped, AlertState::cancelled}) {
    const std::string key = add("HS-" + std::string(to_string(s)));
    EXPECT_EQ(put(take(key), s, kT0 + seconds{1}, "because"), Transition::applied);
    const AlertRow got = *ledger().get(key);
    EXPECT_EQ(got.state, s);
    EXPECT_EQ(got.detail, "because");
    EXPECT_FALSE(got.sent_at);
    EXPECT_TRUE(ledger().claim(kT0 + seconds{86400}, 10, kLease).empty()) << to_string(s);
  }
}

TEST_P(LedgerContract, RecordWithoutAnAttemptGivesTheAttemptBack) {
  const std::string key = add("HS1");
  put(take(key), AlertState::pending, kT0, "send window closed", kT0 + seconds{300}, false);
  AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::pending);
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.detail, "send window closed");
  EXPECT_EQ(ledger().next_attempt(), kT0 + seconds{300});
  // A retried row keeps the attempts it really made.
  put(take(key, kT0 + seconds{300}), AlertState::retry, kT0, "busy", kT0 + seconds{400});
  put(take(key, kT0 + seconds{400}), AlertState::retry, kT0, "held", kT0 + seconds{500}, false);
  got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::retry);
  EXPECT_EQ(got.attempts, 1);
  put(take(key, kT0 + seconds{500}), AlertState::cancelled, kT0, "resolved", std::nullopt, false);
  EXPECT_EQ(ledger().get(key)->attempts, 1);
}

TEST_P(LedgerContract, ASilencedRowWaitsUntilTheSilenceEndsWithoutUsingAnAttempt) {
  const std::string key = add("HS1");
  put(take(key), AlertState::silenced, kT0, "silenced by silence #1", kT0 + seconds{3600}, false);
  AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::silenced);
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.next_attempt_at, kT0 + seconds{3600});
  EXPECT_EQ(ledger().next_attempt(), kT0 + seconds{3600});
  EXPECT_TRUE(ledger().claim(kT0 + seconds{3599}, 10, kLease).empty());
  EXPECT_EQ(keys_of(ledger().due(kT0 + seconds{3600}, 10)), std::vector<std::string>{key});
  EXPECT_EQ(take(key, kT0 + seconds{3600}).attempts, 1);
}

TEST_P(LedgerContract, ReleaseSilencedMakesOneDossiersSilencedRowsDueNow) {
  const std::string a = add_in("HS1", AlertState::silenced, kT0 + seconds{86400});
  const std::string b = add_in("HS2", AlertState::silenced, kT0 + seconds{86400});
  const std::string c = add("HS1-other", kT0 + seconds{50});
  EXPECT_EQ(ledger().release_silenced("HS1", kT0 + seconds{10}), 1U);
  EXPECT_EQ(ledger().release_silenced("HS1", kT0 + seconds{10}), 0U) << "already due";
  EXPECT_EQ(ledger().get(a)->next_attempt_at, kT0 + seconds{10});
  EXPECT_EQ(ledger().get(a)->state, AlertState::silenced);
  EXPECT_EQ(ledger().get(b)->next_attempt_at, kT0 + seconds{86400});
  EXPECT_EQ(ledger().get(c)->next_attempt_at, kT0 + seconds{50});
}

TEST_P(LedgerContract, ASilencedRowCanBeCancelledAndASilencedOutcomeNeedsItsEnd) {
  const std::string key = add_in("HS1", AlertState::silenced, kT0 + seconds{86400});
  EXPECT_EQ(ledger().cancel(key, kT0, "no"), 1U);
  EXPECT_EQ(state(key), AlertState::cancelled);
  const std::string k2 = add("HS2");
  const AlertRow c = take(k2);
  RecordBatch bad;
  bad.outcomes.push_back(RowOutcome{k2, *c.sending_until, AlertState::silenced, "x", std::nullopt});
  EXPECT_THROW(ledger().record(bad, kT0), std::invalid_argument);
}

TEST_P(LedgerContract, SentSinglesSinceCountsOneRecipientsChannelFromAnInstant) {
  const std::string a = add_in("HS1", AlertState::sent);
  add_in("HS2", AlertState::sent);
  add_in("HS3", AlertState::dead);
  EXPECT_EQ(ledger().sent_singles_since("nguyenvana", "email", kT0), 2U);
  EXPECT_EQ(ledger().sent_singles_since("nguyenvana", "email", kT0 + seconds{1}), 0U);
  EXPECT_EQ(ledger().sent_singles_since("nguyenvana", "zalo", kT0), 0U);
  EXPECT_EQ(ledger().sent_singles_since("other", "email", kT0), 0U);
  // A digest's rows are not single alerts: they do not count.
  AlertRow d = make_row("HS4", kT0);
  d.digest_key = "digest-1";
  ASSERT_TRUE(ledger().insert(d));
  EXPECT_EQ(put(take(alert_key(d.id)), AlertState::sent, kT0, "because", kT0), Transition::applied);
  EXPECT_EQ(ledger().sent_singles_since("nguyenvana", "email", kT0), 2U);
}

TEST_P(LedgerContract, RecordRefusesBadOutcomesBeforeWritingAnything) {
  const std::string a = add("HS1");
  const std::string b = add("HS2");
  const std::vector<AlertRow> claimed = ledger().claim(kT0, 10, kLease);
  ASSERT_EQ(claimed.size(), 2U);
  auto outcome = [](const AlertRow& r, AlertState s, std::optional<Instant> next = std::nullopt) {
    return RowOutcome{r.key, *r.sending_until, s, "x", next, true};
  };
  for (const RowOutcome& bad :
       {outcome(claimed[1], AlertState::retry), outcome(claimed[1], AlertState::pending),
        outcome(claimed[1], AlertState::sending, kT0)}) {
    RecordBatch batch;
    batch.outcomes = {outcome(claimed[0], AlertState::sent), bad};
    EXPECT_THROW(ledger().record(batch, kT0), std::invalid_argument) << to_string(bad.state);
  }
  RecordBatch bad_row;
  bad_row.outcomes = {outcome(claimed[0], AlertState::sent)};
  AlertRow wrong = make_row("HS3", kT0);
  wrong.state = AlertState::sent;
  bad_row.new_rows = {wrong};
  EXPECT_THROW(ledger().record(bad_row, kT0), std::invalid_argument);
  EXPECT_EQ(state(a), AlertState::sending);
  EXPECT_EQ(state(b), AlertState::sending);
  EXPECT_EQ(ledger().counts().size(), 1U);
}

TEST_P(LedgerContract, RecordAppliesABatchInOneCall) {
  std::vector<std::string> keys;
  for (int i = 0; i < 4; ++i) keys.push_back(add("HS" + std::to_string(i)));
  const std::vector<AlertRow> claimed = ledger().claim(kT0, 10, kLease);
  ASSERT_EQ(claimed.size(), 4U);
  RecordBatch batch;
  const AlertState states[] = {AlertState::sent, AlertState::retry, AlertState::dead,
                               AlertState::unreachable};
  for (std::size_t i = 0; i < 4; ++i) {
    batch.outcomes.push_back(RowOutcome{claimed[i].key, *claimed[i].sending_until, states[i],
                                        "n" + std::to_string(i), kT0 + seconds{60}, true});
  }
  const RecordResult r = ledger().record(batch, kT0 + seconds{1});
  EXPECT_EQ(r.transitions, std::vector<Transition>(4, Transition::applied));
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(state(claimed[i].key), states[i]);
    EXPECT_EQ(ledger().get(claimed[i].key)->detail, "n" + std::to_string(i));
  }
  EXPECT_EQ(ledger().get(claimed[1].key)->next_attempt_at, kT0 + seconds{60});
}

TEST_P(LedgerContract, RecordOfARowNotInSendingIsChangedMeanwhileNotAnError) {
  const std::string key = add("HS1");
  const AlertRow claimed = take(key);
  ASSERT_EQ(put(claimed, AlertState::sent, kT0, "ok"), Transition::applied);
  EXPECT_EQ(put(claimed, AlertState::sent, kT0, "again"), Transition::changed_meanwhile);
  EXPECT_EQ(put(claimed, AlertState::retry, kT0, "x", kT0), Transition::changed_meanwhile);
  EXPECT_EQ(ledger().get(key)->detail, "ok");

  const std::string pending = add("HS2", kT0 + seconds{10});
  AlertRow fake = *ledger().get(pending);
  fake.sending_until = kT0;
  EXPECT_EQ(put(fake, AlertState::sent, kT0, "never claimed"), Transition::changed_meanwhile);
  EXPECT_EQ(state(pending), AlertState::pending);

  AlertRow unknown = claimed;
  unknown.key = "a00000000000000000000000000000000";
  EXPECT_EQ(put(unknown, AlertState::sent, kT0, "x"), Transition::changed_meanwhile);
}

// A claimer whose lease ran out (its rows recovered and claimed again by someone else) cannot
// overwrite what the newer claim records.
TEST_P(LedgerContract, RecordWithAnExpiredLeaseThatWasTakenAgainIsChangedMeanwhile) {
  const std::string key = add("HS1");
  const AlertRow first = take(key);
  const Instant later = kT0 + kLease + seconds{1};
  EXPECT_EQ(ledger().recover_expired(later), 1U);
  const AlertRow second = take(key, later);
  EXPECT_EQ(second.attempts, 2);
  EXPECT_NE(second.sending_until, first.sending_until);
  EXPECT_EQ(put(first, AlertState::retry, later, "stale", later), Transition::changed_meanwhile);
  EXPECT_EQ(put(second, AlertState::sent, later, "ok"), Transition::applied);
  EXPECT_EQ(state(key), AlertState::sent);
}

TEST_P(LedgerContract, RecordInsertsNewRowsInTheSameTransaction) {
  const std::string key = add("HS1");
  const AlertRow claimed = take(key);
  const std::string existing = add("HS9", kT0 + seconds{100});
  RecordBatch batch;
  batch.outcomes.push_back(
      RowOutcome{key, *claimed.sending_until, AlertState::unreachable, "no zalo", {}, true});
  AlertRow fallback = make_row("HS1", kT0, "zalo");
  fallback.detail = "fallback from channel email";
  fallback.next_attempt_at = kT0 + seconds{1};
  batch.new_rows = {fallback, make_row("HS9", kT0)};
  const RecordResult r = ledger().record(batch, kT0);
  EXPECT_EQ(r.transitions, std::vector<Transition>{Transition::applied});
  EXPECT_EQ(r.inserted, (std::vector<bool>{true, false}));
  const AlertRow got = *ledger().get(alert_key(fallback.id));
  EXPECT_EQ(got.state, AlertState::pending);
  EXPECT_EQ(got.next_attempt_at, kT0 + seconds{1});
  EXPECT_EQ(got.detail, "fallback from channel email");
  EXPECT_EQ(state(existing), AlertState::pending);
}

// ---- recovery --------------------------------------------------------------------------------

TEST_P(LedgerContract, RecoverExpiredPutsBackOnlyRowsWhoseLeaseRanOut) {
  const std::string old_key = add("HS1");
  ledger().claim(kT0, 1, seconds{60});
  const std::string young = add("HS2", kT0 + seconds{30});
  ledger().claim(kT0 + seconds{30}, 1, seconds{60});
  EXPECT_EQ(ledger().recover_expired(kT0 + seconds{59}), 0U);
  EXPECT_EQ(ledger().recover_expired(kT0 + seconds{60}), 1U);
  const AlertRow got = *ledger().get(old_key);
  EXPECT_EQ(got.state, AlertState::pending);
  EXPECT_EQ(got.next_attempt_at, kT0 + seconds{60});
  EXPECT_EQ(got.attempts, 1);
  EXPECT_FALSE(got.sending_until);
  EXPECT_THAT(got.detail, HasSubstr("interrupted"));
  EXPECT_EQ(state(young), AlertState::sending);
  EXPECT_EQ(ledger().recover_expired(kT0 + seconds{90}), 1U);
  EXPECT_EQ(ledger().recover_expired(kT0 + seconds{90}), 0U);
}

TEST_P(LedgerContract, RecoverPutsEverySendingRowBackDueNow) {
  const std::string a = add("HS1");
  const std::string b = add("HS2");
  const std::string c = add("HS3");
  const std::vector<AlertRow> claimed = ledger().claim(kT0, 10, kLease);
  ASSERT_EQ(claimed.size(), 3U);
  const auto claimed_b =
      std::find_if(claimed.begin(), claimed.end(), [&](const AlertRow& r) { return r.key == b; });
  ASSERT_NE(claimed_b, claimed.end());
  put(*claimed_b, AlertState::sent, kT0, "ok");
  const Instant now = kT0 + seconds{10};  // well within the lease
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

// ---- due / next_attempt ------------------------------------------------------------------------

TEST_P(LedgerContract, DueListsWaitingRowsInOrderAndClaimsNothing) {
  const std::string late = add("HS1", kT0 + seconds{30});
  const std::string early = add("HS2", kT0 + seconds{10});
  add("HS4", kT0 + seconds{31});  // not yet
  EXPECT_EQ(keys_of(ledger().due(kT0 + seconds{30}, 10)), (std::vector<std::string>{early, late}));
  EXPECT_EQ(keys_of(ledger().due(kT0 + seconds{30}, 1)), (std::vector<std::string>{early}));
  EXPECT_EQ(state(early), AlertState::pending);
  EXPECT_EQ(ledger().claim(kT0 + seconds{30}, 10, kLease).size(), 2U);
}

TEST_P(LedgerContract, NextAttemptIsTheEarliestWaitingRow) {
  EXPECT_FALSE(ledger().next_attempt());
  const std::string first = add("HS1", kT0 + seconds{10});
  add("HS2", kT0 + seconds{20});
  EXPECT_EQ(ledger().next_attempt(), kT0 + seconds{10});
  const AlertRow c = take(first, kT0 + seconds{10});
  EXPECT_EQ(ledger().next_attempt(), kT0 + seconds{20});  // a sending row is not waiting
  put(c, AlertState::retry, kT0, "x", kT0 + seconds{5});
  EXPECT_EQ(ledger().next_attempt(), kT0 + seconds{5});
}

// ---- operator actions --------------------------------------------------------------------------

TEST_P(LedgerContract, RetryRequeuesADeadRowWithAttemptsReset) {
  const std::string key = add_in("HS1", AlertState::dead);
  const Instant now = kT0 + seconds{7200};
  EXPECT_EQ(ledger().retry(key, now), 1U);
  const AlertRow got = *ledger().get(key);
  EXPECT_EQ(got.state, AlertState::pending);
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.next_attempt_at, now);
  EXPECT_EQ(keys_of(ledger().due(now, 10)), std::vector<std::string>{key});
}

TEST_P(LedgerContract, RetryRequeuesUnreachableCancelledSkippedAndRetryRows) {
  const std::string unreachable = add_in("U", AlertState::unreachable);
  const std::string skipped = add_in("S", AlertState::skipped);
  const std::string retry = add_in("R", AlertState::retry, kT0 + seconds{9999});
  const std::string cancelled = add("C", kT0 + seconds{5000});
  ledger().cancel(cancelled, kT0, "resolved");
  for (const std::string& key : {unreachable, cancelled, skipped, retry}) {
    EXPECT_EQ(ledger().retry(key, kT0 + seconds{1}), 1U);
    EXPECT_EQ(state(key), AlertState::pending);
    EXPECT_EQ(ledger().get(key)->next_attempt_at, kT0 + seconds{1});
  }
}

TEST_P(LedgerContract, RetryLeavesSentPendingSendingAndUnknownRowsAlone) {
  const std::string sent = add_in("T", AlertState::sent);
  const std::string sending = add("S");
  take(sending);
  const std::string pending = add("P", kT0 + seconds{500});
  EXPECT_EQ(ledger().retry(sent, kT0), 0U);
  EXPECT_EQ(ledger().retry(sending, kT0), 0U);
  EXPECT_EQ(ledger().retry(pending, kT0), 0U);
  EXPECT_EQ(ledger().retry("a00000000000000000000000000000000", kT0), 0U);
  EXPECT_EQ(state(sent), AlertState::sent);
  EXPECT_EQ(state(sending), AlertState::sending);
  EXPECT_EQ(ledger().get(pending)->next_attempt_at, kT0 + seconds{500});
}

TEST_P(LedgerContract, RetryAllDeadRequeuesOnlyDeadRows) {
  std::vector<std::string> dead;
  for (int i = 0; i < 3; ++i) dead.push_back(add_in("D" + std::to_string(i), AlertState::dead));
  const std::string unreachable = add_in("U", AlertState::unreachable);
  EXPECT_EQ(ledger().retry_all_dead(kT0 + seconds{1}), 3U);
  for (const std::string& key : dead) EXPECT_EQ(state(key), AlertState::pending);
  EXPECT_EQ(state(unreachable), AlertState::unreachable);
  EXPECT_EQ(ledger().retry_all_dead(kT0 + seconds{2}), 0U);
}

TEST_P(LedgerContract, CancelStopsPendingAndRetryRows) {
  const std::string retry = add_in("R", AlertState::retry, kT0 + seconds{60});
  const std::string pending = add("P");
  EXPECT_EQ(ledger().cancel(pending, kT0 + seconds{1}, "dossier resolved"), 1U);
  EXPECT_EQ(ledger().cancel(retry, kT0 + seconds{1}, "by operator"), 1U);
  EXPECT_EQ(state(pending), AlertState::cancelled);
  EXPECT_EQ(ledger().get(pending)->detail, "dossier resolved");
  EXPECT_EQ(state(retry), AlertState::cancelled);
  EXPECT_TRUE(ledger().claim(kT0 + seconds{3600}, 10, kLease).empty());
}

TEST_P(LedgerContract, CancelLeavesSendingSentAndUnknownRowsAlone) {
  const std::string sent = add_in("T", AlertState::sent);
  const std::string sending = add("S");
  take(sending);
  EXPECT_EQ(ledger().cancel(sending, kT0, "x"), 0U);
  EXPECT_EQ(ledger().cancel(sent, kT0, "x"), 0U);
  EXPECT_EQ(ledger().cancel("a00000000000000000000000000000000", kT0, "x"), 0U);
  EXPECT_EQ(state(sending), AlertState::sending);
  EXPECT_EQ(state(sent), AlertState::sent);
}

// ---- get / list / counts / meta ----------------------------------------------------------------

TEST_P(LedgerContract, GetOfAnUnknownKeyIsEmpty) {
  EXPECT_FALSE(ledger().get("a00000000000000000000000000000000"));
}

TEST_P(LedgerContract, CountsGroupRowsByState) {
  EXPECT_TRUE(ledger().counts().empty());
  add_in("T", AlertState::sent);
  add_in("D", AlertState::dead);
  add("P1");
  add("P2");
  const StateCounts expected = {
      {AlertState::pending, 2}, {AlertState::sent, 1}, {AlertState::dead, 1}};
  EXPECT_EQ(ledger().counts(), expected);
}

TEST_P(LedgerContract, ListFiltersByStateNewestChangeFirstWithinTheLimit) {
  const std::string a = add("A");
  put(take(a), AlertState::dead, kT0 + seconds{10}, "x");
  const std::string b = add("B");
  put(take(b), AlertState::dead, kT0 + seconds{30}, "x");
  const std::string c = add("C");
  put(take(c), AlertState::dead, kT0 + seconds{20}, "x");
  add("P");
  EXPECT_EQ(keys_of(ledger().list(AlertState::dead, 10)), (std::vector<std::string>{b, c, a}));
  EXPECT_EQ(keys_of(ledger().list(AlertState::dead, 2)), (std::vector<std::string>{b, c}));
  EXPECT_EQ(ledger().list(std::nullopt, 100).size(), 4U);
  EXPECT_EQ(ledger().list(AlertState::pending, 100).size(), 1U);
  EXPECT_TRUE(ledger().list(AlertState::sent, 100).empty());
}

// ---- restore (state copy) --------------------------------------------------------------------

TEST_P(LedgerContract, RestoreCopiesRowsAsTheyAreAndPutsSendingBackToPending) {
  // A source ledger with a sent, a dead, a sending and a pending row.
  const std::string sent = add_in("HS1", AlertState::sent);
  const std::string dead = add_in("HS2", AlertState::dead);
  const std::string sending = add("HS3");
  take(sending);
  const std::string pending = add("HS4", kT0 + seconds{3600});
  std::vector<AlertRow> rows = ledger().list(std::nullopt, kAll);
  ASSERT_EQ(rows.size(), 4U);

  testing::TempDir other;
  std::unique_ptr<Ledger> copy = GetParam().open(other.path());
  EXPECT_EQ(copy->restore(rows), 4U);
  EXPECT_EQ(copy->restore(rows), 0U);  // present keys are left alone
  for (const AlertRow& r : rows) {
    const AlertRow got = copy->get(r.key).value();
    EXPECT_EQ(got.id.code, r.id.code);
    EXPECT_EQ(got.attempts, r.attempts) << r.key;
    EXPECT_EQ(got.detail, r.detail);
    EXPECT_EQ(got.fire_at, r.fire_at);
    EXPECT_EQ(got.created_at, r.created_at);
    EXPECT_EQ(got.sent_at, r.sent_at);
    EXPECT_FALSE(got.sending_until);
    EXPECT_EQ(got.state, r.key == sending ? AlertState::pending : r.state) << r.key;
  }
  EXPECT_TRUE(copy->get(sent).value().sent_at);
  EXPECT_EQ(copy->get(dead).value().state, AlertState::dead);
  // The row that was sending is due again (same key: a receiver sees the duplicate); the pending
  // one keeps its time.
  EXPECT_EQ(keys_of(copy->claim(kT0 + seconds{1}, 10, kLease)), std::vector<std::string>{sending});
  EXPECT_EQ(keys_of(copy->claim(kT0 + seconds{3600}, 10, kLease)),
            std::vector<std::string>{pending});
  AlertRow wrong = rows.front();
  wrong.key = "a" + std::string(32, '0');
  EXPECT_THROW(copy->restore({wrong}), std::invalid_argument);
}

TEST_P(LedgerContract, MetaStoresAndOverwritesValues) {
  EXPECT_FALSE(ledger().get_meta("store.cursor"));
  ledger().set_meta("store.cursor", "2025-02-19T10:00:00");
  EXPECT_EQ(ledger().get_meta("store.cursor"), "2025-02-19T10:00:00");
  ledger().set_meta("store.cursor", "2025-02-20T10:00:00");
  EXPECT_EQ(ledger().get_meta("store.cursor"), "2025-02-20T10:00:00");
  ledger().set_meta("other", "");
  EXPECT_EQ(ledger().get_meta("other"), "");
}

INSTANTIATE_TEST_SUITE_P(Implementations, LedgerContract, ::testing::ValuesIn(implementations()),
                         [](const ::testing::TestParamInfo<Implementation>& i) {
                           return i.param.name;
                         });

}  // namespace
}  // namespace dunghan::alerting
