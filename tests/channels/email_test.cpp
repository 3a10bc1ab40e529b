// The email channel against a real SMTP server on loopback (aiosmtpd, tests/channels/fakes).
#include "channels/email.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "calendar/clock.h"
#include "channels/fake_server.h"
#include "support/temp_dir.h"

namespace dunghan::channels {
namespace {

using testing::FakeServer;
using ::testing::HasSubstr;
using testing::TempDir;

const calendar::Instant kNow =
    std::chrono::sys_days{std::chrono::year{2026} / 2 / 20} + std::chrono::hours{1};

class EmailChannelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new TempDir();
    testing::make_certs(certs_->path());
    testing::make_certs(certs_->path(), "other-");
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }

  /// Starts the fake with STARTTLS and AUTH (or as told) and returns options pointing at it.
  EmailOptions start(std::vector<std::string> extra = {}, bool tls = true, bool auth = true,
                     bool implicit = false) {
    std::filesystem::create_directories(dir_.path() / "mail");
    std::vector<std::string> args = {"--maildir", (dir_.path() / "mail").string()};
    if (tls) {
      args.insert(args.end(), {"--cert", (certs_->path() / "server.pem").string(), "--key",
                               (certs_->path() / "server.key").string()});
    }
    if (implicit) args.emplace_back("--implicit-tls");
    if (auth) {
      for (auto a : {"--user", "motcua", "--password", "mật-khẩu-1"}) args.emplace_back(a);
    }
    for (auto& a : extra) args.push_back(a);
    server_ = std::make_unique<FakeServer>("smtp_fake.py", dir_.path(), args);
    EmailOptions o;
    o.url = std::string(implicit ? "smtps" : "smtp") +
            "://127.0.0.1:" + std::to_string(server_->port());
    o.from = "Một cửa BQL KCN <motcua@example.gov.vn>";
    if (auth) {
      o.username = "motcua";
      o.password = "mật-khẩu-1";
    }
    o.ca_file = certs_->path() / "ca.pem";
    o.starttls = tls;
    o.connect_timeout = std::chrono::seconds{5};
    o.timeout = std::chrono::seconds{10};
    return o;
  }

  std::unique_ptr<EmailChannel> channel(EmailOptions o) {
    return std::make_unique<EmailChannel>("email", SendWindow::office, std::move(o), clock_,
                                          calendar::UtcOffset{});
  }

  /// What Python's email package reads from received message `n` (1-based).
  nlohmann::json received(int n) {
    char name[16];
    std::snprintf(name, sizeof name, "%03d.eml", n);
    const auto r = testing::run_process(testing::kPython, {testing::fake_script("read_mail.py"),
                                                           (dir_.path() / "mail" / name).string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
  nlohmann::json envelope(int n) {
    char name[16];
    std::snprintf(name, sizeof name, "%03d.json", n);
    return nlohmann::json::parse(testing::read_file(dir_.path() / "mail" / name));
  }
  std::size_t mail_count() {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path() / "mail")) {
      if (e.path().extension() == ".eml") ++n;
    }
    return n;
  }

  static Message vietnamese() {
    Message m;
    m.key = "H01.23-2026-00001|nhac-truoc-han|1|0|nguyenvana|email";
    m.subject =
        "[Nhắc hạn] Hồ sơ H01.23-2026-00001 đến hạn Thứ Hai, 24/02/2026 — còn 2 ngày "
        "làm việc";
    m.text =
        "Kính gửi anh/chị Nguyễn Văn A,\n\nHồ sơ: H01.23-2026-00001\nThủ tục: Cấp giấy "
        "chứng nhận đăng ký đầu tư\nHạn giải quyết: Thứ Hai, 24/02/2026 17:00\nCòn lại: 2 "
        "ngày làm việc.\n.\nDòng bắt đầu bằng dấu chấm ở trên.\n" +
        std::string(200, 'x') + " dòng dài\n";
    m.html =
        "<p>Kính gửi <b>Nguyễn Văn A</b>,</p><p>Hồ sơ H01.23-2026-00001 đến hạn Thứ Hai, "
        "24/02/2026.</p>";
    return m;
  }
  static Address nguyen() {
    return Address{"nguyenvana", "Nguyễn Văn A", "nguyenvana@example.gov.vn", "", ""};
  }
  static std::string lf(std::string s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
      out.push_back(s[i]);
    }
    return out;
  }

  static TempDir* certs_;
  TempDir dir_;
  calendar::ManualClock clock_{kNow};
  std::unique_ptr<FakeServer> server_;
};

TempDir* EmailChannelTest::certs_ = nullptr;

