// Stage 1, revalidate: each reason a claimed row is no longer owed, and what a row that still is
// carries on with; against the in-memory store and ledger.
#include <gtest/gtest.h>

#include <stdexcept>

#include "alerting/revalidate.h"
#include "stage_fixtures.h"

namespace dunghan::alerting {
namespace {

using testing::local;
using testing::make_rule;
using testing::march;
using testing::StageWorld;

struct RevalidateTest : ::testing::Test {
  RevalidateTest() {
    w.set_rules({make_rule("den-han", Stage::due_today, {"handler"}, {"file"})});
    w.add_channel("file");
  }
  /// Plans at `at`, claims, and revalidates the first claimed row against the store as it is now.
  Revalidation judge(Instant at) {
    w.plan(at);
    Batch b = w.claim(at);
    EXPECT_FALSE(b.candidates.empty());
    const LoadedDossier* l = load_dossier(b, b.candidates.front().row.id.code, w.store, w.ctx);
    return revalidate(b.candidates.front().row, l, w.ctx, at);
  }
  static std::string reason(const Revalidation& r) {
    const auto* gone = std::get_if<NoLongerOwed>(&r);
    return gone == nullptr ? "still owed" : gone->reason;
  }
  StageWorld w;
};

TEST_F(RevalidateTest, ARowStillOwedCarriesItsRuleAndRecipient) {
  w.store.put(march("D1"));
  const Revalidation r = judge(local(2026, 3, 10, 7));
  const auto* owed = std::get_if<StillOwed>(&r);
  ASSERT_NE(owed, nullptr) << reason(r);
  EXPECT_EQ(owed->rule->name, "den-han");
  EXPECT_EQ(owed->recipient->id, "cv1");
}

TEST_F(RevalidateTest, ADossierGoneFromTheStoreIsCancelled) {
  w.store.put(march("D1"));
  w.plan(local(2026, 3, 10, 7));
  w.store.erase("D1");
  Batch b = w.claim(local(2026, 3, 10, 7));
  const Revalidation r =
      revalidate(b.candidates.front().row, load_dossier(b, "D1", w.store, w.ctx), w.ctx, b.now);
  EXPECT_EQ(std::get<NoLongerOwed>(r).state, AlertState::cancelled);
  EXPECT_EQ(reason(r), "the dossier is no longer in the store");
}

TEST_F(RevalidateTest, AClosedDossierIsCancelled) {
  deadline::Dossier d = march("D1");
  w.store.put(d);
  w.plan(local(2026, 3, 10, 7));
  d.status = deadline::Status::resolved;
  d.resolved_at = local(2026, 3, 10, 7, 5);
  w.store.put(d);
  Batch b = w.claim(local(2026, 3, 10, 7, 10));
  const Revalidation r =
      revalidate(b.candidates.front().row, load_dossier(b, "D1", w.store, w.ctx), w.ctx, b.now);
  EXPECT_EQ(std::get<NoLongerOwed>(r).state, AlertState::cancelled);
  EXPECT_NE(reason(r).find("closed"), std::string::npos) << reason(r);
}

TEST_F(RevalidateTest, AnotherAppointmentIsCancelled) {
  deadline::Dossier d = march("D1");
  w.store.put(d);
  w.plan(local(2026, 3, 10, 7));
  w.store.put(d, {deadline::Event{"D1", local(2026, 3, 10, 7, 1), deadline::EventKind::extended,
                                  local(2026, 3, 13, 17), "hẹn lại"}});
  Batch b = w.claim(local(2026, 3, 10, 7, 2));
  const Revalidation r =
      revalidate(b.candidates.front().row, load_dossier(b, "D1", w.store, w.ctx), w.ctx, b.now);
  EXPECT_EQ(std::get<NoLongerOwed>(r).state, AlertState::cancelled);
  EXPECT_NE(reason(r).find("appointment changed"), std::string::npos) << reason(r);
}

TEST_F(RevalidateTest, ARuleOrRecipientThatNoLongerAppliesIsCancelled) {
  w.store.put(march("D1"));
  w.plan(local(2026, 3, 10, 7));
  Batch b = w.claim(local(2026, 3, 10, 7));
  const AlertRow row = b.candidates.front().row;
  const LoadedDossier* l = load_dossier(b, "D1", w.store, w.ctx);

  w.set_rules({make_rule("other", Stage::due_today, {"handler"}, {"file"})});
  EXPECT_EQ(reason(revalidate(row, l, w.ctx, b.now)), "the rule no longer applies to the dossier");

  w.set_rules({make_rule("den-han", Stage::due_today, {"department_head"}, {"file"})});
  EXPECT_EQ(reason(revalidate(row, l, w.ctx, b.now)),
            "the rule no longer addresses this recipient");
}

TEST_F(RevalidateTest, AStageThatNoLongerHoldsIsSkipped) {
  w.store.put(march("D1"));
  w.plan(local(2026, 3, 10, 7));
  Batch b = w.claim(local(2026, 3, 11, 8));  // claimed the next day: no longer "due today"
  const Revalidation r =
      revalidate(b.candidates.front().row, load_dossier(b, "D1", w.store, w.ctx), w.ctx, b.now);
  EXPECT_EQ(std::get<NoLongerOwed>(r).state, AlertState::skipped);
  EXPECT_NE(reason(r).find("no longer holds"), std::string::npos) << reason(r);
}

TEST_F(RevalidateTest, AnOlderRepetitionIsSkippedWhenALaterOneCameDue) {
  Rule r = make_rule("qua-han", Stage::overdue, {"handler"}, {"file"});
  r.repeat = testing::wd(1);
  w.set_rules({r});
  w.store.put(march("D1"));
  w.plan(local(2026, 3, 11, 7));             // repetition 0 fires Wed 11/03 07:00
  Batch b = w.claim(local(2026, 3, 12, 8));  // repetition 1 came due Thu 07:00 meanwhile
  const Revalidation res =
      revalidate(b.candidates.front().row, load_dossier(b, "D1", w.store, w.ctx), w.ctx, b.now);
  EXPECT_EQ(std::get<NoLongerOwed>(res).state, AlertState::skipped);
  EXPECT_EQ(reason(res), "a later repetition came due");
}

TEST_F(RevalidateTest, TheStageReadsEachDossierOncePerBatchAndFillsTheCandidates) {
  w.set_rules({make_rule("den-han", Stage::due_today, {"handler", "department_head"}, {"file"})});
  w.store.put(march("D1"));
  w.store.put(march("D2"));
  w.plan(local(2026, 3, 10, 7));
  Batch b = w.claim(local(2026, 3, 10, 7));
  ASSERT_EQ(b.candidates.size(), 4U);  // two dossiers × (handler, head)
  const std::size_t before = w.store.gets();
  RevalidateStage stage(w.store, w.ctx, w.channels);
  stage.run(b, nullptr);
  EXPECT_EQ(w.store.gets() - before, 2U);
  for (const Candidate& c : b.candidates) {
    EXPECT_FALSE(c.decided());
    ASSERT_NE(c.dossier, nullptr);
    EXPECT_EQ(c.dossier->stored.dossier.code, c.row.id.code);
    EXPECT_EQ(c.rule->name, "den-han");
    EXPECT_EQ(c.recipient->id, c.row.id.recipient);
    EXPECT_EQ(c.channel, w.channels.at("file"));
  }
}

class FailingStore final : public store::DossierReader {
 public:
  std::optional<store::StoredDossier> get(std::string_view) override {
    throw store::StoreError("dossiers.db: database is locked");
  }
  std::int64_t count() override { return 0; }
  store::ReadSummary for_each(const store::DossierFilter&, const store::DossierVisitor&) override {
    return {};
  }
  store::ChangedRead read_changed(const store::ChangeCursor&, std::span<const std::string>,
                                  const store::DossierVisitor&) override {
    return {};
  }
  bool read_only() const override { return true; }
  store::StoreIdentity identity() override {
    throw store::StoreError("dossiers.db: database is locked");
  }
};

TEST_F(RevalidateTest, AStoreThatCannotBeReadGivesTheRowsBackAndNamesTheError) {
  w.store.put(march("D1"));
  w.plan(local(2026, 3, 10, 7));
  Batch b = w.claim(local(2026, 3, 10, 7));
  FailingStore failing;
  RevalidateStage stage(failing, w.ctx, w.channels);
  stage.run(b, nullptr);
  ASSERT_TRUE(b.error);
  EXPECT_NE(b.error->find("locked"), std::string::npos);
  const Verdict& v = *b.candidates.front().verdict;
  EXPECT_EQ(v.state, AlertState::pending);
  EXPECT_FALSE(v.attempted);
  EXPECT_EQ(v.next_attempt_at, b.now);
  EXPECT_EQ(v.tally, Tally::released);
}

}  // namespace
}  // namespace dunghan::alerting
