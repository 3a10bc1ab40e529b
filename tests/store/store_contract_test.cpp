// The contract of store/store.h's DossierStore, run against every implementation of dunghan's
// own store: SqliteStore on a real file (store_tests) and PgStore on a real PostgreSQL server
// (pg_tests: this file compiled again with DUNGHAN_CONTRACT_POSTGRESQL, a fresh schema per test).
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <ostream>

#include "store/sqlite_store.h"
#include "store/store.h"
#include "support/temp_dir.h"
#ifdef DUNGHAN_CONTRACT_POSTGRESQL
#include "pg/connection.h"
#include "store/pg_store.h"
#include "support/pg_test_db.h"
#endif

namespace dunghan::store {
namespace {

using calendar::Instant;
using deadline::Dossier;
using deadline::Event;
using testing::TempDir;

/// Local (+07:00) wall time → instant, computed by hand (not with the code under test).
Instant local(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  const calendar::Date date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
  return Instant{date.time_since_epoch()} + std::chrono::hours{hh} + std::chrono::minutes{mm} -
         std::chrono::hours{7};
}

Dossier dossier(std::string code, Instant received,
                deadline::Status status = deadline::Status::processing) {
  Dossier d;
  d.code = std::move(code);
  d.procedure_code = "2.000046";
  d.procedure_name = "Cấp Giấy chứng nhận đăng ký đầu tư";
  d.field = "Đầu tư";
  d.department = "Phòng Quản lý đầu tư";
  d.handler = "nguyenvana";
  d.applicant = "Công ty TNHH ABC";
  d.channel = deadline::Channel::online;
  d.received_at = received;
  d.duration = calendar::Duration{15, calendar::DurationUnit::working_days};
  d.status = status;
  d.updated_at = received;
  return d;
}

std::vector<std::string> walk_codes(DossierReader& r, const DossierFilter& f = {}) {
  std::vector<std::string> codes;
  r.for_each(f, [&](const Dossier& d, std::span<const Event>) { codes.push_back(d.code); });
  return codes;
}

/// Runs raw SQL on the database behind a store (to plant what dunghan would never write).
using SqlRunner = std::function<void(const std::string&)>;

struct Implementation {
  std::string name;
  /// Opens a fresh, empty store (offset +07:00); `dir` is an empty directory that outlives it.
  /// Sets `sql` to run statements on its database.
  std::function<std::unique_ptr<DossierStore>(const std::filesystem::path& dir, SqlRunner& sql)>
      open;
};
/// gtest prints the parameter by its name (not its bytes) in test listings and ctest names.
void PrintTo(const Implementation& i, std::ostream* os) {
  *os << i.name;
}

const std::vector<Implementation>& implementations() {
  static const std::vector<Implementation> all = {
#ifdef DUNGHAN_CONTRACT_POSTGRESQL
      {"Postgresql",
       [](const std::filesystem::path&, SqlRunner& sql) -> std::unique_ptr<DossierStore> {
         testing::PgTestDb& db = testing::PgTestDb::shared();
         StoreSettings s;
         s.offset = calendar::UtcOffset{std::chrono::minutes{7 * 60}};
         s.server = db.spec(db.fresh_schema());
         sql = [spec = *s.server](const std::string& statement) {
           pg::Connection c(spec);
           c.exec(statement);
         };
         return std::make_unique<PgStore>(s);
       }},
#else
      {"Sqlite",
       [](const std::filesystem::path& dir, SqlRunner& sql) -> std::unique_ptr<DossierStore> {
         StoreSettings s;
         s.path = dir / "state" / "dossiers.db";
         s.offset = calendar::UtcOffset{std::chrono::minutes{7 * 60}};
         sql = [path = s.path](const std::string& statement) {
           SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
           db.exec(statement);
         };
         return std::make_unique<SqliteStore>(s);
       }},
#endif
  };
  return all;
}

class StoreContract : public ::testing::TestWithParam<Implementation> {
 protected:
  TempDir dir_;
  SqlRunner sql_;
  std::unique_ptr<DossierStore> store_ = GetParam().open(dir_.path(), sql_);
};

TEST_P(StoreContract, RoundTripsEveryFieldAndEvent) {
  DossierStore& store = *store_;
  Dossier d = dossier("HS-1", local(2026, 3, 2, 8, 15));
  d.due_at = local(2026, 3, 23, 17);
  d.status = deadline::Status::resolved;
  d.resolved_at = local(2026, 3, 20, 10, 5);
  d.updated_at = local(2026, 3, 20, 10, 6);
  d.channel = deadline::Channel::post;
  std::vector<Event> ev = {
      {"HS-1", local(2026, 3, 5, 9), deadline::EventKind::supplement_requested, std::nullopt,
       "thiếu bản sao"},
      {"HS-1", local(2026, 3, 4, 9), deadline::EventKind::extended, local(2026, 3, 30, 17), ""}};
  const WriteResult w = store.upsert(std::span(&d, 1), ev);
  EXPECT_EQ(w.dossiers_changed, 1);
  EXPECT_EQ(w.events_changed, 2);
  const auto got = store.get("HS-1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->dossier, d);
  ASSERT_EQ(got->events.size(), 2u);
  EXPECT_EQ(got->events[0], ev[1]);  // ordered by `at`
  EXPECT_EQ(got->events[1], ev[0]);
  EXPECT_FALSE(store.get("HS-2"));
}

TEST_P(StoreContract, UpsertReplacesByCode) {
  DossierStore& store = *store_;
  Dossier d = dossier("HS-1", local(2026, 3, 2, 8));
  store.upsert(std::span(&d, 1), {});
  d.status = deadline::Status::waiting_supplement;
  d.handler = "tranthib";
  store.upsert(std::span(&d, 1), {});
  EXPECT_EQ(store.count(), 1);
  EXPECT_EQ(store.get("HS-1")->dossier.handler, "tranthib");
  EXPECT_EQ(store.get("HS-1")->dossier.status, deadline::Status::waiting_supplement);
}

TEST_P(StoreContract, IdenticalUpsertChangesNothing) {
  DossierStore& store = *store_;
  const Dossier d = dossier("HS-1", local(2026, 3, 2, 8));
  const Event e{"HS-1", local(2026, 3, 3, 8), deadline::EventKind::paused, std::nullopt, "x"};
  store.upsert(std::span(&d, 1), std::span(&e, 1));
  const WriteResult w = store.upsert(std::span(&d, 1), std::span(&e, 1));
  EXPECT_EQ(w.dossiers_changed, 0);
  EXPECT_EQ(w.events_changed, 0);
}

TEST_P(StoreContract, EventOfUnknownDossierIsNotWritten) {
  DossierStore& store = *store_;
  const Dossier d = dossier("HS-1", local(2026, 3, 2, 8));
  const std::vector<Event> ev = {
      {"HS-1", local(2026, 3, 3, 8), deadline::EventKind::paused, std::nullopt, ""},
      {"NOPE", local(2026, 3, 3, 8), deadline::EventKind::paused, std::nullopt, ""}};
  const WriteResult w = store.upsert(std::span(&d, 1), ev);
  EXPECT_EQ(w.events_changed, 1);
  EXPECT_EQ(w.events_without_dossier, std::vector<std::size_t>{1});
}

TEST_P(StoreContract, ForEachVisitsEachDossierOnceWithItsOwnEvents) {
  DossierStore& store = *store_;
  std::vector<Dossier> ds;
  std::vector<Event> ev;
  for (int i = 0; i < 50; ++i) {
    ds.push_back(dossier("HS-" + std::to_string(i), local(2026, 3, 2, 8)));
    for (int k = 0; k < i % 3; ++k) {
      ev.push_back({ds.back().code, local(2026, 3, 3 + static_cast<unsigned>(k), 8),
                    deadline::EventKind::paused, std::nullopt, ""});
    }
  }
  store.upsert(ds, ev);
  std::map<std::string, std::size_t> seen;
  const ReadSummary s = store.for_each({}, [&](const Dossier& d, std::span<const Event> e) {
    for (const Event& x : e) EXPECT_EQ(x.code, d.code);
    EXPECT_TRUE(seen.emplace(d.code, e.size()).second);
  });
  EXPECT_EQ(s.dossiers, 50);
  EXPECT_EQ(s.events, static_cast<std::int64_t>(ev.size()));
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(seen["HS-" + std::to_string(i)], static_cast<std::size_t>(i % 3));
  }
}

TEST_P(StoreContract, FilterOpenOnly) {
  DossierStore& store = *store_;
  Dossier open = dossier("OPEN", local(2026, 3, 2, 8));
  Dossier closed = dossier("CLOSED", local(2026, 3, 2, 8), deadline::Status::resolved);
  closed.resolved_at = local(2026, 3, 5, 8);
  store.upsert(std::vector<Dossier>{open, closed}, {});
  DossierFilter f;
  f.open_only = true;
  EXPECT_EQ(walk_codes(store, f), std::vector<std::string>{"OPEN"});
}

TEST_P(StoreContract, FilterPeriodKeepsCarriedOverAndDropsClosedBefore) {
  DossierStore& store = *store_;
  Dossier early_closed = dossier("A", local(2026, 1, 5, 8), deadline::Status::resolved);
  early_closed.resolved_at = local(2026, 2, 10, 8);
  Dossier carried = dossier("B", local(2026, 1, 5, 8), deadline::Status::resolved);
  carried.resolved_at = local(2026, 4, 2, 8);
  Dossier later = dossier("C", local(2026, 7, 1, 8));
  Dossier open_old = dossier("D", local(2025, 12, 1, 8));
  store.upsert(std::vector<Dossier>{early_closed, carried, later, open_old}, {});
  DossierFilter f;
  f.not_closed_before = local(2026, 4, 1, 0);
  f.received_at_or_before = local(2026, 6, 30, 23, 59);
  auto codes = walk_codes(store, f);
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, (std::vector<std::string>{"B", "D"}));
}

TEST_P(StoreContract, FilterDepartment) {
  DossierStore& store = *store_;
  Dossier a = dossier("A", local(2026, 3, 2, 8));
  Dossier b = dossier("B", local(2026, 3, 2, 8));
  b.department = "Phòng Lao động";
  store.upsert(std::vector<Dossier>{a, b}, {});
  DossierFilter f;
  f.department = "Phòng Lao động";
  EXPECT_EQ(walk_codes(store, f), std::vector<std::string>{"B"});
}

TEST_P(StoreContract, ReadChangedFromEmptyCursorReadsEverything) {
  DossierStore& store = *store_;
  store.upsert(
      std::vector<Dossier>{dossier("A", local(2026, 3, 2, 8)), dossier("B", local(2026, 3, 2, 9))},
      {});
  std::vector<std::string> codes;
  const ChangedRead r = store.read_changed(
      {}, {}, [&](const Dossier& d, std::span<const Event>) { codes.push_back(d.code); });
  EXPECT_EQ(codes.size(), 2u);
  EXPECT_NE(r.next, ChangeCursor{});
}

TEST_P(StoreContract, ReadChangedReturnsOnlyWhatChangedSinceTheCursor) {
  DossierStore& store = *store_;
  Dossier a = dossier("A", local(2026, 3, 2, 8));
  const Dossier b = dossier("B", local(2026, 3, 2, 9));
  const Dossier c = dossier("C", local(2026, 3, 2, 10));
  store.upsert(std::vector<Dossier>{a, b, c}, {});
  const auto noop = [](const Dossier&, std::span<const Event>) {};
  ChangeCursor cur = store.read_changed({}, {}, noop).next;

  a.status = deadline::Status::waiting_supplement;
  store.upsert(std::span(&a, 1), {});
  const Event e{"B", local(2026, 3, 3, 8), deadline::EventKind::paused, std::nullopt, ""};
  store.upsert({}, std::span(&e, 1));
  store.upsert(std::span(&c, 1), {});  // identical: not a change

  std::vector<std::string> codes;
  const ChangedRead r = store.read_changed(
      cur, {}, [&](const Dossier& d, std::span<const Event>) { codes.push_back(d.code); });
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, (std::vector<std::string>{"A", "B"}));
  codes.clear();
  store.read_changed(r.next, {},
                     [&](const Dossier& d, std::span<const Event>) { codes.push_back(d.code); });
  EXPECT_TRUE(codes.empty());
}

