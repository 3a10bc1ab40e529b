#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/config_errors.h"
#include "support/temp_dir.h"

namespace dunghan::config {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

TEST(ChannelsConfig, ReadsEveryTypeInFileOrder) {
  TempDir dir;
  dir.write("smtp.pass", "mật khẩu\n");
  dir.write("zalo.secret", "zalo-app-secret\n");
  dir.write("hook.secret", std::string(kSecret) + "\n");
  const auto file = dir.write("d.toml", R"(
[channel.screen]
type = "console"
send_window = "always"

[channel.audit]
type = "file"
path = "alerts.jsonl"

[channel.email]
type = "email"
url = "smtp://mail.example.gov.vn:587"
from = "Một cửa BQL KCN <motcua@example.gov.vn>"
username = "motcua"
password_file = "smtp.pass"
ca_file = ""
tls_verify = true
timeout = 30

[channel.zalo]
type = "zalo"
mode = "template_uid"
app_id = "123"
secret_key_file = "zalo.secret"
template_id = "tpl"
template_params = ["code", "due_date"]
token_file = "zalo-token.json"
oauth_url = "https://oauth.zaloapp.com"

[channel.hook]
type = "webhook"
url = "https://example.gov.vn/hooks/dunghan"
secret_file = "hook.secret"
)");
  const Config c = load_config(file);
  ASSERT_EQ(c.channels.size(), 5u);
  EXPECT_EQ(c.channels[0].name, "screen");
  EXPECT_EQ(c.channels[0].send_window, channels::SendWindow::always);
  EXPECT_EQ(c.channels[1].name, "audit");
  EXPECT_EQ(c.channels[1].send_window, channels::SendWindow::office);
  EXPECT_EQ(std::get<channels::FileOptions>(c.channels[1].kind).path, dir.path() / "alerts.jsonl");
  const auto& e = std::get<channels::EmailOptions>(c.channels[2].kind);
  EXPECT_EQ(e.password, "mật khẩu");
  EXPECT_TRUE(e.ca_file.empty());
  EXPECT_TRUE(e.starttls);
  EXPECT_EQ(e.timeout, std::chrono::seconds{30});
  const auto& z = std::get<channels::ZaloOptions>(c.channels[3].kind);
  EXPECT_EQ(z.mode, channels::ZaloOptions::Mode::template_uid);
  EXPECT_EQ(z.secret_key, "zalo-app-secret");
  EXPECT_EQ(z.token_file, "zalo-token.json");  // relative: the state directory
  EXPECT_EQ(z.template_params, (std::vector<std::string>{"code", "due_date"}));
  const auto& w = std::get<channels::WebhookOptions>(c.channels[4].kind);
  EXPECT_EQ(w.secret, kSecret);
  EXPECT_EQ(c.channels[4].utc_offset.east, std::chrono::minutes{420});
}

TEST(ChannelsConfig, MissingAndUnknownTypeAreReported) {
  TempDir dir;
  const auto errs = errors_of(dir.write("d.toml",
                                        "[channel.a]\nurl = \"x\"\n"
                                        "[channel.b]\ntype = \"emial\"\n"));
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].key, "channel.a.type");
  EXPECT_EQ(errs[1].key, "channel.b.type");
  EXPECT_THAT(errs[1].message, HasSubstr("email"));
}

TEST(ChannelsConfig, UnknownKeyOfATypeIsReportedWithASuggestion) {
  TempDir dir;
  const auto errs = errors_of(dir.write("d.toml",
                                        "[channel.audit]\ntype = \"file\"\npath = \"a.jsonl\"\n"
                                        "tls_verify = true\n"
                                        "[channel.hook]\ntype = \"webhook\"\n"
                                        "url = \"https://x.vn/h\"\nsecret = \"" +
                                            std::string(kSecret) + "\"\nalow_http = true\n"));
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].key, "channel.audit.tls_verify");
  EXPECT_EQ(errs[1].key, "channel.hook.alow_http");
  EXPECT_THAT(errs[1].message, HasSubstr("allow_http"));
}

