// CachedReader over a real SqliteStore that a switch makes unreachable (the real outage, a server
// stopped under the daemon, is tested in tests/agencydb).
#include "store/cached_reader.h"

#include <gtest/gtest.h>

#include <set>

#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace dunghan::store {
namespace {

using calendar::Instant;
using deadline::Dossier;
using deadline::Event;
using testing::TempDir;

Instant at(int day, int hour = 8) {
  return Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / day}.time_since_epoch()} +
         std::chrono::hours{hour - 7};
}

Dossier dossier(std::string code, deadline::Status status = deadline::Status::processing) {
  Dossier d;
  d.code = std::move(code);
  d.procedure_code = "1.001";
  d.procedure_name = "Đăng ký kết hôn";
  d.department = "Phòng Tư pháp";
  d.received_at = at(2);
  d.duration = calendar::Duration{5, calendar::DurationUnit::working_days};
  d.status = status;
  d.updated_at = at(2);
  if (deadline::is_closed(status)) d.resolved_at = at(3);
  return d;
}

/// A real store with a switch: while `down`, every read throws StoreUnavailable.
class Switchable final : public DossierReader {
 public:
  explicit Switchable(const StoreSettings& s) : store_(s) {}
  bool down = false;
  int gets = 0;
  std::string id = "db-1";
  SqliteStore& store() { return store_; }

  std::optional<StoredDossier> get(std::string_view code) override {
    ++gets;
    check();
    return store_.get(code);
  }
  std::int64_t count() override {
    check();
    return store_.count();
  }
  ReadSummary for_each(const DossierFilter& f, const DossierVisitor& v) override {
    check();
    return store_.for_each(f, v);
  }
  ChangedRead read_changed(const ChangeCursor& c, std::span<const std::string> also,
                           const DossierVisitor& v) override {
    check();
    return store_.read_changed(c, also, v);
  }
  bool read_only() const override { return true; }
  StoreIdentity identity() override {
    check();
    return StoreIdentity{"", id};
  }

 private:
  void check() const {
    if (down) throw StoreUnavailable("postgresql db:5432/motcua: Connection refused");
  }
  SqliteStore store_;
};

struct Fixture {
  TempDir dir;
  Switchable* inner = nullptr;
  std::unique_ptr<CachedReader> reader;
  Fixture() {
    StoreSettings s;
    s.path = dir.path() / "agency.db";
    auto sw = std::make_unique<Switchable>(s);
    inner = sw.get();
    const std::vector<Dossier> ds = {dossier("A"), dossier("B"),
                                     dossier("C", deadline::Status::resolved)};
    const std::vector<Event> ev = {
        Event{"A", at(3), deadline::EventKind::supplement_requested, std::nullopt, "thiếu"}};
    inner->store().upsert(ds, ev);
    reader = std::make_unique<CachedReader>(std::move(sw), dir.path() / "state" / "cache.db");
  }
};

const DossierVisitor kIgnore = [](const Dossier&, std::span<const Event>) {};

TEST(CachedReader, ReadsThroughAndKeepsOpenDossiersOnly) {
  Fixture f;
  const ChangedRead r = f.reader->read_changed({}, {}, kIgnore);
  EXPECT_EQ(r.summary.dossiers, 3);
  EXPECT_FALSE(r.summary.unavailable);
  EXPECT_EQ(f.reader->cached(), 2);  // C is closed
  EXPECT_EQ(f.reader->identity().location, "db-1");
}

// While the store is down, planned alerts are revalidated against the last copy.
TEST(CachedReader, GetAnswersFromTheCopyWhileTheStoreIsDown) {
  Fixture f;
  f.reader->read_changed({}, {}, kIgnore);
  const auto fresh = f.reader->get("A");
  ASSERT_TRUE(fresh);
  f.inner->down = true;
  const int gets_before = f.inner->gets;
  const auto copy = f.reader->get("A");
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->dossier, fresh->dossier);
  EXPECT_EQ(copy->events, fresh->events);
  // One failed attempt, then no attempt per alert until a read succeeds again.
  EXPECT_TRUE(f.reader->get("B"));
  EXPECT_EQ(f.inner->gets, gets_before + 1);
  // A dossier never read while open has no copy: the alert waits (StoreUnavailable).
  EXPECT_THROW(f.reader->get("C"), StoreUnavailable);
}

