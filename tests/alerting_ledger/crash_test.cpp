// The ledger under a real `kill -9`: a child process (crash_child.cpp) inserts and "sends" alerts
// (claiming a batch, appending each key to a log file, then recording the batch); the test kills
// it at random moments and restarts it. Nothing may be lost, and a key may be sent twice only when
// it was caught in `sending` and recovered. Run in the per-row mode (a claim of 1) and in the
// group-commit mode (claims of 10).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "alerting/ledger.h"
#include "support/temp_dir.h"

namespace dunghan::alerting {
namespace {

constexpr int kTotal = 150;
constexpr int kBatch = 10;
constexpr int kKills = 30;

pid_t spawn_child(const std::filesystem::path& dir, int claim) {
  const std::string db = (dir / "state.db").string();
  const std::string sent = (dir / "sent.log").string();
  const std::string recovered = (dir / "recovered.log").string();
  const std::string total = std::to_string(kTotal);
  const std::string batch = std::to_string(kBatch);
  const std::string claim_text = std::to_string(claim);
  const pid_t pid = fork();
  if (pid == 0) {
    execl(LEDGER_CRASH_CHILD, LEDGER_CRASH_CHILD, db.c_str(), sent.c_str(), recovered.c_str(),
          total.c_str(), batch.c_str(), claim_text.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

/// Waits for `pid` at most `limit`; kills it when the limit passes. Returns the wait status.
int wait_for(pid_t pid, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > end) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "child " << pid << " did not finish in time";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return status;
}

std::map<std::string, int> count_lines(const std::filesystem::path& file) {
  std::map<std::string, int> n;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) ++n[line];
  return n;
}

class LedgerCrash : public ::testing::TestWithParam<int> {};

TEST_P(LedgerCrash, KillNineAtRandomMomentsLosesNothingAndResendsOnlyRecoveredRows) {
  const int claim = GetParam();
  testing::TempDir dir;
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_us(20'000, 200'000);

  int interrupted = 0;  // kills that hit a running child (not one that had finished)
  for (int k = 0; k < kKills; ++k) {
    const pid_t pid = spawn_child(dir.path(), claim);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::microseconds{delay_us(rng)});
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
      ++interrupted;
    } else {
      ASSERT_TRUE(WIFEXITED(status));
      ASSERT_EQ(WEXITSTATUS(status), 0) << "child failed";
    }
  }
  const int final_status = wait_for(spawn_child(dir.path(), claim), std::chrono::seconds{20});
  ASSERT_TRUE(WIFEXITED(final_status));
  ASSERT_EQ(WEXITSTATUS(final_status), 0);

  const auto sent = count_lines(dir.path() / "sent.log");
  const auto recovered = count_lines(dir.path() / "recovered.log");
  auto ledger = open_sqlite_ledger(dir.path() / "state.db");
  EXPECT_EQ(ledger->counts(), (StateCounts{{AlertState::sent, kTotal}}));

  std::set<std::string> keys;
  int duplicates = 0;
  for (int i = 0; i < kTotal; ++i) {
    const std::string key =
        alert_key(AlertId{"HS" + std::to_string(i), "crash", 0, 0, "nguyenvana", "file"});
    keys.insert(key);
    const auto row = ledger->get(key);
    ASSERT_TRUE(row) << key;
    EXPECT_EQ(row->state, AlertState::sent) << key;
    const int times_sent = sent.contains(key) ? sent.at(key) : 0;
    const int times_recovered = recovered.contains(key) ? recovered.at(key) : 0;
    EXPECT_GE(times_sent, 1) << key << " was never sent";
    EXPECT_LE(times_sent - 1, times_recovered) << key << " was sent again without a recovery";
    EXPECT_GE(row->attempts, times_sent) << key;
    EXPECT_LE(row->attempts, 1 + times_recovered) << key;
    duplicates += std::max(0, times_sent - 1);
  }
  for (const auto& [key, n] : sent) EXPECT_TRUE(keys.contains(key)) << "unknown line " << key;
  for (const auto& [key, n] : recovered) EXPECT_TRUE(keys.contains(key)) << "unknown line " << key;
  int recovered_lines = 0;
  for (const auto& [key, n] : recovered) recovered_lines += n;
  // A kill strands at most one claim (CLAIM rows) in `sending`.
  EXPECT_LE(duplicates, interrupted * claim);
  std::cout << "[ crash    ] claim " << claim << ", seed " << seed << ": " << interrupted << " of "
            << kKills << " kills interrupted a running child; " << recovered_lines
            << " row(s) recovered from sending; " << duplicates << " duplicate send(s)\n";
}

INSTANTIATE_TEST_SUITE_P(Claims, LedgerCrash, ::testing::Values(1, 10),
                         [](const ::testing::TestParamInfo<int>& i) {
                           return i.param == 1 ? std::string("PerRow")
                                               : "Batch" + std::to_string(i.param);
                         });

}  // namespace
}  // namespace dunghan::alerting
