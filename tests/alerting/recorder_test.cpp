// Stage 6, record: verdicts reach the ledger in group commits (one Ledger::record per commit),
// counted once applied; a ledger that fails keeps them for the next commit.
#include <gtest/gtest.h>

#include <stdexcept>

#include "alerting/recorder.h"
#include "alerting/settle.h"
#include "stage_fixtures.h"

namespace dunghan::alerting {
namespace {

using testing::local;
using testing::make_rule;
using testing::march;
using testing::StageWorld;

struct RecorderTest : ::testing::Test {
  RecorderTest() {
    w.set_rules({make_rule("den-han", Stage::due_today, {"handler", "department_head"}, {"f"})});
    for (const char* code : {"D1", "D2"}) w.store.put(march(code));
    w.plan(local(2026, 3, 10, 7));
    w.ledger.before_write = [this](std::string_view op) {
      if (op != "record") return;
      ++records;
      if (fail_next > 0) {
        --fail_next;
        throw std::runtime_error("database is locked");
      }
    };
  }
  Verdict sent() {
    Verdict v;
    v.state = AlertState::sent;
    v.attempted = true;
    v.tally = Tally::sent;
    v.metric = "sent";
    v.detail = "ok";
    return v;
  }
  StageWorld w;
  CycleReport report;
  int records = 0;
  int fail_next = 0;
};

TEST_F(RecorderTest, OneCommitWritesEverythingDecidedSinceTheLastOne) {
  Batch b = w.claim(local(2026, 3, 10, 7));
  ASSERT_EQ(b.candidates.size(), 4U);
  Recorder rec(w.ledger, report, w.cal->offset());
  b.candidates[0].verdict = sent();
  b.candidates[1].verdict = Settler::end(AlertState::cancelled, "closed");
  ASSERT_TRUE(rec.commit(b));
  EXPECT_EQ(records, 1);
  ASSERT_TRUE(rec.commit(b));
  EXPECT_EQ(records, 1) << "nothing new: no transaction";
  b.candidates[2].verdict =
      Settler::wait(b.candidates[2].row, b.now + std::chrono::hours{1}, "window", Tally::postponed);
  b.candidates[3].verdict = sent();
  rec.flush(b);
  EXPECT_EQ(records, 2);
  EXPECT_EQ(report.sent, 2);
  EXPECT_EQ(report.cancelled, 1);
  EXPECT_EQ(report.postponed, 1);
  EXPECT_EQ(report.outcomes["f"]["sent"], 2);
  EXPECT_EQ(w.ledger.get(b.candidates[0].row.key)->state, AlertState::sent);
  EXPECT_EQ(w.ledger.get(b.candidates[2].row.key)->state, AlertState::pending);
  EXPECT_EQ(w.ledger.get(b.candidates[2].row.key)->attempts, 0);
  EXPECT_TRUE(w.ledger.list(AlertState::sending, 10).empty());
}

TEST_F(RecorderTest, AFailedCommitKeepsTheVerdictsForTheNextOne) {
  Batch b = w.claim(local(2026, 3, 10, 7));
  Recorder rec(w.ledger, report, w.cal->offset());
  for (Candidate& c : b.candidates) c.verdict = sent();
  fail_next = 1;
  EXPECT_FALSE(rec.commit(b));
  ASSERT_TRUE(rec.last_error());
  EXPECT_NE(rec.last_error()->find("locked"), std::string::npos);
  EXPECT_EQ(report.sent, 0);
  EXPECT_EQ(w.ledger.list(AlertState::sending, 10).size(), 4U);
  EXPECT_TRUE(rec.commit(b));
  EXPECT_FALSE(rec.last_error());
  EXPECT_EQ(report.sent, 4);
  EXPECT_EQ(w.ledger.counts()[AlertState::sent], 4);
}

TEST_F(RecorderTest, FlushTriesTwiceThenThrowsAndTheRowsStayInSending) {
  Batch b = w.claim(local(2026, 3, 10, 7));
  Recorder rec(w.ledger, report, w.cal->offset());
  for (Candidate& c : b.candidates) c.verdict = sent();
  fail_next = 1;
  EXPECT_NO_THROW(rec.flush(b));
  EXPECT_EQ(records, 2);

  fail_next = 2;
  w.store.put(march("D3"));
  w.plan(local(2026, 3, 10, 7));
  Batch again = w.claim(local(2026, 3, 10, 7));
  ASSERT_EQ(again.candidates.size(), 2U);
  for (Candidate& c : again.candidates) c.verdict = sent();
  EXPECT_THROW(rec.flush(again), std::runtime_error);
  EXPECT_EQ(w.ledger.list(AlertState::sending, 10).size(), 2U);
  // Once the lease has run out, any cycle puts them back.
  EXPECT_EQ(w.ledger.recover_expired(again.now + std::chrono::seconds{300}), 2U);
}

TEST_F(RecorderTest, AVerdictTheLedgerNoLongerAcceptsIsNotCounted) {
  Batch b = w.claim(local(2026, 3, 10, 7));
  Recorder rec(w.ledger, report, w.cal->offset());
  // Another process took the first row over after its lease ran out.
  const Instant later = b.now + std::chrono::seconds{301};
  w.ledger.recover_expired(later);
  w.ledger.claim(later, 1, std::chrono::seconds{300});
  for (Candidate& c : b.candidates) c.verdict = sent();
  ASSERT_TRUE(rec.commit(b));
  EXPECT_EQ(report.sent, 0);
  EXPECT_EQ(report.outcomes["f"]["sent"], 0);
  EXPECT_EQ(w.ledger.counts()[AlertState::sent], 0);
}

TEST_F(RecorderTest, AFallbackRowIsInsertedWithTheVerdict) {
  Batch b = w.claim(local(2026, 3, 10, 7));
  Recorder rec(w.ledger, report, w.cal->offset());
  Verdict v = Settler::end(AlertState::dead, "channel f is not configured");
  AlertRow next = b.candidates[0].row;
  next.id.channel = "g";
  next.key = alert_key(next.id);
  next.state = AlertState::pending;
  next.attempts = 0;
  next.sending_until.reset();
  v.fallback = next;
  b.candidates[0].verdict = v;
  ASSERT_TRUE(rec.commit(b));
  EXPECT_EQ(records, 1);
  EXPECT_EQ(w.ledger.get(next.key)->state, AlertState::pending);
  EXPECT_EQ(report.dead, 1);
}

}  // namespace
}  // namespace dunghan::alerting