TEST_F(EmailChannelTest, VietnameseSubjectAndBodiesArriveExactly) {
  auto ch = channel(start());
  const Message m = vietnamese();
  const Outcome o = ch->send(m, nguyen());
  ASSERT_EQ(o.kind, Outcome::Kind::sent) << o.detail;
  const auto r = received(1);
  EXPECT_EQ(r["subject"], m.subject);
  EXPECT_EQ(lf(r["text"]), m.text);
  EXPECT_EQ(lf(r["html"]), m.html);
  EXPECT_EQ(r["text_charset"], "utf-8");
  EXPECT_EQ(r["html_charset"], "utf-8");
  EXPECT_EQ(r["text_cte"], "quoted-printable");
  EXPECT_EQ(r["html_cte"], "base64");
  EXPECT_TRUE(r.value("has_alternative", false));
  EXPECT_EQ(r["from_name"], "Một cửa BQL KCN");
  EXPECT_EQ(r["from_addr"], "motcua@example.gov.vn");
  EXPECT_EQ(r["to_name"], "Nguyễn Văn A");
  EXPECT_EQ(r["to"], nlohmann::json::array({"nguyenvana@example.gov.vn"}));
  EXPECT_TRUE(r["date_valid"]);
  EXPECT_EQ(r["date"], "Fri, 20 Feb 2026 08:00:00 +0700");
  const auto env = envelope(1);
  EXPECT_EQ(env["mail_from"], "motcua@example.gov.vn");
  EXPECT_EQ(env["rcpt_tos"], nlohmann::json::array({"nguyenvana@example.gov.vn"}));
  EXPECT_TRUE(env["peer_tls"]);
  EXPECT_TRUE(env["authenticated"]);
}

TEST_F(EmailChannelTest, MessageIdIsStableForTheSameKey) {
  auto ch = channel(start());
  const Message m = vietnamese();
  ASSERT_EQ(ch->send(m, nguyen()).kind, Outcome::Kind::sent);
  clock_.advance(std::chrono::hours{1});
  ASSERT_EQ(ch->send(m, nguyen()).kind, Outcome::Kind::sent);
  Message other = m;
  other.key += "-2";
  ASSERT_EQ(ch->send(other, nguyen()).kind, Outcome::Kind::sent);
  const std::string id1 = received(1)["message_id"];
  EXPECT_EQ(id1, received(2)["message_id"].get<std::string>());
  EXPECT_NE(id1, received(3)["message_id"].get<std::string>());
  EXPECT_THAT(id1, ::testing::EndsWith("@example.gov.vn>"));
}

TEST_F(EmailChannelTest, InjectedNameAndSubjectAddNoHeader) {
  auto ch = channel(start());
  Message m = vietnamese();
  m.subject = "Hồ sơ\r\nBcc: victim@evil.example";
  Address a = nguyen();
  a.name = "Nguyễn\r\nBcc: x@y";
  ASSERT_EQ(ch->send(m, a).kind, Outcome::Kind::sent);
  const auto r = received(1);
  for (const auto& h : r["header_names"]) {
    EXPECT_NE(h.get<std::string>(), "Bcc");
    EXPECT_NE(h.get<std::string>(), "bcc");
  }
  EXPECT_EQ(envelope(1)["rcpt_tos"], nlohmann::json::array({"nguyenvana@example.gov.vn"}));
}

TEST_F(EmailChannelTest, InjectedAddressIsRefusedBeforeAnyConnection) {
  auto ch = channel(start());
  Address a = nguyen();
  a.email = "nguyenvana@example.gov.vn>\r\nRCPT TO:<x@y.z";
  const Outcome o = ch->send(vietnamese(), a);
  EXPECT_EQ(o.kind, Outcome::Kind::unreachable);
  EXPECT_EQ(mail_count(), 0u);
}

TEST_F(EmailChannelTest, OneConnectionServesABatch) {
  auto ch = channel(start());
  for (int i = 0; i < 3; ++i) {
    Message m = vietnamese();
    m.key = "k" + std::to_string(i);
    ASSERT_EQ(ch->send(m, nguyen()).kind, Outcome::Kind::sent);
  }
  ch->end_batch();
  Message m = vietnamese();
  m.key = "after-batch";
  ASSERT_EQ(ch->send(m, nguyen()).kind, Outcome::Kind::sent);
  EXPECT_EQ(mail_count(), 4u);
}

TEST_F(EmailChannelTest, WrongCaFailsTheSend) {
  EmailOptions o = start();
  o.ca_file = certs_->path() / "other-ca.pem";
  const Outcome out = channel(o)->send(vietnamese(), nguyen());
  EXPECT_EQ(out.kind, Outcome::Kind::failed);
  EXPECT_TRUE(out.operator_error);
  EXPECT_THAT(out.detail, HasSubstr("TLS"));
  EXPECT_EQ(mail_count(), 0u);
}

TEST_F(EmailChannelTest, ServerWithoutStarttlsIsRefused) {
  EmailOptions o = start({}, /*tls=*/false, /*auth=*/false);
  o.starttls = true;  // required, but the server does not offer it
  const Outcome out = channel(o)->send(vietnamese(), nguyen());
  EXPECT_EQ(out.kind, Outcome::Kind::failed);
  EXPECT_TRUE(out.operator_error);
  EXPECT_EQ(mail_count(), 0u);
}

