// What build_runtime (service/runtime.h) does besides wiring: token files in the state directory
// made private, and state database errors that name the file and the free space.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include "calendar/clock.h"
#include "config/config.h"
#include "service/runtime.h"
#include "support/temp_dir.h"

namespace dunghan::service {
namespace {

using dunghan::testing::TempDir;

config::Config load(const TempDir& dir, const std::string& extra = "") {
  const auto path = dir.write("dunghan.toml",
                              "[service]\nstate_dir = \"state\"\n\n[channel.zalo]\ntype = "
                              "\"zalo\"\nmode = \"template_phone\"\napp_id = \"123\"\n"
                              "secret_key = \"zalo-app-secret-value\"\ntemplate_id = \"456\"\n" +
                                  extra);
  return config::load_config(path);
}

unsigned mode_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(Runtime, ATokenFileInTheStateDirectoryIsMadePrivate) {
  spdlog::set_level(spdlog::level::off);
  TempDir dir;
  const auto token = dir.write("state/zalo-token.json", "{\"access_token\": \"a\"}\n");
  ::chmod(token.c_str(), 0644);
  calendar::SystemClock clock;
  const auto rt = build_runtime(load(dir), clock);
  EXPECT_EQ(mode_of(token), 0600u);
}

TEST(Runtime, ATokenFileOutsideTheStateDirectoryIsLeftAsTheAdminMadeIt) {
  spdlog::set_level(spdlog::level::off);
  TempDir dir;
  const auto token = dir.write("etc/zalo-token.json", "{\"access_token\": \"a\"}\n");
  ::chmod(token.c_str(), 0640);
  calendar::SystemClock clock;
  const auto rt = build_runtime(load(dir, "token_file = \"" + token.string() + "\"\n"), clock);
  EXPECT_EQ(mode_of(token), 0640u);
}

TEST(Runtime, AStateDatabaseErrorNamesTheFileAndTheFreeSpace) {
  TempDir dir;
  const auto db = dir.path() / "state.db";
  const std::string text = state_db_error_text(db, "database or disk is full");
  EXPECT_EQ(text.rfind("state database " + db.string() + ": database or disk is full (", 0), 0u)
      << text;
  EXPECT_NE(text.find(" free on " + dir.path().string() + ")"), std::string::npos) << text;
  // A message that already names the file is not prefixed again.
  const std::string named = state_db_error_text(db, "ledger " + db.string() + ": disk I/O error");
  EXPECT_EQ(named.rfind("ledger " + db.string() + ": disk I/O error (", 0), 0u) << named;
  EXPECT_TRUE(free_bytes(dir.path()).has_value());
  EXPECT_FALSE(free_bytes(dir.path() / "no" / "such" / "dir").has_value());
}

TEST(Runtime, AStateDatabaseThatCannotBeOpenedIsAStateDbError) {
  spdlog::set_level(spdlog::level::off);
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "state" / "state.db");  // a folder, not a file
  calendar::SystemClock clock;
  try {
    build_runtime(load(dir), clock);
    FAIL() << "built on a state.db that is a folder";
  } catch (const StateDbError& e) {
    EXPECT_NE(std::string(e.what()).find((dir.path() / "state" / "state.db").string()),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find(" free on "), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dunghan::service