TEST_P(StoreContract, ReadChangedAlsoVisitsRequestedCodesOnce) {
  DossierStore& store = *store_;
  Dossier a = dossier("A", local(2026, 3, 2, 8));
  store.upsert(std::vector<Dossier>{a, dossier("B", local(2026, 3, 2, 9)),
                                    dossier("C", local(2026, 3, 2, 10))},
               {});
  const auto noop = [](const Dossier&, std::span<const Event>) {};
  const ChangeCursor cur = store.read_changed({}, {}, noop).next;
  a.handler = "changed";
  store.upsert(std::span(&a, 1), {});
  std::vector<std::string> codes;
  const std::vector<std::string> also = {"A", "C", "UNKNOWN"};
  store.read_changed(cur, also,
                     [&](const Dossier& d, std::span<const Event>) { codes.push_back(d.code); });
  EXPECT_EQ(codes, (std::vector<std::string>{"A", "C"}));
}

TEST_P(StoreContract, BadRowIsReportedAndSkipped) {
  DossierStore& store = *store_;
  store.upsert(
      std::vector<Dossier>{dossier("A", local(2026, 3, 2, 8)), dossier("B", local(2026, 3, 2, 9))},
      {});
  sql_("UPDATE dossiers SET status = 'lost' WHERE code = 'A'");
  std::vector<std::string> codes;
  const ReadSummary r = store.for_each(
      {}, [&](const Dossier& d, std::span<const Event>) { codes.push_back(d.code); });
  EXPECT_EQ(codes, std::vector<std::string>{"B"});
  EXPECT_EQ(r.rejected, 1);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code, "A");
  EXPECT_EQ(r.problems[0].column, "status");
}

INSTANTIATE_TEST_SUITE_P(Implementations, StoreContract, ::testing::ValuesIn(implementations()),
                         [](const ::testing::TestParamInfo<Implementation>& i) {
                           return i.param.name;
                         });

}  // namespace
}  // namespace dunghan::store
