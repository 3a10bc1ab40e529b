// import, status, store init, audit as processes: exit codes, messages with line and column,
// shapes.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <sstream>

#include "support/cli.h"
#include "support/temp_dir.h"

namespace dunghan {
namespace {

using nlohmann::json;
using testing::dunghan;
using ::testing::HasSubstr;
using testing::ProcessResult;
using testing::TempDir;

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
    "code,procedure_code,field,department,handler,channel,received_at,duration,status,resolved_at\n"
    // 2026-03-02 (Mon) + 15 working days → due 2026-03-23 17:00
    "A,1.009645,Đầu tư,P.ĐT,cb1,online,2026-03-02 08:00,,processing,\n"
    // + 3 working days → due 2026-03-05
    "B,9.1,Lao động,P.LĐ,cb2,direct,02/03/2026 08:00,3 working days,processing,\n"
    // resolved on 03/03: closed before every --at below (without resolved_at, the import time
    // would count as its closing, and a look-back would list it as open then)
    "C,9.1,Lao động,P.LĐ,cb2,direct,2026-03-02 08:00,3 working days,resolved,2026-03-03 10:00\n";

TEST(DossiersCli, StoreInitCreatesTheDatabaseInTheStateDir) {
  TempDir dir;
  const ProcessResult r = dunghan({"store", "init", "--config", write_config(dir)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "state" / "dossiers.db"));
  EXPECT_THAT(r.out, HasSubstr("schema version 3"));
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
                             "D,9.1,X,P,cb,online,2026-03-02 08:00,,processing,\n"
                             "E,9.1,X,P,cb,online,2026-03-02 08:00,1 working day,done,\n");
  const ProcessResult r =
      dunghan({"import", "--config", write_config(dir), "--dossiers", csv.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(csv.string() + ":5: column `duration`"));
  EXPECT_THAT(r.err, HasSubstr(csv.string() + ":6: column `status`"));
  EXPECT_THAT(r.out, HasSubstr("3 imported"));
  EXPECT_THAT(r.out, HasSubstr("2 rejected"));
}

// An admin who saved the sheet as Excel's plain "CSV" (Windows-1258) learns which rows, and how to
// save the file instead; a workbook given as the file is refused as a whole, saying what it is.
TEST(DossiersCli, ImportOfALegacyCodePageOrAWorkbookSaysHowToSaveTheFile) {
  TempDir dir;
  const auto csv =
      dir.write("d.csv",
                "code,received_at,duration,status,department\n"
                "A,2026-03-02 08:00,5 working days,processing,Ph\xF2ng Lao \xF0\xF4\xCC"
                "ng\n"
                "B,2026-03-02 08:00,5 working days,processing,Phong Lao dong\n");
  ProcessResult r = dunghan({"import", "--config", write_config(dir), "--dossiers", csv.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("error: " + csv.string() +
                               ": 1 row(s) are not UTF-8 text and were not imported (first: line "
                               "2, column `department`, code A)"));
  EXPECT_THAT(r.err, HasSubstr("hint: save it again as UTF-8"));
  EXPECT_THAT(r.err, HasSubstr("CSV UTF-8"));
  EXPECT_THAT(r.out, HasSubstr("1 imported"));
  // A damaged workbook is refused as a whole, saying what it is.
  const auto xlsx = dir.write("d.xlsx", std::string("PK\x03\x04\x14\0\x06\0", 8));
  r = dunghan({"import", "--config", write_config(dir), "--dossiers", xlsx.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Excel workbook"));
  EXPECT_THAT(r.err, HasSubstr("nothing imported"));
}

// A store whose texts are in a legacy encoding (an agency database, or rows written before import
// checked UTF-8): the dossiers are listed, and a warning names the first row and column.
TEST(DossiersCli, StatusWarnsAboutTextThatIsNotUtf8) {
  TempDir dir;
  const std::string cfg = write_config(dir);
  const auto csv = dir.write("d.csv", kDossiers);
  ASSERT_EQ(dunghan({"import", "--config", cfg, "--dossiers", csv.string()}).exit_code, 0);
  {
    SQLite::Database db((dir.path() / "state" / "dossiers.db").string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE dossiers SET department = 'P.\xA7\xCA' WHERE code = 'A'");  // TCVN3 bytes
  }
  const ProcessResult r =
      dunghan({"status", "--config", cfg, "--at", "2026-03-04T08:00", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).size(), 2u);  // A and B are still listed
  EXPECT_THAT(r.err, HasSubstr("1 dossier row(s) hold text that is not UTF-8"));
  EXPECT_THAT(r.err, HasSubstr("code A, column `department`"));
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

// Many dossiers in shuffled code order: every format lists them most urgent first (running
// clocks by due instant, then those waiting for the applicant), ties by code, none lost, and the
// table's totals agree with its rows.
TEST(DossiersCli, StatusOrdersEveryFormatTheSameOverManyDossiers) {
  TempDir dir;
  const std::string cfg = write_config(dir);
  std::string csv = "code,department,handler,received_at,duration,status\n";
  std::string events = "code,at,kind,new_due_at,note\n";
  const int n = 3000;
  for (int i = 0; i < n; ++i) {
    const int k = (i * 7919) % n;  // codes out of order
    char line[160];
    std::snprintf(line, sizeof line, "HS%04d,Phòng %d,cb%d,2026-02-%02d 08:00,%d working days,%s\n",
                  k, k % 3, k % 5, 2 + k % 26, 1 + k % 20,
                  k % 11 == 0 ? "waiting_supplement" : "processing");
    csv += line;
    if (k % 11 == 0) {
      std::snprintf(line, sizeof line, "HS%04d,2026-03-02 08:00,supplement_requested,,\n", k);
      events += line;
    }
  }
  ASSERT_EQ(dunghan({"import", "--config", cfg, "--dossiers", dir.write("d.csv", csv).string(),
                     "--events", dir.write("e.csv", events).string()})
                .exit_code,
            0);
  const std::vector<std::string> at = {"status", "--config", cfg, "--at", "2026-03-10T09:00"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = at;
    a.insert(a.end(), extra.begin(), extra.end());
    const ProcessResult r = dunghan(a);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  const json j = json::parse(with({"--format", "json"}));
  ASSERT_EQ(j.size(), static_cast<std::size_t>(n));
  std::vector<std::string> json_codes;
  std::map<std::string, int> states;
  for (std::size_t i = 0; i < j.size(); ++i) {
    json_codes.push_back(j[i]["code"]);
    ++states[j[i]["state"]];
    if (i == 0) continue;
    const bool wait_prev = j[i - 1]["state"] == "waiting_applicant";
    const bool wait_cur = j[i]["state"] == "waiting_applicant";
    ASSERT_LE(wait_prev, wait_cur) << "waiting dossiers come after running ones, at " << i;
    if (wait_prev == wait_cur) {
      const std::string a = j[i - 1]["due_at"], b = j[i]["due_at"];
      ASSERT_LE(a, b) << "at " << i;  // same offset everywhere, so text order is time order
      if (a == b) {
        ASSERT_LT(j[i - 1]["code"].get<std::string>(), j[i]["code"].get<std::string>());
      }
    }
  }
  EXPECT_GT(states["waiting_applicant"], 0);
  EXPECT_GT(states["overdue"], 0);
  EXPECT_GT(states["not_due"], 0);

  std::istringstream csv_out(with({"--format", "csv"}));
  std::string line;
  std::getline(csv_out, line);
  std::vector<std::string> csv_codes;
  while (std::getline(csv_out, line)) csv_codes.push_back(line.substr(0, line.find(',')));
  EXPECT_EQ(csv_codes, json_codes);

  const std::string table = with({});
  EXPECT_NE(table.find("(" + std::to_string(n) + " hồ sơ)"), std::string::npos);
  std::size_t pos = 0;
  for (const std::string& code : json_codes) {
    const std::size_t next = table.find("\n" + code + " ", pos);
    ASSERT_NE(next, std::string::npos) << code << " missing or out of order in the table";
    pos = next + 1;
  }
  const std::string totals = table.substr(table.find("\nTổng:"));
  EXPECT_THAT(totals, HasSubstr("Chờ bổ sung/tạm dừng " +
                                std::to_string(states["waiting_applicant"]) + ";"));
  EXPECT_THAT(totals, HasSubstr("Quá hạn " + std::to_string(states["overdue"]) + ";"));
}

// The same words typed precomposed (NFC) and decomposed ("Unicode tổ hợp", as Unikey can write
// them) are one field in form 6a and one department for `status --department`.
TEST(DossiersCli, DecomposedVietnameseCountsAsTheSameFieldAndDepartment) {
  TempDir dir;
  const std::string cfg = write_config(dir);
  const std::string dau_tu_nfd =
      "\xC4\x90"
      "a\xCC\x82\xCC\x80u tu\xCC\x9B";                      // "Đầu tư"
  const std::string phong_nfd = "Pho\xCC\x80ng \xC4\x90T";  // "Phòng ĐT"
  const auto csv =
      dir.write("d.csv",
                "code,field,department,received_at,duration,status\n"
                "A,Đầu tư,Phòng ĐT,2026-03-02 08:00,3 working days,processing\n"
                "B," +
                    dau_tu_nfd + "," + phong_nfd + ",2026-03-02 08:00,3 working days,processing\n");
  ASSERT_EQ(dunghan({"import", "--config", cfg, "--dossiers", csv.string()}).exit_code, 0);

  const ProcessResult rep = dunghan({"report", "--config", cfg, "--from", "2026-03-01", "--to",
                                     "2026-03-31", "--format", "json"});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  const json j = json::parse(rep.out);
  ASSERT_EQ(j["rows"].size(), 1u) << rep.out;
  EXPECT_EQ(j["rows"][0]["field"], "Đầu tư");
  EXPECT_EQ(j["rows"][0]["received_total"], 2);

  for (const std::string& dep : {std::string("Phòng ĐT"), phong_nfd}) {
    const ProcessResult st = dunghan({"status", "--config", cfg, "--at", "2026-03-03T09:00",
                                      "--department", dep, "--format", "json"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    const json s = json::parse(st.out);
    ASSERT_EQ(s.size(), 2u) << st.out;
    EXPECT_EQ(s[0]["department"], "Phòng ĐT");
    EXPECT_EQ(s[1]["department"], "Phòng ĐT");
  }
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
  const json j = json::parse(r.out)["calendar"];
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["code"], "B");
  EXPECT_EQ(j[0]["issued_date"], "2026-03-06");
  EXPECT_EQ(j[0]["computed_date"], "2026-03-05");
  EXPECT_EQ(json::parse(r.out)["lateness"], json::array());
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
