// Issue 16, as processes: `deadline` follows [deadline] and the catalogue like the daemon, and
// `calendar --year` lists every statutory holiday of a provisional year, also on a weekend.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "support/cli.h"
#include "support/temp_dir.h"

namespace dunghan {
namespace {

using nlohmann::json;
using testing::dunghan;
using ::testing::HasSubstr;
using testing::ProcessResult;
using testing::TempDir;
using testing::write_catalogued_config;

// `deadline` used to ignore working_days_as = "hours": the admin's check disagreed with the daemon.
TEST(DeadlineCli, DeadlineFollowsWorkingDaysAsHours) {
  TempDir dir;
  // Received Mon 02/03/2026 09:00, 2 working days. Days: due Wed 04/03 17:00. Hours: 16 office
  // hours from 09:00 → 02/03 6 h, 03/03 8 h, 04/03 2 h → Wed 04/03 09:00.
  const std::vector<std::string> args = {"deadline",   "--received",     "2026-03-02T09:00",
                                         "--duration", "2 working days", "--format",
                                         "json"};
  auto with = [&](const std::string& cfg) {
    std::vector<std::string> a = args;
    a.push_back("--config");
    a.push_back(cfg);
    const ProcessResult r = dunghan(a);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  };
  EXPECT_EQ(with(write_catalogued_config(dir))["due_at"], "2026-03-04T17:00:00+07:00");
  TempDir hours_dir;
  EXPECT_EQ(with(write_catalogued_config(hours_dir,
                                         "[deadline]\nworking_days_as = \"hours\"\n"))["due_at"],
            "2026-03-04T09:00:00+07:00");
}

TEST(DeadlineCli, DeadlineTakesTheProcedureFromTheCatalogue) {
  TempDir dir;
  const std::string cfg = write_catalogued_config(dir);
  // 1.009645: 15 working days, cut-off 15:00. Received Mon 02/03 15:30 → counted from Tue 03/03;
  // day 1 = Wed 04/03 … day 15 = Tue 24/03.
  ProcessResult r = dunghan({"deadline", "--config", cfg, "--received", "2026-03-02T15:30",
                             "--procedure", "1.009645", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["due_at"], "2026-03-24T17:00:00+07:00");
  EXPECT_EQ(j["counting_from"], "2026-03-03T07:00:00+07:00");
  EXPECT_EQ(j["procedure"], "1.009645");
  // The text form names the procedure.
  r = dunghan(
      {"deadline", "--config", cfg, "--received", "2026-03-02T15:30", "--procedure", "1.009645"});
  EXPECT_THAT(r.out, HasSubstr("Cấp GCN đăng ký đầu tư"));
  EXPECT_THAT(r.out, HasSubstr("24/03/2026"));
  // An unknown code, or neither --duration nor --procedure, is a usage error.
  r = dunghan(
      {"deadline", "--config", cfg, "--received", "2026-03-02T15:30", "--procedure", "9.999"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("9.999"));
  r = dunghan({"deadline", "--config", cfg, "--received", "2026-03-02T15:30"});
  EXPECT_EQ(r.exit_code, 1);
}

// 2027 is provisional (no official schedule): Tết (lunar 1/1) is Saturday 06/02/2027 and 1/5 is a
// Saturday. Both are statutory holidays although they give no weekday off by themselves.
TEST(CalendarCli, CalendarListsEveryStatutoryHolidayOfAProvisionalYear) {
  TempDir dir;
  const ProcessResult r = dunghan(
      {"calendar", "--year", "2027", "--format", "json", "--config", write_catalogued_config(dir)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_TRUE(j["provisional"].get<bool>());
  std::vector<std::string> dates;
  for (const json& h : j["holidays"]) dates.push_back(h["date"]);
  EXPECT_EQ(dates, (std::vector<std::string>{"2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07",
                                             "2027-02-08", "2027-02-09", "2027-04-16", "2027-04-30",
                                             "2027-05-01", "2027-09-02", "2027-09-03"}));
  // The days off that result are unchanged: Sat 06/02 moves to Thu 04/02, Sun 07/02 to Wed 10/02.
  std::vector<std::string> off;
  for (const json& d : j["non_working_weekdays"]) off.push_back(d["date"]);
  for (const char* d : {"2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"}) {
    EXPECT_NE(std::find(off.begin(), off.end(), d), off.end()) << d;
  }
}

}  // namespace
}  // namespace dunghan
