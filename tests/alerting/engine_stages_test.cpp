// The engine's dispatch as stages, against the in-memory store and ledger: the stage list and its
// hook, group commits per batch and per row, and every claimed row ending the pass recorded —
// also when the ledger or the store fails in the middle.
#include <gtest/gtest.h>

#include <stdexcept>

#include "stage_fixtures.h"
#include "support/temp_dir.h"

namespace dunghan::alerting {
namespace {

using channels::SendWindow;
using testing::local;
using testing::make_rule;
using testing::march;
using testing::StageWorld;

struct EngineWorld {
  EngineWorld() {
    rec = w.add_channel("rec", SendWindow::always);
    w.ledger.before_write = [this](std::string_view op) {
      ++writes[std::string(op)];
      if (op == "record" && fail_records > 0) {
        --fail_records;
        throw std::runtime_error("database is locked");
      }
    };
  }
  Engine& start(std::size_t batch_size = 64) {
    settings.rules = {make_rule("den-han", Stage::due_today, {"handler"}, {"rec"})};
    settings.directory = Directory(testing::office_people());
    settings.batch_size = batch_size;
    schedule = FireSchedule::open(dir.path() / "state.db");
    engine = std::make_unique<Engine>(settings, w.cal, *store, w.ledger, *schedule, w.channels,
                                      templates, w.clock, 42);
    return *engine;
  }
  CycleReport cycle_at(Instant t) {
    w.clock.set(t);
    return engine->run_cycle();
  }

