// The Zalo channel against a loopback server implementing the contract (fakes/http_fake.py):
// token refresh with rotation, -216/-124 on an invalid token, -32, -133, -213.
#include "channels/zalo.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "calendar/clock.h"
#include "channels/fake_server.h"
#include "channels/http.h"
#include "support/temp_dir.h"

namespace dunghan::channels {
namespace {

using testing::FakeServer;
using ::testing::HasSubstr;
using testing::TempDir;
using namespace std::chrono_literals;

// 2026-02-20 10:00 ICT.
const calendar::Instant kNow = std::chrono::sys_days{std::chrono::year{2026} / 2 / 20} + 3h;

class ZaloChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<FakeServer>(
        "http_fake.py", dir_.path(),
        std::vector<std::string>{"--app-id", "app-1", "--secret-key", "s3cret-key",
                                 "--access-token", "at-0", "--refresh-token", "rt-0"});
    token_file_ = dir_.path() / "state" / "zalo-token.json";
    std::filesystem::create_directories(token_file_.parent_path());
    write_zalo_token(token_file_, ZaloToken{"at-0", "rt-0", kNow, 90000s});
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  ZaloOptions options(ZaloOptions::Mode mode) const {
    ZaloOptions o;
    o.mode = mode;
    o.app_id = "app-1";
    o.secret_key = "s3cret-key";
    o.template_id = "7895417a7d3f9461cd2e";
    o.template_params = {"code", "due_date"};
    o.token_file = token_file_;
    o.oauth_url = o.api_url = o.business_api_url = base();
    o.allow_http = true;
    return o;
  }
  std::unique_ptr<ZaloChannel> channel(ZaloOptions::Mode mode) {
    return std::make_unique<ZaloChannel>("zalo", SendWindow::office, options(mode), clock_);
  }

  nlohmann::json post(const std::string& path) {
    CurlHandle h;
    HttpRequest req;
    req.url = base() + path;
    req.protocols = "http";
    req.body = "{}";
    HttpResponse r = http_post(h, req);
    EXPECT_EQ(r.code, CURLE_OK);
    return nlohmann::json::parse(r.body);
  }
  nlohmann::json state() {
    CurlHandle h;
    std::string body;
    curl_easy_setopt(h.get(), CURLOPT_URL, (base() + "/control/state").c_str());
    curl_easy_setopt(
        h.get(), CURLOPT_WRITEFUNCTION, +[](char* d, std::size_t s, std::size_t n, void* u) {
          static_cast<std::string*>(u)->append(d, s * n);
          return s * n;
        });
    curl_easy_setopt(h.get(), CURLOPT_WRITEDATA, &body);
    EXPECT_EQ(curl_easy_perform(h.get()), CURLE_OK);
    return nlohmann::json::parse(body);
  }

  static Message message(const std::string& key = "alert-1") {
    Message m;
    m.key = key;
    m.subject = "Nhắc hạn";
    m.text = "Hồ sơ H01-0001 đến hạn Thứ Hai, 24/02/2026";
    m.params = {{"code", "H01-0001"}, {"due_date", "24/02/2026"}, {"internal", "x"}};
    return m;
  }
  static Address who(std::string phone, std::string uid = "2512523625412515") {
    return Address{"nguyenvana", "Nguyễn Văn A", "", std::move(uid), std::move(phone)};
  }

