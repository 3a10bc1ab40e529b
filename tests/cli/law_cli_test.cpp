// Issue 16's law points as processes: `status --at` looks back, and lateness anomalies show in
// `status`, `audit` and `alerts explain`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>

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
using testing::write_catalogued_config;

std::map<std::string, std::string> states_of(const json& rows) {
  std::map<std::string, std::string> out;
  for (const json& r : rows) out[r["code"]] = r["state"];
  return out;
}

// Every dossier received Mon 02/03/2026 09:00 with 10 working days → due Mon 16/03 17:00.
const std::string kOffice =
    "code,received_at,duration,status,resolved_at\n"
    "RESOLVED,2026-03-02 09:00,10 working days,resolved,2026-03-18 10:00\n"
    "RETURNED,2026-03-02 09:00,10 working days,returned,2026-03-12 09:00\n"
    "WITHDRAWN,2026-03-02 09:00,10 working days,withdrawn,2026-03-06 09:00\n"
    "OPEN,2026-03-02 09:00,10 working days,processing,\n"
    "LATER,2026-03-09 09:00,10 working days,processing,\n";

// Before the fix the filter used the current status: RESOLVED, RETURNED and WITHDRAWN were left
// out of a look-back although they were open then.
TEST(LawCli, StatusAtAPastInstantShowsTheOfficeAsItStood) {
  TempDir dir;
  const std::string cfg = write_catalogued_config(dir);
  ASSERT_EQ(dunghan({"import", "--config", cfg, "--dossiers", dir.write("d.csv", kOffice).string()})
                .exit_code,
            0);
  ProcessResult r =
      dunghan({"status", "--config", cfg, "--at", "2026-03-05T09:00", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(states_of(json::parse(r.out)),
            (std::map<std::string, std::string>{{"RESOLVED", "not_due"},
                                                {"RETURNED", "not_due"},
                                                {"WITHDRAWN", "not_due"},
                                                {"OPEN", "not_due"}}));
  r = dunghan({"status", "--config", cfg, "--at", "2026-03-17T09:00", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(states_of(json::parse(r.out)),
            (std::map<std::string, std::string>{
                {"RESOLVED", "overdue"}, {"OPEN", "overdue"}, {"LATER", "not_due"}}));
  // The table says so too.
  r = dunghan({"status", "--config", cfg, "--at", "2026-03-17T09:00"});
  EXPECT_THAT(r.out, HasSubstr("(3 hồ sơ)"));
  EXPECT_THAT(r.out, HasSubstr("RESOLVED"));
}

const std::string kLate =
    "code,received_at,duration,status\n"
    "EXT,2026-03-02 09:00,10 working days,processing\n"
    "SUP,2026-03-02 09:00,10 working days,waiting_supplement\n"
    "OK,2026-03-02 09:00,10 working days,processing\n";
const std::string kLateEvents =
    "code,at,kind,new_due_at,note\n"
    // after the due (16/03 17:00): the extension does not make EXT "not due"
    "EXT,2026-03-17 08:00,extended,2026-03-27 17:00,\n"
    "SUP,2026-03-17 10:00,supplement_requested,,\n";

TEST(LawCli, LatenessIsMarkedInStatusListedByAuditAndExplained) {
  TempDir dir;
  const std::string cfg = write_catalogued_config(dir);
  ASSERT_EQ(dunghan({"import", "--config", cfg, "--dossiers", dir.write("d.csv", kLate).string(),
                     "--events", dir.write("e.csv", kLateEvents).string()})
                .exit_code,
            0);
  ProcessResult r =
      dunghan({"status", "--config", cfg, "--at", "2026-03-18T09:00", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json rows = json::parse(r.out);
  EXPECT_EQ(states_of(rows), (std::map<std::string, std::string>{
                                 {"EXT", "overdue"}, {"SUP", "overdue"}, {"OK", "overdue"}}));
  for (const json& row : rows) {
    if (row["code"] == "EXT") {
      EXPECT_EQ(row["anomalies"], json({"extension_after_due"}));
    }
    if (row["code"] == "SUP") {
      EXPECT_EQ(row["anomalies"], json({"supplement_after_due"}));
    }
    if (row["code"] == "OK") {
      EXPECT_EQ(row["anomalies"], json::array());
    }
  }
  // The table marks the two and explains the marker.
  r = dunghan({"status", "--config", cfg, "--at", "2026-03-18T09:00"});
  EXPECT_THAT(r.out, HasSubstr("Quá hạn (*)"));
  EXPECT_THAT(r.out, HasSubstr("Gia hạn sau khi đã quá hạn 1;"));
  EXPECT_THAT(r.out, HasSubstr("Yêu cầu bổ sung sau khi đã quá hạn 1;"));
  // CSV carries the kinds in its last column.
  r = dunghan({"status", "--config", cfg, "--at", "2026-03-18T09:00", "--format", "csv"});
  EXPECT_THAT(r.out, HasSubstr(",anomalies\r\n"));
  EXPECT_THAT(r.out, HasSubstr(",extension_after_due\r\n"));

  // audit lists them with the event's instant.
  r = dunghan({"audit", "--config", cfg, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json audit = json::parse(r.out);
  ASSERT_EQ(audit["lateness"].size(), 2u) << r.out;
  std::map<std::string, std::string> kinds;
  for (const json& a : audit["lateness"]) kinds[a["code"]] = a["kind"];
  EXPECT_EQ(kinds, (std::map<std::string, std::string>{{"EXT", "extension_after_due"},
                                                       {"SUP", "supplement_after_due"}}));
  for (const json& a : audit["lateness"]) {
    if (a["code"] == "EXT") {
      EXPECT_EQ(a["at"], "2026-03-17T08:00:00+07:00");
    }
  }
  r = dunghan({"audit", "--config", cfg});
  EXPECT_THAT(r.out, HasSubstr("Gia hạn sau khi đã quá hạn"));
  EXPECT_THAT(r.out, HasSubstr("EXT"));

  // alerts explain shows the kind and what it means.
  r = dunghan({"alerts", "explain", "EXT", "--config", cfg, "--at", "2026-03-18T09:00", "--format",
               "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json explain = json::parse(r.out);
  EXPECT_EQ(explain["state"], "overdue");
  EXPECT_EQ(explain["judged_due_at"], "2026-03-16T17:00:00+07:00");
  EXPECT_EQ(explain["due_at"], "2026-03-27T17:00:00+07:00");
  ASSERT_EQ(explain["anomalies"].size(), 1u);
  EXPECT_EQ(explain["anomalies"][0]["kind"], "extension_after_due");
  r = dunghan({"alerts", "explain", "EXT", "--config", cfg, "--at", "2026-03-18T09:00"});
  EXPECT_THAT(r.out, HasSubstr("Gia hạn sau khi đã quá hạn"));
}

}  // namespace
}  // namespace dunghan
