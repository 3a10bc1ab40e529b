// The webhook channel against a real HTTPS receiver on loopback (tests/channels/fakes/http_fake.py)
// that verifies Standard Webhooks signatures with its own code.
#include "channels/webhook.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "calendar/clock.h"
#include "channels/encoding.h"
#include "channels/fake_server.h"
#include "channels/http.h"
#include "support/temp_dir.h"

namespace dunghan::channels {
namespace {

using testing::FakeServer;
using ::testing::HasSubstr;
using testing::TempDir;

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

calendar::Instant real_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

class WebhookChannelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new TempDir();
    testing::make_certs(certs_->path());
    server_ =
        new FakeServer("http_fake.py", certs_->path(),
                       {"--cert", (certs_->path() / "server.pem").string(), "--key",
                        (certs_->path() / "server.key").string(), "--webhook-secret", kSecret});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete certs_;
  }

  std::string base() const { return "https://127.0.0.1:" + std::to_string(server_->port()); }

  std::unique_ptr<WebhookChannel> channel(const std::string& path, std::string secret = kSecret) {
    WebhookOptions o;
    o.url = base() + path;
    o.secret = std::move(secret);
    o.ca_file = certs_->path() / "ca.pem";
    o.timeout = std::chrono::seconds{10};
    return std::make_unique<WebhookChannel>("hook", SendWindow::always, o, clock_,
                                            calendar::UtcOffset{});
  }

  nlohmann::json state() {
    // A GET through curl's command-line-free API: reuse http_post's handle with a GET.
    CurlHandle h;
    std::string body;
    curl_easy_setopt(h.get(), CURLOPT_URL, (base() + "/control/state").c_str());
    curl_easy_setopt(h.get(), CURLOPT_CAINFO, (certs_->path() / "ca.pem").c_str());
    curl_easy_setopt(
        h.get(), CURLOPT_WRITEFUNCTION, +[](char* d, std::size_t s, std::size_t n, void* u) {
          static_cast<std::string*>(u)->append(d, s * n);
          return s * n;
        });
    curl_easy_setopt(h.get(), CURLOPT_WRITEDATA, &body);
    EXPECT_EQ(curl_easy_perform(h.get()), CURLE_OK);
    return nlohmann::json::parse(body);
  }
  int deliveries(const std::string& id) { return state()["deliveries"].value(id, 0); }

  static Message message(const std::string& key) {
    Message m;
    m.key = key;
    m.subject = "Hồ sơ H01-0001 quá hạn";
    m.text = "Quá hạn 1 ngày làm việc";
    m.params = {{"code", "H01-0001"}, {"state", "overdue"}, {"due", "2026-02-24T17:00:00+07:00"}};
    return m;
  }
  static Address recipient() { return Address{"nguyenvana", "Nguyễn Văn A", "", "", ""}; }

  static TempDir* certs_;
  static FakeServer* server_;
  calendar::ManualClock clock_{real_now()};
};

TempDir* WebhookChannelTest::certs_ = nullptr;
FakeServer* WebhookChannelTest::server_ = nullptr;

TEST_F(WebhookChannelTest, SignedDeliveryIsAcceptedByAnIndependentVerifier) {
  auto ch = channel("/hook/ok");
  const Outcome o = ch->send(message("ok-1"), recipient());
  ASSERT_EQ(o.kind, Outcome::Kind::sent) << o.detail;
  const auto s = state();
  EXPECT_EQ(s["deliveries"]["ok-1"], 1);
  const auto body = nlohmann::json::parse(s["last_body"].get<std::string>());
  EXPECT_EQ(body["type"], "deadline.overdue");
  EXPECT_EQ(body["data"]["code"], "H01-0001");
  EXPECT_EQ(body["data"]["recipient"], "nguyenvana");
  EXPECT_EQ(body["data"]["subject"], "Hồ sơ H01-0001 quá hạn");
  EXPECT_EQ(s["last_headers"]["webhook-timestamp"],
            std::to_string(clock_.now().time_since_epoch().count()));
}

TEST_F(WebhookChannelTest, WrongSecretIsRejectedByTheReceiver) {
  const int before = state()["bad_signatures"];
  auto ch = channel("/hook/ok", "whsec_" + base64_encode("another key of 24 bytes!"));
  const Outcome o = ch->send(message("bad-sig"), recipient());
  EXPECT_EQ(o.kind, Outcome::Kind::failed);
  EXPECT_THAT(o.detail, HasSubstr("401"));
  EXPECT_EQ(state()["bad_signatures"].get<int>(), before + 1);
}

TEST_F(WebhookChannelTest, ServerErrorThenSuccessKeepsTheSameWebhookId) {
  auto ch = channel("/hook/flaky");
  const Outcome first = ch->send(message("flaky-1"), recipient());
  EXPECT_EQ(first.kind, Outcome::Kind::retry) << first.detail;
  EXPECT_TRUE(first.channel_down) << "a 5xx from the one endpoint holds the channel";
  clock_.advance(std::chrono::seconds{5});
  const Outcome second = ch->send(message("flaky-1"), recipient());
  EXPECT_EQ(second.kind, Outcome::Kind::sent) << second.detail;
  EXPECT_EQ(deliveries("flaky-1"), 2);  // both attempts carried id flaky-1
}