  StageWorld w;
  store::DossierReader* store = &w.store;
  testing::RecordingChannel* rec = nullptr;
  EngineSettings settings;
  dunghan::testing::TempDir dir;
  std::unique_ptr<FireSchedule> schedule;
  render::Templates templates = render::Templates::load(std::nullopt);
  std::unique_ptr<Engine> engine;
  std::map<std::string, int> writes;
  int fail_records = 0;
};

struct EngineStagesTest : ::testing::Test, EngineWorld {};

// A stage of a later issue slots in with one call, at the place it names.
class CountingStage final : public DispatchStage {
 public:
  std::string_view name() const override { return "latest_only"; }
  void run(Batch& batch, const Progress&) override {
    seen += batch.open().size();
    envelopes_before += batch.envelopes.size();
  }
  std::size_t seen = 0;
  std::size_t envelopes_before = 0;
};

TEST_F(EngineStagesTest, TheStagesRunInOrderAndAnotherSlotsInByName) {
  Engine& e = start();
  EXPECT_EQ(e.pipeline().names(),
            (std::vector<std::string_view>{"revalidate", "gate", "latest", "group", "flood",
                                           "render", "send"}));
  auto counting = std::make_unique<CountingStage>();
  CountingStage* raw = counting.get();
  e.pipeline().insert_before("group", std::move(counting));
  EXPECT_EQ(e.pipeline().names(),
            (std::vector<std::string_view>{"revalidate", "gate", "latest", "latest_only", "group",
                                           "flood", "render", "send"}));
  for (const char* code : {"D1", "D2", "D3"}) w.store.put(march(code));
  EXPECT_EQ(cycle_at(local(2026, 3, 10, 7)).sent, 3);
  EXPECT_EQ(raw->seen, 3U);
  EXPECT_EQ(raw->envelopes_before, 0U) << "it ran before grouping";
}

TEST_F(EngineStagesTest, OneBatchIsOneClaimAndAFewRecordsAndTheRowModeIsOneOfEachPerRow) {
  for (int i = 0; i < 10; ++i) w.store.put(march("D" + std::to_string(i)));
  start(64);
  EXPECT_EQ(cycle_at(local(2026, 3, 10, 7)).sent, 10);
  EXPECT_EQ(writes["claim"], 2);  // the batch, then an empty claim ends the pass
  EXPECT_GE(writes["record"], 1);
  EXPECT_LE(writes["record"], 10);
  std::cout << "[ commits  ] 10 alerts, batch 64: " << writes["claim"] << " claims, "
            << writes["record"] << " records\n";

  EngineWorld per_row;
  for (int i = 0; i < 10; ++i) per_row.w.store.put(march("D" + std::to_string(i)));
  per_row.start(1);
  EXPECT_EQ(per_row.cycle_at(local(2026, 3, 10, 7)).sent, 10);
  EXPECT_EQ(per_row.writes["claim"], 11);
  EXPECT_EQ(per_row.writes["record"], 10);
}

TEST_F(EngineStagesTest, ALedgerThatFailsOnceStillRecordsEveryClaimedRow) {
  for (int i = 0; i < 5; ++i) w.store.put(march("D" + std::to_string(i)));
  start();
  fail_records = 1;
  const CycleReport r = cycle_at(local(2026, 3, 10, 7));
  EXPECT_EQ(r.sent, 5);
  EXPECT_TRUE(w.ledger.list(AlertState::sending, 10).empty());
  EXPECT_EQ(rec->calls.size(), 5U);
}

TEST_F(EngineStagesTest, ALedgerThatStaysLockedLeavesRowsInSendingUntilTheLeaseRunsOut) {
  for (int i = 0; i < 3; ++i) w.store.put(march("D" + std::to_string(i)));
  start();
  fail_records = 1000;
  EXPECT_THROW(cycle_at(local(2026, 3, 10, 7)), std::runtime_error);
  EXPECT_EQ(w.ledger.list(AlertState::sending, 10).size(), 3U);
  fail_records = 0;
  // Before the lease runs out nothing is sent twice; after it, the next cycle resends them with
  // the same keys.
  EXPECT_EQ(cycle_at(local(2026, 3, 10, 7, 4)).sent, 0);
  const CycleReport r = cycle_at(local(2026, 3, 10, 7, 5));
  EXPECT_EQ(r.sent, 3);
  EXPECT_EQ(rec->calls.size(), 6U);
  std::set<std::string> first, second;
  for (std::size_t i = 0; i < 3; ++i) first.insert(rec->calls[i].message.key);
  for (std::size_t i = 3; i < 6; ++i) second.insert(rec->calls[i].message.key);
  EXPECT_EQ(first, second);
}

class LockedStore final : public store::DossierReader {
 public:
  explicit LockedStore(store::DossierReader& inner) : inner_(inner) {}
  std::optional<store::StoredDossier> get(std::string_view code) override {
    if (locked) throw store::StoreError("dossiers.db: database is locked");
    return inner_.get(code);
  }
  std::int64_t count() override { return inner_.count(); }
  store::ReadSummary for_each(const store::DossierFilter& f,
                              const store::DossierVisitor& v) override {
    return inner_.for_each(f, v);
  }
  store::ChangedRead read_changed(const store::ChangeCursor& c, std::span<const std::string> also,
                                  const store::DossierVisitor& v) override {
    return inner_.read_changed(c, also, v);
  }
  bool read_only() const override { return true; }
  store::StoreIdentity identity() override { return inner_.identity(); }
  bool locked = false;

 private:
  store::DossierReader& inner_;
};

TEST_F(EngineStagesTest, AStoreThatCannotBeReadFailsTheCycleAndGivesTheRowsBack) {
  for (int i = 0; i < 3; ++i) w.store.put(march("D" + std::to_string(i)));
  LockedStore locked(w.store);
  store = &locked;
  start();
  w.clock.set(local(2026, 3, 10, 7));
  engine->plan();
  locked.locked = true;
  try {
    engine->dispatch();
    FAIL() << "expected the dispatch to fail";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("locked"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(w.ledger.list(AlertState::sending, 10).empty());
  for (const AlertRow& r : w.ledger.list(AlertState::pending, 10)) EXPECT_EQ(r.attempts, 0);
  EXPECT_TRUE(rec->calls.empty());
  locked.locked = false;
  EXPECT_EQ(cycle_at(local(2026, 3, 10, 7, 1)).sent, 3);
}

}  // namespace
}  // namespace dunghan::alerting
