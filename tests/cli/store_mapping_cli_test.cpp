// check-config and store check on a mapped database, as processes (an SQLite file here; the
// server databases are in tests/agencydb).
#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli.h"
#include "support/temp_dir.h"

namespace dunghan {
namespace {

using nlohmann::json;
using testing::dunghan;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ProcessResult;
using testing::TempDir;

void make_agency_file(const std::filesystem::path& p) {
  SQLite::Database db(p.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec(R"sql(
CREATE TABLE HoSo (MaHoSo TEXT, NgayNhan DATETIME, TrangThai TEXT, NgayCapNhat TEXT, Ghi TEXT);
INSERT INTO HoSo VALUES ('HS-1', '02/03/2026 08:00', 'Đang xử lý', '2026-03-02 08:00:00', 'x'),
                        ('HS-2', '2026-03-03 09:00:00+07:00', 'Đang xử lý', '2026-03-03 09:00', 'y'),
                        ('HS-3', 'hôm qua', 'Đang xử lý', '2026-03-03 10:00', 'z');
)sql");
}

std::string config(const TempDir& dir, const std::string& where) {
  return dir
      .write("dunghan.toml",
             "[service]\nstate_dir = \"state\"\n[store.mapping]\nurl = \"sqlite:agency.db\"\n"
             "dossiers = '''SELECT MaHoSo AS code, NgayNhan AS received_at,\n"
             "  CASE TrangThai WHEN 'Đang xử lý' THEN 'processing' END AS status,\n"
             "  NgayCapNhat AS updated_at, Ghi AS ghi_chu, '5 ngày làm việc' AS duration\n"
             "  FROM HoSo " +
                 where + "'''\n")
      .string();
}

TEST(StoreMappingCli, CheckConfigWarnsAboutAQueryWithoutSince) {
  TempDir dir;
  make_agency_file(dir.path() / "agency.db");
  ProcessResult r = dunghan({"check-config", "--config", config(dir, "")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: [store.mapping] dossiers does not use :since"));
  r = dunghan({"check-config", "--config", config(dir, "WHERE NgayCapNhat > :since")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr(":since")));
}

TEST(StoreMappingCli, CheckConfigRefusesAPasswordInTheUrl) {
  TempDir dir;
  const auto cfg = dir.write("dunghan.toml",
                             "[store.mapping]\nurl = \"postgresql://ro:S3cret@db/motcua\"\n"
                             "dossiers = \"SELECT 1 AS code FROM t WHERE x > :since\"\n");
  const ProcessResult r = dunghan({"check-config", "--config", cfg.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("key `store.mapping.url`: the url holds a password"));
  EXPECT_THAT(r.err + r.out, Not(HasSubstr("S3cret")));
}

TEST(StoreMappingCli, StoreCheckShowsRowsColumnsAndTimestamps) {
  TempDir dir;
  make_agency_file(dir.path() / "agency.db");
  const std::string cfg = config(dir, "WHERE NgayCapNhat > :since");
  ProcessResult r = dunghan({"store", "check", "--config", cfg, "--format", "json"});
  EXPECT_EQ(r.exit_code, 2) << r.err;  // one row refused
  const json j = json::parse(r.out);
  EXPECT_EQ(j["database"], "sqlite " + (dir.path() / "agency.db").string());
  EXPECT_THAT(j["identity"].get<std::string>(), HasSubstr("id=- location=file:"));
  EXPECT_EQ(j["dossiers"]["rows"], 3);
  EXPECT_EQ(j["dossiers"]["decoded"], 2);
  EXPECT_EQ(j["dossiers"]["unmapped_columns"], json::array({"ghi_chu"}));
  EXPECT_EQ(j["events"]["configured"], false);
  EXPECT_EQ(j["bad_timestamps"]["count"], 1);
  EXPECT_EQ(j["bad_timestamps"]["first"][0]["code"], "HS-3");
  // A declared DATETIME holding DD/MM/YYYY text, and text with a zone, are read as import reads
  // them.
  EXPECT_EQ(j["samples"][0]["decoded"]["received_at"], "2026-03-02 08:00:00");
  EXPECT_EQ(j["samples"][1]["decoded"]["received_at"], "2026-03-03 09:00:00");
  r = dunghan({"store", "check", "--config", cfg});
  EXPECT_THAT(r.out, HasSubstr("Dossiers query: 3 row(s)"));
  EXPECT_THAT(r.out, HasSubstr("uses :since: yes"));
}

TEST(StoreMappingCli, StoreCheckWithoutAMappingSaysSo) {
  TempDir dir;
  const auto cfg = dir.write("dunghan.toml", "[service]\nstate_dir = \"state\"\n");
  const ProcessResult r = dunghan({"store", "check", "--config", cfg.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no [store.mapping]"));
}

}  // namespace
}  // namespace dunghan
