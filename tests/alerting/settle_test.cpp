// What a channel's answer means for the rows of one message (the verdicts the record stage
// writes): sent, retry with backoff (one next attempt per digest), dead at max_attempts counted as
// "dead", unreachable and failed with their fallback rows.
#include <gtest/gtest.h>

#include "alerting/planner.h"
#include "alerting/settle.h"
#include "fixtures.h"

namespace dunghan::alerting {
namespace {

using channels::Outcome;
using std::chrono::seconds;
using testing::local;
using testing::make_rule;

const Instant kNow = local(2026, 3, 10, 9);

struct SettleTest : ::testing::Test {
  Candidate row(std::string code, int attempts, std::string digest = {}) {
    Candidate c;
    c.row.id = AlertId{std::move(code), rule.name, 0, 0, "cv1", "zalo"};
    c.row.key = alert_key(c.row.id);
    c.row.attempts = attempts;
    c.row.fire_at = local(2026, 3, 10, 7);
    c.row.digest_key = std::move(digest);
    c.rule = &rule;
    return c;
  }
  Envelope envelope(std::vector<Candidate>& cs) {
    Envelope e;
    e.key = cs.front().row.digest_key.empty() ? cs.front().row.key : cs.front().row.digest_key;
    for (Candidate& c : cs) e.rows.push_back(&c);
    return e;
  }
  Rule rule = make_rule("den-han", Stage::due_today, {"handler"}, {"zalo", "email"});
  std::mt19937_64 rng{7};
  Settler settler{RetryPolicy{3, seconds{60}, seconds{600}}, rng};
  std::vector<std::string> problems;
};

TEST_F(SettleTest, SentIsSentAndCountedAsAnAttempt) {
  std::vector<Candidate> cs = {row("D1", 1)};
  Envelope e = envelope(cs);
  settler.settle(e, Outcome::sent_ok("250 OK"), kNow, problems);
  const Verdict& v = *cs[0].verdict;
  EXPECT_EQ(v.state, AlertState::sent);
  EXPECT_TRUE(v.attempted);
  EXPECT_EQ(v.metric, "sent");
  EXPECT_EQ(v.tally, Tally::sent);
  EXPECT_EQ(v.detail, "250 OK");
}

TEST_F(SettleTest, ADigestIsRetriedAtOneInstantHonouringNotBefore) {
  std::vector<Candidate> cs = {row("D1", 1, "dg"), row("D2", 2, "dg")};
  Envelope e = envelope(cs);
  settler.settle(e, Outcome::retry_later("503"), kNow, problems);
  ASSERT_TRUE(cs[0].verdict && cs[1].verdict);
  EXPECT_EQ(cs[0].verdict->state, AlertState::retry);
  EXPECT_EQ(cs[0].verdict->next_attempt_at, cs[1].verdict->next_attempt_at);
  const auto delay = *cs[0].verdict->next_attempt_at - kNow;
  EXPECT_GE(delay, seconds{96});  // the most-tried row (2 attempts): 120 s ± 20 %
  EXPECT_LE(delay, seconds{145});
  EXPECT_EQ(cs[0].verdict->metric, "retry");

  std::vector<Candidate> later = {row("D3", 1)};
  Envelope e2 = envelope(later);
  settler.settle(e2, Outcome::retry_later("429", kNow + seconds{3600}), kNow, problems);
  EXPECT_EQ(later[0].verdict->next_attempt_at, kNow + seconds{3600});
}

TEST_F(SettleTest, TheLastAttemptIsDeadAndCountedAsDeadNotRetry) {
  std::vector<Candidate> cs = {row("D1", 3)};
  Envelope e = envelope(cs);
  settler.settle(e, Outcome::retry_later("451 busy"), kNow, problems);
  const Verdict& v = *cs[0].verdict;
  EXPECT_EQ(v.state, AlertState::dead);
  EXPECT_EQ(v.metric, "dead");
  EXPECT_EQ(v.tally, Tally::dead);
  EXPECT_NE(v.detail.find("gave up after 3 attempts"), std::string::npos) << v.detail;
}

TEST_F(SettleTest, UnreachableAndFailedFallBackToTheRulesNextChannel) {
  std::vector<Candidate> cs = {row("D1", 1)};
  Envelope e = envelope(cs);
  settler.settle(e, Outcome::unreachable_recipient("not a follower"), kNow, problems);
  const Verdict& v = *cs[0].verdict;
  EXPECT_EQ(v.state, AlertState::unreachable);
  ASSERT_TRUE(v.fallback);
  EXPECT_EQ(v.fallback->id.channel, "email");
  EXPECT_EQ(v.fallback->key, alert_key(v.fallback->id));
  EXPECT_EQ(v.fallback->next_attempt_at, kNow);
  EXPECT_EQ(v.fallback->detail, "fallback from channel zalo");
  EXPECT_TRUE(problems.empty());

  std::vector<Candidate> last = {row("D2", 1)};
  last[0].row.id.channel = "email";
  Envelope e2 = envelope(last);
  settler.settle(e2, Outcome::failure("auth failed"), kNow, problems);
  EXPECT_EQ(last[0].verdict->state, AlertState::dead);
  EXPECT_EQ(last[0].verdict->metric, "failed");
  EXPECT_TRUE(last[0].verdict->operator_error);
  EXPECT_FALSE(last[0].verdict->fallback);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_NE(problems[0].find("no channel left"), std::string::npos);
}

TEST_F(SettleTest, ADigestsFallbackKeepsADigestKeyOfItsOwnChannel) {
  std::vector<Candidate> cs = {row("D1", 1, "dg")};
  rule.digest = std::chrono::hours{7};
  Envelope e = envelope(cs);
  settler.settle(e, Outcome::unreachable_recipient("x"), kNow, problems);
  ASSERT_TRUE(cs[0].verdict->fallback);
  EXPECT_EQ(cs[0].verdict->fallback->digest_key,
            digest_key("den-han", "cv1", "email", cs[0].row.fire_at));
}

TEST_F(SettleTest, WaitingGivesTheAttemptBackInTheStateTheRowCameFrom) {
  const Verdict first = Settler::wait(row("D1", 1).row, kNow, "window", Tally::postponed);
  EXPECT_EQ(first.state, AlertState::pending);
  EXPECT_FALSE(first.attempted);
  EXPECT_EQ(first.next_attempt_at, kNow);
  EXPECT_EQ(Settler::wait(row("D1", 2).row, kNow, "held", Tally::held).state, AlertState::retry);
}

TEST_F(SettleTest, BackoffDoublesToTheCapWithJitter) {
  for (int attempts = 1; attempts <= 6; ++attempts) {
    const double base = std::min(600.0, 60.0 * (1 << (attempts - 1)));
    for (int i = 0; i < 20; ++i) {
      const auto d = settler.backoff(attempts).count();
      EXPECT_GE(d, static_cast<std::int64_t>(0.8 * base)) << attempts;
      EXPECT_LE(d, static_cast<std::int64_t>(1.2 * base) + 1) << attempts;
    }
  }
}

}  // namespace
}  // namespace dunghan::alerting
