// The Zalo token vault on the PostgreSQL state (alerting/pg_zalo_vault.h): two dunghan instances
// (two vaults on the same database, each with its own connection) whose channels hit an expired
// token at once make ONE refresh request to Zalo's OAuth endpoint (a loopback fake,
// tests/channels/fakes/http_fake.py, which rotates the single-use refresh token as Zalo does);
// both send with the new access token; the stored refresh token is the new one. Also: the
// refresh is single-flight at the vault itself, a token file is imported once, set-token reaches
// the database, an outage is a retry and never a stop, and no token reaches an error message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "alerting/pg_state.h"
#include "alerting/pg_zalo_vault.h"
#include "calendar/clock.h"
#include "channels/fake_server.h"
#include "channels/http.h"
#include "channels/zalo.h"
#include "support/http_get.h"
#include "support/pg_test_db.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace dunghan::alerting {
namespace {

using channels::Outcome;
using channels::ZaloChannel;
using channels::ZaloOptions;
using channels::ZaloToken;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::PgTestDb;
using testing::TempDir;
using namespace std::chrono_literals;

// 2026-02-20 10:00 ICT.
const calendar::Instant kNow = std::chrono::sys_days{std::chrono::year{2026} / 2 / 20} + 3h;

nlohmann::json fake_state(int port) {
  const testing::HttpResponse r = testing::http_get(port, "/control/state");
  EXPECT_EQ(r.status, 200) << r.body;
  return nlohmann::json::parse(r.body);
}

void fake_expire(int port) {
  channels::CurlHandle h;
  channels::HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/control/expire";
  req.protocols = "http";
  req.body = "{}";
  ASSERT_EQ(channels::http_post(h, req).code, CURLE_OK);
}

channels::Message message(const std::string& key) {
  channels::Message m;
  m.key = key;
  m.subject = "Nhắc hạn";
  m.text = "Hồ sơ H01-0001 đến hạn Thứ Hai, 24/02/2026";
  m.params = {{"code", "H01-0001"}, {"due_date", "24/02/2026"}};
  return m;
}

const channels::Address kWho{"nguyenvana", "Nguyễn Văn A", "", "2512523625412515", ""};

class PgZaloVaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = db_.fresh_schema();
    spec_ = db_.spec(schema_);
    fake_ = std::make_unique<testing::FakeServer>(
        "http_fake.py", dir_.path(),
        std::vector<std::string>{"--app-id", "app-1", "--secret-key", "s3cret-key",
                                 "--access-token", "at-0", "--refresh-token", "rt-0",
                                 "--refresh-delay", "0.4"});
  }

  ZaloOptions options() const {
    ZaloOptions o;
    o.mode = ZaloOptions::Mode::cs;
    o.app_id = "app-1";
    o.secret_key = "s3cret-key";
    o.token_file = dir_.path() / "unused" / "zalo-token.json";
    o.oauth_url = o.api_url = o.business_api_url =
        "http://127.0.0.1:" + std::to_string(fake_->port());
    o.allow_http = true;
    return o;
  }

  std::unique_ptr<channels::ZaloTokenVault> vault(const std::string& instance,
                                                  std::filesystem::path import_file = {}) {
    return open_pg_zalo_vault(spec_, "zalo", instance, std::move(import_file));
  }

  /// The channel of instance `instance`: its own vault, i.e. its own connection.
  std::unique_ptr<ZaloChannel> channel(const std::string& instance) {
    return std::make_unique<ZaloChannel>("zalo", channels::SendWindow::always, options(), clock_,
                                         vault(instance));
  }

  PgTestDb& db_ = PgTestDb::shared();
  std::string schema_;
  pg::ConnectSpec spec_;
  TempDir dir_;
  std::unique_ptr<testing::FakeServer> fake_;
  calendar::ManualClock clock_{kNow};
};

