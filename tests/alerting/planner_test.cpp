// The planner: when each stage fires, whether a stage still holds, rule filters, the directory,
// and what plan_dossier emits. Clocks are written by hand; instants are computed in the tests.
#include <gtest/gtest.h>

#include <algorithm>

#include "alerting/planner.h"
#include "alerting/rules.h"
#include "fixtures.h"

namespace dunghan::alerting {
namespace {

using deadline::ClockState;
using deadline::DossierClock;
using std::chrono::seconds;
using testing::local;
using testing::make_rule;
using testing::ymd;

const calendar::WorkCalendar& cal() {
  return *testing::real_calendar();
}

/// An open, valid clock counting from `from`, due at the close (17:00) of `due` (or at `due_at`).
DossierClock clock_of(Instant from, Instant due_at, ClockState state = ClockState::not_due,
                      Instant at = {}) {
  DossierClock c;
  c.valid = true;
  c.at = at;
  c.counting_from = from;
  c.original_due = due_at;
  c.current_due = due_at;
  c.due_date = calendar::local_date(due_at, calendar::UtcOffset{});
  c.original_due_date = c.due_date;
  c.state = state;
  return c;
}

Rule before_due(const std::string& offset) {
  return make_rule("r", Stage::before_due, {"handler"}, {"file"}, offset);
}

Rule with_repeat(Rule r, const std::string& repeat, std::optional<int> stop_after = {}) {
  r.repeat = calendar::parse_duration(repeat);
  r.stop_after = stop_after;
  return r;
}

// --- fire_time -----------------------------------------------------------------------------

TEST(FireTime, BeforeDueWorkingDaysIsTheOpeningOfTheNthWorkingDayBeforeSkippingTet) {
  // Due Tue 24/02/2026; the working days before are Mon 23/02, then (Tết 16–20/02 and the
  // weekend) Fri 13/02.
  const DossierClock c = clock_of(local(2026, 2, 2, 8), local(2026, 2, 24, 17));
  EXPECT_EQ(fire_time(before_due("1 working day"), c, cal(), 0), local(2026, 2, 23, 7));
  EXPECT_EQ(fire_time(before_due("2 working days"), c, cal(), 0), local(2026, 2, 13, 7));
}

TEST(FireTime, BeforeDueWorkingHoursIsTheLastInstantWithThatMuchOfficeTimeLeft) {
  // Due Tue 10/03 17:00: 4 h left at 11:00 (30 min of morning + 3.5 h of afternoon).
  const DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 10, 17));
  EXPECT_EQ(fire_time(before_due("4 working hours"), c, cal(), 0), local(2026, 3, 10, 11));
  // Due Tue 10/03 11:30: the morning gives 4.5 h, the other 1.5 h come from Monday afternoon.
  const DossierClock c2 = clock_of(local(2026, 3, 2, 8), local(2026, 3, 10, 11, 30));
  EXPECT_EQ(fire_time(before_due("6 working hours"), c2, cal(), 0), local(2026, 3, 9, 15, 30));
}

TEST(FireTime, BeforeDueCalendarDaysIsTheOpeningOfThatDateEvenOnADayOff) {
  const DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 9, 17));   // Mon 09/03
  EXPECT_EQ(fire_time(before_due("3 days"), c, cal(), 0), local(2026, 3, 6, 7));  // Fri
  EXPECT_EQ(fire_time(before_due("2 days"), c, cal(), 0), local(2026, 3, 7, 7));  // Sat
}

TEST(FireTime, BeforeDuePercentIsTheLastInstantWithThatShareOfTheOfficeTimeLeft) {
  // Mon 02/03 07:00 → Fri 13/03 17:00: 10 working days = 4800 min; 25% = 1200 min = Fri, Thu
  // and 240 min of Wed 11/03 (210 in the afternoon, 30 in the morning): Wed 11:00.
  const DossierClock c = clock_of(local(2026, 3, 2, 7), local(2026, 3, 13, 17));
  EXPECT_EQ(fire_time(before_due("25%"), c, cal(), 0), local(2026, 3, 11, 11));
}

