// Issue 15's dispatch stages against the in-memory store, ledger and silences (tests/support):
// the silence gate (silenced, not sent, not lost; after it, only the latest stage still holding),
// "only the latest stage" per dossier and recipient, and the flood guard.
#include <gtest/gtest.h>

#include "alerting/flood.h"
#include "alerting/latest_stage.h"
#include "alerting/silence_gate.h"
#include "alerting/silence_ops.h"
#include "stage_fixtures.h"
#include "support/memory_silences.h"
#include "support/temp_dir.h"

namespace dunghan::alerting {
namespace {

using channels::SendWindow;
using testing::local;
using testing::make_rule;
using testing::march;
using testing::StageWorld;

struct World {
  World() { rec = w.add_channel("rec", SendWindow::always); }
  Engine& start(std::vector<Rule> rules, std::size_t max_messages = 10) {
    settings.rules = std::move(rules);
    settings.directory = Directory(testing::office_people());
    settings.max_messages_per_recipient = max_messages;
    w.set_rules(settings.rules);
    schedule = FireSchedule::open(dir.path() / "state.db");
    engine = std::make_unique<Engine>(settings, w.cal, w.store, w.ledger, *schedule, w.channels,
                                      templates, w.clock, 42);
    engine->set_silences(&silences);
    return *engine;
  }
  CycleReport cycle_at(Instant t) {
    w.clock.set(t);
    return engine->run_cycle();
  }
  /// D1's rows, oldest first (repeat order).
  std::vector<AlertRow> rows_of(const std::string& code) {
    std::vector<AlertRow> r = w.ledger.for_dossier(code, 100);
    std::reverse(r.begin(), r.end());
    return r;
  }
  Silence silence(std::string code, Instant until, Instant now, std::string rule = "") {
    return silences.add(
        dunghan::testing::make_silence(std::move(code), std::move(rule), until, now));
  }