TEST_F(PgZaloVaultTest, TwoInstancesOnAnExpiredTokenRefreshOnceAndBothSendWithTheNewToken) {
  vault("setup")->store(ZaloToken{"at-0", "rt-0", kNow, 90000s});
  auto a = channel("may-1");
  auto b = channel("may-2");
  // Both instances hold at-0 (one send each), then Zalo lets it expire.
  ASSERT_EQ(a->send(message("alert-0a"), kWho).kind, Outcome::Kind::sent);
  ASSERT_EQ(b->send(message("alert-0b"), kWho).kind, Outcome::Kind::sent);
  fake_expire(fake_->port());
  std::barrier start(2);
  Outcome oa, ob;
  std::thread ta([&] {
    start.arrive_and_wait();
    oa = a->send(message("alert-1"), kWho);
  });
  std::thread tb([&] {
    start.arrive_and_wait();
    ob = b->send(message("alert-2"), kWho);
  });
  ta.join();
  tb.join();
  ASSERT_EQ(oa.kind, Outcome::Kind::sent) << oa.detail;
  ASSERT_EQ(ob.kind, Outcome::Kind::sent) << ob.detail;
  const auto s = fake_state(fake_->port());
  EXPECT_EQ(s["refresh_requests"], 1);  // one request reached Zalo's OAuth endpoint
  EXPECT_EQ(s["refreshes"], 1);
  EXPECT_EQ(s["refresh_failures"], 0);
  // Both sent with at-0 first, unless one came late enough to see the new pair first (the
  // refresh answer takes 0.4 s, so both nearly always hit the expired token).
  EXPECT_GE(s["token_errors"].get<int>(), 1);
  EXPECT_LE(s["token_errors"].get<int>(), 2);
  ASSERT_EQ(s["sends"].size(), 4u);
  EXPECT_EQ(s["sends"][2]["token"], "at-1");
  EXPECT_EQ(s["sends"][3]["token"], "at-1");
  EXPECT_FALSE(a->stopped());
  EXPECT_FALSE(b->stopped());
  const auto stored = vault("check")->load();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->token.access_token, "at-1");
  EXPECT_EQ(stored->token.refresh_token, "rt-1");
  EXPECT_EQ(stored->token.obtained_at, kNow);
  EXPECT_EQ(stored->token.expires_in, 90000s);
  const std::string by = db_.server().sql(
      "SELECT updated_by FROM " + schema_ + ".zalo_token WHERE channel = 'zalo'", "dunghan");
  EXPECT_THAT(by, ::testing::AnyOf(HasSubstr("may-1"), HasSubstr("may-2")));
}

// The same two instances with today's per-instance token files instead of the shared vault: the
// second one refreshes with the refresh token the first one already spent, and its channel stops.
// This is what the shared vault prevents (the test above fails the same way without it).
TEST_F(PgZaloVaultTest, SeparateTokenFilesPerInstanceBreakTheChannel) {
  const auto file_a = dir_.path() / "state-1" / "zalo-token.json";
  const auto file_b = dir_.path() / "state-2" / "zalo-token.json";
  for (const auto& f : {file_a, file_b}) {
    std::filesystem::create_directories(f.parent_path());
    channels::write_zalo_token(f, ZaloToken{"at-0", "rt-0", kNow, 90000s});
  }
  ZaloOptions oa = options(), ob = options();
  oa.token_file = file_a;
  ob.token_file = file_b;
  ZaloChannel a("zalo", channels::SendWindow::always, oa, clock_);
  ZaloChannel b("zalo", channels::SendWindow::always, ob, clock_);
  fake_expire(fake_->port());
  ASSERT_EQ(a.send(message("alert-1"), kWho).kind, Outcome::Kind::sent);
  const Outcome o = b.send(message("alert-2"), kWho);
  EXPECT_EQ(o.kind, Outcome::Kind::failed);
  EXPECT_TRUE(b.stopped());
  EXPECT_EQ(fake_state(fake_->port())["refresh_failures"], 1);
}

