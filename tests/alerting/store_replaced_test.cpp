// The engine and a store that is replaced, deleted, restored (alerting/store_watch.h): with a
// real SQLite store, ledger and fire schedule. Before, the change cursor in state.db stayed ahead
// of a new store's row versions and its dossiers were skipped for ever, also after a restart.
#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "alerting/store_watch.h"
#include "fixtures.h"

namespace dunghan::alerting {
namespace {

using channels::SendWindow;
using testing::Harness;
using testing::local;
using testing::make_dossier;
using testing::make_rule;
using testing::read_jsonl;
using testing::wd;

// Received Mon 02/03/2026 08:00, 6 working days: due Tue 10/03/2026 17:00; overdue after.
deadline::Dossier march(std::string code) {
  return make_dossier(std::move(code), local(2026, 3, 2, 8), wd(6));
}
const calendar::Instant kOverdue = local(2026, 3, 11, 9);

std::vector<std::string> codes_sent(const Harness& h) {
  std::vector<std::string> out;
  for (const auto& line : read_jsonl(h.file_of("file"))) out.push_back(line["code"]);
  std::sort(out.begin(), out.end());
  return out;
}

void remove_store(const std::filesystem::path& p) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + suffix);
}

/// A store made elsewhere holding `codes` (one write: its row version is 1).
std::filesystem::path fresh_store(const Harness& h, const std::vector<std::string>& codes) {
  const auto path = h.dir.path() / "fresh.db";
  store::StoreSettings s;
  s.path = path;
  s.offset = h.cal->offset();
  auto st = store::open_store(s);
  std::vector<deadline::Dossier> ds;
  for (const auto& c : codes) ds.push_back(march(c));
  st->upsert(ds, {});
  return path;
}

/// Three dossiers in three writes (the cursor ends at version 3), all alerted once.
void three_sent(Harness& h) {
  h.add_file_channel("file", SendWindow::always);
  for (const char* c : {"D1", "D2", "D3"}) h.upsert(march(c));
  h.start({make_rule("qua-han", Stage::overdue, {"handler"}, {"file"})});
  ASSERT_EQ(h.cycle_at(kOverdue).sent, 3);
}

TEST(StoreReplaced, ANewStoreMovedInPlaceIsReadFromTheStart) {
  Harness h(kOverdue);
  three_sent(h);
  const auto fresh = fresh_store(h, {"N1", "N2"});
  remove_store(h.dir.path() / "dossiers.db");
  std::filesystem::rename(fresh, h.dir.path() / "dossiers.db");

  const CycleReport r = h.cycle_at(kOverdue + std::chrono::minutes(5));
  EXPECT_TRUE(r.store_replaced);
  EXPECT_EQ(r.sent, 2);
  EXPECT_EQ(codes_sent(h), (std::vector<std::string>{"D1", "D2", "D3", "N1", "N2"}));
  EXPECT_FALSE(h.cycle_at(kOverdue + std::chrono::minutes(10)).store_replaced) << "once";
  EXPECT_EQ(h.ledger->get_meta(kStoreIdentityMeta), store::to_string(h.store->identity()));
}

TEST(StoreReplaced, ANewStoreWithMoreWritesThanTheCursorIsStillReadInFull) {
  // Its row counter (5) is past the cursor (3): only its identity tells that N1..N3, written at
  // versions 1..3, were never read.
  Harness h(kOverdue);
  three_sent(h);
  const auto path = h.dir.path() / "fresh.db";
  {
    store::StoreSettings s;
    s.path = path;
    s.offset = h.cal->offset();
    auto st = store::open_store(s);
    for (const char* c : {"N1", "N2", "N3", "N4", "N5"}) {
      const deadline::Dossier d = march(c);
      st->upsert(std::span(&d, 1), {});
    }
  }
  remove_store(h.dir.path() / "dossiers.db");
  std::filesystem::rename(path, h.dir.path() / "dossiers.db");
  const CycleReport r = h.cycle_at(kOverdue + std::chrono::minutes(5));
  EXPECT_TRUE(r.store_replaced);
  EXPECT_EQ(codes_sent(h),
            (std::vector<std::string>{"D1", "D2", "D3", "N1", "N2", "N3", "N4", "N5"}));
}