  TempDir dir_;
  std::unique_ptr<FakeServer> server_;
  std::filesystem::path token_file_;
  calendar::ManualClock clock_{kNow};
};

TEST_F(ZaloChannelTest, TemplateByPhoneSendsTheContract) {
  auto ch = channel(ZaloOptions::Mode::template_phone);
  const Outcome o = ch->send(message(), who("0987 654 321"));
  ASSERT_EQ(o.kind, Outcome::Kind::sent) << o.detail;
  EXPECT_EQ(o.provider_id, "m1");
  const auto s = state();
  ASSERT_EQ(s["sends"].size(), 1u);
  const auto& sent = s["sends"][0];
  EXPECT_EQ(sent["path"], "/message/template");
  EXPECT_EQ(sent["token"], "at-0");
  EXPECT_EQ(sent["body"]["phone"], "84987654321");
  EXPECT_EQ(sent["body"]["template_id"], "7895417a7d3f9461cd2e");
  EXPECT_EQ(sent["body"]["tracking_id"], "alert-1");
  EXPECT_EQ(sent["body"]["template_data"],
            (nlohmann::json{{"code", "H01-0001"}, {"due_date", "24/02/2026"}}));
}

TEST_F(ZaloChannelTest, TemplateByUidAndCsUseTheOaEndpoints) {
  ASSERT_EQ(channel(ZaloOptions::Mode::template_uid)->send(message(), who("")).kind,
            Outcome::Kind::sent);
  ASSERT_EQ(channel(ZaloOptions::Mode::cs)->send(message(), who("")).kind, Outcome::Kind::sent);
  const auto s = state();
  ASSERT_EQ(s["sends"].size(), 2u);
  EXPECT_EQ(s["sends"][0]["path"], "/v3.0/oa/message/template");
  EXPECT_EQ(s["sends"][0]["body"]["user_id"], "2512523625412515");
  EXPECT_EQ(s["sends"][1]["path"], "/v3.0/oa/message/cs");
  EXPECT_EQ(s["sends"][1]["body"]["message"]["text"], message().text);
}

// A CS message holds at most 2000 characters (docs/channels.md): a longer text is cut at 2000 code
// points, never inside a Vietnamese letter's bytes.
TEST_F(ZaloChannelTest, CsTextIsCutAtTwoThousandCodePoints) {
  Message m = message();
  m.text.clear();
  for (int i = 0; i < 1500; ++i) m.text += "Đạ";  // 3000 code points, 2 + 3 bytes each pair
  ASSERT_EQ(channel(ZaloOptions::Mode::cs)->send(m, who("")).kind, Outcome::Kind::sent);
  const std::string sent = state()["sends"][0]["body"]["message"]["text"];
  std::string expected;
  for (int i = 0; i < 1000; ++i) expected += "Đạ";
  EXPECT_EQ(sent, expected);
}

TEST_F(ZaloChannelTest, MissingPhoneOrUserIdIsUnreachable) {
  EXPECT_EQ(channel(ZaloOptions::Mode::template_phone)->send(message(), who("")).kind,
            Outcome::Kind::unreachable);
  EXPECT_EQ(channel(ZaloOptions::Mode::cs)->send(message(), who("0987654321", "")).kind,
            Outcome::Kind::unreachable);
}

TEST_F(ZaloChannelTest, InvalidTokenRefreshesOnceWithRotationAndRetries) {
  post("/control/expire");
  auto ch = channel(ZaloOptions::Mode::cs);
  const Outcome o = ch->send(message(), who(""));
  ASSERT_EQ(o.kind, Outcome::Kind::sent) << o.detail;
  const auto s = state();
  EXPECT_EQ(s["refreshes"], 1);
  EXPECT_EQ(s["token_errors"], 1);
  EXPECT_EQ(s["sends"][0]["token"], "at-1");
  // The new pair is on disk.
  const auto t = read_zalo_token(token_file_);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->access_token, "at-1");
  EXPECT_EQ(t->refresh_token, "rt-1");
  EXPECT_EQ(t->expires_in, 90000s);  // sent as the string "90000"
  EXPECT_EQ(t->obtained_at, kNow);
}

TEST_F(ZaloChannelTest, ZnsInvalidTokenCodeAlsoRefreshes) {
  post("/control/expire");
  const Outcome o = channel(ZaloOptions::Mode::template_phone)->send(message(), who("0987654321"));
  ASSERT_EQ(o.kind, Outcome::Kind::sent) << o.detail;
  EXPECT_EQ(state()["refreshes"], 1);
}

TEST_F(ZaloChannelTest, RefreshesEarlyAboutTwentyHoursIn) {
  auto ch = channel(ZaloOptions::Mode::cs);
  clock_.advance(19h);
  ASSERT_EQ(ch->send(message(), who("")).kind, Outcome::Kind::sent);
  EXPECT_EQ(state()["refreshes"], 0);
  clock_.advance(1h + 1s);
  ASSERT_EQ(ch->send(message(), who("")).kind, Outcome::Kind::sent);
  const auto s = state();
  EXPECT_EQ(s["refreshes"], 1);
  EXPECT_EQ(s["token_errors"], 0);  // refreshed before the token failed
  EXPECT_EQ(s["sends"][1]["token"], "at-1");
}