// The lock itself: two vaults (two connections) refreshing the same pair at once call the
// exchange once; the other waits on the row lock and gets the pair the first one stored.
TEST_F(PgZaloVaultTest, RefreshIsSingleFlightAcrossVaults) {
  vault("setup")->store(ZaloToken{"at-0", "rt-0", kNow, 90000s});
  auto v1 = vault("may-1");
  auto v2 = vault("may-2");
  ASSERT_TRUE(v1->load().has_value());  // both connected before the race
  ASSERT_TRUE(v2->load().has_value());
  std::atomic<int> exchanges{0};
  const channels::ZaloExchange exchange = [&](const ZaloToken& current, ZaloToken& fresh) {
    EXPECT_EQ(current.refresh_token, "rt-0");
    const int n = ++exchanges;
    std::this_thread::sleep_for(300ms);  // the other vault arrives while this one is at Zalo
    fresh = ZaloToken{"at-new-" + std::to_string(n), "rt-new-" + std::to_string(n), kNow, 3600s};
    return Outcome::sent_ok();
  };
  const ZaloToken seen{"at-0", "rt-0", kNow, 90000s};
  std::barrier start(2);
  channels::ZaloRefreshResult r1, r2;
  std::thread t1([&] {
    start.arrive_and_wait();
    r1 = v1->refresh(seen, exchange);
  });
  std::thread t2([&] {
    start.arrive_and_wait();
    r2 = v2->refresh(seen, exchange);
  });
  t1.join();
  t2.join();
  EXPECT_EQ(exchanges.load(), 1);
  ASSERT_EQ(r1.outcome.kind, Outcome::Kind::sent) << r1.outcome.detail;
  ASSERT_EQ(r2.outcome.kind, Outcome::Kind::sent) << r2.outcome.detail;
  EXPECT_NE(r1.exchanged, r2.exchanged);
  ASSERT_TRUE(r1.token && r2.token);
  EXPECT_EQ(r1.token->token.refresh_token, "rt-new-1");
  EXPECT_EQ(r2.token->token.refresh_token, "rt-new-1");
  EXPECT_EQ(r1.token->stamp, r2.token->stamp);
  EXPECT_EQ(v1->load()->token.refresh_token, "rt-new-1");
}

// A refused exchange changes nothing stored; a refresh after another instance stored a new pair
// (set-token) uses it without asking Zalo.
TEST_F(PgZaloVaultTest, RefusedExchangeKeepsThePairAndANewerPairIsTaken) {
  auto v = vault("may-1");
  v->store(ZaloToken{"at-0", "rt-0", kNow, 90000s});
  const auto before = v->stamp();
  const auto r = v->refresh(
      ZaloToken{"at-0", "rt-0", kNow, 90000s},
      [](const ZaloToken&, ZaloToken&) { return Outcome::failure("token refresh refused"); });
  EXPECT_EQ(r.outcome.kind, Outcome::Kind::failed);
  EXPECT_TRUE(r.exchanged);
  EXPECT_EQ(v->stamp(), before);
  vault("may-2")->store(ZaloToken{"at-9", "rt-9", kNow, 90000s});  // `zalo set-token` elsewhere
  EXPECT_NE(v->stamp(), before);
  bool called = false;
  const auto taken =
      v->refresh(ZaloToken{"at-0", "rt-0", kNow, 90000s}, [&](const ZaloToken&, ZaloToken&) {
        called = true;
        return Outcome::sent_ok();
      });
  EXPECT_FALSE(called);
  EXPECT_FALSE(taken.exchanged);
  ASSERT_EQ(taken.outcome.kind, Outcome::Kind::sent);
  EXPECT_EQ(taken.token->token.refresh_token, "rt-9");
}

// The channel of another instance sees a pair stored by another one at its next send (the stamp
// is the row's version) and sends with it: no token error, no refresh.
TEST_F(PgZaloVaultTest, AnotherInstancesRefreshIsPickedUpWithoutAskingZalo) {
  vault("setup")->store(ZaloToken{"at-0", "rt-0", kNow, 90000s});
  auto a = channel("may-1");
  auto b = channel("may-2");
  ASSERT_EQ(b->send(message("alert-0"), kWho).kind, Outcome::Kind::sent);  // b holds at-0
  ASSERT_EQ(a->refresh_now().kind, Outcome::Kind::sent);
  const Outcome o = b->send(message("alert-1"), kWho);
  ASSERT_EQ(o.kind, Outcome::Kind::sent) << o.detail;
  const auto s = fake_state(fake_->port());
  EXPECT_EQ(s["refresh_requests"], 1);
  EXPECT_EQ(s["token_errors"], 0);
  EXPECT_EQ(s["sends"][1]["token"], "at-1");
}

