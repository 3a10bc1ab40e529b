// The office pages' snapshot as of an instant, over a real SQLite store: a dossier resolved after
// the instant was open (and overdue) then, and counts in that day's department counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "deadline/fixtures.h"
#include "service/office_view.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace dunghan::service {
namespace {

using deadline::ClockState;
using deadline::Dossier;
using deadline::Status;
using dunghan::testing::local;
using dunghan::testing::TempDir;

// Received Mon 02/03/2026 09:00, 10 working days → due Mon 16/03 17:00.
struct Office {
  TempDir dir;
  std::unique_ptr<store::SqliteStore> store;
  config::Config config;

  Office() {
    store::StoreSettings s;
    s.path = dir.path() / "dossiers.db";
    store = std::make_unique<store::SqliteStore>(s);
    std::vector<Dossier> ds;
    const auto add = [&ds](const char* code, const char* department,
                           std::optional<calendar::Instant> resolved = std::nullopt) {
      Dossier d = dunghan::testing::dossier(code, local(2026, 3, 2, 9, 0));
      d.department = department;
      if (resolved) dunghan::testing::close(d, Status::resolved, *resolved);
      ds.push_back(d);
    };
    add("LATE", "Phòng A", local(2026, 3, 18, 10, 0));  // resolved late, after the due
    add("EARLY", "Phòng A", local(2026, 3, 6, 10, 0));  // resolved before the due
    add("OPEN", "Phòng B");
    store->upsert(ds, {});
  }

  static std::vector<std::string> codes(const OfficeSnapshot& s) {
    std::vector<std::string> out;
    for (const OfficeDossier& d : s.dossiers) out.push_back(d.code);
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST(OfficeAsOf, ADossierResolvedLaterIsOpenAndOverdueAtAPastInstant) {
  Office o;
  const calendar::Instant now = local(2026, 3, 25, 9, 0);
  const calendar::Instant at = local(2026, 3, 17, 17, 0);  // end of Tue 17/03
  const OfficeSnapshot s = take_snapshot(*o.store, o.config, dunghan::testing::cal(), at, now);
  EXPECT_EQ(s.taken_at, at);
  EXPECT_EQ(Office::codes(s), (std::vector<std::string>{"LATE", "OPEN"}));
  EXPECT_EQ(s.by_state.at("overdue"), 2);
  const auto counts = department_counts(s, dunghan::testing::ymd(2026, 3, 17));
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].department, "Phòng A");
  EXPECT_EQ(counts[0].open, 1);
  EXPECT_EQ(counts[0].overdue, 1);
  EXPECT_EQ(counts[1].department, "Phòng B");
  EXPECT_EQ(counts[1].overdue, 1);
}

TEST(OfficeAsOf, BeforeTheDueTheSameDossiersAreNotDue) {
  Office o;
  const calendar::Instant now = local(2026, 3, 25, 9, 0);
  const OfficeSnapshot s =
      take_snapshot(*o.store, o.config, dunghan::testing::cal(), local(2026, 3, 5, 9, 0), now);
  EXPECT_EQ(Office::codes(s), (std::vector<std::string>{"EARLY", "LATE", "OPEN"}));
  for (const OfficeDossier& d : s.dossiers) {
    EXPECT_TRUE(d.state == ClockState::not_due || d.state == ClockState::due_soon) << d.code;
  }
}

TEST(OfficeAsOf, NowListsOnlyTheDossiersOpenNow) {
  Office o;
  const calendar::Instant now = local(2026, 3, 25, 9, 0);
  const OfficeSnapshot s = take_snapshot(*o.store, o.config, dunghan::testing::cal(), now);
  EXPECT_EQ(s.taken_at, now);
  EXPECT_EQ(Office::codes(s), std::vector<std::string>{"OPEN"});
  EXPECT_EQ(s.dossiers[0].state, ClockState::overdue);
}

}  // namespace
}  // namespace dunghan::service