TEST(FireTime, BeforeDueNeverFiresBeforeTheCountStarts) {
  // Received Mon 09/03 09:15, due Tue 10/03: "2 working days before" would be Thu 05/03.
  const DossierClock c = clock_of(local(2026, 3, 9, 9, 15), local(2026, 3, 10, 17));
  EXPECT_EQ(fire_time(before_due("2 working days"), c, cal(), 0), local(2026, 3, 9, 9, 15));
}

TEST(FireTime, DueTodayIsTheOpeningOfTheDueDate) {
  const DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 10, 17));
  const Rule r = make_rule("r", Stage::due_today, {"handler"});
  EXPECT_EQ(fire_time(r, c, cal(), 0), local(2026, 3, 10, 7));
}

TEST(FireTime, OverdueIsOneSecondAfterTheDueInstant) {
  const DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 10, 17));
  const Rule r = make_rule("r", Stage::overdue, {"handler"});
  EXPECT_EQ(fire_time(r, c, cal(), 0), local(2026, 3, 10, 17, 0, 1));
  EXPECT_EQ(fire_time(r, c, cal(), 1), std::nullopt) << "no repeat configured";
}

TEST(FireTime, OverdueRepeatsEveryWorkingDayAcrossAWeekend) {
  // Due Thu 05/03 17:00; the first overdue working day is Fri 06/03 (repetition 0 goes out at
  // its opening on an office channel), then Mon 09/03, Tue 10/03.
  const DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 5, 17));
  const Rule r = with_repeat(make_rule("r", Stage::overdue, {"handler"}), "1 working day");
  EXPECT_EQ(fire_time(r, c, cal(), 0), local(2026, 3, 5, 17, 0, 1));
  EXPECT_EQ(fire_time(r, c, cal(), 1), local(2026, 3, 9, 7));
  EXPECT_EQ(fire_time(r, c, cal(), 2), local(2026, 3, 10, 7));
}

TEST(FireTime, OnAChannelOpenAtAnyHourRepetitionsCountFromTheDayTheFirstWentOut) {
  // Due Thu 05/03 17:00: repetition 0 goes out at once, that Thursday evening, so repetition 1 is
  // Friday's opening, not Monday's (no working day without a message).
  const DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 5, 17));
  Rule r = with_repeat(make_rule("r", Stage::overdue, {"handler"}), "1 working day");
  r.sends_at_any_hour = true;
  EXPECT_EQ(fire_time(r, c, cal(), 0), local(2026, 3, 5, 17, 0, 1));
  EXPECT_EQ(fire_time(r, c, cal(), 1), local(2026, 3, 6, 7));
  EXPECT_EQ(fire_time(r, c, cal(), 2), local(2026, 3, 9, 7));
  // Late on the eve of Tết (Fri 13/02): that evening, then the first working day after it.
  const DossierClock tet = clock_of(local(2026, 2, 2, 8), local(2026, 2, 13, 17));
  EXPECT_EQ(fire_time(r, tet, cal(), 1), local(2026, 2, 23, 7));
  // A digest holds the first message to the digest time anyway: counted from that day.
  r.digest = std::chrono::hours{7} + std::chrono::minutes{30};
  EXPECT_EQ(fire_time(r, c, cal(), 0), local(2026, 3, 6, 7, 30));
  EXPECT_EQ(fire_time(r, c, cal(), 1), local(2026, 3, 9, 7, 30));
  // Office hours are counted from the first office time whatever the window.
  Rule hours = with_repeat(make_rule("h", Stage::overdue, {"handler"}), "2 working hours");
  hours.sends_at_any_hour = true;
  EXPECT_EQ(fire_time(hours, c, cal(), 1), local(2026, 3, 6, 9));
}