TEST_F(ZaloChannelTest, CrashBetweenRefreshAndFirstUseLosesNothing) {
  {
    auto ch = channel(ZaloOptions::Mode::cs);
    ASSERT_EQ(ch->refresh_now().kind, Outcome::Kind::sent);
    // The process "dies" here: the object goes away before the new token was ever used.
  }
  auto fresh = channel(ZaloOptions::Mode::cs);
  const Outcome o = fresh->send(message(), who(""));
  ASSERT_EQ(o.kind, Outcome::Kind::sent) << o.detail;
  const auto s = state();
  EXPECT_EQ(s["refreshes"], 1);
  EXPECT_EQ(s["refresh_failures"], 0);
  EXPECT_EQ(s["sends"][0]["token"], "at-1");
}

TEST_F(ZaloChannelTest, UsedRefreshTokenStopsTheChannelWithoutACrash) {
  const std::string stale = testing::read_file(token_file_);
  ASSERT_EQ(channel(ZaloOptions::Mode::cs)->refresh_now().kind, Outcome::Kind::sent);
  // Another copy of the old pair (e.g. a restored backup) holds a refresh token Zalo has rotated.
  {
    std::ofstream out(token_file_, std::ios::trunc);
    out << stale;
  }
  post("/control/expire");
  auto ch = channel(ZaloOptions::Mode::cs);
  const Outcome o = ch->send(message(), who(""));
  EXPECT_EQ(o.kind, Outcome::Kind::failed);
  EXPECT_TRUE(o.operator_error);
  EXPECT_THAT(o.detail, HasSubstr("refresh"));
  EXPECT_TRUE(ch->stopped());
  const int requests = static_cast<int>(state()["requests"].size());
  const Outcome again = ch->send(message("alert-2"), who(""));
  EXPECT_EQ(again.kind, Outcome::Kind::failed);
  EXPECT_EQ(static_cast<int>(state()["requests"].size()), requests);  // failed fast
}

TEST_F(ZaloChannelTest, NewTokenFileRestartsAStoppedChannel) {
  std::filesystem::remove(token_file_);
  write_zalo_token(token_file_, ZaloToken{"at-x", "rt-dead", kNow, 90000s});
  auto ch = channel(ZaloOptions::Mode::cs);
  ASSERT_EQ(ch->send(message(), who("")).kind, Outcome::Kind::failed);
  ASSERT_TRUE(ch->stopped());
  // `dunghan zalo set-token` writes a good pair (the fake still honours rt-0).
  std::this_thread::sleep_for(20ms);
  write_zalo_token(token_file_, ZaloToken{"at-y", "rt-0", kNow, 90000s});
  const Outcome o = ch->send(message(), who(""));
  EXPECT_EQ(o.kind, Outcome::Kind::sent) << o.detail;
  EXPECT_FALSE(ch->stopped());
}

TEST_F(ZaloChannelTest, RateLimitIsRetryAfterAMinute) {
  const Outcome o = channel(ZaloOptions::Mode::cs)->send(message(), who("", "u-ratelimit"));
  ASSERT_EQ(o.kind, Outcome::Kind::retry);
  ASSERT_TRUE(o.not_before.has_value());
  EXPECT_EQ(*o.not_before, kNow + 60s);
}

TEST_F(ZaloChannelTest, NightBanReschedulesToSixOClockIct) {
  // 23:30 ICT on 2026-02-20 = 16:30 UTC.
  clock_.set(std::chrono::sys_days{std::chrono::year{2026} / 2 / 20} + 16h + 30min);
  write_zalo_token(token_file_, ZaloToken{"at-0", "rt-0", clock_.now(), 90000s});
  const Outcome o = channel(ZaloOptions::Mode::template_phone)->send(message(), who("0900000133"));
  ASSERT_EQ(o.kind, Outcome::Kind::retry) << o.detail;
  ASSERT_TRUE(o.not_before.has_value());
  const calendar::Instant six = std::chrono::sys_days{std::chrono::year{2026} / 2 / 20} + 23h;
  EXPECT_GE(*o.not_before, six);  // 06:00 ICT on the 21st = 23:00 UTC on the 20th
  EXPECT_LT(*o.not_before, six + 10min);
}

TEST_F(ZaloChannelTest, NotFollowingIsUnreachable) {
  const Outcome o =
      channel(ZaloOptions::Mode::template_uid)->send(message(), who("", "u-notfollow"));
  EXPECT_EQ(o.kind, Outcome::Kind::unreachable);
  EXPECT_THAT(o.detail, HasSubstr("-213"));
}

