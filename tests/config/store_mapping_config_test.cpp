// `[store.mapping]` for an agency's server database: url, password, timezone, query_timeout.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/config_errors.h"
#include "log/redact.h"
#include "support/temp_dir.h"

namespace dunghan::config {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

constexpr const char* kQueries =
    "dossiers = \"SELECT MaHoSo AS code, NgayNhan AS received_at, 'processing' AS status FROM "
    "HoSo WHERE NgayCapNhat > :since\"\n";

class StoreMappingConfig : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv("DUNGHAN_TEST_DB_PASSWORD");
    log::clear_secrets_for_testing();
  }
};

TEST_F(StoreMappingConfig, ServerUrlPasswordFileTimezoneAndTimeout) {
  TempDir dir;
  dir.write("agency-db.password", "Mật khẩu 'bí'\n");
  const Config c = load_config(dir.write(
      "c.toml", std::string("[store.mapping]\n"
                            "url = \"postgresql://dunghan_ro@db.motcua.local:5432/motcua\"\n"
                            "password_file = \"agency-db.password\"\n"
                            "timezone = \"+00:00\"\nquery_timeout = 12\n") +
                    kQueries));
  ASSERT_TRUE(c.store.mapping);
  const auto& m = *c.store.mapping;
  EXPECT_EQ(m.url, "postgresql://dunghan_ro@db.motcua.local:5432/motcua");
  ASSERT_TRUE(m.password);
  EXPECT_EQ(m.password->reveal(), "Mật khẩu 'bí'");
  EXPECT_EQ(m.password->origin(), "file " + (dir.path() / "agency-db.password").string());
  ASSERT_TRUE(m.timezone);
  EXPECT_EQ(m.timezone->east, std::chrono::minutes{0});
  EXPECT_EQ(m.query_timeout, std::chrono::seconds{12});
  // Registered as a secret: never in a log line.
  EXPECT_EQ(log::redact("login Mật khẩu 'bí' failed"), "login [REDACTED] failed");
}

TEST_F(StoreMappingConfig, PasswordFromTheEnvironment) {
  setenv("DUNGHAN_TEST_DB_PASSWORD", "s3cret-db", 1);
  TempDir dir;
  const Config c = load_config(
      dir.write("c.toml", std::string("[store.mapping]\nurl = \"mysql://ro@127.0.0.1/motcua\"\n"
                                      "password = \"env:DUNGHAN_TEST_DB_PASSWORD\"\n") +
                              kQueries));
  ASSERT_TRUE(c.store.mapping->password);
  EXPECT_EQ(c.store.mapping->password->reveal(), "s3cret-db");
  EXPECT_EQ(c.store.mapping->query_timeout, std::chrono::seconds{30});  // the default
  EXPECT_FALSE(c.store.mapping->timezone);                              // the calendar's
}

// `sqlite:` is today's behaviour: the file becomes [store] path (relative to the config's folder).
TEST_F(StoreMappingConfig, SqliteUrlIsThePath) {
  TempDir dir;
  const Config c = load_config(dir.write(
      "c.toml", std::string("[store.mapping]\nurl = \"sqlite:data/motcua.db\"\n") + kQueries));
  EXPECT_EQ(c.store.path, dir.path() / "data" / "motcua.db");
  EXPECT_TRUE(c.store.mapping->url.empty());
  const Config abs = load_config(dir.write(
      "d.toml",
      std::string("[store.mapping]\nurl = \"sqlite:///srv/motcua/onestop.db\"\n") + kQueries));
  EXPECT_EQ(abs.store.path, "/srv/motcua/onestop.db");
}

TEST_F(StoreMappingConfig, MistakesAreErrorsWithTheirKey) {
  TempDir dir;
  auto errs = errors_of(dir.write(
      "a.toml", std::string("[store.mapping]\nurl = \"oracle://u@h/d\"\ntimezone = \"VN\"\n"
                            "query_timeout = 0\n") +
                    kQueries));
  ASSERT_EQ(errs.size(), 3u);
  EXPECT_EQ(errs[0].key, "store.mapping.url");
  EXPECT_THAT(errs[0].message, HasSubstr("not a database url"));
  EXPECT_EQ(errs[1].key, "store.mapping.timezone");
  EXPECT_EQ(errs[2].key, "store.mapping.query_timeout");
  errs = errors_of(dir.write("b.toml", std::string("[store]\npath = \"x.db\"\n[store.mapping]\n"
                                                   "url = \"postgresql://u@h/d\"\n") +
                                           kQueries));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0].message, HasSubstr("remove one of them"));
  errs =
      errors_of(dir.write("c.toml", std::string("[store.mapping]\npassword = \"x\"\n") + kQueries));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0].message, HasSubstr("only used with a server database"));
}

}  // namespace
}  // namespace dunghan::config
