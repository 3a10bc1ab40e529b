// The commands an admin runs against dunghan's own store and state answer the same on PostgreSQL
// ([store] and [state] kind = "postgresql") as on the SQLite files: the demo quarter imported into
// both, then `status`, `report`, `audit`, `alerts preview`, `outbox list` and `silence list` as
// real processes, their JSON compared byte for byte.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/pg_test_db.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace dunghan {
namespace {

using ::testing::HasSubstr;
using testing::ProcessResult;
using testing::read_file;

ProcessResult dunghan(std::vector<std::string> args, const std::filesystem::path& config) {
  args.push_back("--config");
  args.push_back(config.string());
  return testing::run_process(DUNGHAN_BINARY, args, {"DUNGHAN_CONFIG="});
}

TEST(PgCommands, EveryReadingCommandAnswersAsOnSqlite) {
  testing::TempDir dir;
  const std::filesystem::path demo = std::filesystem::path(DUNGHAN_SOURCE_DIR) / "config" / "demo";
  const std::string sample = read_file(demo / "dunghan.toml");
  const std::string sqlite_store = "kind = \"sqlite\"\npath = \"state/dossiers.db\"\n";
  ASSERT_THAT(sample, HasSubstr(sqlite_store)) << "the demo's [store] block changed";

  std::filesystem::create_directories(dir.path() / "sqlite");
  std::filesystem::create_directories(dir.path() / "pg");
  const auto sqlite_cfg = dir.path() / "sqlite" / "dunghan.toml";
  std::ofstream(sqlite_cfg) << sample;

  testing::PgTestDb& db = testing::PgTestDb::shared();
  const std::string schema = db.fresh_schema();
  const auto pw = dir.path() / "pg" / "pg.password";
  std::ofstream(pw) << db.password() << "\n";
  std::filesystem::permissions(
      pw, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
      std::filesystem::perm_options::replace);
  const std::string server =
      "url = \"" + db.url(schema) + "\"\npassword_file = \"" + pw.string() + "\"\n";
  std::string pg = sample;
  pg.replace(pg.find(sqlite_store), sqlite_store.size(), "kind = \"postgresql\"\n" + server);
  pg += "\n[state]\nkind = \"postgresql\"\n" + server;
  const auto pg_cfg = dir.path() / "pg" / "dunghan.toml";
  std::ofstream(pg_cfg) << pg;

  for (const auto& cfg : {sqlite_cfg, pg_cfg}) {
    const ProcessResult r = dunghan({"import", "--dossiers", (demo / "dossiers.csv").string(),
                                     "--events", (demo / "events.csv").string()},
                                    cfg);
    ASSERT_EQ(r.exit_code, 0) << cfg << "\n" << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("0 rejected"));
  }
  const std::vector<std::vector<std::string>> commands = {
      {"status", "--at", "2026-09-30T18:00", "--format", "json"},
      {"status", "--at", "2026-08-15T09:00", "--format", "json"},
      {"report", "--quarter", "2026-Q3", "--format", "json", "--date", "2026-10-05"},
      {"report", "--quarter", "2026-Q3", "--by", "department", "--format", "csv", "--date",
       "2026-10-05"},
      {"audit", "--format", "json"},
      {"alerts", "preview", "--at", "2026-09-30T08:00", "--format", "json"},
      {"outbox", "list", "--format", "json"},
      {"silence", "list", "--all", "--format", "json"},
  };
  for (const auto& args : commands) {
    std::string shown;
    for (const auto& a : args) shown += a + " ";
    const ProcessResult on_sqlite = dunghan(args, sqlite_cfg);
    const ProcessResult on_pg = dunghan(args, pg_cfg);
    EXPECT_EQ(on_pg.exit_code, on_sqlite.exit_code) << shown << on_pg.err;
    EXPECT_EQ(on_pg.out, on_sqlite.out) << shown;
    EXPECT_GT(on_pg.out.size(), 1u) << shown;
    EXPECT_THAT(on_pg.out + on_pg.err, ::testing::Not(HasSubstr(db.password()))) << shown;
  }
}

}  // namespace
}  // namespace dunghan
