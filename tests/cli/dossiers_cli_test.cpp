// import, status, store init, audit as processes: exit codes, messages with line and column,
// shapes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/run_process.h"
#include "support/temp_dir.h"

namespace dunghan {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::ProcessResult;
using testing::TempDir;

ProcessResult dunghan(const std::vector<std::string>& args) {
  return testing::run_process(DUNGHAN_BINARY, args, {"DUNGHAN_CONFIG="});
}

/// A config whose store lives in `dir`, with one catalogued procedure (15 working days).
std::string write_config(const TempDir& dir) {
  return dir
      .write("dunghan.toml",
             "[service]\nstate_dir = \"state\"\n"
             "[[procedure]]\ncode = \"1.009645\"\nname = \"Cấp GCN đăng ký đầu tư\"\n"
             "field = \"Đầu tư\"\nduration = \"15 working days\"\n")
      .string();
}

const std::string kDossiers =
    "code,procedure_code,field,department,handler,channel,received_at,duration,status\n"
    // 2026-03-02 (Mon) + 15 working days → due 2026-03-23 17:00
    "A,1.009645,Đầu tư,P.ĐT,cb1,online,2026-03-02 08:00,,processing\n"
    // + 3 working days → due 2026-03-05
    "B,9.1,Lao động,P.LĐ,cb2,direct,02/03/2026 08:00,3 working days,processing\n"
    "C,9.1,Lao động,P.LĐ,cb2,direct,2026-03-02 08:00,3 working days,resolved\n";

TEST(DossiersCli, StoreInitCreatesTheDatabaseInTheStateDir) {
  TempDir dir;
  const ProcessResult r = dunghan({"store", "init", "--config", write_config(dir)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "state" / "dossiers.db"));
  EXPECT_THAT(r.out, HasSubstr("schema version 1"));
}

TEST(DossiersCli, ImportOfGoodRowsExitsZero) {
  TempDir dir;
  const auto csv = dir.write("d.csv", kDossiers);
  const ProcessResult r =
      dunghan({"import", "--config", write_config(dir), "--dossiers", csv.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("3 imported"));
}

TEST(DossiersCli, ImportWithBadRowsExitsTwoAndNamesLineAndColumn) {
  TempDir dir;
  const auto csv =
      dir.write("d.csv", kDossiers +
                             "D,9.1,X,P,cb,online,2026-03-02 08:00,,processing\n"
                             "E,9.1,X,P,cb,online,2026-03-02 08:00,1 working day,done\n");
  const ProcessResult r =
      dunghan({"import", "--config", write_config(dir), "--dossiers", csv.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(csv.string() + ":5: column `duration`"));
  EXPECT_THAT(r.err, HasSubstr(csv.string() + ":6: column `status`"));
  EXPECT_THAT(r.out, HasSubstr("3 imported"));
  EXPECT_THAT(r.out, HasSubstr("2 rejected"));
}

TEST(DossiersCli, ImportWithoutARequiredColumnExitsOne) {
  TempDir dir;
  const auto csv = dir.write("d.csv", "code,received_at\nA,2026-03-02 08:00\n");
  const ProcessResult r =
      dunghan({"import", "--config", write_config(dir), "--dossiers", csv.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("`status`"));
}

TEST(DossiersCli, ImportOfAMissingFileExitsOne) {
  TempDir dir;
  const ProcessResult r = dunghan(
      {"import", "--config", write_config(dir), "--dossiers", (dir.path() / "nope.csv").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no such file"));
}

TEST(DossiersCli, EventsOfUnknownDossiersAreRejected) {
  TempDir dir;
  const auto d = dir.write("d.csv", kDossiers);
  const auto e = dir.write("e.csv",
                           "code,at,kind,new_due_at,note\n"
                           "A,2026-03-03 08:00,supplement_requested,,\n"
                           "Z,2026-03-03 08:00,paused,,\n");
  const ProcessResult r = dunghan(
      {"import", "--config", write_config(dir), "--dossiers", d.string(), "--events", e.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(e.string() + ":3: column `code`"));
}

TEST(DossiersCli, StatusJsonListsOpenDossiersMostUrgentFirst) {
  TempDir dir;
  const std::string cfg = write_config(dir);
  const auto csv = dir.write("d.csv", kDossiers);
  ASSERT_EQ(dunghan({"import", "--config", cfg, "--dossiers", csv.string()}).exit_code, 0);
  const ProcessResult r =
      dunghan({"status", "--config", cfg, "--at", "2026-03-06T09:00", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);  // C is resolved
  EXPECT_EQ(j[0]["code"], "B");
  EXPECT_EQ(j[0]["state"], "overdue");
  EXPECT_EQ(j[0]["due_date"], "2026-03-05");
  EXPECT_EQ(j[1]["code"], "A");
  EXPECT_EQ(j[1]["state"], "not_due");
  EXPECT_EQ(j[1]["due_date"], "2026-03-23");
  EXPECT_EQ(j[1]["due_at"], "2026-03-23T17:00:00+07:00");
  EXPECT_EQ(j[1]["department"], "P.ĐT");
  EXPECT_EQ(j[1]["handler"], "cb1");
  EXPECT_TRUE(j[1]["working_minutes_left"].is_number_integer());
  EXPECT_GT(j[1]["working_minutes_left"].get<int>(), 0);
  EXPECT_LT(j[0]["working_minutes_left"].get<int>(), 0);
}

TEST(DossiersCli, StatusFiltersByStateAndDepartment) {
  TempDir dir;
  const std::string cfg = write_config(dir);
  const auto csv = dir.write("d.csv", kDossiers);
  ASSERT_EQ(dunghan({"import", "--config", cfg, "--dossiers", csv.string()}).exit_code, 0);
  const ProcessResult by_state = dunghan({"status", "--config", cfg, "--at", "2026-03-06T09:00",
                                          "--state", "not_due", "--format", "json"});
  EXPECT_EQ(json::parse(by_state.out).size(), 1u);
  const ProcessResult by_dep = dunghan({"status", "--config", cfg, "--at", "2026-03-06T09:00",
                                        "--department", "P.LĐ", "--format", "csv"});
  EXPECT_EQ(by_dep.exit_code, 0);
  EXPECT_THAT(by_dep.out, HasSubstr("code,state,due_at,due_date,working_minutes_left"));
  EXPECT_THAT(by_dep.out, HasSubstr("B,overdue,"));
  EXPECT_THAT(by_dep.out, ::testing::Not(HasSubstr("A,")));
}

TEST(DossiersCli, StatusRejectsABadInstant) {
  TempDir dir;
  EXPECT_EQ(dunghan({"status", "--config", write_config(dir), "--at", "tomorrow"}).exit_code, 1);
}

TEST(DossiersCli, AuditFindsAnIssuedDateThatDisagrees) {
  TempDir dir;
  const std::string cfg = write_config(dir);
  const auto csv = dir.write("d.csv",
                             "code,received_at,duration,due_at,status\n"
                             "A,2026-03-02 08:00,3 working days,2026-03-05 17:00,processing\n"
                             "B,2026-03-02 08:00,3 working days,2026-03-06 17:00,processing\n");
  ASSERT_EQ(dunghan({"import", "--config", cfg, "--dossiers", csv.string()}).exit_code, 0);
  const ProcessResult r = dunghan({"audit", "--config", cfg, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["code"], "B");
  EXPECT_EQ(j[0]["issued_date"], "2026-03-06");
  EXPECT_EQ(j[0]["computed_date"], "2026-03-05");
}

TEST(DossiersCli, DemoQuarterImportsCleanly) {
  TempDir dir;
  const std::string demo = std::string(DUNGHAN_SOURCE_DIR) + "/config/demo/";
  std::filesystem::copy_file(demo + "dunghan.toml", dir.path() / "dunghan.toml");
  const ProcessResult r =
      dunghan({"import", "--config", (dir.path() / "dunghan.toml").string(), "--dossiers",
               demo + "dossiers.csv", "--events", demo + "events.csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("0 rejected"));
}

}  // namespace
}  // namespace dunghan