  StageWorld w;
  testing::RecordingChannel* rec = nullptr;
  dunghan::testing::MemorySilences silences;
  EngineSettings settings;
  dunghan::testing::TempDir dir;
  std::unique_ptr<FireSchedule> schedule;
  render::Templates templates = render::Templates::load(std::nullopt);
  std::unique_ptr<Engine> engine;
};

Rule overdue_daily() {
  Rule r = make_rule("qua-han", Stage::overdue, {"handler"}, {"rec"});
  r.repeat = testing::wd(1);
  return r;
}

// ---- the silence gate --------------------------------------------------------------------------

TEST(SilenceGate, ARowOfASilencedDossierEndsSilencedUntilTheSilenceEndsAndOthersPass) {
  StageWorld w;
  w.add_channel("rec");
  w.set_rules({make_rule("den-han", Stage::due_today, {"handler"}, {"rec"}),
               make_rule("den-han-tp", Stage::due_today, {"department_head"}, {"rec"})});
  w.store.put(march("D1"));
  w.store.put(march("D2"));
  const Instant at = local(2026, 3, 10, 7);
  w.plan(at);
  Batch b = w.claim(at);
  ASSERT_EQ(b.candidates.size(), 4U);
  RevalidateStage(w.store, w.ctx, w.channels).run(b, nullptr);
  dunghan::testing::MemorySilences silences;
  Silence s;
  s.code = "D1";
  s.rule = "den-han";  // the handler's rule only
  s.until = local(2026, 3, 13, 17);
  s.reason = "đang trình ký gia hạn";
  s.by = "lan";
  s.created_at = at;
  silences.add(s);
  GateStage gates;
  gates.add(std::make_unique<SilenceGate>(silences, w.cal->offset()));
  gates.run(b, nullptr);
  int silenced = 0;
  for (const Candidate& c : b.candidates) {
    const bool match = c.row.id.code == "D1" && c.row.id.rule == "den-han";
    EXPECT_EQ(c.decided(), match) << c.row.id.code << " " << c.row.id.rule;
    if (!match) continue;
    ++silenced;
    EXPECT_EQ(c.verdict->state, AlertState::silenced);
    EXPECT_EQ(c.verdict->next_attempt_at, local(2026, 3, 13, 17)) << "due again when it ends";
    EXPECT_FALSE(c.verdict->attempted);
    EXPECT_EQ(c.verdict->tally, Tally::silenced);
    EXPECT_EQ(c.verdict->metric, "silenced");
    EXPECT_NE(c.verdict->detail.find("silence #1 (lan) until 2026-03-13T17:00:00+07:00"),
              std::string::npos)
        << c.verdict->detail;
    EXPECT_NE(c.verdict->detail.find("đang trình ký gia hạn"), std::string::npos);
  }
  EXPECT_EQ(silenced, 1);
  // Once it has ended, the gate lets the row go.
  silences.expire(1, at + std::chrono::hours{1}, "lan");
  EXPECT_EQ(SilenceGate(silences, w.cal->offset())
                .check(b.candidates.front(), at + std::chrono::hours{2})
                .kind,
            GateDecision::Kind::pass);
}

TEST(SilenceUntil, ADateHoldsThroughThatLocalDayAndAMinuteIsExact) {
  const calendar::UtcOffset ict{std::chrono::minutes{7 * 60}};
  EXPECT_EQ(parse_silence_until("2026-03-13", ict), local(2026, 3, 14, 0));
  EXPECT_EQ(parse_silence_until("2026-03-13T16:30", ict), local(2026, 3, 13, 16, 30));
  EXPECT_FALSE(parse_silence_until("13/03", ict));
  EXPECT_FALSE(parse_silence_until("2026-13-01", ict));
}

TEST(SilenceOps, AddChecksTheDossierTheRuleAndTheEnd) {
  StageWorld w;
  w.store.put(march("D1"));
  deadline::Dossier closed = march("D2");
  closed.status = deadline::Status::resolved;
  closed.resolved_at = local(2026, 3, 5, 9);
  w.store.put(closed);
  dunghan::testing::MemorySilences silences;
  const std::vector<Rule> rules = {overdue_daily()};
  const Instant now = local(2026, 3, 10, 9);
  const calendar::UtcOffset ict = w.cal->offset();
  auto add = [&](std::string code, std::string rule, std::string until, std::string reason) {
    return add_silence(silences, w.store, rules,
                       SilenceRequest{std::move(code), std::move(rule), std::move(until),
                                      std::move(reason), "lan"},
                       now, ict);
  };
  EXPECT_THROW(add("NONE", "", "2026-03-13", "x"), std::invalid_argument);
  EXPECT_THROW(add("D2", "", "2026-03-13", "x"), std::invalid_argument) << "closed";
  EXPECT_THROW(add("D1", "khong-co", "2026-03-13", "x"), std::invalid_argument);
  EXPECT_THROW(add("D1", "", "2026-03-09", "x"), std::invalid_argument) << "passed";
  EXPECT_THROW(add("D1", "", "2026-03-13", ""), std::invalid_argument) << "no reason";
  EXPECT_THROW(add("D1", "", "ngày mai", "x"), std::invalid_argument);
  const Silence s = add("D1", "qua-han", "2026-03-13", "đang trình ký gia hạn");
  EXPECT_EQ(s.id, 1);
  EXPECT_EQ(s.until, local(2026, 3, 14, 0));
  EXPECT_EQ(s.by, "lan");
  EXPECT_EQ(s.created_at, now);
}

// ---- silences in the engine: silenced, not sent, not lost, and then only the latest ------------

TEST(SilenceInTheEngine, RepetitionsAreSilencedAndWhenItEndsOnlyTheLatestGoesOut) {
  World x;
  x.start({overdue_daily()});
  x.w.store.put(march("D1"));                                 // due Tue 10/03 17:00
  EXPECT_EQ(x.cycle_at(local(2026, 3, 10, 17, 30)).sent, 1);  // repetition 0
  x.silence("D1", local(2026, 3, 16, 17), local(2026, 3, 11, 8));
  // Repetitions come at the next openings: Thu 12/03 07:00, Fri 13/03 07:00, Mon 16/03 07:00.
  const CycleReport thu1 = x.cycle_at(local(2026, 3, 12, 8));  // repetition 1
  EXPECT_EQ(thu1.sent, 0);
  EXPECT_EQ(thu1.silenced, 1);
  ASSERT_TRUE(thu1.outcomes.count("rec"));
  EXPECT_EQ(thu1.outcomes.at("rec").at("silenced"), 1);
  const CycleReport fri = x.cycle_at(local(2026, 3, 13, 8));  // repetition 2
  EXPECT_EQ(fri.sent, 0);
  EXPECT_EQ(fri.silenced, 1);
  EXPECT_EQ(x.rec->calls.size(), 1U) << "nothing mailed while the silence holds";
  std::vector<AlertRow> rows = x.rows_of("D1");
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[1].state, AlertState::silenced);
  EXPECT_EQ(rows[2].state, AlertState::silenced);
  EXPECT_EQ(rows[2].attempts, 0) << "waiting never uses an attempt";
  EXPECT_EQ(rows[2].next_attempt_at, local(2026, 3, 16, 17));
  EXPECT_EQ(x.engine->next_wake(), local(2026, 3, 16, 7)) << "the next repetition";

