// The circuit breaker of one channel: closed, open, one probe per interval, doubling intervals,
// and callers waiting on a probe in flight.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "alerting/breaker.h"

namespace dunghan::alerting {
namespace {

using Permit = CircuitBreaker::Permit;
using Change = CircuitBreaker::Change;
using calendar::Instant;
using std::chrono::seconds;

const Instant kT0 = Instant{seconds{1'770'000'000}};

TEST(CircuitBreaker, AClosedBreakerLetsEverySendGoAndIgnoresSuccesses) {
  CircuitBreaker b({seconds{60}, seconds{600}});
  EXPECT_EQ(b.acquire(kT0), Permit::send);
  EXPECT_EQ(b.report(Permit::send, false, kT0), Change::none);
  EXPECT_FALSE(b.is_open());
  EXPECT_FALSE(b.next_probe());
}

TEST(CircuitBreaker, AChannelDownOpensItAndHoldsUntilTheProbe) {
  CircuitBreaker b({seconds{60}, seconds{600}});
  EXPECT_EQ(b.report(Permit::send, true, kT0), Change::opened);
  EXPECT_TRUE(b.is_open());
  EXPECT_EQ(b.next_probe(), kT0 + seconds{60});
  EXPECT_EQ(b.acquire(kT0 + seconds{59}), Permit::hold);
  // Another failure reported by a send that started before the breaker opened changes nothing.
  EXPECT_EQ(b.report(Permit::send, true, kT0 + seconds{1}), Change::none);
  EXPECT_EQ(b.next_probe(), kT0 + seconds{60});
  EXPECT_EQ(b.acquire(kT0 + seconds{60}), Permit::probe);
}

TEST(CircuitBreaker, FailedProbesDoubleTheIntervalUpToTheMaximum) {
  CircuitBreaker b({seconds{60}, seconds{200}});
  b.report(Permit::send, true, kT0);
  Instant now = kT0 + seconds{60};
  const std::int64_t expected[] = {120, 200, 200};
  for (std::int64_t gap : expected) {
    ASSERT_EQ(b.acquire(now), Permit::probe);
    EXPECT_EQ(b.report(Permit::probe, true, now), Change::still_open);
    EXPECT_EQ(b.next_probe(), now + seconds{gap});
    EXPECT_EQ(b.acquire(now + seconds{gap - 1}), Permit::hold);
    now += seconds{gap};
  }
  EXPECT_EQ(b.failed_probes(), 3);
}

TEST(CircuitBreaker, ASuccessfulProbeClosesIt) {
  CircuitBreaker b({seconds{60}, seconds{600}});
  b.report(Permit::send, true, kT0);
  ASSERT_EQ(b.acquire(kT0 + seconds{60}), Permit::probe);
  EXPECT_EQ(b.report(Permit::probe, false, kT0 + seconds{61}), Change::closed);
  EXPECT_FALSE(b.is_open());
  EXPECT_EQ(b.failed_probes(), 0);
  EXPECT_EQ(b.acquire(kT0 + seconds{61}), Permit::send);
  // Down again: the interval starts over.
  b.report(Permit::send, true, kT0 + seconds{100});
  EXPECT_EQ(b.next_probe(), kT0 + seconds{160});
}

TEST(CircuitBreaker, CallersDuringAProbeWaitForItsResult) {
  for (const bool probe_fails : {false, true}) {
    CircuitBreaker b({seconds{60}, seconds{600}});
    b.report(Permit::send, true, kT0);
    const Instant at = kT0 + seconds{60};
    ASSERT_EQ(b.acquire(at), Permit::probe);
    std::atomic<int> returned{0};
    std::atomic<int> sends{0};
    std::vector<std::thread> others;
    for (int i = 0; i < 3; ++i) {
      others.emplace_back([&] {
        if (b.acquire(at) == Permit::send) ++sends;
        ++returned;
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
    EXPECT_EQ(returned.load(), 0) << "a caller did not wait for the probe";
    b.report(Permit::probe, probe_fails, at);
    for (auto& t : others) t.join();
    EXPECT_EQ(returned.load(), 3);
    EXPECT_EQ(sends.load(), probe_fails ? 0 : 3);
  }
}

}  // namespace
}  // namespace dunghan::alerting
