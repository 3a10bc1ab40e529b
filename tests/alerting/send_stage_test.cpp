// Stage 5, send: a bounded pool per channel, the circuit breaker asked before each send, a channel
// that throws, a stop, and the progress callback the recorder hangs on.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "alerting/send.h"
#include "fixtures.h"

namespace dunghan::alerting {
namespace {

using channels::Outcome;
using std::chrono::seconds;
using testing::local;

const Instant kNow = local(2026, 3, 10, 9);

/// A channel that answers with `answer` after `delay`, counting calls and the most at once.
class ScriptedChannel final : public channels::Channel {
 public:
  ScriptedChannel(std::size_t concurrency, std::chrono::milliseconds delay)
      : concurrency_(concurrency), delay_(delay) {}
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "scripted"; }
  std::size_t max_concurrent_sends() const override { return concurrency_; }
  Outcome send(const channels::Message& m, const channels::Address&) override {
    const int now_in = ++in_flight;
    int seen = max_in_flight.load();
    while (now_in > seen && !max_in_flight.compare_exchange_weak(seen, now_in)) {
    }
    ++calls;
    std::this_thread::sleep_for(delay_);
    --in_flight;
    if (answer) return answer(m);
    return Outcome::sent_ok();
  }
  std::function<Outcome(const channels::Message&)> answer;
  std::atomic<int> calls{0};
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};

 private:
  std::string name_ = "scripted";
  std::size_t concurrency_;
  std::chrono::milliseconds delay_;
};

struct SendStageTest : ::testing::Test {
  /// A batch of `n` single-row envelopes on `ch`, rendered and undecided.
  Batch batch(channels::Channel& ch, int n) {
    Batch b;
    b.now = kNow;
    b.candidates.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      Candidate& c = b.candidates[static_cast<std::size_t>(i)];
      c.row.id = AlertId{"D" + std::to_string(i), "r", 0, 0, "cv1", ch.name()};
      c.row.key = alert_key(c.row.id);
      c.row.attempts = 1;
      Envelope e;
      e.key = c.row.key;
      e.rows = {&c};
      e.channel = &ch;
      e.message.key = c.row.key;
      e.rendered = true;
      b.envelopes.push_back(std::move(e));
    }
    return b;
  }
  std::mt19937_64 rng{1};
  Settler settler{RetryPolicy{8, seconds{60}, seconds{3600}}, rng};
  CircuitBreaker breaker{{seconds{60}, seconds{3600}}};
  SendStage stage{settler, [this](const std::string&) { return &breaker; }};
};

TEST_F(SendStageTest, SendsSeveralAtOnceButNeverMoreThanTheChannelAllows) {
  ScriptedChannel ch(3, std::chrono::milliseconds{20});
  Batch b = batch(ch, 12);
  int progress = 0;
  stage.run(b, [&] { ++progress; });
  EXPECT_EQ(ch.calls.load(), 12);
  EXPECT_LE(ch.max_in_flight.load(), 3);
  std::cout << "[ send     ] at most " << ch.max_in_flight.load() << " of 3 sends at once\n";
  for (const Candidate& c : b.candidates) {
    ASSERT_TRUE(c.verdict);
    EXPECT_EQ(c.verdict->state, AlertState::sent);
  }
  EXPECT_GE(progress, 1);
  EXPECT_EQ(stage.take_used(), (std::set<channels::Channel*>{&ch}));
  EXPECT_TRUE(stage.take_used().empty());
}

TEST_F(SendStageTest, AChannelThatIsDownGetsOneSendTheRestAreHeldWithoutAnAttempt) {
  ScriptedChannel ch(1, std::chrono::milliseconds{0});
  ch.answer = [](const channels::Message&) {
    return Outcome::channel_unavailable("curl 7: Couldn't connect to server");
  };
  Batch b = batch(ch, 5);
  stage.run(b, nullptr);
  EXPECT_EQ(ch.calls.load(), 1);
  EXPECT_TRUE(breaker.is_open());
  int held = 0;
  for (const Candidate& c : b.candidates) {
    ASSERT_TRUE(c.verdict);
    if (c.verdict->attempted) {
      EXPECT_EQ(c.verdict->state, AlertState::retry);
      continue;
    }
    ++held;
    EXPECT_EQ(c.verdict->tally, Tally::held);
    EXPECT_EQ(c.verdict->state, AlertState::pending);
    EXPECT_EQ(c.verdict->next_attempt_at, kNow + seconds{60});
  }
  EXPECT_EQ(held, 4);
}

TEST_F(SendStageTest, AMessageThatFailsAloneDoesNotOpenTheBreaker) {
  ScriptedChannel ch(1, std::chrono::milliseconds{0});
  ch.answer = [](const channels::Message&) { return Outcome::retry_later("451 mailbox busy"); };
  Batch b = batch(ch, 3);
  stage.run(b, nullptr);
  EXPECT_EQ(ch.calls.load(), 3);
  EXPECT_FALSE(breaker.is_open());
}

TEST_F(SendStageTest, AThrowingChannelIsAFailedAttemptOfThatMessageOnly) {
  ScriptedChannel ch(2, std::chrono::milliseconds{0});
  const std::string bad = alert_key(AlertId{"D1", "r", 0, 0, "cv1", "scripted"});
  ch.answer = [&](const channels::Message& m) -> Outcome {
    if (m.key == bad) throw std::runtime_error("curl_easy_init failed");
    return Outcome::sent_ok();
  };
  Batch b = batch(ch, 3);
  stage.run(b, nullptr);
  for (const Candidate& c : b.candidates) {
    ASSERT_TRUE(c.verdict);
    if (c.row.key == bad) {
      EXPECT_EQ(c.verdict->state, AlertState::retry);
      EXPECT_TRUE(c.verdict->attempted);
      EXPECT_NE(c.verdict->detail.find("curl_easy_init failed"), std::string::npos);
    } else {
      EXPECT_EQ(c.verdict->state, AlertState::sent);
    }
  }
}

TEST_F(SendStageTest, AfterAStopNothingMoreIsSentAndTheRestWaitsWithoutAnAttempt) {
  ScriptedChannel ch(1, std::chrono::milliseconds{0});
  Batch b = batch(ch, 4);
  std::atomic<int> asked{0};
  b.keep_going = [&] { return ++asked <= 2; };
  stage.run(b, nullptr);
  EXPECT_EQ(ch.calls.load(), 2);
  int released = 0;
  for (const Candidate& c : b.candidates) {
    ASSERT_TRUE(c.verdict);
    if (c.verdict->tally == Tally::released) {
      ++released;
      EXPECT_FALSE(c.verdict->attempted);
      EXPECT_EQ(c.verdict->next_attempt_at, kNow);
    }
  }
  EXPECT_EQ(released, 2);
}

TEST_F(SendStageTest, DecidedOrUnrenderedEnvelopesAreNotSent) {
  ScriptedChannel ch(1, std::chrono::milliseconds{0});
  Batch b = batch(ch, 3);
  b.candidates[0].verdict = Settler::end(AlertState::cancelled, "closed");
  b.envelopes[1].rendered = false;
  stage.run(b, nullptr);
  EXPECT_EQ(ch.calls.load(), 1);
  EXPECT_FALSE(b.candidates[1].decided());
}

}  // namespace
}  // namespace dunghan::alerting
