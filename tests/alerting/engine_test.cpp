// The engine with real parts: a real SQLite store and ledger in a scratch directory, a ManualClock,
// the real `file` channel, and a recording channel whose answers the tests script.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "fixtures.h"

namespace dunghan::alerting {
namespace {

using channels::Outcome;
using channels::SendWindow;
using testing::Harness;
using testing::local;
using testing::make_dossier;
using testing::make_rule;
using testing::read_jsonl;
using testing::wd;

// Received Mon 02/03/2026 08:00, 6 working days: Tue 03 … Tue 10/03/2026, due 17:00.
deadline::Dossier march(std::string code = "D1", std::string handler = "cv1") {
  return make_dossier(std::move(code), local(2026, 3, 2, 8), wd(6), std::move(handler));
}
// Received Mon 09/02/2026 08:00, 4 working days: due Fri 13/02/2026 17:00, the eve of Tết.
deadline::Dossier before_tet() {
  return make_dossier("TET1", local(2026, 2, 9, 8), wd(4));
}

AlertId id_of(std::string code, std::string rule, int version, int repeat, std::string recipient,
              std::string channel) {
  return AlertId{std::move(code), std::move(rule),      version,
                 repeat,          std::move(recipient), std::move(channel)};
}

TEST(Engine, BeforeDueGoesOutAtTheOpeningThroughTheFileChannel) {
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("file", SendWindow::office);
  h.upsert(march());
  h.start({make_rule("nhac", Stage::before_due, {"handler"}, {"file"}, "2 working days")});

  const CycleReport early = h.cycle_at(local(2026, 3, 6, 6, 30));
  EXPECT_EQ(early.sent, 0);
  EXPECT_EQ(early.next_wake, local(2026, 3, 6, 7));
  EXPECT_TRUE(read_jsonl(h.file_of("file")).empty());

  const CycleReport r = h.cycle_at(local(2026, 3, 6, 7));
  EXPECT_EQ(r.sent, 1);
  const auto lines = read_jsonl(h.file_of("file"));
  ASSERT_EQ(lines.size(), 1u);
  const AlertId id = id_of("D1", "nhac", 0, 0, "cv1", "file");
  EXPECT_EQ(lines[0]["key"], alert_key(id));
  EXPECT_EQ(lines[0]["code"], "D1");
  EXPECT_EQ(lines[0]["rule"], "nhac");
  EXPECT_EQ(lines[0]["recipient"], "cv1");
  EXPECT_EQ(lines[0]["channel"], "file");
  EXPECT_EQ(lines[0]["fire_at"], "2026-03-06T07:00:00+07:00");
  EXPECT_EQ(lines[0]["sent_at"], "2026-03-06T07:00:00+07:00");
  EXPECT_NE(lines[0]["subject"].get<std::string>().find("Sắp đến hạn"), std::string::npos);
  EXPECT_EQ(h.row(id).state, AlertState::sent);

  h.cycle_at(local(2026, 3, 6, 7, 30));
  h.cycle_at(local(2026, 3, 9, 7));
  EXPECT_EQ(read_jsonl(h.file_of("file")).size(), 1u) << "exactly once";
}

TEST(Engine, OfficeChannelWaitsAtNightAndOverTetThenSendsAtTheNextOpening) {
  Harness h(local(2026, 2, 9, 8));
  h.add_file_channel("file", SendWindow::office);
  h.upsert(before_tet());
  h.start({make_rule("qua-han", Stage::overdue, {"department_head"}, {"file"})});

  const CycleReport r = h.cycle_at(local(2026, 2, 13, 17, 0, 1));
  EXPECT_EQ(r.sent, 0);
  EXPECT_EQ(r.postponed, 1);
  const AlertId id = id_of("TET1", "qua-han", 0, 0, "tp1", "file");
  EXPECT_EQ(h.row(id).state, AlertState::pending);
  EXPECT_EQ(h.row(id).next_attempt_at, local(2026, 2, 23, 7));  // Mon after Tết

  for (Instant t : {local(2026, 2, 14, 3), local(2026, 2, 16, 9), local(2026, 2, 20, 10),
                    local(2026, 2, 23, 6, 59)}) {
    EXPECT_EQ(h.cycle_at(t).sent, 0);
  }
  EXPECT_TRUE(read_jsonl(h.file_of("file")).empty());

  EXPECT_EQ(h.cycle_at(local(2026, 2, 23, 7)).sent, 1);
  const auto lines = read_jsonl(h.file_of("file"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["key"], alert_key(id));
  EXPECT_EQ(lines[0]["sent_at"], "2026-02-23T07:00:00+07:00");
  EXPECT_EQ(h.row(id).state, AlertState::sent);
}

TEST(Engine, OfficeChannelAtThreeInTheMorningWaitsForTheOpening) {
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("file", SendWindow::office);
  h.upsert(march());
  h.start({make_rule("qua-han", Stage::overdue, {"department_head"}, {"file"})});
  EXPECT_EQ(h.cycle_at(local(2026, 3, 11, 3)).postponed, 1);  // first start at 03:00
  EXPECT_EQ(h.cycle_at(local(2026, 3, 11, 6, 59, 59)).sent, 0);
  EXPECT_EQ(h.cycle_at(local(2026, 3, 11, 7)).sent, 1);
}

TEST(Engine, AlwaysChannelSendsOutsideOfficeHours) {
  Harness h(local(2026, 2, 9, 8));
  h.add_file_channel("file", SendWindow::always);
  h.upsert(before_tet());
  h.start({make_rule("qua-han", Stage::overdue, {"department_head"}, {"file"})});
  EXPECT_EQ(h.cycle_at(local(2026, 2, 13, 17, 0, 1)).sent, 1);
  EXPECT_EQ(read_jsonl(h.file_of("file"))[0]["sent_at"], "2026-02-13T17:00:01+07:00");
}

TEST(Engine, ResolvedBeforeTheAlertGoesOutIsCancelled) {
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("file", SendWindow::office);
  deadline::Dossier d = march();
  h.upsert(d);
  h.start({make_rule("qua-han", Stage::overdue, {"department_head"}, {"file"})});
  EXPECT_EQ(h.cycle_at(local(2026, 3, 10, 17, 30)).postponed, 1);  // waits for Wed 07:00

  d.status = deadline::Status::resolved;
  d.resolved_at = local(2026, 3, 10, 18);
  d.updated_at = *d.resolved_at;
  h.clock.set(local(2026, 3, 10, 18));
  h.upsert(d);

  const CycleReport r = h.cycle_at(local(2026, 3, 11, 7));
  EXPECT_EQ(r.sent, 0);
  EXPECT_EQ(r.cancelled, 1);
  EXPECT_EQ(h.row(id_of("D1", "qua-han", 0, 0, "tp1", "file")).state, AlertState::cancelled);
  EXPECT_TRUE(read_jsonl(h.file_of("file")).empty());
}

std::vector<Rule> before_and_overdue() {
  return {make_rule("nhac", Stage::before_due, {"handler"}, {"file"}, "2 working days"),
          make_rule("qua-han", Stage::overdue, {"department_head"}, {"file"})};
}

TEST(Engine, PendingBeforeDueRowIsSkippedWhenTheDaemonComesBackAfterTheDueInstant) {
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("file", SendWindow::office);
  h.upsert(march());
  h.start(before_and_overdue());
  h.clock.set(local(2026, 3, 6, 7));
  h.engine->plan();  // planned, then the daemon died before sending
  const AlertId nhac = id_of("D1", "nhac", 0, 0, "cv1", "file");
  EXPECT_EQ(h.row(nhac).state, AlertState::pending);

  h.start(before_and_overdue());  // back on Wed 11/03 08:00
  EXPECT_EQ(h.engine->recover(), 0u);
  const CycleReport r = h.cycle_at(local(2026, 3, 11, 8));
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(r.skipped, 1);
  EXPECT_EQ(h.row(nhac).state, AlertState::skipped);
  const auto lines = read_jsonl(h.file_of("file"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["rule"], "qua-han");
}

TEST(Engine, FirstStartAfterTheDueInstantRecordsBeforeDueAsSkippedNotSent) {
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("file", SendWindow::office);
  h.upsert(march());
  h.start(before_and_overdue());
  const CycleReport r = h.cycle_at(local(2026, 3, 11, 8));
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(h.row(id_of("D1", "nhac", 0, 0, "cv1", "file")).state, AlertState::skipped);
  EXPECT_EQ(h.row(id_of("D1", "qua-han", 0, 0, "tp1", "file")).state, AlertState::sent);
}

TEST(Engine, ADaemonBackAfterAWeekSendsOneOverdueNoticePerRecipient) {
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("file", SendWindow::office);
  h.upsert(march());
  Rule r = make_rule("qua-han", Stage::overdue, {"department_head", "role:leader"}, {"file"});
  r.repeat = wd(1);
  h.start({r});
  EXPECT_EQ(h.cycle_at(local(2026, 3, 11, 7)).sent, 2);  // repetition 0
  // Down from Wed 11 07:05 to Thu 19/03 09:00: repetitions 1–6 came due (Thu 12 … Thu 19).
  const CycleReport back = h.cycle_at(local(2026, 3, 19, 9));
  EXPECT_EQ(back.sent, 2);
  const auto lines = read_jsonl(h.file_of("file"));
  ASSERT_EQ(lines.size(), 4u);
  const std::set<std::string> keys = {lines[2]["key"], lines[3]["key"]};
  EXPECT_EQ(keys, (std::set<std::string>{alert_key(id_of("D1", "qua-han", 0, 6, "tp1", "file")),
                                         alert_key(id_of("D1", "qua-han", 0, 6, "ld1", "file"))}));
  EXPECT_EQ(lines[2]["fire_at"], "2026-03-19T07:00:00+07:00");
  EXPECT_EQ(h.row(id_of("D1", "qua-han", 0, 3, "ld1", "file")).state, AlertState::skipped);
}

// "Overdue, every working day" is one message a working day on either send window. D1 goes late
// Tue 10/03 17:00: a channel that sends at any hour tells at once, then at Wednesday's and
// Thursday's openings; an office channel holds the first message to Wednesday's opening.
TEST(Engine, OverdueEveryWorkingDayIsOneMessageADayOnEitherSendWindow) {
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("office", SendWindow::office);
  h.add_file_channel("always", SendWindow::always);
  h.upsert(march());
  Rule office = make_rule("office-rule", Stage::overdue, {"handler"}, {"office"});
  office.repeat = wd(1);
  Rule always = make_rule("always-rule", Stage::overdue, {"handler"}, {"always"});
  always.repeat = wd(1);
  always.sends_at_any_hour = true;  // what the config loader sets for a first channel "always"
  h.start({office, always});
  const std::vector<std::pair<Instant, std::pair<std::size_t, std::size_t>>> steps = {
      {local(2026, 3, 10, 17, 5), {0, 1}},  // Tue evening: only the channel open at any hour
      {local(2026, 3, 11, 7, 1), {1, 2}},   // Wed
      {local(2026, 3, 11, 16), {1, 2}},     // nothing more on Wednesday
      {local(2026, 3, 12, 7, 1), {2, 3}},   // Thu
  };
  for (const auto& [at, counts] : steps) {
    h.cycle_at(at);
    EXPECT_EQ(read_jsonl(h.file_of("office")).size(), counts.first)
        << calendar::format_iso(at, h.cal->offset());
    EXPECT_EQ(read_jsonl(h.file_of("always")).size(), counts.second)
        << calendar::format_iso(at, h.cal->offset());
  }
  const auto always_lines = read_jsonl(h.file_of("always"));
  EXPECT_EQ(always_lines[1]["fire_at"], "2026-03-11T07:00:00+07:00");
  EXPECT_EQ(always_lines[2]["fire_at"], "2026-03-12T07:00:00+07:00");
}

// Text in a legacy encoding does not stop a dossier's alerts; the cycle reports it once.
TEST(Engine, TextThatIsNotUtf8IsReportedAndTheAlertStillGoesOut) {
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("file", SendWindow::always);
  h.upsert(march());
  {
    SQLite::Database db((h.dir.path() / "dossiers.db").string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE dossiers SET applicant = 'C\xF4ng ty' WHERE code = 'D1'");  // Windows-1258
  }
  h.start({make_rule("qua-han", Stage::overdue, {"handler"}, {"file"})});
  const CycleReport r = h.cycle_at(local(2026, 3, 11, 8));
  EXPECT_EQ(r.sent, 1);
  const auto it = std::find_if(r.problems.begin(), r.problems.end(), [](const std::string& p) {
    return p.find("not UTF-8") != std::string::npos;
  });
  ASSERT_NE(it, r.problems.end());
  EXPECT_NE(it->find("dossier D1, column applicant"), std::string::npos) << *it;
}

TEST(Engine, ExtensionFiresTheStagesAgainAndCancelsTheOldVersionsPendingRows) {
  Harness h(local(2026, 3, 2, 8));
  testing::RecordingChannel* rec = h.add_recording_channel("rec", SendWindow::office);
  deadline::Dossier d = march();
  h.upsert(d);
  Rule overdue = make_rule("qua-han", Stage::overdue, {"department_head"}, {"rec"});
  overdue.match.extended = false;
  Rule after = make_rule("qua-han-sau-gia-han", Stage::overdue, {"role:leader"}, {"rec"});
  after.match.extended = true;
  h.start({make_rule("han-chot", Stage::before_due, {"handler"}, {"rec"}, "1 working day"), overdue,
           after});

  // Mon 09/03 07:00: the last day to ask for an extension; the channel is rate limited until 10:00.
  rec->queue.push_back(Outcome::retry_later("rate limited", local(2026, 3, 9, 10)));
  EXPECT_EQ(h.cycle_at(local(2026, 3, 9, 7)).retried, 1);

  // 08:00: the extension is granted: new appointment Fri 13/03 17:00.
  h.clock.set(local(2026, 3, 9, 8));
  h.upsert(d, {deadline::Event{"D1", local(2026, 3, 9, 8), deadline::EventKind::extended,
                               local(2026, 3, 13, 17), "hẹn lại"}});
  h.cycle_at(local(2026, 3, 9, 8));
  const CycleReport at10 = h.cycle_at(local(2026, 3, 9, 10));
  EXPECT_EQ(at10.cancelled, 1);
  EXPECT_EQ(h.row(id_of("D1", "han-chot", 0, 0, "cv1", "rec")).state, AlertState::cancelled);
  EXPECT_EQ(rec->calls.size(), 1u);

  // The original due instant passes without an overdue alert (the dossier is extended).
  for (Instant t : {local(2026, 3, 10, 17, 30), local(2026, 3, 11, 7), local(2026, 3, 11, 9)}) {
    EXPECT_EQ(h.cycle_at(t).sent, 0);
  }
  // Thu 12/03 07:00: the last day before the new appointment.
  EXPECT_EQ(h.cycle_at(local(2026, 3, 12, 7)).sent, 1);
  ASSERT_EQ(rec->calls.size(), 2u);
  EXPECT_EQ(rec->calls[1].message.key, alert_key(id_of("D1", "han-chot", 1, 0, "cv1", "rec")));
  EXPECT_NE(rec->calls[1].message.subject.find("13/03/2026"), std::string::npos);
  // Overdue after the extension: the leader, at the opening after Fri 13/03 17:00.
  h.cycle_at(local(2026, 3, 13, 17, 0, 1));
  EXPECT_EQ(h.cycle_at(local(2026, 3, 16, 7)).sent, 1);
  ASSERT_EQ(rec->calls.size(), 3u);
  EXPECT_EQ(rec->calls[2].to.recipient_id, "ld1");
  EXPECT_EQ(rec->calls[2].message.key,
            alert_key(id_of("D1", "qua-han-sau-gia-han", 1, 0, "ld1", "rec")));
}

TEST(Engine, DigestSendsOneMessagePerRecipientListingItsDossiers) {
  Harness h(local(2026, 3, 2, 8));
  testing::RecordingChannel* rec = h.add_recording_channel("rec", SendWindow::office);
  for (const char* code : {"A1", "A2", "A3"}) h.upsert(march(code, "cv1"));
  h.upsert(march("B1", "cv2"));
  Rule r = make_rule("den-han", Stage::due_today, {"handler"}, {"rec"});
  r.digest = std::chrono::hours{7} + std::chrono::minutes{30};
  h.start({r});

  EXPECT_EQ(h.cycle_at(local(2026, 3, 10, 7)).sent, 0);
  const CycleReport at = h.cycle_at(local(2026, 3, 10, 7, 30));
  EXPECT_EQ(at.sent, 4);             // rows
  ASSERT_EQ(rec->calls.size(), 2u);  // messages
  const auto cv1 = std::find_if(rec->calls.begin(), rec->calls.end(),
                                [](const auto& c) { return c.to.recipient_id == "cv1"; });
  ASSERT_NE(cv1, rec->calls.end());
  for (const char* code : {"A1", "A2", "A3"}) {
    EXPECT_NE(cv1->message.text.find(code), std::string::npos) << code;
  }
  EXPECT_EQ(cv1->message.text.find("B1"), std::string::npos);
  EXPECT_EQ(cv1->message.key, digest_key("den-han", "cv1", "rec", local(2026, 3, 10, 7, 30)));
  for (const char* code : {"A1", "A2", "A3"}) {
    EXPECT_EQ(h.row(id_of(code, "den-han", 0, 0, "cv1", "rec")).state, AlertState::sent);
  }
}

// A digest that must be retried stays one message: its rows share one next attempt (one jitter),
// so they come due together and are sent together again.
TEST(Engine, ARetriedDigestIsRetriedAsOneMessage) {
  Harness h(local(2026, 3, 2, 8));
  testing::RecordingChannel* rec = h.add_recording_channel("rec", SendWindow::office);
  for (const char* code : {"A1", "A2", "A3", "A4", "A5"}) h.upsert(march(code, "cv1"));
  Rule r = make_rule("den-han", Stage::due_today, {"handler"}, {"rec"});
  r.digest = std::chrono::hours{7} + std::chrono::minutes{30};
  h.start({r});
  rec->queue.push_back(Outcome::retry_later("503"));
  const CycleReport first = h.cycle_at(local(2026, 3, 10, 7, 30));
  EXPECT_EQ(first.retried, 5);
  ASSERT_EQ(rec->calls.size(), 1u);
  std::set<std::int64_t> next;
  for (const char* code : {"A1", "A2", "A3", "A4", "A5"}) {
    const AlertRow row = h.row(id_of(code, "den-han", 0, 0, "cv1", "rec"));
    EXPECT_EQ(row.state, AlertState::retry) << code;
    next.insert(row.next_attempt_at.time_since_epoch().count());
  }
  ASSERT_EQ(next.size(), 1u) << "the digest's rows would come due apart";
  const Instant again = Instant{std::chrono::seconds{*next.begin()}};
  EXPECT_EQ(h.cycle_at(again).sent, 5);
  ASSERT_EQ(rec->calls.size(), 2u);  // one more message, listing all five
  for (const char* code : {"A1", "A2", "A3", "A4", "A5"}) {
    EXPECT_NE(rec->calls[1].message.text.find(code), std::string::npos) << code;
  }
  EXPECT_EQ(rec->calls[1].message.key, rec->calls[0].message.key);
}

TEST(Engine, RetryHonoursTheChannelsNotBeforeAndKeepsTheKey) {
  Harness h(local(2026, 3, 2, 8));
  testing::RecordingChannel* rec = h.add_recording_channel("rec", SendWindow::office);
  h.upsert(march());
  h.start({make_rule("den-han", Stage::due_today, {"handler"}, {"rec"})});
  rec->queue.push_back(Outcome::retry_later("429", local(2026, 3, 10, 9)));
  EXPECT_EQ(h.cycle_at(local(2026, 3, 10, 7)).retried, 1);
  const AlertId id = id_of("D1", "den-han", 0, 0, "cv1", "rec");
  EXPECT_EQ(h.row(id).state, AlertState::retry);
  EXPECT_EQ(h.row(id).next_attempt_at, local(2026, 3, 10, 9));
  EXPECT_EQ(h.cycle_at(local(2026, 3, 10, 8, 59, 59)).sent, 0);
  EXPECT_EQ(rec->calls.size(), 1u);
  EXPECT_EQ(h.cycle_at(local(2026, 3, 10, 9)).sent, 1);
  ASSERT_EQ(rec->calls.size(), 2u);
  EXPECT_EQ(rec->calls[0].message.key, rec->calls[1].message.key);
  EXPECT_EQ(h.row(id).state, AlertState::sent);
  EXPECT_EQ(h.row(id).attempts, 2);
}

TEST(Engine, BackoffGrowsExponentiallyWithJitterUpToTheCapThenDead) {
  Harness h(local(2026, 3, 2, 8));
  testing::RecordingChannel* rec = h.add_recording_channel("rec", SendWindow::office);
  rec->script = [](const auto&) { return Outcome::retry_later("busy"); };
  h.settings.max_attempts = 5;
  h.settings.retry_initial = std::chrono::seconds{60};
  h.settings.retry_max = std::chrono::seconds{200};
  h.upsert(march());
  h.start({make_rule("den-han", Stage::due_today, {"handler"}, {"rec"})});
  const AlertId id = id_of("D1", "den-han", 0, 0, "cv1", "rec");

  Instant now = local(2026, 3, 10, 8);
  std::vector<std::int64_t> delays;
  for (int i = 0; i < 10; ++i) {
    h.cycle_at(now);
    const AlertRow row = h.row(id);
    if (row.state != AlertState::retry) break;
    delays.push_back((row.next_attempt_at - now).count());
    now = row.next_attempt_at;
  }
  EXPECT_EQ(rec->calls.size(), 5u);
  EXPECT_EQ(h.row(id).state, AlertState::dead);
  EXPECT_NE(h.row(id).detail.find("5 attempts"), std::string::npos) << h.row(id).detail;
  ASSERT_EQ(delays.size(), 4u);
  const double base[] = {60, 120, 200, 200};  // doubling, capped at retry_max
  for (std::size_t i = 0; i < delays.size(); ++i) {
    EXPECT_GE(delays[i], 0.8 * base[i]) << "attempt " << i + 1;
    EXPECT_LE(delays[i], 1.2 * base[i] + 1) << "attempt " << i + 1;
  }
  EXPECT_GT(delays[1], delays[0]);
}

TEST(Engine, UnreachableFallsBackToTheNextChannelOfTheRule) {
  Harness h(local(2026, 3, 2, 8));
  testing::RecordingChannel* zalo = h.add_recording_channel("zalo", SendWindow::office);
  testing::RecordingChannel* email = h.add_recording_channel("email", SendWindow::office);
  zalo->queue.push_back(Outcome::unreachable_recipient("not a follower"));
  h.upsert(march());
  h.start({make_rule("den-han", Stage::due_today, {"handler"}, {"zalo", "email"})});
  const CycleReport r = h.cycle_at(local(2026, 3, 10, 7));
  EXPECT_EQ(r.unreachable, 1);
  EXPECT_EQ(r.sent, 1);  // the fallback row goes out in the same cycle (run --once has no next)
  EXPECT_EQ(r.outcomes.at("email").at("sent"), 1);
  EXPECT_EQ(h.cycle_at(local(2026, 3, 10, 7)).sent, 0);  // and only once
  EXPECT_EQ(zalo->calls.size(), 1u);
  ASSERT_EQ(email->calls.size(), 1u);
  EXPECT_EQ(h.row(id_of("D1", "den-han", 0, 0, "cv1", "zalo")).state, AlertState::unreachable);
  EXPECT_EQ(h.row(id_of("D1", "den-han", 0, 0, "cv1", "email")).state, AlertState::sent);
  EXPECT_EQ(email->calls[0].message.key, alert_key(id_of("D1", "den-han", 0, 0, "cv1", "email")));
}

TEST(Engine, MoreDueRowsThanOnePassTakesGoOutInTheSameCycle) {
  Harness h(local(2026, 3, 2, 8));
  testing::RecordingChannel* email = h.add_recording_channel("email", SendWindow::office);
  for (int i = 0; i < 7; ++i) h.upsert(march("D" + std::to_string(i)));
  h.settings.dispatch_limit = 2;
  h.start({make_rule("den-han", Stage::due_today, {"handler"}, {"email"})});
  const CycleReport r = h.cycle_at(local(2026, 3, 10, 7));
  EXPECT_EQ(r.sent, 7);  // four passes of at most two rows
  EXPECT_EQ(email->calls.size(), 7u);
  EXPECT_EQ(h.cycle_at(local(2026, 3, 10, 8)).sent, 0);
}

TEST(Engine, FailedIsDeadAndFallsBackAndTheLastChannelReportsAProblem) {
  Harness h(local(2026, 3, 2, 8));
  testing::RecordingChannel* zalo = h.add_recording_channel("zalo", SendWindow::office);
  testing::RecordingChannel* email = h.add_recording_channel("email", SendWindow::office);
  zalo->queue.push_back(Outcome::failure("template disabled"));
  email->queue.push_back(Outcome::failure("auth failed"));
  h.upsert(march());
  h.start({make_rule("den-han", Stage::due_today, {"handler"}, {"zalo", "email"})});
  const CycleReport second = h.cycle_at(local(2026, 3, 10, 7));
  EXPECT_EQ(second.dead, 2);  // zalo, then its fallback email, in one cycle
  EXPECT_EQ(h.row(id_of("D1", "den-han", 0, 0, "cv1", "zalo")).state, AlertState::dead);
  EXPECT_EQ(h.row(id_of("D1", "den-han", 0, 0, "cv1", "email")).state, AlertState::dead);
  EXPECT_EQ(email->calls.size(), 1u);
  ASSERT_FALSE(second.problems.empty());
  EXPECT_NE(second.problems.back().find("no channel left"), std::string::npos);
  EXPECT_EQ(h.cycle_at(local(2026, 3, 10, 8)).sent, 0);
}

TEST(Engine, RecoverResendsARowCaughtInSendingWithTheSameKey) {
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("file", SendWindow::office);
  h.upsert(march());
  const std::vector<Rule> rules = {make_rule("den-han", Stage::due_today, {"handler"}, {"file"})};
  h.start(rules);
  h.clock.set(local(2026, 3, 10, 7));
  h.engine->plan();
  const AlertId id = id_of("D1", "den-han", 0, 0, "cv1", "file");
  ASSERT_EQ(h.ledger->claim(h.clock.now(), 1, std::chrono::seconds{300}).size(),
            1u);  // …and the process died

  h.start(rules);  // restart
  h.clock.set(local(2026, 3, 10, 7, 5));
  EXPECT_EQ(h.engine->recover(), 1u);
  EXPECT_EQ(h.engine->run_cycle().sent, 1);
  const auto lines = read_jsonl(h.file_of("file"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["key"], alert_key(id));
  EXPECT_EQ(h.row(id).state, AlertState::sent);
  EXPECT_EQ(h.row(id).attempts, 2);
}

TEST(Engine, RoutingProblemsAreReportedAndTheOthersStillGetTheirAlert) {
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("file", SendWindow::office);
  h.upsert(march("D1", "ghost"));
  h.start({make_rule("den-han", Stage::due_today, {"handler", "department_head"}, {"file"})});
  const CycleReport r = h.cycle_at(local(2026, 3, 10, 7));
  EXPECT_EQ(r.sent, 1);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].find("ghost"), std::string::npos);
}

TEST(Engine, WaitingForTheApplicantSendsNothingAndTheRestartFiresAgain) {
  // Supplementation requested Fri 06/03 09:00, received Wed 11/03 10:00 (restart: 6 working days
  // from then: Thu 12 … Thu 19/03).
  Harness h(local(2026, 3, 2, 8));
  h.add_file_channel("file", SendWindow::office);
  deadline::Dossier d = march();
  d.status = deadline::Status::waiting_supplement;
  d.updated_at = local(2026, 3, 6, 9);
  h.clock.set(local(2026, 3, 6, 9));
  const deadline::Event asked{"D1", local(2026, 3, 6, 9), deadline::EventKind::supplement_requested,
                              std::nullopt, ""};
  h.upsert(d, {asked});
  h.start({make_rule("den-han", Stage::due_today, {"handler"}, {"file"}),
           make_rule("qua-han", Stage::overdue, {"department_head"}, {"file"})});
  for (Instant t : {local(2026, 3, 6, 9), local(2026, 3, 10, 7), local(2026, 3, 11, 7)}) {
    EXPECT_EQ(h.cycle_at(t).sent, 0);
  }
  d.status = deadline::Status::processing;
  d.updated_at = local(2026, 3, 11, 10);
  h.clock.set(local(2026, 3, 11, 10));
  h.upsert(d, {asked, deadline::Event{"D1", local(2026, 3, 11, 10),
                                      deadline::EventKind::supplement_received, std::nullopt, ""}});
  EXPECT_EQ(h.cycle_at(local(2026, 3, 11, 10)).sent, 0);
  EXPECT_EQ(h.cycle_at(local(2026, 3, 19, 7)).sent, 1);
  const auto lines = read_jsonl(h.file_of("file"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["key"], alert_key(id_of("D1", "den-han", 1, 0, "cv1", "file")));
}

}  // namespace
}  // namespace dunghan::alerting