TEST(FireTime, OverdueRepeatsEveryWorkingDayAcrossTet) {
  // Due Fri 13/02 17:00; Sat 14/02 – Sun 22/02 are days off: repetition 0 falls into office
  // time on Mon 23/02, repetition 1 is Tue 24/02.
  const DossierClock c = clock_of(local(2026, 2, 2, 8), local(2026, 2, 13, 17));
  const Rule r = with_repeat(make_rule("r", Stage::overdue, {"handler"}), "1 working day");
  EXPECT_EQ(fire_time(r, c, cal(), 1), local(2026, 2, 24, 7));
  EXPECT_EQ(fire_time(r, c, cal(), 2), local(2026, 2, 25, 7));
}

TEST(FireTime, RepeatEveryTwoWorkingDays) {
  const DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 5, 17));  // Thu
  const Rule r = with_repeat(make_rule("r", Stage::overdue, {"handler"}), "2 working days");
  EXPECT_EQ(fire_time(r, c, cal(), 1), local(2026, 3, 10, 7));  // Fri 06 + 2 wd = Tue 10
  EXPECT_EQ(fire_time(r, c, cal(), 2), local(2026, 3, 12, 7));
}

TEST(FireTime, StopAfterCountsTheFirstMessage) {
  const DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 5, 17));
  const Rule r = with_repeat(make_rule("r", Stage::overdue, {"handler"}), "1 working day", 3);
  EXPECT_TRUE(fire_time(r, c, cal(), 2).has_value());
  EXPECT_EQ(fire_time(r, c, cal(), 3), std::nullopt);
}

TEST(FireTime, BeforeDueRepetitionsStopAtTheDueInstant) {
  // Due Tue 10/03 17:00: Fri 06, Mon 09, Tue 10 07:00; Wed 11 is after the due instant.
  const DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 10, 17));
  const Rule r = with_repeat(before_due("2 working days"), "1 working day");
  EXPECT_EQ(fire_time(r, c, cal(), 0), local(2026, 3, 6, 7));
  EXPECT_EQ(fire_time(r, c, cal(), 1), local(2026, 3, 9, 7));
  EXPECT_EQ(fire_time(r, c, cal(), 2), local(2026, 3, 10, 7));
  EXPECT_EQ(fire_time(r, c, cal(), 3), std::nullopt);
}

TEST(FireTime, DigestMovesEachFiringToTheDigestTimeOfTheNextWorkingDay) {
  const DossierClock c = clock_of(local(2026, 2, 2, 8), local(2026, 2, 13, 17));  // Fri
  Rule r = with_repeat(make_rule("r", Stage::overdue, {"handler"}), "1 working day");
  r.digest = std::chrono::hours{7} + std::chrono::minutes{30};
  EXPECT_EQ(fire_time(r, c, cal(), 0), local(2026, 2, 23, 7, 30));  // after Tết
  EXPECT_EQ(fire_time(r, c, cal(), 1), local(2026, 2, 24, 7, 30));
  Rule due = make_rule("d", Stage::due_today, {"handler"});
  due.digest = r.digest;
  EXPECT_EQ(fire_time(due, c, cal(), 0), local(2026, 2, 13, 7, 30));  // same day, later
}

TEST(FireTime, WaitingApplicantOnlyWhileWaiting) {
  DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 10, 17));
  const Rule r = make_rule("r", Stage::waiting_applicant, {"handler"});
  EXPECT_EQ(fire_time(r, c, cal(), 0), std::nullopt);
  c.state = ClockState::waiting_applicant;
  c.waiting_since = local(2026, 3, 4, 9);
  EXPECT_EQ(fire_time(r, c, cal(), 0), local(2026, 3, 4, 9));
}

TEST(FireTime, ReceivedIsTheStartOfTheCount) {
  const DossierClock c = clock_of(local(2026, 3, 2, 8, 5), local(2026, 3, 10, 17));
  EXPECT_EQ(fire_time(make_rule("r", Stage::received, {"handler"}), c, cal(), 0),
            local(2026, 3, 2, 8, 5));
}

