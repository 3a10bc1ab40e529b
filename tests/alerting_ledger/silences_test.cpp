// The silences of the SQLite state database (alerting/silences.h) on a real file: stored with who,
// when and why; what holds at an instant; expiry by hand and by the dossier's resolution; the same
// file as the ledger.
#include <gtest/gtest.h>

#include "alerting/ledger.h"
#include "alerting/silences.h"
#include "support/temp_dir.h"

namespace dunghan::alerting {
namespace {

using std::chrono::hours;

const Instant kT0 = Instant{std::chrono::seconds{1'740'000'000}};

Silence make(std::string code, std::string rule, Instant until) {
  Silence s;
  s.code = std::move(code);
  s.rule = std::move(rule);
  s.until = until;
  s.reason = "đang trình ký gia hạn";
  s.by = "lan";
  s.created_at = kT0;
  return s;
}

TEST(SqliteSilences, StoredWithWhoWhenAndWhyAndReadBackAfterReopening) {
  testing::TempDir dir;
  const auto file = dir.path() / "state.db";
  auto ledger = open_sqlite_ledger(file);  // the same file
  {
    auto s = open_sqlite_silences(file);
    EXPECT_EQ(s->add(make("HS-1", "", kT0 + hours{48})).id, 1);
    EXPECT_EQ(s->add(make("HS-1", "qua-han", kT0 + hours{24})).id, 2);
    EXPECT_EQ(s->add(make("HS-2", "", kT0 + hours{1})).id, 3);
    EXPECT_THROW(s->add(make("HS-3", "", kT0)), std::invalid_argument) << "ends as it starts";
    Silence no_reason = make("HS-3", "", kT0 + hours{1});
    no_reason.reason.clear();
    EXPECT_THROW(s->add(no_reason), std::invalid_argument);
  }
  auto s = open_sqlite_silences(file);
  const std::vector<Silence> hs1 = s->for_dossier("HS-1");
  ASSERT_EQ(hs1.size(), 2U);
  EXPECT_EQ(hs1[0].id, 2) << "newest first";
  EXPECT_EQ(hs1[0].rule, "qua-han");
  EXPECT_EQ(hs1[1].reason, "đang trình ký gia hạn");
  EXPECT_EQ(hs1[1].by, "lan");
  EXPECT_EQ(hs1[1].created_at, kT0);
  EXPECT_EQ(hs1[1].until, kT0 + hours{48});
  // What holds, and which one ends last.
  EXPECT_EQ(holding(hs1, "qua-han", kT0 + hours{1})->id, 1);
  EXPECT_EQ(holding(hs1, "nhac", kT0 + hours{30})->id, 1);
  EXPECT_FALSE(holding(hs1, "nhac", kT0 + hours{48}));
  EXPECT_EQ(s->list(false, kT0 + hours{2}, 10).size(), 2U) << "HS-2's has run out";
  EXPECT_EQ(s->list(true, kT0 + hours{2}, 10).size(), 3U);
}

TEST(SqliteSilences, ExpiredByHandOrEndedByTheDossiersResolution) {
  testing::TempDir dir;
  auto s = open_sqlite_silences(dir.path() / "state.db");
  s->add(make("HS-1", "", kT0 + hours{48}));
  s->add(make("HS-2", "", kT0 + hours{48}));
  s->add(make("HS-2", "", kT0 + hours{1}));
  EXPECT_TRUE(s->expire(1, kT0 + hours{2}, "minh"));
  EXPECT_FALSE(s->expire(1, kT0 + hours{3}, "minh")) << "no longer holds";
  EXPECT_FALSE(s->expire(99, kT0, "minh"));
  const Silence one = *s->get(1);
  EXPECT_EQ(one.ended_at, kT0 + hours{2});
  EXPECT_EQ(one.ended_by, "minh");
  EXPECT_FALSE(one.active(kT0 + hours{2}));
  EXPECT_EQ(state_vn(one, kT0 + hours{3}), "đã kết thúc bởi minh");
  const std::vector<std::string> closed = {"HS-2", "HS-9"};
  EXPECT_EQ(s->end_for_dossiers(closed, kT0 + hours{5}), 1U) << "the other had run out";
  EXPECT_EQ(s->get(2)->ended_by, "resolved");
  EXPECT_EQ(state_vn(*s->get(2), kT0 + hours{6}), "đã kết thúc (hồ sơ đã giải quyết)");
  EXPECT_EQ(state_vn(*s->get(3), kT0 + hours{6}), "đã hết hạn");
  EXPECT_EQ(s->end_for_dossiers(closed, kT0 + hours{6}), 0U);
}

}  // namespace
}  // namespace dunghan::alerting
