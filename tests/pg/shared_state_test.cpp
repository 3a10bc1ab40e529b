// Several dunghan instances on one PostgreSQL state (alerting/pg_state.h), beyond the ledger
// contract: concurrent claims never hand a row out twice, a dead instance's rows come back when
// their lease runs out, the planning lock has one holder and moves when it dies, and outcomes
// decided during an outage are recorded when the server is back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "alerting/pg_state.h"
#include "pg/session.h"
#include "support/pg_test_db.h"

namespace dunghan::alerting {
namespace {

using std::chrono::seconds;
using testing::PgTestDb;

const Instant kT0 = Instant{seconds{1'760'000'000}};

AlertRow row(int i) {
  AlertRow r;
  r.id = AlertId{"HS-" + std::to_string(i), "qua-han", 0, 0, "nguyenvana", "email"};
  r.stage = deadline::AlertStage::overdue;
  r.fire_at = kT0 - seconds{i % 7};
  return r;
}

pg::ConnectSpec named(pg::ConnectSpec spec, const std::string& app) {
  spec.application_name = app;
  return spec;
}

TEST(SharedState, ConcurrentClaimsHandEveryRowToExactlyOneInstance) {
  PgTestDb& db = PgTestDb::shared();
  const pg::ConnectSpec spec = db.spec(db.fresh_schema());
  constexpr int kRows = 3000;
  {
    auto ledger = open_pg_ledger(spec, "setup");
    std::vector<AlertRow> rows;
    for (int i = 0; i < kRows; ++i) rows.push_back(row(i));
    ASSERT_EQ(ledger->insert_all(rows), static_cast<std::size_t>(kRows));
  }
  std::mutex mu;
  std::map<std::string, std::string> claimed_by;  // key → instance
  std::map<std::string, int> per_instance;
  std::vector<std::thread> threads;
  for (int n = 0; n < 3; ++n) {
    threads.emplace_back([&, n] {
      const std::string me = "may-" + std::to_string(n);
      auto ledger = open_pg_ledger(spec, me);
      for (;;) {
        const std::vector<AlertRow> got = ledger->claim(kT0, 25, seconds{300});
        if (got.empty()) break;
        RecordBatch b;
        for (const AlertRow& r : got) {
          b.outcomes.push_back(
              RowOutcome{r.key, *r.sending_until, AlertState::sent, "ok", std::nullopt, true});
        }
        const RecordResult res = ledger->record(b, kT0);
        std::lock_guard lock(mu);
        for (std::size_t i = 0; i < got.size(); ++i) {
          EXPECT_EQ(res.transitions[i], Transition::applied);
          EXPECT_TRUE(claimed_by.emplace(got[i].key, me).second) << got[i].key << " twice";
          ++per_instance[me];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(claimed_by.size(), static_cast<std::size_t>(kRows));
  for (const auto& [instance, n] : per_instance) EXPECT_GT(n, 0) << instance;
  auto ledger = open_pg_ledger(spec, "check");
  EXPECT_EQ(ledger->counts()[AlertState::sent], kRows);
}

TEST(SharedState, ADeadInstancesRowsAreTakenOverWhenTheLeaseRunsOut) {
  PgTestDb& db = PgTestDb::shared();
  const pg::ConnectSpec spec = db.spec(db.fresh_schema());
  PgState a = open_pg_state(spec, "may-a");
  PgState b = open_pg_state(spec, "may-b");
  ASSERT_TRUE(a.ledger->insert(row(1)));
  const std::vector<AlertRow> held = a.ledger->claim(kT0, 10, seconds{30});
  ASSERT_EQ(held.size(), 1U);
  EXPECT_EQ(a.coordination->leased_rows(), 1);
  EXPECT_EQ(b.coordination->leased_rows(), 0);
  // "a" dies. Before the lease ends nobody may take the row; after it, b does.
  EXPECT_EQ(b.ledger->recover_expired(kT0 + seconds{29}), 0U);
  EXPECT_TRUE(b.ledger->claim(kT0 + seconds{29}, 10, seconds{30}).empty());
  EXPECT_EQ(b.ledger->recover_expired(kT0 + seconds{30}), 1U);
  const std::vector<AlertRow> again = b.ledger->claim(kT0 + seconds{30}, 10, seconds{30});
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0].key, held[0].key);
  EXPECT_EQ(again[0].attempts, 2);
  EXPECT_EQ(b.coordination->leased_rows(), 1);
  EXPECT_EQ(a.coordination->leased_rows(), 0);
  // Had "a" lived on, its late outcome no longer applies.
  RecordBatch late;
  late.outcomes.push_back(
      RowOutcome{held[0].key, *held[0].sending_until, AlertState::sent, "", std::nullopt, true});
  EXPECT_EQ(a.ledger->record(late, kT0 + seconds{31}).transitions[0],
            Transition::changed_meanwhile);
}

TEST(SharedState, ThePlanningLockHasOneHolderAndMovesWhenItsConnectionDies) {
  PgTestDb& db = PgTestDb::shared();
  const pg::ConnectSpec spec = db.spec(db.fresh_schema());
  PgState a = open_pg_state(named(spec, "lock-a"), "may-a");
  PgState b = open_pg_state(named(spec, "lock-b"), "may-b");
  EXPECT_TRUE(a.coordination->try_lead());
  EXPECT_TRUE(a.coordination->try_lead());  // kept, not taken twice
  EXPECT_FALSE(b.coordination->try_lead());
  EXPECT_TRUE(a.coordination->leads());
  EXPECT_FALSE(b.coordination->leads());
  // a's connection dies (a crashed machine, a network cut): the server frees the lock.
  for (const int pid : db.backends("lock-a")) db.terminate(pid);
  EXPECT_TRUE(b.coordination->try_lead());
  EXPECT_THROW(a.coordination->try_lead(), pg::Unavailable);
  EXPECT_FALSE(a.coordination->leads());
  EXPECT_FALSE(a.coordination->try_lead());  // reconnected, but b holds it
  b.coordination->resign();
  EXPECT_FALSE(b.coordination->leads());
  EXPECT_TRUE(a.coordination->try_lead());
}

TEST(SharedState, OutcomesDecidedDuringAnOutageAreRecordedWhenTheServerIsBack) {
  PgTestDb& db = PgTestDb::shared();
  const pg::ConnectSpec spec = db.spec(db.fresh_schema());
  PgState s = open_pg_state(spec, "may-a");
  ASSERT_EQ(s.ledger->insert_all({row(1), row(2)}), 2U);
  const std::vector<AlertRow> claimed = s.ledger->claim(kT0, 10, seconds{300});
  ASSERT_EQ(claimed.size(), 2U);
  RecordBatch b;
  for (const AlertRow& r : claimed) {
    b.outcomes.push_back(
        RowOutcome{r.key, *r.sending_until, AlertState::sent, "250 OK", std::nullopt, true});
  }
  db.server().stop();
  EXPECT_THROW(s.ledger->record(b, kT0 + seconds{5}), pg::Unavailable);
  EXPECT_THROW(s.ledger->counts(), pg::Unavailable);  // still away: kept
  db.server().start();
  const StateCounts counts = s.ledger->counts();  // back: recorded first
  EXPECT_EQ(counts.at(AlertState::sent), 2);
  EXPECT_FALSE(counts.contains(AlertState::sending));
  EXPECT_EQ(s.ledger->get(claimed[0].key)->sent_at, kT0 + seconds{5});
}

}  // namespace
}  // namespace dunghan::alerting