TEST(FireTime, InvalidClockFiresNothing) {
  DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 10, 17));
  c.valid = false;
  EXPECT_EQ(fire_time(make_rule("r", Stage::due_today, {"handler"}), c, cal(), 0), std::nullopt);
}

// --- stage_holds ---------------------------------------------------------------------------

struct HoldsCase {
  Stage stage;
  ClockState state;
  bool holds;
};

TEST(StageHolds, EachStageHoldsOnlyInItsStates) {
  const std::vector<HoldsCase> cases = {
      {Stage::before_due, ClockState::not_due, true},
      {Stage::before_due, ClockState::due_soon, true},
      {Stage::before_due, ClockState::due_today, false},  // fired on an earlier day
      {Stage::before_due, ClockState::overdue, false},
      {Stage::before_due, ClockState::waiting_applicant, false},
      {Stage::before_due, ClockState::early, false},
      {Stage::due_today, ClockState::due_today, true},
      {Stage::due_today, ClockState::due_soon, false},
      {Stage::due_today, ClockState::overdue, false},
      {Stage::due_today, ClockState::on_time, false},
      {Stage::overdue, ClockState::overdue, true},
      {Stage::overdue, ClockState::due_today, false},
      {Stage::overdue, ClockState::waiting_applicant, false},
      {Stage::overdue, ClockState::late, false},
      {Stage::waiting_applicant, ClockState::waiting_applicant, true},
      {Stage::waiting_applicant, ClockState::not_due, false},
      {Stage::received, ClockState::not_due, true},
      {Stage::received, ClockState::due_soon, true},
      {Stage::received, ClockState::overdue, false},
      {Stage::received, ClockState::withdrawn, false},
  };
  const Instant due = local(2026, 3, 10, 17);
  for (const HoldsCase& k : cases) {
    // `at` consistent with the state: after the due instant when overdue, before it otherwise.
    const Instant at =
        k.state == ClockState::overdue ? due + std::chrono::hours{1} : local(2026, 3, 10, 9);
    const DossierClock c = clock_of(local(2026, 3, 2, 8), due, k.state, at);
    EXPECT_EQ(stage_holds(k.stage, c, local(2026, 3, 6, 7), cal()), k.holds)
        << to_string(k.stage) << " in state " << deadline::to_string(k.state);
  }
}

TEST(StageHolds, BeforeDueThatFellOnTheDueDateHoldsOnThatDate) {
  // A short procedure whose "before due" reminder fires at receipt on the due date itself.
  const Instant due = local(2026, 3, 10, 17);
  const DossierClock c =
      clock_of(local(2026, 3, 10, 8), due, ClockState::due_today, local(2026, 3, 10, 9));
  EXPECT_TRUE(stage_holds(Stage::before_due, c, local(2026, 3, 10, 8), cal()));
  EXPECT_FALSE(stage_holds(Stage::before_due, c, local(2026, 3, 9, 7), cal()));
}

TEST(StageHolds, BeforeDueDoesNotHoldAtOrAfterTheDueInstant) {
  const Instant due = local(2026, 3, 10, 17);
  const DossierClock c = clock_of(local(2026, 3, 2, 8), due, ClockState::due_soon, due);
  EXPECT_FALSE(stage_holds(Stage::before_due, c, local(2026, 3, 6, 7), cal()));
}

TEST(StageHolds, InvalidClockHoldsNothing) {
  DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 10, 17), ClockState::overdue,
                            local(2026, 3, 11, 9));
  c.valid = false;
  EXPECT_FALSE(stage_holds(Stage::overdue, c, local(2026, 3, 10, 17, 0, 1), cal()));
}

// --- rules: glob, match, parse --------------------------------------------------------------

