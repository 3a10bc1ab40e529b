// Stage 2, gate: the age limit, an unconfigured channel, the send window, the circuit breaker, and
// a gate added later (the hook a silence uses); against the in-memory ledger and store.
#include <gtest/gtest.h>

#include "alerting/gate.h"
#include "alerting/revalidate.h"
#include "stage_fixtures.h"

namespace dunghan::alerting {
namespace {

using channels::SendWindow;
using std::chrono::hours;
using testing::local;
using testing::make_rule;
using testing::march;
using testing::StageWorld;

struct GateTest : ::testing::Test {
  /// D1's due_today row on `channel` (configured or not), claimed and revalidated at `at`.
  Batch batch_at(Instant planned, Instant at, const std::string& channel = "office") {
    w.set_rules({make_rule("den-han", Stage::due_today, {"handler"}, {channel, "always"})});
    w.store.put(march("D1"));
    w.plan(planned);
    Batch b = w.claim(at);
    RevalidateStage(w.store, w.ctx, w.channels).run(b, nullptr);
    return b;
  }
  GateTest() {
    w.add_channel("office", SendWindow::office);
    w.add_channel("always", SendWindow::always);
  }
  StageWorld w;
};

TEST_F(GateTest, AnOldRowIsDeadAndTimeOutsideTheSendWindowIsNotAge) {
  AgeGate gate(hours{2}, *w.cal);
  // Planned Tue 10/03 07:00; at 09:30 it has waited 2.5 h of office time.
  Batch late = batch_at(local(2026, 3, 10, 7), local(2026, 3, 10, 9, 30));
  const GateDecision d = gate.check(late.candidates.front(), late.now);
  EXPECT_EQ(d.kind, GateDecision::Kind::end);
  EXPECT_EQ(d.state, AlertState::dead);
  EXPECT_FALSE(d.fallback);
  // Planned Mon 09/03 at 23:00 for an office channel: its age counts from Tue 07:00.
  Candidate c = late.candidates.front();
  c.row.created_at = local(2026, 3, 9, 23);
  EXPECT_EQ(gate.check(c, local(2026, 3, 10, 8, 59)).kind, GateDecision::Kind::pass);
  EXPECT_EQ(gate.check(c, local(2026, 3, 10, 9, 1)).kind, GateDecision::Kind::end);
}

TEST_F(GateTest, AnUnconfiguredChannelIsDeadWithAFallback) {
  Batch b = batch_at(local(2026, 3, 10, 7), local(2026, 3, 10, 7), "ghost");
  ASSERT_EQ(b.candidates.front().channel, nullptr);
  GateStage stage;
  stage.add(std::make_unique<ConfiguredChannelGate>());
  stage.run(b, nullptr);
  const Verdict& v = *b.candidates.front().verdict;
  EXPECT_EQ(v.state, AlertState::dead);
  EXPECT_FALSE(v.attempted);
  ASSERT_TRUE(v.fallback);
  EXPECT_EQ(v.fallback->id.channel, "always");
  EXPECT_EQ(v.fallback->state, AlertState::pending);
}

TEST_F(GateTest, AClosedSendWindowPostponesToTheOpeningWithoutAnAttempt) {
  // Fires Tue 10/03 07:00; asked at lunch time, then when the afternoon session opens.
  Batch b = batch_at(local(2026, 3, 10, 7), local(2026, 3, 10, 7));
  Candidate c = b.candidates.front();
  SendWindowGate gate(*w.cal);
  const GateDecision night = gate.check(c, local(2026, 3, 10, 12));  // lunch break
  EXPECT_EQ(night.kind, GateDecision::Kind::wait);
  EXPECT_EQ(night.until, local(2026, 3, 10, 13, 30));
  EXPECT_EQ(night.tally, Tally::postponed);
  EXPECT_EQ(gate.check(c, local(2026, 3, 10, 13, 30)).kind, GateDecision::Kind::pass);
  c.channel = w.channels.at("always");
  EXPECT_EQ(gate.check(c, local(2026, 3, 10, 12)).kind, GateDecision::Kind::pass);
}

TEST_F(GateTest, AnOpenBreakerHoldsTheRowUntilTheNextProbe) {
  Batch b = batch_at(local(2026, 3, 10, 7), local(2026, 3, 10, 7));
  CircuitBreaker breaker({std::chrono::seconds{60}, std::chrono::seconds{600}});
  CircuitGate gate([&](const std::string&) { return &breaker; });
  const Candidate& c = b.candidates.front();
  EXPECT_EQ(gate.check(c, b.now).kind, GateDecision::Kind::pass);
  breaker.report(CircuitBreaker::Permit::send, true, b.now);
  const GateDecision held = gate.check(c, b.now + std::chrono::seconds{10});
  EXPECT_EQ(held.kind, GateDecision::Kind::wait);
  EXPECT_EQ(held.until, b.now + std::chrono::seconds{60});
  EXPECT_EQ(held.tally, Tally::held);
  // The probe is due: the row goes on, to be the probe.
  EXPECT_EQ(gate.check(c, b.now + std::chrono::seconds{60}).kind, GateDecision::Kind::pass);
}

// The hook issue 15's silences use: a gate added after the built-in ones ends the rows it
// matches in a state of its own; the gate stage records the first decision only.
class SilenceLike final : public Gate {
 public:
  std::string_view name() const override { return "silence"; }
  GateDecision check(const Candidate& c, Instant) const override {
    if (c.row.id.recipient != "cv1") return GateDecision::pass();
    return GateDecision::end(AlertState::cancelled, "silenced by an operator");
  }
};

TEST_F(GateTest, TheFirstGateThatDoesNotPassDecidesAndAddedGatesComeLast) {
  GateStage stage;
  stage.add(std::make_unique<SendWindowGate>(*w.cal));
  stage.add(std::make_unique<SilenceLike>());
  Batch open_hours = batch_at(local(2026, 3, 10, 7), local(2026, 3, 10, 7));
  stage.run(open_hours, nullptr);
  EXPECT_EQ(open_hours.candidates.front().verdict->state, AlertState::cancelled);
  EXPECT_EQ(open_hours.candidates.front().verdict->detail, "silenced by an operator");

  Batch lunch;
  lunch.now = local(2026, 3, 10, 12);
  lunch.candidates.push_back(open_hours.candidates.front());
  lunch.candidates.front().verdict.reset();
  stage.run(lunch, nullptr);
  EXPECT_EQ(lunch.candidates.front().verdict->tally, Tally::postponed)
      << "the send window is asked first";
}

}  // namespace
}  // namespace dunghan::alerting
