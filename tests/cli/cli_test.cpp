// The built binary, run as a process: exit codes, output shapes, error messages.
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
using testing::ProcessResult;
using testing::TempDir;

const std::string kSample = std::string(DUNGHAN_SOURCE_DIR) + "/config/dunghan.toml";

TEST(Cli, VersionPrintsVersionAndExitsZero) {
  const ProcessResult r = dunghan({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("dunghan 0."));
}

TEST(Cli, HelpDocumentsCommandsAndExitCodes) {
  const ProcessResult r = dunghan({"help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("check-config"));
  EXPECT_THAT(r.out, HasSubstr("Exit codes:"));
  EXPECT_THAT(r.out, HasSubstr("2  partial failure"));
}

TEST(Cli, NoCommandIsAUsageError) {
  EXPECT_EQ(dunghan({}).exit_code, 1);
}

TEST(Cli, UnknownCommandIsAUsageError) {
  const ProcessResult r = dunghan({"frobnicate"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST(Cli, CheckConfigAcceptsTheShippedSample) {
  const ProcessResult r = dunghan({"check-config", "--config", kSample});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("is valid"));
  EXPECT_THAT(r.out, HasSubstr("builtin:vn"));
}

TEST(Cli, CheckConfigNamesLineAndKeyOfAnUnknownKey) {
  TempDir dir;
  const auto file = dir.write("dunghan.toml",
                              "# line 1\n"
                              "[service]\n"
                              "poll_interval = 30\n"
                              "\n"
                              "[calendar]\n"
                              "utc_offset = \"+07:00\"\n"
                              "sesions = [\"07:00-11:30\", \"13:30-17:00\"]\n");
  const ProcessResult r = dunghan({"check-config", "--config", file.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(file.string() + ":7:1"));
  EXPECT_THAT(r.err, HasSubstr("calendar.sesions"));
  EXPECT_THAT(r.err, HasSubstr("did you mean `sessions`?"));
}

TEST(Cli, CheckConfigUsesDunghanConfigEnvironment) {
  TempDir dir;
  const auto file = dir.write("x.toml", "[log]\nlevl = \"info\"\n");
  const ProcessResult r =
      testing::run_process(DUNGHAN_BINARY, {"check-config"}, {"DUNGHAN_CONFIG=" + file.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("did you mean `level`?"));
}

TEST(Cli, CheckConfigOnMissingFileFails) {
  const ProcessResult r = dunghan({"check-config", "--config", "/nonexistent/dunghan.toml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/dunghan.toml"));
  EXPECT_THAT(r.err, HasSubstr("does not exist"));
}

TEST(Cli, CheckConfigNeverPrintsASecret) {
  TempDir dir;
  dir.write("reload.token", "very-secret-reload-token\n");
  const auto file = dir.write("c.toml", "[service]\nreload_token_file = \"reload.token\"\n");
  const ProcessResult r = dunghan({"check-config", "--config", file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("reload token from file"));
  EXPECT_THAT(r.out + r.err, ::testing::Not(HasSubstr("very-secret-reload-token")));
}

TEST(Cli, ExplicitMissingConfigFailsForTools) {
  const ProcessResult r =
      dunghan({"workdays", "--from", "2026-02-01", "--to", "2026-02-28", "--config", "/nope.toml"});
  EXPECT_EQ(r.exit_code, 1);
}

// ---- calendar tools (expected values worked out by hand from docs/rules.md §1–§2)
// ----------------------

TEST(CliCalendar, WorkdaysAcrossTet2026) {
  // February 2026: 20 weekdays, minus the Tết weekdays 16–20/02.
  const ProcessResult r = dunghan({"workdays", "--from", "2026-02-01", "--to", "2026-02-28"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), json({{"working_days", 15}}));
}

TEST(CliCalendar, WorkdaysCountMakeUpSaturday) {
  // January 2026: 22 weekdays, minus 01/01 and the swapped 02/01, plus make-up Saturday 10/01.
  const ProcessResult r = dunghan({"workdays", "--from", "2026-01-01", "--to", "2026-01-31"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["working_days"], 21);
}

TEST(CliCalendar, DeadlineJsonAcrossTet) {
  // Thu 12/02/2026 09:00 + 5 working days: Fri 13 (1), Tết 16–20, Mon 23..Thu 26 (2..5).
  const ProcessResult r = dunghan({"deadline", "--received", "2026-02-12T09:00", "--duration",
                                   "5 working days", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["received"], "2026-02-12T09:00:00+07:00");
  EXPECT_EQ(j["counting_from"], "2026-02-12T09:00:00+07:00");
  EXPECT_EQ(j["due_date"], "2026-02-26");
  EXPECT_EQ(j["due_at"], "2026-02-26T17:00:00+07:00");
  EXPECT_EQ(j["provisional"], false);
}

TEST(CliCalendar, DeadlineAfterCloseRollsOntoMakeUpSaturday) {
  // Fri 09/01/2026 17:30 → rolls to the make-up Saturday 10/01 07:00 (received that day);
  // 1 working day → Mon 12/01.
  const ProcessResult r = dunghan({"deadline", "--received", "2026-01-09T17:30", "--duration",
                                   "1 ngày làm việc", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["counting_from"], "2026-01-10T07:00:00+07:00");
  EXPECT_EQ(j["due_at"], "2026-01-12T17:00:00+07:00");
}

TEST(CliCalendar, DeadlineWithCutoff) {
  // Mon 23/02/2026 15:10 with cut-off 15:00 → counts from Tue 24/02 07:00; 2 working days → Thu 26.
  const ProcessResult r = dunghan({"deadline", "--received", "2026-02-23T15:10", "--duration",
                                   "2 working days", "--cutoff", "15:00", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["counting_from"], "2026-02-24T07:00:00+07:00");
  EXPECT_EQ(j["due_date"], "2026-02-26");
}

TEST(CliCalendar, DeadlineInAProvisionalYearSaysSo) {
  const ProcessResult r = dunghan({"deadline", "--received", "2027-03-01T09:00", "--duration",
                                   "4 giờ làm việc", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  // Mon 01/03/2027 09:00 + 4 office hours: 09:00–11:30 (2.5 h) + 13:30–15:00 (1.5 h).
  EXPECT_EQ(j["due_at"], "2027-03-01T15:00:00+07:00");
  EXPECT_EQ(j["provisional"], true);
}

TEST(CliCalendar, DeadlineRejectsABadDuration) {
  const ProcessResult r =
      dunghan({"deadline", "--received", "2026-02-12T09:00", "--duration", "15 fortnights"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("15 fortnights"));
}

TEST(CliCalendar, CalendarJson2026MatchesTheOfficialSchedule) {
  const ProcessResult r = dunghan({"calendar", "--year", "2026", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["year"], 2026);
  EXPECT_EQ(j["provisional"], false);
  std::vector<std::string> off, makeup;
  for (const json& e : j["non_working_weekdays"]) {
    off.push_back(e["date"]);
    EXPECT_FALSE(e["name"].get<std::string>().empty());
    EXPECT_FALSE(e["source"].get<std::string>().empty());
  }
  for (const json& e : j["working_weekend_days"]) makeup.push_back(e["date"]);
  EXPECT_EQ(off, (std::vector<std::string>{"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17",
                                           "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-27",
                                           "2026-04-30", "2026-05-01", "2026-08-31", "2026-09-01",
                                           "2026-09-02"}));
  EXPECT_EQ(makeup, (std::vector<std::string>{"2026-01-10", "2026-08-22"}));
  bool hung_kings_on_sunday = false;
  for (const json& e : j["holidays"]) hung_kings_on_sunday |= e["date"] == "2026-04-26";
  EXPECT_TRUE(hung_kings_on_sunday);
}

TEST(CliCalendar, CalendarTextIsVietnamese) {
  const ProcessResult r = dunghan({"calendar", "--year", "2026"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Thứ Hai"));
  EXPECT_THAT(r.out, HasSubstr("16/02/2026"));
}

TEST(CliCalendar, ProvisionalYear) {
  const ProcessResult r = dunghan({"calendar", "--year", "2027", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["provisional"], true);
}

TEST(CliCalendar, CalendarHonoursAdminDayOff) {
  TempDir dir;
  const auto file = dir.write("c.toml",
                              "[[calendar.day_off]]\ndate = 2026-11-24\n"
                              "name = \"Ngày Văn hóa Việt Nam\"\n");
  const ProcessResult r = dunghan(
      {"workdays", "--from", "2026-11-23", "--to", "2026-11-27", "--config", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["working_days"], 4);
}

TEST(CliLunar, TetAtUtcPlus7) {
  const ProcessResult r =
      dunghan({"lunar", "--from", "2007-02-16", "--to", "2007-02-17", "--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "solar,lunar_day,lunar_month,lunar_year,leap\n"
            "2007-02-16,29,12,2006,0\n"
            "2007-02-17,1,1,2007,0\n");
}

TEST(CliLunar, ToSolarSkipsTheLeapThirdMonth) {
  const ProcessResult r = dunghan({"lunar", "--to-solar", "10/3/2031"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "2031-04-01\n");
}

TEST(CliLunar, ImpossibleLunarDateIsAnError) {
  const ProcessResult r = dunghan({"lunar", "--to-solar", "10/3/2030", "--leap"});
  EXPECT_EQ(r.exit_code, 1);
}

TEST(CliLunar, SingleDateText) {
  const ProcessResult r = dunghan({"lunar", "2030-02-02"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(" 1/ 1/2030"));
}

}  // namespace
}  // namespace dunghan