TEST(GlobMatch, StarAndQuestionMark) {
  EXPECT_TRUE(glob_match("2.000*", "2.000046"));
  EXPECT_TRUE(glob_match("2.000*", "2.000"));
  EXPECT_FALSE(glob_match("2.000*", "1.000046"));
  EXPECT_FALSE(glob_match("2.000*", "2.00"));
  EXPECT_TRUE(glob_match("?.000046", "2.000046"));
  EXPECT_FALSE(glob_match("?.000046", "12.000046"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_TRUE(glob_match("a*b*c", "aXbYbZc"));  // needs backtracking
  EXPECT_FALSE(glob_match("a*b*c", "aXbYbZ"));
  EXPECT_TRUE(glob_match("*46", "2.000046"));
  EXPECT_FALSE(glob_match("*47", "2.000046"));
  EXPECT_TRUE(glob_match("2.000046", "2.000046"));
}

TEST(Matches, FiltersOnProcedureDepartmentFieldAndExtension) {
  deadline::Dossier d = testing::make_dossier("D1", local(2026, 3, 2, 8));
  d.procedure_code = "2.000046";
  Rule r = make_rule("r", Stage::overdue, {"handler"});
  EXPECT_TRUE(matches(r, d, false));
  r.match.procedure = {"1.*", "2.000*"};
  EXPECT_TRUE(matches(r, d, false));
  r.match.procedure = {"1.*"};
  EXPECT_FALSE(matches(r, d, false));
  r.match = {};
  r.match.department = {"Phòng Khác"};
  EXPECT_FALSE(matches(r, d, false));
  r.match.department = {"Phòng Một cửa"};
  EXPECT_TRUE(matches(r, d, false));
  r.match = {};
  r.match.field = {"Đầu tư"};
  EXPECT_FALSE(matches(r, d, false));
  r.match = {};
  r.match.extended = true;
  EXPECT_FALSE(matches(r, d, false));
  EXPECT_TRUE(matches(r, d, true));
  r.match.extended = false;
  EXPECT_TRUE(matches(r, d, false));
  EXPECT_FALSE(matches(r, d, true));
}

TEST(ParseOffset, DurationsAndPercentages) {
  EXPECT_EQ(parse_offset("2 working days")->duration, testing::wd(2));
  EXPECT_EQ(parse_offset("25%")->percent, 25);
  EXPECT_FALSE(parse_offset("0%"));
  EXPECT_FALSE(parse_offset("100%"));
  EXPECT_FALSE(parse_offset("0 working days"));
  EXPECT_FALSE(parse_offset("soon"));
}

// --- Directory::resolve ---------------------------------------------------------------------

std::vector<std::string> ids(const std::vector<const Recipient*>& rs) {
  std::vector<std::string> out;
  for (const Recipient* r : rs) out.push_back(r->id);
  return out;
}

TEST(Directory, ResolvesHandlerHeadRoleAndIdEachOnceInTargetOrder) {
  const Directory dir(testing::office_people());
  const deadline::Dossier d = testing::make_dossier("D1", local(2026, 3, 2, 8));
  const Rule r =
      make_rule("r", Stage::overdue, {"handler", "department_head", "role:leader", "cv2", "cv1"});
  std::vector<std::string> problems;
  EXPECT_EQ(ids(dir.resolve(r, d, &problems)),
            (std::vector<std::string>{"cv1", "tp1", "ld1", "cv2"}));
  EXPECT_TRUE(problems.empty());
}

TEST(Directory, DepartmentHeadIsTheHeadOfTheDossiersDepartmentOnly) {
  const Directory dir(testing::office_people());
  const deadline::Dossier d =
      testing::make_dossier("D1", local(2026, 3, 2, 8), testing::wd(5), "cv1", "Phòng Khác");
  const Rule r = make_rule("r", Stage::overdue, {"department_head"});
  EXPECT_EQ(ids(dir.resolve(r, d)), (std::vector<std::string>{"tp2"}));
}

TEST(Directory, ReportsEachTargetThatResolvesToNobody) {
  const Directory dir(testing::office_people());
  deadline::Dossier d = testing::make_dossier("D9", local(2026, 3, 2, 8), testing::wd(5), "ghost",
                                              "Phòng Không Có Trưởng");
  const Rule r =
      make_rule("r", Stage::overdue, {"handler", "department_head", "role:auditor", "nobody"});
  std::vector<std::string> problems;
  EXPECT_TRUE(dir.resolve(r, d, &problems).empty());
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_NE(problems[0].find("ghost"), std::string::npos);
  EXPECT_NE(problems[1].find("Phòng Không Có Trưởng"), std::string::npos);
  EXPECT_NE(problems[2].find("auditor"), std::string::npos);
  EXPECT_NE(problems[3].find("nobody"), std::string::npos);
  d.handler.clear();
  problems.clear();
  dir.resolve(make_rule("r", Stage::overdue, {"handler"}), d, &problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("no handler"), std::string::npos);
}

// --- plan_dossier ---------------------------------------------------------------------------

TEST(PlanDossier, EmitsOnlyTheLatestRepetitionAsPendingAndOlderOnesAsSkipped) {
  // Due Thu 05/03 17:00; at Wed 11/03 09:00 repetitions 0 (Thu 17:00:01), 1 (Mon 09), 2 (Tue 10)
  // and 3 (Wed 11 07:00) have come due.
  const Directory dir(testing::office_people());
  const deadline::Dossier d = testing::make_dossier("D1", local(2026, 2, 26, 8));
  const Instant now = local(2026, 3, 11, 9);
  DossierClock c = clock_of(local(2026, 2, 26, 8), local(2026, 3, 5, 17), ClockState::overdue, now);
  c.due_version = 2;
  const std::vector<Rule> rules = {with_repeat(
      make_rule("qua-han", Stage::overdue, {"department_head", "role:leader"}), "1 working day")};
  const DossierPlan p = plan_dossier(d, c, rules, dir, cal(), now);
  ASSERT_EQ(p.rows.size(), 8u);  // 4 repetitions × 2 recipients
  for (const AlertRow& r : p.rows) {
    EXPECT_EQ(r.key, alert_key(r.id));
    EXPECT_EQ(r.id.due_version, 2);
    EXPECT_EQ(r.id.channel, "file");
    EXPECT_EQ(r.stage, Stage::overdue);
    if (r.id.repeat == 3) {
      EXPECT_EQ(r.state, AlertState::pending) << r.id.recipient;
      EXPECT_EQ(r.fire_at, local(2026, 3, 11, 7));
    } else {
      EXPECT_EQ(r.state, AlertState::skipped) << r.id.recipient << " #" << r.id.repeat;
    }
  }
  EXPECT_EQ(p.next_fire, local(2026, 3, 12, 7));
}

TEST(PlanDossier, NothingBeforeTheFiringInstantButTheNextFiring) {
  const Directory dir(testing::office_people());
  const deadline::Dossier d = testing::make_dossier("D1", local(2026, 3, 2, 8));
  const Instant now = local(2026, 3, 5, 16);
  const DossierClock c =
      clock_of(local(2026, 3, 2, 8), local(2026, 3, 10, 17), ClockState::not_due, now);
  const std::vector<Rule> rules = {before_due("2 working days"),
                                   make_rule("d", Stage::due_today, {"handler"})};
  const DossierPlan p = plan_dossier(d, c, rules, dir, cal(), now);
  EXPECT_TRUE(p.rows.empty());
  EXPECT_EQ(p.next_fire, local(2026, 3, 6, 7));
}

TEST(PlanDossier, AStageThatNoLongerHoldsIsRecordedAsSkipped) {
  // First look at the dossier on its due date: "2 working days before" is late and skipped,
  // "due today" is pending.
  const Directory dir(testing::office_people());
  const deadline::Dossier d = testing::make_dossier("D1", local(2026, 3, 2, 8));
  const Instant now = local(2026, 3, 10, 8);
  const DossierClock c =
      clock_of(local(2026, 3, 2, 8), local(2026, 3, 10, 17), ClockState::due_today, now);
  const std::vector<Rule> rules = {before_due("2 working days"),
                                   make_rule("d", Stage::due_today, {"handler"})};
  const DossierPlan p = plan_dossier(d, c, rules, dir, cal(), now);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].id.rule, "r");
  EXPECT_EQ(p.rows[0].state, AlertState::skipped);
  EXPECT_EQ(p.rows[1].id.rule, "d");
  EXPECT_EQ(p.rows[1].state, AlertState::pending);
  EXPECT_EQ(p.rows[1].fire_at, local(2026, 3, 10, 7));
}