TEST(CachedReader, ADownStoreVisitsTheDueCopiesAndKeepsTheCursor) {
  Fixture f;
  const ChangedRead first = f.reader->read_changed({}, {}, kIgnore);
  f.inner->down = true;
  std::vector<std::string> seen;
  const std::vector<std::string> due = {"A", "C", "X"};
  const ChangedRead r =
      f.reader->read_changed(first.next, due, [&](const Dossier& d, std::span<const Event> ev) {
        seen.push_back(d.code);
        EXPECT_EQ(ev.size(), 1u);
      });
  EXPECT_EQ(seen, std::vector<std::string>{"A"});
  EXPECT_EQ(r.next, first.next);
  ASSERT_TRUE(r.summary.unavailable);
  EXPECT_NE(r.summary.unavailable->find("db:5432/motcua"), std::string::npos);
  std::set<std::string> open;
  DossierFilter filter;
  filter.open_only = true;
  const ReadSummary all = f.reader->for_each(
      filter, [&](const Dossier& d, std::span<const Event>) { open.insert(d.code); });
  EXPECT_EQ(open, (std::set<std::string>{"A", "B"}));
  EXPECT_TRUE(all.unavailable);
  // Back: reads go to the store again, and get() tries it again.
  f.inner->down = false;
  const ChangedRead back = f.reader->read_changed(first.next, {}, kIgnore);
  EXPECT_FALSE(back.summary.unavailable);
  const int gets_before = f.inner->gets;
  EXPECT_TRUE(f.reader->get("A"));
  EXPECT_EQ(f.inner->gets, gets_before + 1);
}

TEST(CachedReader, AClosedDossierIsDroppedAndAReplacedDatabaseClearsTheCopies) {
  Fixture f;
  f.reader->read_changed({}, {}, kIgnore);
  Dossier a = dossier("A", deadline::Status::resolved);
  a.updated_at = at(4);
  const std::vector<Dossier> ds = {a};
  f.inner->store().upsert(ds, {});
  EXPECT_TRUE(f.reader->get("A"));
  EXPECT_EQ(f.reader->cached(), 1);
  f.inner->id = "db-2";  // restored from a backup, or another database
  f.reader->read_changed({}, {}, kIgnore);
  EXPECT_EQ(f.reader->cached(), 1);  // the old copies went; B was read again from the new one
}

TEST(CachedReader, TheCopiesSurviveARestart) {
  TempDir dir;
  StoreSettings s;
  s.path = dir.path() / "agency.db";
  const auto cache = dir.path() / "cache.db";
  {
    SqliteStore store(s);
    const std::vector<Dossier> ds = {dossier("A")};
    store.upsert(ds, {});
  }
  {
    CachedReader r(std::make_unique<Switchable>(s), cache);
    r.read_changed({}, {}, kIgnore);
  }
  auto sw = std::make_unique<Switchable>(s);
  sw->down = true;
  CachedReader r(std::move(sw), cache);
  EXPECT_EQ(r.identity(), (StoreIdentity{"", "db-1"}));  // the last one known, also after a restart
  const auto copy = r.get("A");
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->dossier, dossier("A"));
}

TEST(CachedReader, AFailureOfTheVisitorIsNotAnOutage) {
  Fixture f;
  EXPECT_THROW(f.reader->read_changed({}, {},
                                      [](const Dossier&, std::span<const Event>) {
                                        throw StoreError("the visitor failed");
                                      }),
               StoreError);
  const int gets_before = f.inner->gets;
  f.reader->get("A");
  EXPECT_EQ(f.inner->gets, gets_before + 1);  // not taken for down
}

}  // namespace
}  // namespace dunghan::store
