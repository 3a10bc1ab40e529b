#include <cstdlib>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/config_errors.h"
#include "log/redact.h"
#include "support/temp_dir.h"

namespace dunghan::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;

// Texts the configuration compares with dossier texts (which the stores keep in NFC) are composed
// too, so an admin whose editor wrote "Unicode tổ hợp" still matches the dossiers.
TEST(ConfigLoader, TextsComparedWithDossiersAreKeptInNfc) {
  TempDir dir;
  const std::string dau_tu_nfd =
      "\xC4\x90"
      "a\xCC\x82\xCC\x80u tu\xCC\x9B";                      // "Đầu tư"
  const std::string phong_nfd = "Pho\xCC\x80ng \xC4\x90T";  // "Phòng ĐT"
  const Config c = load_config(
      dir.write("d.toml", "[[procedure]]\ncode = \"1.1\"\nname = \"" + dau_tu_nfd +
                              "\"\nfield = \"" + dau_tu_nfd +
                              "\"\nduration = \"5 working days\"\n"
                              "[[recipient]]\nid = \"cb\"\nname = \"Nguye\xCC\x82\xCC\x83n\"\n"
                              "department = \"" +
                              phong_nfd +
                              "\"\nroles = [\"handler\"]\n"
                              "[[rule]]\nname = \"r\"\nwhen = \"overdue\"\nto = [\"handler\"]\n"
                              "channels = [\"console\"]\n"
                              "[rule.match]\ndepartment = [\"" +
                              phong_nfd + "\"]\nfield = [\"" + dau_tu_nfd +
                              "\"]\n[channel.console]\ntype = \"console\"\n"));
  ASSERT_NE(c.procedures.find("1.1"), nullptr);
  EXPECT_EQ(c.procedures.find("1.1")->field, "Đầu tư");
  EXPECT_EQ(c.procedures.find("1.1")->name, "Đầu tư");
  ASSERT_EQ(c.recipients.size(), 1u);
  EXPECT_EQ(c.recipients[0].name, "Nguyễn");
  EXPECT_EQ(c.recipients[0].department, "Phòng ĐT");
  ASSERT_FALSE(c.rules.empty());
  const alerting::Rule& r = c.rules.back();
  ASSERT_EQ(r.match.department.size(), 1u);
  EXPECT_EQ(r.match.department[0], "Phòng ĐT");
  EXPECT_EQ(r.match.field[0], "Đầu tư");
}