TEST(PlanDossier, ClosedDossiersAndUnmatchedRulesPlanNothing) {
  const Directory dir(testing::office_people());
  const deadline::Dossier d = testing::make_dossier("D1", local(2026, 3, 2, 8));
  const Instant now = local(2026, 3, 11, 9);
  DossierClock c = clock_of(local(2026, 3, 2, 8), local(2026, 3, 5, 17), ClockState::late, now);
  const std::vector<Rule> rules = {make_rule("o", Stage::overdue, {"handler"})};
  EXPECT_TRUE(plan_dossier(d, c, rules, dir, cal(), now).rows.empty());
  c.state = ClockState::overdue;
  std::vector<Rule> extended_only = rules;
  extended_only[0].match.extended = true;
  EXPECT_TRUE(plan_dossier(d, c, extended_only, dir, cal(), now).rows.empty());
  EXPECT_EQ(plan_dossier(d, c, rules, dir, cal(), now).rows.size(), 1u);
}

TEST(PlanDossier, DigestRowsCarryOneKeyPerRecipientChannelAndSlot) {
  const Directory dir(testing::office_people());
  const Instant now = local(2026, 3, 10, 7, 30);
  const DossierClock c =
      clock_of(local(2026, 3, 2, 8), local(2026, 3, 10, 17), ClockState::due_today, now);
  Rule r = make_rule("d", Stage::due_today, {"handler"});
  r.digest = std::chrono::hours{7} + std::chrono::minutes{30};
  const std::vector<Rule> rules = {r};
  const DossierPlan a =
      plan_dossier(testing::make_dossier("A", local(2026, 3, 2, 8)), c, rules, dir, cal(), now);
  const DossierPlan b =
      plan_dossier(testing::make_dossier("B", local(2026, 3, 2, 8)), c, rules, dir, cal(), now);
  ASSERT_EQ(a.rows.size(), 1u);
  ASSERT_EQ(b.rows.size(), 1u);
  EXPECT_FALSE(a.rows[0].digest_key.empty());
  EXPECT_EQ(a.rows[0].digest_key, b.rows[0].digest_key);
  EXPECT_NE(a.rows[0].key, b.rows[0].key);
}

TEST(PlanDossier, RoutingProblemsAreReported) {
  const Directory dir(testing::office_people());
  const deadline::Dossier d =
      testing::make_dossier("D1", local(2026, 3, 2, 8), testing::wd(5), "ghost");
  const Instant now = local(2026, 3, 10, 8);
  const DossierClock c =
      clock_of(local(2026, 3, 2, 8), local(2026, 3, 10, 17), ClockState::due_today, now);
  const std::vector<Rule> rules = {
      make_rule("d", Stage::due_today, {"handler", "department_head"})};
  const DossierPlan p = plan_dossier(d, c, rules, dir, cal(), now);
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].id.recipient, "tp1");
  ASSERT_EQ(p.problems.size(), 1u);
  EXPECT_NE(p.problems[0].find("ghost"), std::string::npos);
}

}  // namespace
}  // namespace dunghan::alerting