  // Fri 10:00: expired by hand; the silenced rows come due at once.
  const Instant ten = local(2026, 3, 13, 10);
  ASSERT_TRUE(expire_silence(x.silences, x.w.ledger, 1, ten, "lan"));
  const CycleReport after = x.cycle_at(ten);
  EXPECT_EQ(after.sent, 1);
  EXPECT_EQ(after.skipped, 1);
  ASSERT_EQ(x.rec->calls.size(), 2U);
  rows = x.rows_of("D1");
  EXPECT_EQ(rows[1].state, AlertState::skipped) << "an older repetition is not sent";
  EXPECT_EQ(rows[2].state, AlertState::sent) << "the latest one still holding is";
  EXPECT_EQ(rows[2].attempts, 1);
}

TEST(SilenceInTheEngine, ASilenceEndsWhenTheDossierIsResolved) {
  World x;
  x.start({overdue_daily()});
  x.w.store.put(march("D1"));
  x.cycle_at(local(2026, 3, 10, 17, 30));
  x.silence("D1", local(2026, 3, 20, 17), local(2026, 3, 11, 8));
  deadline::Dossier done = march("D1");
  done.status = deadline::Status::resolved;
  done.resolved_at = local(2026, 3, 11, 9);
  done.updated_at = local(2026, 3, 11, 9);
  x.w.store.put(done);
  x.cycle_at(local(2026, 3, 11, 9, 30));
  const Silence s = *x.silences.get(1);
  EXPECT_FALSE(s.active(local(2026, 3, 11, 9, 30)));
  EXPECT_EQ(s.ended_by, "resolved");
}

// ---- only the latest stage ------------------------------------------------------------------

TEST(LatestStage, OfTwoStagesDueAtOnceForOneRecipientOnlyTheLaterGoesOut) {
  World x;
  // D1 due Tue 10/03 17:00: 2 working days before → Fri 06/03, 1 working day before → Mon 09/03.
  x.start(
      {make_rule("nhac-2", Stage::before_due, {"handler"}, {"rec"}, "2 working days"),
       make_rule("nhac-1", Stage::before_due, {"handler"}, {"rec"}, "1 working day"),
       make_rule("nhac-tp", Stage::before_due, {"department_head"}, {"rec"}, "2 working days")});
  x.w.store.put(march("D1"));
  // The daemon was down over the weekend: both handler stages are due Mon 09/03 at 17:30.
  const CycleReport r = x.cycle_at(local(2026, 3, 9, 17, 30));
  EXPECT_EQ(r.sent, 2) << "nhac-1 to the handler, nhac-tp to the head (another recipient)";
  EXPECT_EQ(r.skipped, 1);
  for (const AlertRow& row : x.rows_of("D1")) {
    if (row.id.rule == "nhac-2") {
      EXPECT_EQ(row.state, AlertState::skipped);
      EXPECT_EQ(row.detail, kLaterStageCameDue);
      EXPECT_EQ(row.attempts, 0);
    } else {
      EXPECT_EQ(row.state, AlertState::sent) << row.id.rule;
    }
  }
}

TEST(LatestStage, ALaterStageInAnotherBatchOutrunsTooThroughTheLedger) {
  World x;
  x.settings.batch_size = 1;  // each row claimed alone: the later stage is not in the batch
  x.start({make_rule("nhac-2", Stage::before_due, {"handler"}, {"rec"}, "2 working days"),
           make_rule("nhac-1", Stage::before_due, {"handler"}, {"rec"}, "1 working day")});
  x.w.store.put(march("D1"));
  const CycleReport r = x.cycle_at(local(2026, 3, 9, 17, 30));
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(r.skipped, 1);
  ASSERT_EQ(x.rec->calls.size(), 1U);
  for (const AlertRow& row : x.rows_of("D1")) {
    EXPECT_EQ(row.state, row.id.rule == "nhac-1" ? AlertState::sent : AlertState::skipped);
  }
}

TEST(LatestStage, ATieIsNotGuessedAndOtherDossiersAreLeftAlone) {
  auto cand = [](std::string code, std::string who, std::string rule, Instant fire) {
    Candidate c;
    c.row.id = AlertId{std::move(code), std::move(rule), 1, 0, std::move(who), "rec"};
    c.row.key = alert_key(c.row.id);
    c.row.fire_at = fire;
    return c;
  };
  std::vector<Candidate> cs = {
      cand("D1", "cv1", "a", local(2026, 3, 9, 17)), cand("D1", "cv1", "b", local(2026, 3, 9, 17)),
      cand("D2", "cv1", "a", local(2026, 3, 6, 17)), cand("D1", "cv2", "a", local(2026, 3, 6, 17)),
      cand("D1", "cv1", "c", local(2026, 3, 6, 17))};
  std::vector<Candidate*> ptrs;
  for (Candidate& c : cs) ptrs.push_back(&c);
  skip_outrun_stages(ptrs);
  EXPECT_FALSE(cs[0].decided());
  EXPECT_FALSE(cs[1].decided()) << "same instant: both go";
  EXPECT_FALSE(cs[2].decided()) << "another dossier";
  EXPECT_FALSE(cs[3].decided()) << "another recipient";
  ASSERT_TRUE(cs[4].decided());
  EXPECT_EQ(cs[4].verdict->state, AlertState::skipped);
  EXPECT_FALSE(cs[4].verdict->attempted);
}

// ---- the flood guard ------------------------------------------------------------------------

TEST(FloodGuard, BeyondTheDaysLimitTheRestGoOutAsOneDigest) {
  std::vector<Candidate> cs(6);
  std::vector<Envelope> es;
  for (std::size_t i = 0; i < cs.size(); ++i) {
    cs[i].row.id = AlertId{"D" + std::to_string(i), "r", 1, 0, i < 5 ? "cv1" : "cv2", "rec"};
    cs[i].row.key = alert_key(cs[i].row.id);
    Envelope e;
    e.key = cs[i].row.key;
    e.rows = {&cs[i]};
    es.push_back(e);
  }
  Envelope digest;
  digest.key = "digest";
  digest.digest = true;
  es.push_back(digest);
  std::map<std::string, int> asked;
  guard_flood(es, 10, [&](const std::string& who, const std::string& channel) {
    ++asked[who + "/" + channel];
    return who == "cv1" ? std::size_t{8} : std::size_t{0};  // cv1 had 8 today
  });
  EXPECT_EQ(asked, (std::map<std::string, int>{{"cv1/rec", 1}, {"cv2/rec", 1}}));
  // cv1: 2 more singles (D0, D1), then D2..D4 in one digest; cv2's single and the digest stay.
  ASSERT_EQ(es.size(), 5U);
  EXPECT_EQ(es[0].rows.front(), &cs[0]);
  EXPECT_EQ(es[1].rows.front(), &cs[1]);
  EXPECT_EQ(es[2].rows.front(), &cs[5]);
  EXPECT_EQ(es[3].key, "digest");
  EXPECT_TRUE(es[4].digest);
  EXPECT_EQ(es[4].rows, (std::vector<Candidate*>{&cs[2], &cs[3], &cs[4]}));
  EXPECT_EQ(es[4].key, flood_digest_key("cv1", "rec", cs[2].row.key));
  // 0: no limit.
  std::vector<Envelope> untouched(es.begin(), es.begin() + 2);
  guard_flood(untouched, 0, [](const std::string&, const std::string&) -> std::size_t {
    ADD_FAILURE() << "not asked without a limit";
    return 0;
  });
  EXPECT_EQ(untouched.size(), 2U);
}

TEST(FloodGuard, TheEngineCountsTheAgencysDayFromTheLedger) {
  World x;
  x.start({make_rule("den-han", Stage::due_today, {"handler"}, {"rec"})}, 3);
  // Five dossiers of cv1 due on Tue 10/03: three go out alone, the other two together.
  for (int i = 0; i < 5; ++i) x.w.store.put(march("D" + std::to_string(i)));
  const CycleReport r = x.cycle_at(local(2026, 3, 10, 7));
  EXPECT_EQ(r.sent, 5);
  ASSERT_EQ(x.rec->calls.size(), 4U) << "3 singles and 1 digest";
  const channels::Message& digest = x.rec->calls.back().message;
  EXPECT_EQ(digest.key.size(), 33U);
  for (const AlertRow& row : x.w.ledger.list(AlertState::sent, 100)) {
    EXPECT_NE(digest.key, row.key) << "the digest has a key of its own";
  }
  int listed = 0;
  for (int i = 0; i < 5; ++i) {
    listed += digest.text.find("D" + std::to_string(i)) != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(listed, 2) << digest.text;
  // The day's count (the flood digest's rows count too: they have no digest key), and the next
  // local day starts again from nothing.
  EXPECT_EQ(x.w.ledger.sent_singles_since("cv1", "rec", local(2026, 3, 10, 0)), 5U);
  EXPECT_EQ(x.w.ledger.sent_singles_since("cv1", "rec", local(2026, 3, 11, 0)), 0U);
}

}  // namespace
}  // namespace dunghan::alerting
