// The dispatcher when things go wrong (issue 12 items 3 and 6): a step that throws in the middle of
// a pass, an SMTP server that is down and then up (a real aiosmtpd behind a TCP gate that counts
// every connection), and how the last attempt before `dead` is counted.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "channels/fake_server.h"
#include "channels/options.h"
#include "fixtures.h"

namespace dunghan::alerting {
namespace {

using channels::Outcome;
using channels::SendWindow;
using testing::Harness;
using testing::local;
using testing::make_dossier;
using testing::make_rule;
using testing::wd;

// Received Mon 02/03/2026 08:00, 6 working days: due Tue 10/03/2026 17:00.
deadline::Dossier march(std::string code, std::string handler = "cv1") {
  return make_dossier(std::move(code), local(2026, 3, 2, 8), wd(6), std::move(handler));
}

AlertId due_today_id(const std::string& code, const std::string& channel) {
  return AlertId{code, "den-han", 0, 0, "cv1", channel};
}

// Item 3: a channel (or a template, or the ledger) that throws in the middle of a pass must not
// leave the row it was working on in `sending` until the next start, nor stop the other rows.
TEST(DispatchFaults, AThrowWhileSendingLeavesNoRowInSendingAndTheOthersGoOut) {
  Harness h(local(2026, 3, 2, 8));
  testing::RecordingChannel* rec = h.add_recording_channel("rec", SendWindow::office);
  for (const char* code : {"A1", "A2", "A3"}) h.upsert(march(code));
  rec->script = [](const testing::RecordingChannel::Call& call) -> Outcome {
    if (call.message.params.at("code") == "A2") throw std::runtime_error("template exploded");
    return Outcome::sent_ok();
  };
  h.start({make_rule("den-han", Stage::due_today, {"handler"}, {"rec"})});
  h.clock.set(local(2026, 3, 10, 7));
  CycleReport r;
  EXPECT_NO_THROW(r = h.engine->run_cycle());
  EXPECT_TRUE(h.ledger->list(AlertState::sending, 10).empty()) << "a row is stuck in sending";
  EXPECT_EQ(h.row(due_today_id("A1", "rec")).state, AlertState::sent);
  EXPECT_EQ(h.row(due_today_id("A3", "rec")).state, AlertState::sent);
  const AlertRow a2 = h.row(due_today_id("A2", "rec"));
  EXPECT_EQ(a2.state, AlertState::retry);
  EXPECT_NE(a2.detail.find("template exploded"), std::string::npos) << a2.detail;

  // It goes out at its next attempt once the channel behaves.
  rec->script = nullptr;
  EXPECT_EQ(h.cycle_at(a2.next_attempt_at).sent, 1);
  EXPECT_EQ(h.row(due_today_id("A2", "rec")).state, AlertState::sent);
}

// Item 6: the last attempt before `dead` is counted as `dead` in the outcome counts
// (dunghan_alerts_total), not as `retry`.
TEST(DispatchFaults, TheLastAttemptBeforeDeadIsCountedAsDead) {
  Harness h(local(2026, 3, 2, 8));
  testing::RecordingChannel* rec = h.add_recording_channel("rec", SendWindow::office);
  rec->script = [](const auto&) { return Outcome::retry_later("451 busy"); };
  h.settings.max_attempts = 3;
  h.upsert(march("D1"));
  h.start({make_rule("den-han", Stage::due_today, {"handler"}, {"rec"})});
  std::map<std::string, std::int64_t> outcomes;
  Instant now = local(2026, 3, 10, 8);
  for (int i = 0; i < 6; ++i) {
    const CycleReport r = h.cycle_at(now);
    if (auto it = r.outcomes.find("rec"); it != r.outcomes.end()) {
      for (const auto& [o, n] : it->second) outcomes[o] += n;
    }
    const AlertRow row = h.row(due_today_id("D1", "rec"));
    if (row.state != AlertState::retry) break;
    now = row.next_attempt_at;
  }
  EXPECT_EQ(h.row(due_today_id("D1", "rec")).state, AlertState::dead);
  EXPECT_EQ(rec->calls.size(), 3u);
  EXPECT_EQ(outcomes["retry"], 2);
  EXPECT_EQ(outcomes["dead"], 1);
}

int read_count(const std::filesystem::path& p) {
  return std::stoi(dunghan::testing::read_file(p));
}

// Item 6: with the SMTP server down, the alerts waiting for it do not each open a connection; one
// probe per backoff interval goes out, the others wait without using up their attempts; when the
// server is back, everything is delivered over a few reused connections.
TEST(DispatchFaults, SmtpDownThenUpProbesOncePerIntervalAndDeliversEverything) {
  constexpr int kAlerts = 50;
  Harness h(local(2026, 3, 2, 8));
  h.settings.max_messages_per_recipient = 0;  // every alert its own message (the flood guard aside)
  const std::filesystem::path mail = h.dir.path() / "mail";
  std::filesystem::create_directories(mail);
  const std::filesystem::path down = h.dir.path() / "smtp.down";
  const std::filesystem::path count = h.dir.path() / "accepted";
  std::ofstream(down) << "down";
  dunghan::testing::FakeServer smtp("smtp_fake.py", h.dir.path(), {"--maildir", mail.string()});
  dunghan::testing::FakeServer gate("tcp_gate.py", h.dir.path(),
                                    {"--target", std::to_string(smtp.port()), "--down-file",
                                     down.string(), "--count-file", count.string()});

  channels::ChannelOptions o;
  o.name = "email";
  o.type = "email";
  o.send_window = SendWindow::office;
  channels::EmailOptions e;
  e.url = "smtp://127.0.0.1:" + std::to_string(gate.port());
  e.from = "Một cửa <motcua@example.gov.vn>";
  e.starttls = false;
  e.connect_timeout = std::chrono::seconds{5};
  e.timeout = std::chrono::seconds{10};
  o.kind = e;
  h.owned.push_back(channels::make_channel(o, h.clock, h.dir.path()));
  h.by_name["email"] = h.owned.back().get();

  for (int i = 0; i < kAlerts; ++i) h.upsert(march("M" + std::to_string(i)));
  h.start({make_rule("den-han", Stage::due_today, {"handler"}, {"email"})});

  // Down for 40 s (retry_initial is 60 s: no probe interval has passed yet).
  const Instant t0 = local(2026, 3, 10, 7);
  CycleReport last;
  for (int s = 0; s <= 40; s += 10) last = h.cycle_at(t0 + std::chrono::seconds{s});
  ASSERT_TRUE(last.circuits.count("email"));
  EXPECT_TRUE(last.circuits.at("email").has_value()) << "the report (/healthz) shows it down";
  const int down_connections = read_count(count);
  int attempts = 0;
  for (const AlertRow& r : h.ledger->list(std::nullopt, 1000)) attempts += r.attempts;
  std::cout << "[ breaker  ] " << kAlerts << " alerts, SMTP down for 40 s: " << down_connections
            << " connection(s), " << attempts << " attempt(s) used\n";
  EXPECT_LE(down_connections, 4) << "each waiting alert opened its own connection";
  EXPECT_LE(attempts, down_connections);
  EXPECT_TRUE(h.ledger->list(AlertState::dead, 10).empty());

  // Up again: the next probe succeeds and the backlog drains in the same cycle.
  std::filesystem::remove(down);
  const CycleReport up = h.cycle_at(t0 + std::chrono::minutes{10});
  EXPECT_FALSE(up.circuits.at("email").has_value());
  const StateCounts counts = h.ledger->counts();
  EXPECT_EQ(counts.count(AlertState::sent) ? counts.at(AlertState::sent) : 0, kAlerts);
  int delivered = 0;
  for (const auto& entry : std::filesystem::directory_iterator(mail)) {
    if (entry.path().extension() == ".eml") ++delivered;
  }
  EXPECT_EQ(delivered, kAlerts);
  const int up_connections = read_count(count) - down_connections;
  std::cout << "[ breaker  ] SMTP up: " << kAlerts << " delivered over " << up_connections
            << " connection(s)\n";
  EXPECT_LE(up_connections, 5);
}

}  // namespace
}  // namespace dunghan::alerting
