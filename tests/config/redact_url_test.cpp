// A password written into a URL ("smtp://user:PASSWORD@host") is a secret nobody registered:
// log::redact() hides the userinfo of every URL, in log lines and in the errors shown to people.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "config/config.h"
#include "log/logging.h"
#include "log/redact.h"
#include "support/temp_dir.h"

namespace dunghan::log {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RedactUrl, HidesTheUserinfoOfEveryUrl) {
  EXPECT_EQ(redact_url_userinfo("url=smtp://user:PASSWORD@mail.example.gov.vn:587"),
            "url=smtp://[REDACTED]@mail.example.gov.vn:587");
  EXPECT_EQ(redact_url_userinfo("\"https://tok3n@hooks.example.vn/x?a=b@c\" and "
                                "smtps://a:b@h"),
            "\"https://[REDACTED]@hooks.example.vn/x?a=b@c\" and smtps://[REDACTED]@h");
  // An '@' in a password is part of the userinfo (the last '@' ends it).
  EXPECT_EQ(redact_url_userinfo("smtp://u:p@ss@host/"), "smtp://[REDACTED]@host/");
  EXPECT_EQ(redact_url_userinfo("postgresql://dunghan:pw@db:5432/motcua"),
            "postgresql://[REDACTED]@db:5432/motcua");
}

TEST(RedactUrl, LeavesEverythingElseAlone) {
  for (const char* same :
       {"recipient=cvien@example.gov.vn", "url=https://hooks.example.vn/a@b", "://@x",
        "mailto:someone@example.gov.vn", "smtp://mail.example.gov.vn:25", "", "a://b",
        "Cán bộ: nguyễn@ví-dụ.vn"}) {
    EXPECT_EQ(redact_url_userinfo(same), same);
  }
  EXPECT_EQ(redact("url=smtp://u:pass@h other words"), "url=smtp://[REDACTED]@h other words");
}

TEST(RedactUrl, NeverReachesTheLog) {
  testing::TempDir dir;
  const auto file = dir.path() / "dunghan.log";
  init_logging(LogSetup{spdlog::level::debug, Target::stderr_only, file.string()});
  spdlog::warn("event=smtp_plaintext channel=mail url={}", "smtp://dunghan:Pa55-w0rd@10.0.0.5:25");
  spdlog::default_logger()->flush();
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_THAT(ss.str(), HasSubstr("url=smtp://[REDACTED]@10.0.0.5:25"));
  EXPECT_THAT(ss.str(), Not(HasSubstr("Pa55-w0rd")));
  spdlog::drop_all();
}

TEST(RedactUrl, NeverReachesAConfigurationError) {
  testing::TempDir dir;
  const auto path = dir.write("dunghan.toml",
                              "[channel.hook]\ntype = \"webhook\"\n"
                              "url = \"ftp://admin:Pa55-w0rd@hooks.example.vn/x\"\n"
                              "secret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n");
  try {
    config::load_config(path);
    FAIL() << "an ftp:// webhook was accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("hooks.example.vn"));
    EXPECT_THAT(e.what(), Not(HasSubstr("Pa55-w0rd")));
    for (const config::Diagnostic& d : e.diagnostics()) {
      EXPECT_THAT(config::to_string(d), Not(HasSubstr("Pa55-w0rd")));
    }
  }
}

}  // namespace
}  // namespace dunghan::log