TEST_F(WebhookChannelTest, GoneDisablesTheEndpoint) {
  auto ch = channel("/hook/gone");
  const Outcome o = ch->send(message("gone-1"), recipient());
  EXPECT_EQ(o.kind, Outcome::Kind::failed);
  EXPECT_TRUE(o.operator_error);
  EXPECT_FALSE(o.channel_down);
  EXPECT_TRUE(ch->disabled());
  const Outcome again = ch->send(message("gone-2"), recipient());
  EXPECT_EQ(again.kind, Outcome::Kind::failed);
  EXPECT_EQ(deliveries("gone-2"), 0);  // no request was made
}

TEST_F(WebhookChannelTest, RedirectIsNotFollowed) {
  auto ch = channel("/hook/redirect");
  const Outcome o = ch->send(message("redir-1"), recipient());
  EXPECT_EQ(o.kind, Outcome::Kind::failed);
  EXPECT_THAT(o.detail, HasSubstr("302"));
  EXPECT_EQ(state()["deliveries"].value("redir-1", 0), 1);  // only the first hop
}

TEST_F(WebhookChannelTest, RetryAfterIsHonoured) {
  auto ch = channel("/hook/busy");
  const Outcome o = ch->send(message("busy-1"), recipient());
  ASSERT_EQ(o.kind, Outcome::Kind::retry);
  ASSERT_TRUE(o.not_before.has_value());
  EXPECT_EQ(*o.not_before, clock_.now() + std::chrono::seconds{120});
}

TEST_F(WebhookChannelTest, AnEndpointThatCannotBeReachedIsChannelDown) {
  WebhookOptions o;
  o.url = "https://127.0.0.1:1/hook/ok";
  o.secret = kSecret;
  o.connect_timeout = std::chrono::seconds{2};
  WebhookChannel ch("hook", SendWindow::always, o, clock_, calendar::UtcOffset{});
  const Outcome out = ch.send(message("down-1"), recipient());
  EXPECT_EQ(out.kind, Outcome::Kind::retry) << out.detail;
  EXPECT_TRUE(out.channel_down);
}

// Up to `connections` requests at once, each over its own kept-alive connection.
TEST_F(WebhookChannelTest, SeveralThreadsPostAtOnceEachMessageOnce) {
  auto ch = channel("/hook/ok");
  EXPECT_EQ(ch->max_concurrent_sends(), 4U);
  std::vector<std::thread> senders;
  std::atomic<int> sent{0};
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const std::string key = "par-" + std::to_string(t) + "-" + std::to_string(i);
        if (ch->send(message(key), recipient()).kind == Outcome::Kind::sent) ++sent;
      }
    });
  }
  for (auto& s : senders) s.join();
  ch->end_batch();
  EXPECT_EQ(sent.load(), 20);
  for (int t = 0; t < 4; ++t) {
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(deliveries("par-" + std::to_string(t) + "-" + std::to_string(i)), 1);
    }
  }
}

TEST_F(WebhookChannelTest, KeysThatAreNotSafeIdsAreHashed) {
  auto ch = channel("/hook/ok");
  const std::string key = "H01.23-2026-00001|rule|1|0|nva|hook";
  ASSERT_EQ(ch->send(message(key), recipient()).kind, Outcome::Kind::sent);
  const std::string id = state()["last_headers"]["webhook-id"];
  EXPECT_EQ(id, derive_id(key, "msg_", 64));
  EXPECT_EQ(id.find('.'), std::string::npos);
}

TEST_F(WebhookChannelTest, BodyTemplateFillsJsonStrings) {
  WebhookOptions o;
  o.url = base() + "/hook/ok";
  o.secret = kSecret;
  o.ca_file = certs_->path() / "ca.pem";
  o.body_template = R"({"text": {{subject}}, "who": {{recipient_name}}, "x": {{missing}}})";
  WebhookChannel ch("bot", SendWindow::always, o, clock_, calendar::UtcOffset{});
  Message m = message("tpl-1");
  m.subject = "Quote \" and \\ backslash";
  ASSERT_EQ(ch.send(m, recipient()).kind, Outcome::Kind::sent);
  const auto body = nlohmann::json::parse(state()["last_body"].get<std::string>());
  EXPECT_EQ(body["text"], "Quote \" and \\ backslash");
  EXPECT_EQ(body["who"], "Nguyễn Văn A");
  EXPECT_EQ(body["x"], "");
}

TEST_F(WebhookChannelTest, WrongCaIsAFailure) {
  TempDir other;
  testing::make_certs(other.path(), "o-");
  WebhookOptions o;
  o.url = base() + "/hook/ok";
  o.secret = kSecret;
  o.ca_file = other.path() / "o-ca.pem";
  WebhookChannel ch("hook", SendWindow::always, o, clock_, calendar::UtcOffset{});
  const Outcome out = ch.send(message("ca-1"), recipient());
  EXPECT_EQ(out.kind, Outcome::Kind::failed);
  EXPECT_EQ(deliveries("ca-1"), 0);
}

TEST_F(WebhookChannelTest, PlainHttpIsNotSpokenToAnHttpsUrl) {
  // The channel speaks only https unless the URL itself is http: a redirect or a config typo
  // cannot downgrade it. Here: nothing listens on the port, so the outcome is a retry.
  WebhookOptions o;
  o.url = "https://127.0.0.1:1/hook";
  o.secret = kSecret;
  WebhookChannel ch("hook", SendWindow::always, o, clock_, calendar::UtcOffset{});
  EXPECT_EQ(ch.send(message("x"), recipient()).kind, Outcome::Kind::retry);
}

}  // namespace
}  // namespace dunghan::channels