TEST_F(PgZaloVaultTest, SeedsFromTheConfigurationOnceForAllInstances) {
  ZaloOptions o = options();
  o.initial_access_token = "at-0";
  o.initial_refresh_token = "rt-0";
  ZaloChannel a("zalo", channels::SendWindow::always, o, clock_, vault("may-1"));
  ASSERT_EQ(a.send(message("alert-1"), kWho).kind, Outcome::Kind::sent);
  ASSERT_EQ(a.refresh_now().kind, Outcome::Kind::sent);  // rt-0 is spent now
  // A second instance starting later with the same configuration must not seed rt-0 again.
  ZaloChannel b("zalo", channels::SendWindow::always, o, clock_, vault("may-2"));
  const Outcome ob = b.send(message("alert-2"), kWho);
  ASSERT_EQ(ob.kind, Outcome::Kind::sent) << ob.detail;
  const auto s = fake_state(fake_->port());
  EXPECT_EQ(s["sends"][1]["token"], "at-1");
  EXPECT_EQ(vault("check")->load()->token.refresh_token, "rt-1");
}

TEST_F(PgZaloVaultTest, ATokenFileIsImportedOnceWhenTheDatabaseHasNone) {
  const auto file_1 = dir_.path() / "state-1" / "zalo-token.json";
  const auto file_2 = dir_.path() / "state-2" / "zalo-token.json";
  std::filesystem::create_directories(file_1.parent_path());
  std::filesystem::create_directories(file_2.parent_path());
  channels::write_zalo_token(file_1, ZaloToken{"at-0", "rt-0", kNow, 90000s});
  channels::write_zalo_token(file_2, ZaloToken{"at-old", "rt-old", kNow, 90000s});
  auto v1 = vault("may-1", file_1);
  const auto got = v1->load();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->token.refresh_token, "rt-0");
  EXPECT_FALSE(std::filesystem::exists(file_1));
  EXPECT_TRUE(std::filesystem::exists(file_1.string() + ".imported"));
  // Another instance's older file is not imported over the pair in the database.
  auto v2 = vault("may-2", file_2);
  EXPECT_EQ(v2->load()->token.refresh_token, "rt-0");
  EXPECT_TRUE(std::filesystem::exists(file_2));
  // Nor is a file that shows up again later (a restored backup).
  channels::write_zalo_token(file_1, ZaloToken{"at-old", "rt-old", kNow, 90000s});
  EXPECT_EQ(vault("may-1", file_1)->load()->token.refresh_token, "rt-0");
}

// The database is down: the channel gets a retry naming the server (never a token nor the
// password) and is not stopped; when the server is back it sends.
TEST_F(PgZaloVaultTest, AnOutageIsARetryNeverAStop) {
  vault("setup")->store(ZaloToken{"at-0", "rt-0", kNow, 90000s});
  pg::ConnectSpec wrong = spec_;
  wrong.port = testing::PgTestDb::shared().server().port() + 1;  // nobody listens there
  wrong.connect_timeout = 2s;
  ZaloChannel down("zalo", channels::SendWindow::always, options(), clock_,
                   open_pg_zalo_vault(wrong, "zalo", "may-1", {}));
  const Outcome o = down.send(message("alert-1"), kWho);
  EXPECT_EQ(o.kind, Outcome::Kind::retry) << o.detail;
  EXPECT_TRUE(o.channel_down);
  EXPECT_THAT(o.detail, HasSubstr("127.0.0.1"));
  EXPECT_THAT(o.detail, Not(HasSubstr("at-0")));
  EXPECT_THAT(o.detail, Not(HasSubstr(db_.password())));
  EXPECT_FALSE(down.stopped());
}

