// DossierReader::identity() on real SQLite files: the store's own random id, the file's device
// and inode, and what a reader does when the file at its path is replaced, deleted, restored from
// a backup or is no database at all.
#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "store/mapped_store.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace dunghan::store {
namespace {

using calendar::Instant;
using deadline::Dossier;
using deadline::Event;
using testing::TempDir;

const Instant kReceived{std::chrono::seconds{1'772'416'800}};  // 2026-03-02T02:00:00Z

StoreSettings at(const std::filesystem::path& path) {
  StoreSettings s;
  s.path = path;
  s.busy_timeout = std::chrono::milliseconds{500};
  return s;
}

Dossier dossier(std::string code) {
  Dossier d;
  d.code = std::move(code);
  d.procedure_code = "1.001";
  d.department = "Phòng Lao động";
  d.channel = deadline::Channel::direct;
  d.received_at = kReceived;
  d.duration = calendar::Duration{5, calendar::DurationUnit::working_days};
  d.updated_at = kReceived;
  return d;
}

void add(DossierStore& store, const std::string& code) {
  const Dossier d = dossier(code);
  store.upsert(std::span(&d, 1), {});
}

std::vector<std::string> codes_of(DossierReader& r) {
  std::vector<std::string> out;
  r.for_each({}, [&](const Dossier& d, std::span<const Event>) { out.push_back(d.code); });
  std::sort(out.begin(), out.end());
  return out;
}

/// A consistent copy through SQLite's backup API (what `sqlite3 SRC ".backup DST"` does).
void backup(const std::filesystem::path& from, const std::filesystem::path& to) {
  SQLite::Database src(from.string(), SQLite::OPEN_READONLY);
  SQLite::Database dst(to.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  SQLite::Backup b(dst, src);
  b.executeStep();
}

/// The file and its -wal and -shm, as an operator removes a store.
void remove_store(const std::filesystem::path& p) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + suffix);
}

TEST(StoreIdentity, IsKeptAcrossOpeningsAndNewForEachStoreCreated) {
  TempDir dir;
  const auto path = dir.path() / "dossiers.db";
  StoreIdentity first;
  {
    SqliteStore s(at(path));
    first = s.identity();
  }
  EXPECT_EQ(first.id.size(), 33u) << first.id;
  EXPECT_EQ(first.id[0], 's');
  EXPECT_EQ(first.location.rfind("file:", 0), 0u) << first.location;
  SqliteStore again(at(path));
  EXPECT_EQ(again.identity(), first);
  EXPECT_EQ(again.identity(), first);  // asking changes nothing
  SqliteStore other(at(dir.path() / "other.db"));
  EXPECT_NE(other.identity().id, first.id);
  EXPECT_NE(other.identity().location, first.location);
  EXPECT_EQ(to_string(first), "id=" + first.id + " location=" + first.location);
}

TEST(StoreIdentity, AnInMemoryStoreHasAnIdAndNoFileToWatch) {
  // SQLite's private in-memory database (the CSV importer's fuzzer opens one per input): it
  // opened with "the file vanished while opening it" before, as if it were a file.
  SqliteStore store(at(":memory:"));
  add(store, "M-1");
  const StoreIdentity first = store.identity();
  EXPECT_EQ(first.id.substr(0, 1), "s");
  EXPECT_EQ(first.location, "memory");
  EXPECT_EQ(store.identity().id, first.id);
  EXPECT_EQ(codes_of(store), std::vector<std::string>{"M-1"});
}

TEST(StoreIdentity, ABackupKeepsTheIdInAnotherFile) {
  TempDir dir;
  SqliteStore live(at(dir.path() / "dossiers.db"));
  add(live, "HS-1");
  backup(dir.path() / "dossiers.db", dir.path() / "backup.db");
  SqliteStore copy(at(dir.path() / "backup.db"));
  EXPECT_EQ(copy.identity().id, live.identity().id);
  EXPECT_NE(copy.identity().location, live.identity().location);
}

TEST(StoreIdentity, AReplacedFileIsReopenedAndReadFromThen) {
  TempDir dir;
  const auto path = dir.path() / "dossiers.db";
  SqliteStore live(at(path));
  add(live, "HS-OLD");
  const StoreIdentity before = live.identity();
  {
    SqliteStore fresh(at(dir.path() / "fresh.db"));
    add(fresh, "HS-NEW");
  }
  remove_store(path);
  std::filesystem::rename(dir.path() / "fresh.db", path);
  const StoreIdentity after = live.identity();
  EXPECT_NE(after.id, before.id);
  EXPECT_NE(after.location, before.location);
  EXPECT_EQ(codes_of(live), std::vector<std::string>{"HS-NEW"});
  add(live, "HS-NEW-2");  // and written to
  EXPECT_EQ(SqliteStore(at(path)).count(), 2);
}

TEST(StoreIdentity, ADeletedFileIsUnreachableUntilItIsBack) {
  TempDir dir;
  const auto path = dir.path() / "dossiers.db";
  SqliteStore live(at(path));
  add(live, "HS-1");
  const StoreIdentity before = live.identity();
  backup(path, dir.path() / "backup.db");
  remove_store(path);
  for (int i = 0; i < 2; ++i) {  // every call tries again, and nothing is created meanwhile
    try {
      live.identity();
      FAIL() << "a deleted store was reachable";
    } catch (const StoreError& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("no longer exists"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(path));
  }
  std::filesystem::rename(dir.path() / "backup.db", path);  // restored
  const StoreIdentity restored = live.identity();
  EXPECT_EQ(restored.id, before.id);
  EXPECT_NE(restored.location, before.location);
  EXPECT_EQ(codes_of(live), std::vector<std::string>{"HS-1"});
}

TEST(StoreIdentity, AFileThatIsNoDatabaseLeavesTheStoreAsItWas) {
  TempDir dir;
  const auto path = dir.path() / "dossiers.db";
  SqliteStore live(at(path));
  add(live, "HS-1");
  const StoreIdentity before = live.identity();
  backup(path, dir.path() / "good.db");
  remove_store(path);
  std::ofstream(path) << "half a copy, not a database......................................";
  EXPECT_THROW(live.identity(), StoreError);
  EXPECT_THROW(live.identity(), StoreError);
  std::filesystem::rename(dir.path() / "good.db", path);
  EXPECT_EQ(live.identity().id, before.id);
  EXPECT_EQ(codes_of(live), std::vector<std::string>{"HS-1"});
}

TEST(StoreIdentity, ACursorAheadOfTheStoreReadsEverythingAgain) {
  // A store restored in place (same file, same id) from a backup older than the last read.
  TempDir dir;
  const auto path = dir.path() / "dossiers.db";
  SqliteStore live(at(path));
  add(live, "HS-1");
  backup(path, dir.path() / "backup.db");
  add(live, "HS-2");
  add(live, "HS-3");
  ChangedRead r = live.read_changed({}, {}, [](const Dossier&, std::span<const Event>) {});
  EXPECT_FALSE(r.restarted);
  const ChangeCursor cursor = r.next;
  EXPECT_EQ(cursor.version, 3);
  backup(dir.path() / "backup.db", path);  // sqlite3 dossiers.db ".restore backup.db"
  std::vector<std::string> seen;
  r = live.read_changed(cursor, {},
                        [&](const Dossier& d, std::span<const Event>) { seen.push_back(d.code); });
  EXPECT_TRUE(r.restarted);
  EXPECT_EQ(seen, std::vector<std::string>{"HS-1"});
  EXPECT_EQ(r.next.version, 1);
  // A cursor the store really gave is no restart.
  r = live.read_changed(r.next, {}, [](const Dossier&, std::span<const Event>) {});
  EXPECT_FALSE(r.restarted);
}

TEST(StoreIdentity, AStoreOfAnOlderVersionGetsAnIdWhenOpened) {
  TempDir dir;
  const auto path = dir.path() / "dossiers.db";
  {
    SqliteStore s(at(path));
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM meta WHERE key = 'store_id'; UPDATE schema_version SET version = 2");
  }
  SqliteStore s(at(path));
  EXPECT_EQ(s.identity().id.size(), 33u);
}

TEST(StoreIdentity, AMappedDatabaseIsKnownByItsFile) {
  TempDir dir;
  const auto path = dir.path() / "motcua.sqlite";
  const auto make = [&](const std::filesystem::path& p, const char* code) {
    SQLite::Database db(p.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE hs (ma TEXT, nhan TEXT, tt TEXT)");
    db.exec(std::string("INSERT INTO hs VALUES ('") + code +
            "', '2026-03-02 09:00:00', 'processing')");
  };
  make(path, "A-1");
  StoreSettings s = at(path);
  s.mapping = Mapping{};
  s.mapping->dossiers = "SELECT ma AS code, nhan AS received_at, tt AS status FROM hs";
  MappedStore mapped(s);
  const StoreIdentity before = mapped.identity();
  EXPECT_EQ(before.id, "");
  EXPECT_EQ(before.location.rfind("file:", 0), 0u);
  make(dir.path() / "new.sqlite", "B-1");
  std::filesystem::rename(dir.path() / "new.sqlite", path);
  EXPECT_NE(mapped.identity().location, before.location);
  EXPECT_EQ(codes_of(mapped), std::vector<std::string>{"B-1"});
  std::filesystem::remove(path);
  EXPECT_THROW(mapped.identity(), StoreError);
}

}  // namespace
}  // namespace dunghan::store