TEST_F(EmailChannelTest, PlainSmtpToLoopbackWhenStarttlsIsOff) {
  EmailOptions o = start({}, /*tls=*/false, /*auth=*/false);
  o.starttls = false;
  ASSERT_EQ(channel(o)->send(vietnamese(), nguyen()).kind, Outcome::Kind::sent);
  EXPECT_FALSE(envelope(1)["peer_tls"]);
}

TEST_F(EmailChannelTest, ImplicitTlsSmtps) {
  EmailOptions o = start({}, /*tls=*/true, /*auth=*/true, /*implicit=*/true);
  const Outcome out = channel(o)->send(vietnamese(), nguyen());
  ASSERT_EQ(out.kind, Outcome::Kind::sent) << out.detail;
  // (aiosmtpd does not flag implicit-TLS sessions; that TLS is in use shows in the CA check.)
  o.ca_file = certs_->path() / "other-ca.pem";
  EXPECT_EQ(channel(o)->send(vietnamese(), nguyen()).kind, Outcome::Kind::failed);
  EXPECT_EQ(mail_count(), 1u);
}

TEST_F(EmailChannelTest, WrongPasswordIsAnOperatorError) {
  EmailOptions o = start();
  o.password = "sai-mật-khẩu";
  const Outcome out = channel(o)->send(vietnamese(), nguyen());
  EXPECT_EQ(out.kind, Outcome::Kind::failed);
  EXPECT_TRUE(out.operator_error);
  EXPECT_THAT(out.detail, HasSubstr("authentication"));
  EXPECT_THAT(out.detail, ::testing::Not(HasSubstr("sai-mật-khẩu")));
}

TEST_F(EmailChannelTest, TransientRecipientFailureIsRetry) {
  auto ch = channel(start());
  Address a = nguyen();
  a.email = "busy-nguyen@example.gov.vn";
  const Outcome out = ch->send(vietnamese(), a);
  EXPECT_EQ(out.kind, Outcome::Kind::retry) << out.detail;
  EXPECT_THAT(out.detail, HasSubstr("451"));
  EXPECT_FALSE(out.channel_down) << "one mailbox is busy, not the server";
}

TEST_F(EmailChannelTest, PermanentRecipientFailureIsUnreachable) {
  auto ch = channel(start());
  Address a = nguyen();
  a.email = "bad-nguyen@example.gov.vn";
  const Outcome out = ch->send(vietnamese(), a);
  EXPECT_EQ(out.kind, Outcome::Kind::unreachable) << out.detail;
  EXPECT_THAT(out.detail, HasSubstr("550"));
  // The channel recovers for the next recipient.
  EXPECT_EQ(ch->send(vietnamese(), nguyen()).kind, Outcome::Kind::sent);
}

TEST_F(EmailChannelTest, NoServerIsRetry) {
  EmailOptions o = start();
  server_.reset();  // the port is now closed
  const Outcome out = channel(o)->send(vietnamese(), nguyen());
  EXPECT_EQ(out.kind, Outcome::Kind::retry) << out.detail;
  EXPECT_TRUE(out.channel_down) << "the whole channel is down: the breaker must hear of it";
}

// Up to `connections` sends run at once, each over its own connection; every message arrives once.
TEST_F(EmailChannelTest, SeveralThreadsSendAtOnceAndEveryMessageArrives) {
  EmailOptions o = start();
  o.connections = 4;
  auto ch = channel(o);
  EXPECT_EQ(ch->max_concurrent_sends(), 4U);
  std::vector<std::thread> senders;
  std::atomic<int> sent{0};
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        Message m = vietnamese();
        m.key = "k" + std::to_string(t) + "-" + std::to_string(i);
        if (ch->send(m, nguyen()).kind == Outcome::Kind::sent) ++sent;
      }
    });
  }
  for (auto& s : senders) s.join();
  ch->end_batch();
  EXPECT_EQ(sent.load(), 12);
  std::set<std::string> ids;
  for (int n = 1; n <= 12; ++n) ids.insert(received(n)["message_id"].get<std::string>());
  EXPECT_EQ(ids.size(), 12U);
}

TEST_F(EmailChannelTest, RecipientWithoutEmailIsUnreachable) {
  EmailOptions o;
  o.url = "smtp://127.0.0.1:1";
  o.from = "a@b.vn";
  Address a = nguyen();
  a.email.clear();
  EXPECT_EQ(channel(o)->send(vietnamese(), a).kind, Outcome::Kind::unreachable);
}

TEST(EmailChannelOptions, InvalidFromIsRejected) {
  calendar::ManualClock clock(kNow);
  EmailOptions o;
  o.url = "smtp://127.0.0.1:25";
  o.from = "Một cửa <not an address>";
  EXPECT_THROW(EmailChannel("e", SendWindow::office, o, clock, calendar::UtcOffset{}),
               ChannelError);
}

}  // namespace
}  // namespace dunghan::channels