// The planner counts a rule's repetitions from the day its first message goes out, which depends
// on the send window of the rule's first channel.
TEST(ConfigLoader, RuleKnowsWhetherItsFirstChannelSendsAtAnyHour) {
  TempDir dir;
  const Config c = load_config(dir.write("d.toml", R"(
[[recipient]]
id = "cb"
name = "Cán bộ"
roles = ["handler"]
[channel.screen]
type = "console"
send_window = "always"
[channel.paper]
type = "console"
[[rule]]
name = "a"
when = "overdue"
to = ["handler"]
channels = ["screen", "paper"]
[[rule]]
name = "b"
when = "overdue"
to = ["handler"]
channels = ["paper", "screen"]
)"));
  ASSERT_EQ(c.rules.size(), 2u);
  EXPECT_TRUE(c.rules[0].sends_at_any_hour);
  EXPECT_FALSE(c.rules[1].sends_at_any_hour);
}

TEST(ConfigLoader, ShippedSampleIsValid) {
  const Config c = load_config(std::filesystem::path(DUNGHAN_SOURCE_DIR) / "config/dunghan.toml");
  EXPECT_EQ(c.calendar.offset.east, std::chrono::minutes{420});
  EXPECT_EQ(c.calendar.sessions.size(), 2u);
  EXPECT_EQ(c.calendar.schedules.size(), 1u);
  EXPECT_EQ(c.service.state_dir, "/var/lib/dunghan");
  ASSERT_NE(c.work_calendar, nullptr);
}

TEST(ConfigLoader, DeadlineSectionReadsTheSupplementationWindow) {
  TempDir dir;
  const Config c =
      load_config(dir.write("d.toml",
                            "[deadline]\nworking_days_as = \"hours\"\nsupplement_request_within = "
                            "\"2 ngày làm việc\"\n"));
  EXPECT_EQ(c.deadline.working_days_as, deadline::WorkingDaysAs::hours);
  EXPECT_EQ(c.deadline.supplement_request_within,
            (calendar::Duration{2, calendar::DurationUnit::working_days}));
  const auto errs =
      errors_of(dir.write("e.toml", "[deadline]\nsupplement_request_within = \"soon\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].line, 2);
  EXPECT_EQ(errs[0].key, "deadline.supplement_request_within");
  EXPECT_THAT(errs[0].message, HasSubstr("not a duration"));
}

TEST(ConfigLoader, EmptyFileGivesDefaults) {
  TempDir dir;
  const Config c = load_config(dir.write("dunghan.toml", ""));
  EXPECT_EQ(c.calendar.rest_days, calendar::WeekdaySet::sat_sun());
  EXPECT_EQ(c.calendar.hours_per_day, 8);
  EXPECT_TRUE(c.calendar.statutory_rules);
  ASSERT_EQ(c.calendar.schedules.size(), 1u);  // the built-in schedule
  EXPECT_EQ(c.service.poll_interval, std::chrono::seconds{60});
}

TEST(ConfigLoader, EmptyFileIsAnErrorWhenTheCallerSaysSo) {
  TempDir dir;
  for (const char* text : {"", "\n  \r\n\t\n"}) {
    const auto file = dir.write("dunghan.toml", text);
    EXPECT_NO_THROW(load_config(file));
    try {
      load_config(file, EmptyFile::reject);
      ADD_FAILURE() << "an empty file was accepted";
    } catch (const ConfigError& e) {
      ASSERT_EQ(e.diagnostics().size(), 1u);
      EXPECT_EQ(e.diagnostics()[0].file, file.string());
      EXPECT_NE(e.diagnostics()[0].message.find("empty"), std::string::npos);
    }
  }
  // A file of comments is written on purpose: the defaults, whatever the caller asked.
  EXPECT_NO_THROW(
      load_config(dir.write("dunghan.toml", "# chỉ có chú thích\n"), EmptyFile::reject));
}

TEST(ConfigLoader, UnknownKeyNamesLineColumnAndSuggests) {
  TempDir dir;
  const auto file = dir.write("dunghan.toml",
                              "[calendar]\n"
                              "utc_offset = \"+07:00\"\n"
                              "sesions = [\"07:00-11:30\"]\n");
  const auto errs = errors_of(file);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].line, 3);
  EXPECT_EQ(errs[0].column, 1);
  EXPECT_EQ(errs[0].key, "calendar.sesions");
  EXPECT_THAT(errs[0].message, HasSubstr("did you mean `sessions`?"));
  EXPECT_THAT(to_string(errs[0]), HasSubstr(file.string() + ":3:1"));
}

TEST(ConfigLoader, UnknownSectionSuggestsClosest) {
  TempDir dir;
  const auto errs = errors_of(dir.write("c.toml", "[calender]\nutc_offset = \"+07:00\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "calender");
  EXPECT_THAT(errs[0].message, HasSubstr("did you mean `calendar`?"));
}

TEST(ConfigLoader, ReportsEveryErrorNotJustTheFirst) {
  TempDir dir;
  const auto errs = errors_of(dir.write("c.toml",
                                        "[service]\n"
                                        "poll_interval = \"60\"\n"  // wrong type
                                        "[calendar]\n"
                                        "hours_per_day = 30\n"            // out of range
                                        "sessions = [\"07:00-25:00\"]\n"  // bad time
                                        "rest_days = [\"sat\", \"sunday\", \"xyz\"]\n"  // bad day
                                        "statutory_rules = \"vnn\"\n"));                // bad enum
  ASSERT_EQ(errs.size(), 5u);
  EXPECT_EQ(errs[0].key, "service.poll_interval");
  EXPECT_THAT(errs[0].message, HasSubstr("expected an integer, found string"));
  EXPECT_EQ(errs[1].key, "calendar.hours_per_day");
  EXPECT_THAT(errs[1].message, HasSubstr("out of range 1..24"));
  EXPECT_EQ(errs[2].key, "calendar.sessions[0]");
  EXPECT_THAT(errs[2].message, HasSubstr("HH:MM-HH:MM"));
  EXPECT_EQ(errs[3].key, "calendar.rest_days[2]");
  EXPECT_EQ(errs[4].key, "calendar.statutory_rules");
  EXPECT_THAT(errs[4].message, HasSubstr("did you mean \"vn\"?"));
  for (std::size_t i = 1; i < errs.size(); ++i) EXPECT_LE(errs[i - 1].line, errs[i].line);
}

TEST(ConfigLoader, OverlappingSessionsAreRejected) {
  TempDir dir;
  const auto errs =
      errors_of(dir.write("c.toml", "[calendar]\nsessions = [\"07:00-12:00\", \"11:00-17:00\"]\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "calendar.sessions[1]");
  EXPECT_THAT(errs[0].message, HasSubstr("overlaps"));
}

TEST(ConfigLoader, BadUtcOffsetAndSeasonDay) {
  TempDir dir;
  const auto errs = errors_of(dir.write("c.toml",
                                        "[calendar]\nutc_offset = \"GMT+7\"\n"
                                        "[[calendar.season]]\nfrom = \"13-01\"\nto = \"04-15\"\n"
                                        "sessions = [\"07:30-11:30\"]\n"));
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].key, "calendar.utc_offset");
  EXPECT_EQ(errs[1].key, "calendar.season[0].from");
  EXPECT_EQ(errs[1].line, 4);
}

TEST(ConfigLoader, SyntaxErrorNamesLine) {
  TempDir dir;
  const auto errs = errors_of(dir.write("c.toml", "[calendar]\nutc_offset = \n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].line, 2);
  EXPECT_THAT(errs[0].message, HasSubstr("TOML syntax error"));
}

TEST(ConfigLoader, MissingFileIsAnError) {
  TempDir dir;
  const auto errs = errors_of(dir.path() / "nope.toml");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0].message, HasSubstr("does not exist"));
}

TEST(ConfigLoader, RelativePathsResolveAgainstTheFilesFolder) {
  TempDir dir;
  dir.write("etc/holidays/local.toml",
            "[schedule]\nname = \"local\"\nyears = [2030]\n"
            "[[day]]\ndate = 2030-03-04\nkind = \"holiday\"\nname = \"Ngày lễ địa phương\"\n"
            "source = \"QĐ 1/UBND\"\n");
  dir.write("etc/token.txt", "s3cr3t-token\n");
  const auto file =
      dir.write("etc/dunghan.toml",
                "[service]\nstate_dir = \"state\"\nreload_token_file = \"token.txt\"\n"
                "[log]\nfile = \"../log/dunghan.log\"\n"
                "[calendar]\nschedules = [\"builtin:vn\", \"holidays/local.toml\"]\n");
  const Config c = load_config(file);
  EXPECT_EQ(c.service.state_dir, (dir.path() / "etc/state").lexically_normal());
  ASSERT_TRUE(c.log.file);
  EXPECT_EQ(*c.log.file, (dir.path() / "log/dunghan.log").lexically_normal());
  ASSERT_EQ(c.calendar.schedules.size(), 2u);
  EXPECT_EQ(c.calendar.schedules[1].years, std::vector<int>{2030});
  ASSERT_TRUE(c.service.reload_token);
  EXPECT_EQ(c.service.reload_token->reveal(), "s3cr3t-token");
  EXPECT_FALSE(c.calendar.schedules[1].entries.empty());
  EXPECT_FALSE(c.work_calendar->is_working_day(c.calendar.schedules[1].entries[0].date));
}

TEST(ConfigLoader, ErrorsInANamedScheduleFileAreReportedWithThatFile) {
  TempDir dir;
  const auto sched = dir.write("h.toml",
                               "[schedule]\nyears = [2030]\n"
                               "[[day]]\ndate = 2030-03-04\nkind = \"holyday\"\nname = \"x\"\n"
                               "source = \"y\"\n");
  const auto errs = errors_of(dir.write("c.toml", "[calendar]\nschedules = [\"h.toml\"]\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].file, sched.string());
  EXPECT_EQ(errs[0].line, 5);
  EXPECT_EQ(errs[0].key, "day[0].kind");
  EXPECT_THAT(errs[0].message, HasSubstr("did you mean \"holiday\"?"));
}

TEST(ConfigLoader, MissingScheduleFileNamesIt) {
  TempDir dir;
  const auto errs = errors_of(dir.write("c.toml", "[calendar]\nschedules = [\"nope.toml\"]\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "calendar.schedules[0]");
  EXPECT_THAT(errs[0].message, HasSubstr("nope.toml does not exist"));
}

TEST(ConfigLoader, AdminDaysOverride) {
  TempDir dir;
  const Config c = load_config(dir.write("c.toml",
                                         "[[calendar.day_off]]\ndate = 2026-11-24\n"
                                         "name = \"Ngày Văn hóa Việt Nam\"\n"
                                         "[[calendar.working_day]]\ndate = \"2026-05-09\"\n"
                                         "name = \"Làm bù\"\n"));
  ASSERT_EQ(c.calendar.days_off.size(), 1u);
  EXPECT_EQ(c.calendar.days_off[0].name, "Ngày Văn hóa Việt Nam");
  using namespace std::chrono;
  EXPECT_FALSE(c.work_calendar->is_working_day(sys_days{2026y / November / 24}));
  EXPECT_TRUE(c.work_calendar->is_working_day(sys_days{2026y / May / 9}));
}

// [store] and [state] on PostgreSQL: a url and a password file; several instances by name.
TEST(ConfigLoader, StoreAndStateOnPostgresqlTakeAUrlAndAPasswordFile) {
  TempDir dir;
  dir.write("pg.password", "s3cret-pg\n");
  const Config c = load_config(dir.write("c.toml", R"(
[service]
instance_id = "may-1"
[store]
kind = "postgresql"
url = "postgresql://dunghan@db.example:5432/dunghan"
password_file = "pg.password"
[state]
kind = "postgresql"
url = "postgres://dunghan@db.example/dunghan?sslmode=require"
password_file = "pg.password"
)"));
  EXPECT_EQ(c.service.instance_id, "may-1");
  EXPECT_EQ(c.store.kind, "postgresql");
  ASSERT_TRUE(c.store.server);
  EXPECT_EQ(c.store.server->url, "postgresql://dunghan@db.example:5432/dunghan");
  ASSERT_TRUE(c.store.server->password);
  EXPECT_EQ(c.store.server->password->reveal(), "s3cret-pg");
  EXPECT_EQ(c.state.kind, "postgresql");
  ASSERT_TRUE(c.state.server);
  EXPECT_EQ(c.state.server->url, "postgres://dunghan@db.example/dunghan?sslmode=require");
  EXPECT_THAT(summary(c, nullptr), Not(HasSubstr("s3cret-pg")));
  log::clear_secrets_for_testing();
}

TEST(ConfigLoader, ByDefaultTheStateIsStateDbOfItsOwn) {
  TempDir dir;
  const Config c = load_config(dir.write("c.toml", "[service]\nstate_dir = \"s\"\n"));
  EXPECT_EQ(c.state.kind, "sqlite");
  EXPECT_FALSE(c.state.server);
  EXPECT_FALSE(c.store.server);
  EXPECT_TRUE(c.service.instance_id.empty());
}

TEST(ConfigLoader, ServerDatabaseMistakesNameTheirKeys) {
  TempDir dir;
  const auto errs = errors_of(dir.write("c.toml", R"(
[service]
instance_id = "may 1"
[store]
kind = "postgresql"
path = "dossiers.db"
url = "mysql://dunghan@db/dunghan"
[state]
url = "postgresql://dunghan@db/dunghan"
)"));
  std::vector<std::string> keys;
  for (const Diagnostic& d : errs) keys.push_back(d.key);
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre("service.instance_id", "store.path",
                                                    "store.url", "state.url"));
  const auto missing = errors_of(dir.write("m.toml", "[state]\nkind = \"postgresql\"\n"));
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].key, "state.url");
}

class SecretTest : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv("DUNGHAN_TEST_TOKEN");
    log::clear_secrets_for_testing();
  }
};

TEST_F(SecretTest, EnvSecretIsReadAndRedacted) {
  setenv("DUNGHAN_TEST_TOKEN", "tok-from-env-123", 1);
  TempDir dir;
  const Config c =
      load_config(dir.write("c.toml", "[service]\nreload_token = \"env:DUNGHAN_TEST_TOKEN\"\n"));
  ASSERT_TRUE(c.service.reload_token);
  EXPECT_EQ(c.service.reload_token->reveal(), "tok-from-env-123");
  EXPECT_EQ(c.service.reload_token->origin(), "env:DUNGHAN_TEST_TOKEN");
  EXPECT_EQ(log::redact("Authorization: Bearer tok-from-env-123."),
            "Authorization: Bearer [REDACTED].");
  EXPECT_THAT(summary(c, nullptr), Not(HasSubstr("tok-from-env-123")));
}

TEST_F(SecretTest, UnsetEnvironmentVariableIsAnError) {
  TempDir dir;
  const auto errs =
      errors_of(dir.write("c.toml", "[service]\nreload_token = \"env:DUNGHAN_TEST_TOKEN\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "service.reload_token");
  EXPECT_THAT(errs[0].message, HasSubstr("DUNGHAN_TEST_TOKEN is not set"));
}

TEST_F(SecretTest, UnreadableSecretFileNamesFileAndReason) {
  TempDir dir;
  const auto errs =
      errors_of(dir.write("c.toml", "[service]\nreload_token_file = \"secrets/missing.token\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].key, "service.reload_token_file");
  EXPECT_THAT(errs[0].message, HasSubstr((dir.path() / "secrets/missing.token").string()));
  EXPECT_THAT(errs[0].message, HasSubstr("No such file"));
}

TEST_F(SecretTest, EmptySecretFileIsAnError) {
  TempDir dir;
  dir.write("empty.token", "\n");
  const auto errs =
      errors_of(dir.write("c.toml", "[service]\nreload_token_file = \"empty.token\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0].message, HasSubstr("is empty"));
}

TEST_F(SecretTest, BothFormsAreAnError) {
  TempDir dir;
  dir.write("t", "abcdef");
  const auto errs = errors_of(
      dir.write("c.toml", "[service]\nreload_token = \"abcdefgh\"\nreload_token_file = \"t\"\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0].message, HasSubstr("not both"));
}

TEST_F(SecretTest, DiagnosticsNeverShowARegisteredSecret) {
  log::register_secret("hunter2-secret");
  const Diagnostic d{"f.toml", 1, 1, "k", "value hunter2-secret is wrong"};
  EXPECT_EQ(to_string(d), "f.toml:1:1: key `k`: value [REDACTED] is wrong");
}

TEST(ConfigChoice, CommandLineThenEnvironmentThenDefault) {
  unsetenv("DUNGHAN_CONFIG");
  EXPECT_EQ(choose_config_path(std::nullopt).path, default_config_path());
  EXPECT_FALSE(choose_config_path(std::nullopt).explicit_choice);
  setenv("DUNGHAN_CONFIG", "/tmp/from-env.toml", 1);
  EXPECT_EQ(choose_config_path(std::nullopt).path, "/tmp/from-env.toml");
  EXPECT_TRUE(choose_config_path(std::nullopt).explicit_choice);
  EXPECT_EQ(choose_config_path(std::string("/tmp/cli.toml")).path, "/tmp/cli.toml");
  unsetenv("DUNGHAN_CONFIG");
}

}  // namespace
}  // namespace dunghan::config