TEST(ChannelsConfig, EmailUrlMustBeSmtpOrSmtps) {
  TempDir dir;
  const auto errs = errors_of(dir.write(
      "d.toml", "[channel.e]\ntype = \"email\"\nurl = \"http://mail.vn\"\nfrom = \"a@b.vn\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "channel.e.url");
}

TEST(ChannelsConfig, EmailFromMustBeAValidMailbox) {
  TempDir dir;
  const auto errs = errors_of(dir.write("d.toml",
                                        "[channel.e]\ntype = \"email\"\nurl = \"smtps://m.vn\"\n"
                                        "from = \"Một cửa <motcua at example>\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "channel.e.from");
}

TEST(ChannelsConfig, StarttlsOffOnlyForLoopback) {
  TempDir dir;
  const std::string base = "[channel.e]\ntype = \"email\"\nfrom = \"a@b.vn\"\nstarttls = false\n";
  EXPECT_TRUE(errors_of(dir.write("ok.toml", base + "url = \"smtp://127.0.0.1:2525\"\n")).empty());
  const auto errs = errors_of(dir.write("bad.toml", base + "url = \"smtp://mail.vn:587\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "channel.e.starttls");
}

TEST(ChannelsConfig, UsernameNeedsAPassword) {
  TempDir dir;
  const auto errs = errors_of(dir.write("d.toml",
                                        "[channel.e]\ntype = \"email\"\nurl = \"smtps://m.vn\"\n"
                                        "from = \"a@b.vn\"\nusername = \"u\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "channel.e.password");
}

TEST(ChannelsConfig, PasswordFromEnvironment) {
  TempDir dir;
  ::setenv("DUNGHAN_TEST_SMTP_PASS", "từ-môi-trường", 1);
  const Config c = load_config(dir.write("d.toml",
                                         "[channel.e]\ntype = \"email\"\nurl = \"smtps://m.vn\"\n"
                                         "from = \"a@b.vn\"\nusername = \"u\"\n"
                                         "password = \"env:DUNGHAN_TEST_SMTP_PASS\"\n"));
  ::unsetenv("DUNGHAN_TEST_SMTP_PASS");
  EXPECT_EQ(std::get<channels::EmailOptions>(c.channels.at(0).kind).password, "từ-môi-trường");
}

TEST(ChannelsConfig, WebhookHttpOnlyToLoopbackOrWhenAllowed) {
  TempDir dir;
  const std::string head =
      "[channel.h]\ntype = \"webhook\"\nsecret = \"" + std::string(kSecret) + "\"\n";
  EXPECT_TRUE(errors_of(dir.write("a.toml", head + "url = \"http://127.0.0.1:8080/h\"\n")).empty());
  EXPECT_TRUE(errors_of(dir.write("b.toml", head + "url = \"http://[::1]:8080/h\"\n")).empty());
  EXPECT_TRUE(errors_of(dir.write("c.toml", head + "url = \"http://localhost/h\"\n")).empty());
  EXPECT_TRUE(
      errors_of(dir.write("d.toml", head + "url = \"http://hooks.vn/h\"\nallow_http = true\n"))
          .empty());
  const auto errs = errors_of(dir.write("e.toml", head + "url = \"http://hooks.vn/h\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "channel.h.url");
  EXPECT_EQ(errors_of(dir.write("f.toml", head + "url = \"ftp://hooks.vn/h\"\n")).size(), 1u);
}

TEST(ChannelsConfig, WebhookToAPrivateAddressNeedsAllowPrivateNetwork) {
  TempDir dir;
  const std::string head =
      "[channel.h]\ntype = \"webhook\"\nsecret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n";
  const auto errs = errors_of(dir.write("a.toml", head + "url = \"https://10.0.0.5/h\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "channel.h.url");
  EXPECT_THAT(errs[0].message, HasSubstr("private network"));
  EXPECT_THAT(errs[0].message, HasSubstr("allow_private_network = true"));
  EXPECT_TRUE(errors_of(dir.write("b.toml", head + "url = \"https://10.0.0.5/h\"\n"
                                                   "allow_private_network = true\n"))
                  .empty());
  const auto metadata =
      errors_of(dir.write("c.toml", head + "url = \"https://169.254.169.254/latest\"\n"));
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_THAT(metadata[0].message, HasSubstr("link-local"));
  const auto never = errors_of(dir.write("d.toml", head + "url = \"https://0.0.0.0/h\"\n"
                                                          "allow_private_network = true\n"));
  ASSERT_EQ(never.size(), 1u);
  EXPECT_THAT(never[0].message, HasSubstr("can never reach"));
  // Names are judged when connecting, not here.
  EXPECT_TRUE(
      errors_of(dir.write("e.toml", head + "url = \"https://hooks.so-kh.local/h\"\n")).empty());
}

TEST(ChannelsConfig, WebhookSecretMustBeAWhsecKeyAndIsNeverShown) {
  TempDir dir;
  const auto errs = errors_of(dir.write(
      "d.toml",
      "[channel.h]\ntype = \"webhook\"\nurl = \"https://h.vn\"\nsecret = \"whsec_@@@@notb64\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "channel.h.secret");
  EXPECT_THAT(errs[0].message, ::testing::Not(HasSubstr("@@@@notb64")));
}

TEST(ChannelsConfig, WebhookBodyTemplateMustBeJson) {
  TempDir dir;
  const std::string head = "[channel.h]\ntype = \"webhook\"\nurl = \"https://h.vn\"\nsecret = \"" +
                           std::string(kSecret) + "\"\n";
  EXPECT_TRUE(
      errors_of(dir.write("a.toml", head + "body_template = '{\"text\": {{subject}}}'\n")).empty());
  const auto errs =
      errors_of(dir.write("b.toml", head + "body_template = '{\"text\": {{subject}}'\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "channel.h.body_template");
}

TEST(ChannelsConfig, ZaloTemplateModesNeedATemplateId) {
  TempDir dir;
  const auto errs = errors_of(dir.write("d.toml",
                                        "[channel.z]\ntype = \"zalo\"\napp_id = \"1\"\n"
                                        "secret_key = \"abcd1234\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "channel.z.template_id");
  EXPECT_TRUE(errors_of(dir.write("cs.toml",
                                  "[channel.z]\ntype = \"zalo\"\nmode = \"cs\"\napp_id = \"1\"\n"
                                  "secret_key = \"abcd1234\"\n"))
                  .empty());
}

TEST(ChannelsConfig, ZaloInitialTokensComeInPairs) {
  TempDir dir;
  const auto errs = errors_of(dir.write("d.toml",
                                        "[channel.z]\ntype = \"zalo\"\nmode = \"cs\"\n"
                                        "app_id = \"1\"\nsecret_key = \"abcd1234\"\n"
                                        "initial_access_token = \"access-1\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "channel.z.initial_access_token");
}

TEST(ChannelsConfig, ZaloPlainHttpBaseUrlOnlyToLoopback) {
  TempDir dir;
  const std::string head =
      "[channel.z]\ntype = \"zalo\"\nmode = \"cs\"\napp_id = \"1\"\nsecret_key = \"abcd1234\"\n";
  const Config c = load_config(dir.write("a.toml", head + "api_url = \"http://127.0.0.1:9/\"\n"));
  const auto& z = std::get<channels::ZaloOptions>(c.channels.at(0).kind);
  EXPECT_EQ(z.api_url, "http://127.0.0.1:9");
  EXPECT_TRUE(z.allow_http);
  const auto errs = errors_of(dir.write("b.toml", head + "api_url = \"http://openapi.zalo.me\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "channel.z.api_url");
}

TEST(ChannelsConfig, BadChannelNameIsReported) {
  TempDir dir;
  const auto errs = errors_of(dir.write("d.toml", "[channel.\"bad name\"]\ntype = \"console\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0].message, HasSubstr("bad name"));
}

}  // namespace
}  // namespace dunghan::config
