// SqliteStore on real files in temporary folders: schema, migrations, upserts, walks.
#include "store/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <algorithm>
#include <map>

#include "store/store.h"
#include "support/temp_dir.h"

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

StoreSettings settings(const TempDir& dir) {
  StoreSettings s;
  s.path = dir.path() / "state" / "dossiers.db";
  return s;
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

TEST(SqliteStore, CreatesFileFolderAndSchema) {
  TempDir dir;
  const StoreSettings s = settings(dir);
  SqliteStore store(s);
  EXPECT_TRUE(std::filesystem::exists(s.path));
  EXPECT_EQ(store.schema_version(), SqliteStore::latest_schema_version());
  EXPECT_EQ(store.count(), 0);
  SQLite::Database db(s.path.string(), SQLite::OPEN_READONLY);
  EXPECT_TRUE(db.tableExists("dossiers"));
  EXPECT_TRUE(db.tableExists("events"));
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST(SqliteStore, ReopeningIsIdempotentAndKeepsData) {
  TempDir dir;
  const StoreSettings s = settings(dir);
  {
    SqliteStore store(s);
    const Dossier d = dossier("HS-1", local(2026, 3, 2, 8));
    store.upsert(std::span(&d, 1), {});
  }
  for (int i = 0; i < 2; ++i) {
    SqliteStore again(s);
    EXPECT_EQ(again.schema_version(), SqliteStore::latest_schema_version());
    EXPECT_EQ(again.count(), 1);
  }
  SQLite::Database db(s.path.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM schema_version").getInt(), 1);
}

TEST(SqliteStore, RefusesASchemaNewerThanItKnows) {
  TempDir dir;
  const StoreSettings s = settings(dir);
  { SqliteStore store(s); }
  {
    SQLite::Database db(s.path.string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE schema_version SET version = 999");
  }
  EXPECT_THROW(SqliteStore{s}, StoreError);
}

// A store written before texts were composed (schema version 1, decomposed Vietnamese as Unikey's
// "Unicode tổ hợp" writes it): migration 2 composes the stored texts, so SQL comparisons (the
// department filter, upsert by code) meet what the reader and the filters now produce.
TEST(SqliteStore, MigrationTwoComposesTextsWrittenDecomposed) {
  TempDir dir;
  const StoreSettings s = settings(dir);
  const std::string nfd_department = "Pho\xCC\x80ng La\xCC\x82\xCC\x81p";  // "Phòng Lấp", NFD
  const std::string nfd_code =
      "HS-\xC4\x90"
      "a\xCC\xA3";                                // "HS-Đạ", NFD
  const std::string nfd_taken = "HS-Ta\xCC\x80";  // "HS-Tà", NFD
  {
    SqliteStore store(s);
    Dossier ok = dossier("HS-1", local(2026, 3, 2, 8));
    Dossier taken = dossier("HS-Tà", local(2026, 3, 2, 8));
    Event e{"HS-1", local(2026, 3, 3, 9), deadline::EventKind::paused, std::nullopt, "x"};
    store.upsert(std::vector<Dossier>{ok, taken, dossier("HS-2", local(2026, 3, 2, 8)),
                                      dossier("HS-3", local(2026, 3, 2, 8)),
                                      dossier("HS-4", local(2026, 3, 2, 8)),
                                      dossier("HS-5", local(2026, 3, 2, 8))},
                 std::span(&e, 1));
  }
  {
    SQLite::Database db(s.path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement dep(db, "UPDATE dossiers SET department = ? WHERE code = 'HS-1'");
    dep.bind(1, nfd_department);
    dep.exec();
    SQLite::Statement code(db, "UPDATE dossiers SET code = ? WHERE code = 'HS-2'");
    code.bind(1, nfd_code);
    code.exec();
    SQLite::Statement dup(db, "UPDATE dossiers SET code = ? WHERE code = 'HS-3'");
    dup.bind(1, nfd_taken);
    dup.exec();
    // Two decomposed spellings of one code ("HS-ệ", marks in either order): one is composed, the
    // other would collide and is left, rather than failing the migration.
    db.exec("UPDATE dossiers SET code = 'HS-e\xCC\xA3\xCC\x82' WHERE code = 'HS-4'");
    db.exec("UPDATE dossiers SET code = 'HS-e\xCC\x82\xCC\xA3' WHERE code = 'HS-5'");
    SQLite::Statement note(db, "UPDATE events SET note = ?");
    note.bind(1, "Chờ bo\xCC\x82\xCC\x89 sung");  // "Chờ bổ sung", NFD
    note.exec();
    db.exec("UPDATE schema_version SET version = 1");
  }
  SqliteStore store(s);
  EXPECT_EQ(store.schema_version(), SqliteStore::latest_schema_version());
  SQLite::Database db(s.path.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT department FROM dossiers WHERE code = 'HS-1'").getString(),
            "Phòng Lấp");
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM dossiers WHERE code = 'HS-Đạ'").getInt(), 1);
  EXPECT_EQ(db.execAndGet("SELECT note FROM events").getString(), "Chờ bổ sung");
  // The decomposed twin of a code already present is left alone: both dossiers are still there.
  SQLite::Statement twin(db, "SELECT count(*) FROM dossiers WHERE code = ?");
  twin.bind(1, nfd_taken);
  ASSERT_TRUE(twin.executeStep());
  EXPECT_EQ(twin.getColumn(0).getInt(), 1);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM dossiers WHERE code = 'HS-ệ'").getInt(), 1);
  EXPECT_EQ(store.count(), 6);
  // The department filter, composed by the store, now finds the row in SQL.
  DossierFilter f;
  f.department = nfd_department;
  EXPECT_EQ(walk_codes(store, f), std::vector<std::string>{"HS-1"});
}

TEST(SqliteStore, RoundTripsEveryFieldAndEvent) {
  TempDir dir;
  SqliteStore store(settings(dir));
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

TEST(SqliteStore, StoresLocalDateTimeTextAtTheOffset) {
  TempDir dir;
  const StoreSettings s = settings(dir);
  SqliteStore store(s);
  const Dossier d = dossier("HS-1", local(2026, 3, 2, 8, 15));
  store.upsert(std::span(&d, 1), {});
  SQLite::Database db(s.path.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT received_at FROM dossiers").getString(), "2026-03-02 08:15:00");
}

TEST(SqliteStore, UpsertReplacesByCode) {
  TempDir dir;
  SqliteStore store(settings(dir));
  Dossier d = dossier("HS-1", local(2026, 3, 2, 8));
  store.upsert(std::span(&d, 1), {});
  d.status = deadline::Status::waiting_supplement;
  d.handler = "tranthib";
  store.upsert(std::span(&d, 1), {});
  EXPECT_EQ(store.count(), 1);
  EXPECT_EQ(store.get("HS-1")->dossier.handler, "tranthib");
  EXPECT_EQ(store.get("HS-1")->dossier.status, deadline::Status::waiting_supplement);
}

TEST(SqliteStore, IdenticalUpsertChangesNothing) {
  TempDir dir;
  SqliteStore store(settings(dir));
  const Dossier d = dossier("HS-1", local(2026, 3, 2, 8));
  const Event e{"HS-1", local(2026, 3, 3, 8), deadline::EventKind::paused, std::nullopt, "x"};
  store.upsert(std::span(&d, 1), std::span(&e, 1));
  const WriteResult w = store.upsert(std::span(&d, 1), std::span(&e, 1));
  EXPECT_EQ(w.dossiers_changed, 0);
  EXPECT_EQ(w.events_changed, 0);
}

TEST(SqliteStore, EventOfUnknownDossierIsNotWritten) {
  TempDir dir;
  SqliteStore store(settings(dir));
  const Dossier d = dossier("HS-1", local(2026, 3, 2, 8));
  const std::vector<Event> ev = {
      {"HS-1", local(2026, 3, 3, 8), deadline::EventKind::paused, std::nullopt, ""},
      {"NOPE", local(2026, 3, 3, 8), deadline::EventKind::paused, std::nullopt, ""}};
  const WriteResult w = store.upsert(std::span(&d, 1), ev);
  EXPECT_EQ(w.events_changed, 1);
  EXPECT_EQ(w.events_without_dossier, std::vector<std::size_t>{1});
}

TEST(SqliteStore, ForEachVisitsEachDossierOnceWithItsOwnEvents) {
  TempDir dir;
  SqliteStore store(settings(dir));
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

TEST(SqliteStore, FilterOpenOnly) {
  TempDir dir;
  SqliteStore store(settings(dir));
  Dossier open = dossier("OPEN", local(2026, 3, 2, 8));
  Dossier closed = dossier("CLOSED", local(2026, 3, 2, 8), deadline::Status::resolved);
  closed.resolved_at = local(2026, 3, 5, 8);
  store.upsert(std::vector<Dossier>{open, closed}, {});
  DossierFilter f;
  f.open_only = true;
  EXPECT_EQ(walk_codes(store, f), std::vector<std::string>{"OPEN"});
}

TEST(SqliteStore, FilterPeriodKeepsCarriedOverAndDropsClosedBefore) {
  TempDir dir;
  SqliteStore store(settings(dir));
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

TEST(SqliteStore, FilterDepartment) {
  TempDir dir;
  SqliteStore store(settings(dir));
  Dossier a = dossier("A", local(2026, 3, 2, 8));
  Dossier b = dossier("B", local(2026, 3, 2, 8));
  b.department = "Phòng Lao động";
  store.upsert(std::vector<Dossier>{a, b}, {});
  DossierFilter f;
  f.department = "Phòng Lao động";
  EXPECT_EQ(walk_codes(store, f), std::vector<std::string>{"B"});
}

TEST(SqliteStore, ReadChangedFromEmptyCursorReadsEverything) {
  TempDir dir;
  SqliteStore store(settings(dir));
  store.upsert(
      std::vector<Dossier>{dossier("A", local(2026, 3, 2, 8)), dossier("B", local(2026, 3, 2, 9))},
      {});
  std::vector<std::string> codes;
  const ChangedRead r = store.read_changed(
      {}, {}, [&](const Dossier& d, std::span<const Event>) { codes.push_back(d.code); });
  EXPECT_EQ(codes.size(), 2u);
  EXPECT_NE(r.next, ChangeCursor{});
}

TEST(SqliteStore, ReadChangedReturnsOnlyWhatChangedSinceTheCursor) {
  TempDir dir;
  SqliteStore store(settings(dir));
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

TEST(SqliteStore, ReadChangedAlsoVisitsRequestedCodesOnce) {
  TempDir dir;
  SqliteStore store(settings(dir));
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

TEST(SqliteStore, BadRowIsReportedAndSkipped) {
  TempDir dir;
  const StoreSettings s = settings(dir);
  SqliteStore store(s);
  store.upsert(
      std::vector<Dossier>{dossier("A", local(2026, 3, 2, 8)), dossier("B", local(2026, 3, 2, 9))},
      {});
  {
    SQLite::Database db(s.path.string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE dossiers SET status = 'lost' WHERE code = 'A'");
  }
  std::vector<std::string> codes;
  const ReadSummary r = store.for_each(
      {}, [&](const Dossier& d, std::span<const Event>) { codes.push_back(d.code); });
  EXPECT_EQ(codes, std::vector<std::string>{"B"});
  EXPECT_EQ(r.rejected, 1);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code, "A");
  EXPECT_EQ(r.problems[0].column, "status");
}

TEST(SqliteStore, OpenReaderWithoutMappingIsTheWritableStore) {
  TempDir dir;
  auto r = open_reader(settings(dir));
  EXPECT_FALSE(r->read_only());
}

TEST(StorePath, EmptyPathIsDossiersDbInTheStateDir) {
  EXPECT_EQ(resolve_store_path({}, "/var/lib/dunghan"),
            std::filesystem::path("/var/lib/dunghan/dossiers.db"));
  EXPECT_EQ(resolve_store_path("/srv/x.db", "/var/lib/dunghan"),
            std::filesystem::path("/srv/x.db"));
}

}  // namespace
}  // namespace dunghan::store
