#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "log/logging.h"
#include "log/redact.h"
#include "support/temp_dir.h"

namespace dunghan::log {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Logging, SecretsNeverReachTheLogFile) {
  testing::TempDir dir;
  const auto file = dir.path() / "dunghan.log";
  register_secret("zalo-token-XYZ-987");
  init_logging(LogSetup{spdlog::level::debug, Target::stderr_only, file.string()});
  spdlog::info("event=token_refreshed token={} user=abc", "zalo-token-XYZ-987");
  spdlog::default_logger()->flush();
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_THAT(ss.str(), HasSubstr("event=token_refreshed token=[REDACTED] user=abc"));
  EXPECT_THAT(ss.str(), Not(HasSubstr("zalo-token-XYZ-987")));
  spdlog::drop_all();
  clear_secrets_for_testing();
}

TEST(Logging, ShortValuesAreNotRegistered) {
  register_secret("abc");
  EXPECT_EQ(redact("abc abc"), "abc abc");
  clear_secrets_for_testing();
}

TEST(Logging, LongestSecretWins) {
  register_secret("pass");
  register_secret("password123");
  EXPECT_EQ(redact("x=password123 y=pass"), "x=[REDACTED] y=[REDACTED]");
  clear_secrets_for_testing();
}

TEST(Logging, KvValueQuotesAndEscapes) {
  EXPECT_EQ(kv_value("plain"), "plain");
  EXPECT_EQ(kv_value("two words"), "\"two words\"");
  EXPECT_EQ(kv_value("line\nbreak"), "\"line\\nbreak\"");
  EXPECT_EQ(kv_value(""), "\"\"");
}

TEST(Logging, ParseLevel) {
  EXPECT_EQ(parse_level("warn"), spdlog::level::warn);
  EXPECT_EQ(parse_level("warning"), spdlog::level::warn);
  EXPECT_EQ(parse_level("loud"), std::nullopt);
}

}  // namespace
}  // namespace dunghan::log