// The database goes away under running channels (a TCP gate in front of the server closes every
// new connection; the vault's own is ended): the pair in hand keeps sending; a refresh that needs
// the database is a retry, not a stop, and nothing is asked of Zalo; when the database is back
// the refresh goes through.
TEST_F(PgZaloVaultTest, DuringAnOutageThePairInHandSendsAndARefreshWaits) {
  vault("setup")->store(ZaloToken{"at-0", "rt-0", kNow, 90000s});
  const auto down_file = dir_.path() / "pg.down";
  testing::FakeServer gate(
      "tcp_gate.py", dir_.path(),
      {"--target", std::to_string(db_.server().port()), "--down-file", down_file.string(),
       "--count-file", (dir_.path() / "gate.count").string()});
  pg::ConnectSpec through = spec_;
  through.host = "127.0.0.1";
  through.port = gate.port();
  through.application_name = "zalo-outage";
  through.connect_timeout = 2s;
  ZaloChannel ch("zalo", channels::SendWindow::always, options(), clock_,
                 open_pg_zalo_vault(through, "zalo", "may-1", {}));
  ASSERT_EQ(ch.send(message("alert-1"), kWho).kind, Outcome::Kind::sent);
  std::ofstream(down_file) << "down\n";
  for (const int pid : db_.backends("zalo-outage")) db_.terminate(pid);
  const Outcome during = ch.send(message("alert-2"), kWho);
  ASSERT_EQ(during.kind, Outcome::Kind::sent) << during.detail;
  fake_expire(fake_->port());
  const Outcome refresh = ch.send(message("alert-3"), kWho);
  EXPECT_EQ(refresh.kind, Outcome::Kind::retry) << refresh.detail;
  EXPECT_TRUE(refresh.channel_down);
  EXPECT_THAT(refresh.detail, HasSubstr("unavailable"));
  EXPECT_THAT(refresh.detail, Not(HasSubstr(db_.password())));
  EXPECT_FALSE(ch.stopped());
  EXPECT_EQ(fake_state(fake_->port())["refresh_requests"], 0);
  std::filesystem::remove(down_file);
  const Outcome after = ch.send(message("alert-3"), kWho);
  ASSERT_EQ(after.kind, Outcome::Kind::sent) << after.detail;
  const auto s = fake_state(fake_->port());
  EXPECT_EQ(s["refreshes"], 1);
  EXPECT_EQ(s["sends"].back()["token"], "at-1");
  EXPECT_EQ(vault("check")->load()->token.refresh_token, "rt-1");
}

#ifdef DUNGHAN_BINARY
// `dunghan zalo set-token` with [state] kind = "postgresql" writes the pair to the database (not
// to the state directory), where every instance's channel finds it.
TEST_F(PgZaloVaultTest, SetTokenWritesToTheStateDatabase) {
  const auto pw = dir_.path() / "pg.password";
  { std::ofstream(pw) << db_.password() << "\n"; }
  std::filesystem::permissions(
      pw, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
      std::filesystem::perm_options::replace);
  const auto cfg = dir_.path() / "dunghan.toml";
  {
    std::ofstream out(cfg);
    out << "[service]\nstate_dir = \"" << (dir_.path() / "state").string() << "\"\n\n"
        << "[calendar]\nutc_offset = \"+07:00\"\n\n"
        << "[state]\nkind = \"postgresql\"\nurl = \"" << db_.url(schema_) << "\"\n"
        << "password_file = \"" << pw.string() << "\"\n\n"
        << "[channel.zalo]\ntype = \"zalo\"\nmode = \"cs\"\napp_id = \"app-1\"\n"
        << "secret_key = \"s3cret-key\"\n";
  }
  std::ofstream(dir_.path() / "at.txt") << "at-cli\n";
  std::ofstream(dir_.path() / "rt.txt") << "rt-cli\n";
  const testing::ProcessResult r = testing::run_process(
      DUNGHAN_BINARY, {"zalo", "set-token", "--config", cfg.string(), "--access-token-file",
                       (dir_.path() / "at.txt").string(), "--refresh-token-file",
                       (dir_.path() / "rt.txt").string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("zalo_token"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("rt-cli")));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "state" / "zalo-token.json"));
  const auto stored = vault("check")->load();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->token.access_token, "at-cli");
  EXPECT_EQ(stored->token.refresh_token, "rt-cli");
}
#endif

}  // namespace
}  // namespace dunghan::alerting
