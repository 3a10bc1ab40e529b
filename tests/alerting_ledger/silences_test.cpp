// The silences of the state database (alerting/silences.h): stored with who, when and why; what
// holds at an instant; expiry by hand and by the dossier's resolution. A contract over every
// implementation: the SQLite state.db on a real file (in ledger_tests) and the PostgreSQL state on
// a real server (the same file compiled into pg_tests with DUNGHAN_CONTRACT_POSTGRESQL).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "alerting/ledger.h"
#include "alerting/silences.h"
#include "support/memory_silences.h"
#include "support/temp_dir.h"
#ifdef DUNGHAN_CONTRACT_POSTGRESQL
#include "alerting/pg_state.h"
#include "support/pg_test_db.h"
#endif

namespace dunghan::alerting {
namespace {

using std::chrono::hours;

const Instant kT0 = Instant{std::chrono::seconds{1'740'000'000}};

Silence make(std::string code, std::string rule, Instant until) {
  return testing::make_silence(std::move(code), std::move(rule), until, kT0);
}

struct Implementation {
  std::string name;
  /// Opens the silences of one fresh state database; the same `where` opens the same one again.
  /// `dir` is an empty directory that outlives it.
  std::function<std::unique_ptr<SilenceStore>(const std::string& where)> open;
  /// A fresh state database's `where`, in `dir`.
  std::function<std::string(const std::filesystem::path& dir)> fresh;
};
void PrintTo(const Implementation& i, std::ostream* os) {
  *os << i.name;
}

const std::vector<Implementation>& implementations() {
  static const std::vector<Implementation> all = {
#ifdef DUNGHAN_CONTRACT_POSTGRESQL
      {"Postgresql",
       [](const std::string& schema) {
         testing::PgTestDb& db = testing::PgTestDb::shared();
         return open_pg_silences(db.spec(schema));
       },
       [](const std::filesystem::path&) { return testing::PgTestDb::shared().fresh_schema(); }},
#else
      {"Sqlite",
       [](const std::string& file) {
         open_sqlite_ledger(file);  // the ledger's file: silences live beside it
         return open_sqlite_silences(file);
       },
       [](const std::filesystem::path& dir) { return (dir / "state.db").string(); }},
#endif
  };
  return all;
}

class Silences : public ::testing::TestWithParam<Implementation> {
 protected:
  std::unique_ptr<SilenceStore> open() { return GetParam().open(where_); }
  testing::TempDir dir_;
  std::string where_ = GetParam().fresh(dir_.path());
};

TEST_P(Silences, StoredWithWhoWhenAndWhyAndReadBackAfterReopening) {
  {
    auto s = open();
    EXPECT_EQ(s->add(make("HS-1", "", kT0 + hours{48})).id, 1);
    EXPECT_EQ(s->add(make("HS-1", "qua-han", kT0 + hours{24})).id, 2);
    EXPECT_EQ(s->add(make("HS-2", "", kT0 + hours{1})).id, 3);
    EXPECT_THROW(s->add(make("HS-3", "", kT0)), std::invalid_argument) << "ends as it starts";
    Silence no_reason = make("HS-3", "", kT0 + hours{1});
    no_reason.reason.clear();
    EXPECT_THROW(s->add(no_reason), std::invalid_argument);
  }
  auto s = open();
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

TEST_P(Silences, ExpiredByHandOrEndedByTheDossiersResolution) {
  auto s = open();
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

TEST_P(Silences, CodesWithQuotesAndVietnameseAreEndedExactly) {
  auto s = open();
  const std::string odd = "HS \"1\",\\{2}";
  s->add(make(odd, "", kT0 + hours{48}));
  s->add(make("HỒ-SƠ-đ", "", kT0 + hours{48}));
  s->add(make("HS", "", kT0 + hours{48}));
  const std::vector<std::string> closed = {odd, "HỒ-SƠ-đ"};
  EXPECT_EQ(s->end_for_dossiers(closed, kT0 + hours{1}), 2U);
  EXPECT_EQ(s->for_dossier(odd).at(0).ended_by, "resolved");
  EXPECT_EQ(s->for_dossier("HỒ-SƠ-đ").at(0).code, "HỒ-SƠ-đ");
  EXPECT_TRUE(s->for_dossier("HS").at(0).active(kT0 + hours{1}))
      << "a code that merely looks alike";
  EXPECT_EQ(s->list(false, kT0 + hours{1}, 10).size(), 1U);
  EXPECT_EQ(s->list(true, kT0 + hours{1}, 2).size(), 2U) << "at most `limit`";
}

INSTANTIATE_TEST_SUITE_P(Implementations, Silences, ::testing::ValuesIn(implementations()),
                         [](const ::testing::TestParamInfo<Implementation>& i) {
                           return i.param.name;
                         });

}  // namespace
}  // namespace dunghan::alerting