TEST_F(ZaloChannelTest, SeedsTheTokenFileFromConfigOnFirstStart) {
  std::filesystem::remove(token_file_);
  ZaloOptions o = options(ZaloOptions::Mode::cs);
  o.initial_access_token = "at-0";
  o.initial_refresh_token = "rt-0";
  ZaloChannel ch("zalo", SendWindow::office, o, clock_);
  ASSERT_EQ(ch.send(message(), who("")).kind, Outcome::Kind::sent);
  const auto t = read_zalo_token(token_file_);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->refresh_token, "rt-0");
}

TEST_F(ZaloChannelTest, NoTokenIsAnOperatorError) {
  std::filesystem::remove(token_file_);
  const Outcome o = channel(ZaloOptions::Mode::cs)->send(message(), who(""));
  EXPECT_EQ(o.kind, Outcome::Kind::failed);
  EXPECT_TRUE(o.operator_error);
  EXPECT_THAT(o.detail, HasSubstr("set-token"));
}

// The token file as a vault: a refresh re-reads the file first and takes a pair written there
// meanwhile (`dunghan zalo set-token`, another channel on the same file) instead of spending the
// refresh token it holds.
TEST(ZaloTokenFile, VaultRefreshTakesANewerPairFromTheFile) {
  TempDir dir;
  const auto f = dir.path() / "zalo-token.json";
  write_zalo_token(f, ZaloToken{"at-1", "rt-1", kNow, 90000s});
  auto vault = make_file_zalo_vault(f);
  int calls = 0;
  const ZaloExchange exchange = [&](const ZaloToken& current, ZaloToken& fresh) {
    ++calls;
    fresh = ZaloToken{"at-" + current.refresh_token, "rt-next", kNow + 1h, 3600s};
    return Outcome::sent_ok();
  };
  const ZaloRefreshResult taken = vault->refresh(ZaloToken{"at-0", "rt-0", kNow, 90000s}, exchange);
  ASSERT_EQ(taken.outcome.kind, Outcome::Kind::sent);
  EXPECT_FALSE(taken.exchanged);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(taken.token->token.refresh_token, "rt-1");
  const ZaloRefreshResult done = vault->refresh(taken.token->token, exchange);
  ASSERT_EQ(done.outcome.kind, Outcome::Kind::sent);
  EXPECT_TRUE(done.exchanged);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(done.token->token.access_token, "at-rt-1");
  EXPECT_EQ(read_zalo_token(f)->refresh_token, "rt-next");
  EXPECT_EQ(read_zalo_token(f)->obtained_at, kNow + 1h);
  EXPECT_EQ(vault->stamp(), done.token->stamp);
}

// A pair Zalo issued that cannot be written stops the channel (the old refresh token is spent).
TEST(ZaloTokenFile, VaultReportsAPairItCouldNotStore) {
  TempDir dir;
  const auto f = dir.path() / "gone" / "zalo-token.json";  // its folder does not exist
  auto vault = make_file_zalo_vault(f);
  const ZaloRefreshResult r = vault->refresh(ZaloToken{"at-0", "rt-0", kNow, 90000s},
                                             [](const ZaloToken&, ZaloToken& fresh) {
                                               fresh = ZaloToken{"at-1", "rt-1", kNow, 90000s};
                                               return Outcome::sent_ok();
                                             });
  EXPECT_EQ(r.outcome.kind, Outcome::Kind::failed);
  ASSERT_TRUE(r.unsaved.has_value());
  EXPECT_EQ(r.unsaved->refresh_token, "rt-1");
  EXPECT_THAT(r.outcome.detail, HasSubstr("could not be saved"));
  EXPECT_THAT(r.outcome.detail, ::testing::Not(HasSubstr("rt-1")));
}

TEST(ZaloTokenFile, WrittenWithOwnerOnlyPermissions) {
  TempDir dir;
  const auto f = dir.path() / "t.json";
  write_zalo_token(f, ZaloToken{"a-token", "r-token", kNow, 90000s});
  const auto perms = std::filesystem::status(f).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  EXPECT_EQ(read_zalo_token(f)->access_token, "a-token");
}

}  // namespace
}  // namespace dunghan::channels