TEST(StoreReplaced, AStoreReplacedWhileTheDaemonWasStoppedIsSeenAtTheNextStart) {
  Harness h(kOverdue);
  three_sent(h);
  h.engine.reset();
  h.store.reset();
  const auto fresh = fresh_store(h, {"N1"});
  remove_store(h.dir.path() / "dossiers.db");
  std::filesystem::rename(fresh, h.dir.path() / "dossiers.db");
  store::StoreSettings s;
  s.path = h.dir.path() / "dossiers.db";
  s.offset = h.cal->offset();
  h.store = store::open_store(s);
  h.start({make_rule("qua-han", Stage::overdue, {"handler"}, {"file"})});

  const CycleReport r = h.cycle_at(kOverdue + std::chrono::hours(1));
  EXPECT_TRUE(r.store_replaced);
  EXPECT_EQ(codes_sent(h), (std::vector<std::string>{"D1", "D2", "D3", "N1"}));
}

TEST(StoreReplaced, AMissingStoreFailsTheCycleAndAlertsResumeWhenItIsBack) {
  Harness h(kOverdue);
  three_sent(h);
  const auto live = h.dir.path() / "dossiers.db";
  {
    SQLite::Database src(live.string(), SQLite::OPEN_READONLY);
    SQLite::Database dst((h.dir.path() / "backup.db").string(),
                         SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup(dst, src).executeStep();
  }
  h.upsert(march("D4"));  // in the live store only
  remove_store(live);
  EXPECT_THROW(h.cycle_at(kOverdue + std::chrono::minutes(5)), store::StoreError);
  EXPECT_THROW(h.cycle_at(kOverdue + std::chrono::minutes(6)), store::StoreError);
  EXPECT_FALSE(std::filesystem::exists(live)) << "never re-created behind the operator's back";
  // Restored from the backup, which has a dossier more written into it meanwhile (its row
  // version 2 is below the cursor).
  {
    store::StoreSettings s;
    s.path = h.dir.path() / "backup.db";
    s.offset = h.cal->offset();
    auto b = store::open_store(s);
    const deadline::Dossier d = march("R1");
    b->upsert(std::span(&d, 1), {});
  }
  std::filesystem::rename(h.dir.path() / "backup.db", live);
  const CycleReport r = h.cycle_at(kOverdue + std::chrono::minutes(7));
  EXPECT_TRUE(r.store_replaced);
  EXPECT_EQ(codes_sent(h), (std::vector<std::string>{"D1", "D2", "D3", "R1"}));
}

TEST(StoreReplaced, AStoreRestoredInPlaceFromAnOlderBackupIsReadAgain) {
  // sqlite3 dossiers.db ".restore backup.db": the same file and id, older row versions.
  Harness h(kOverdue);
  h.add_file_channel("file", SendWindow::always);
  h.upsert(march("D1"));
  const auto live = h.dir.path() / "dossiers.db";
  const auto copy = [](const std::filesystem::path& from, const std::filesystem::path& to) {
    SQLite::Database src(from.string(), SQLite::OPEN_READONLY);
    SQLite::Database dst(to.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup(dst, src).executeStep();
  };
  copy(live, h.dir.path() / "backup.db");
  h.upsert(march("D2"));
  h.upsert(march("D3"));
  h.start({make_rule("qua-han", Stage::overdue, {"handler"}, {"file"})});
  ASSERT_EQ(h.cycle_at(kOverdue).sent, 3);
  {
    store::StoreSettings s;
    s.path = h.dir.path() / "backup.db";
    s.offset = h.cal->offset();
    auto b = store::open_store(s);
    const deadline::Dossier d = march("R1");
    b->upsert(std::span(&d, 1), {});  // version 2 in the backup; the cursor is at 3
  }
  copy(h.dir.path() / "backup.db", live);
  const CycleReport r = h.cycle_at(kOverdue + std::chrono::minutes(5));
  EXPECT_TRUE(r.store_replaced);
  EXPECT_EQ(codes_sent(h), (std::vector<std::string>{"D1", "D2", "D3", "R1"}));
}

}  // namespace
}  // namespace dunghan::alerting
