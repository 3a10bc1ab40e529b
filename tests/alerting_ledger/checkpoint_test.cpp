// Ledger::checkpoint() on a real SQLite file: the write-ahead log is folded into state.db and
// emptied, so that the ledger needs little free disk space between cycles.
#include <gtest/gtest.h>

#include "alerting/fire_schedule.h"
#include "alerting/ledger.h"
#include "support/temp_dir.h"

namespace dunghan::alerting {
namespace {

std::uintmax_t size_of(const std::filesystem::path& p) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(p, ec);
  return ec ? 0 : n;
}

TEST(LedgerCheckpoint, EmptiesTheWriteAheadLogAndKeepsEveryRow) {
  testing::TempDir dir;
  const auto db = dir.path() / "state.db";
  auto ledger = open_sqlite_ledger(db);
  auto schedule = FireSchedule::open(db);
  std::vector<AlertRow> rows;
  for (int i = 0; i < 2000; ++i) {
    AlertRow r;
    r.id = AlertId{"HS-" + std::to_string(i), "qua-han", 0, 0, "cb1", "email"};
    r.stage = deadline::AlertStage::overdue;
    r.fire_at = calendar::Instant{std::chrono::seconds{1'790'000'000 + i}};
    rows.push_back(r);
  }
  ASSERT_EQ(ledger->insert_all(rows), rows.size());
  schedule->set("HS-1", calendar::Instant{std::chrono::seconds{1'790'000'000}});
  const auto wal = dir.path() / "state.db-wal";
  EXPECT_GT(size_of(wal), 100'000u) << "the inserts went through the log";
  ledger->checkpoint();
  EXPECT_EQ(size_of(wal), 0u);
  EXPECT_EQ(ledger->counts().at(AlertState::pending), 2000);
  // Reopened from the file alone.
  ledger.reset();
  schedule.reset();
  EXPECT_EQ(open_sqlite_ledger(db)->counts().at(AlertState::pending), 2000);
  EXPECT_EQ(FireSchedule::open(db)->earliest(),
            calendar::Instant{std::chrono::seconds{1'790'000'000}});
}

}  // namespace
}  // namespace dunghan::alerting
