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

TEST(SqliteStore, StoresLocalDateTimeTextAtTheOffset) {
  TempDir dir;
  const StoreSettings s = settings(dir);
  SqliteStore store(s);
  const Dossier d = dossier("HS-1", local(2026, 3, 2, 8, 15));
  store.upsert(std::span(&d, 1), {});
  SQLite::Database db(s.path.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT received_at FROM dossiers").getString(), "2026-03-02 08:15:00");
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
