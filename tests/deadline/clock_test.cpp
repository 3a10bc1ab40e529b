// DossierClock (docs/rules.md §2, §3). Expected values are worked out by hand in the comments, on
// the calendar of deadline/fixtures.h (office 07:00–11:30, 13:30–17:00 = 480 min a day).
//
// The reference dossier R: received Mon 02/03/2026 09:00, 10 working days. Day 1 is Tue 03/03;
// days 3,4,5,6,9,10,11,12,13,16 March → due Mon 16/03/2026 17:00.

#include <gtest/gtest.h>

#include <vector>

#include "deadline/clock.h"
#include "deadline/fixtures.h"

namespace dunghan::deadline {
namespace {

using calendar::WorkingMinutes;
using testing::cal;
using testing::local;
using testing::ymd;

constexpr DeadlineOptions kDefaults{};

Dossier reference() {
  return testing::dossier("R", local(2026, 3, 2, 9, 0));
}

DossierClock clock_of(const Dossier& d, const std::vector<Event>& events, calendar::Instant at,
                      const DeadlineOptions& options = kDefaults,
                      const ProcedureCatalogue* catalogue = nullptr) {
  return compute_clock(d, events, cal(), options, catalogue, at);
}

// ---- open states -----------------------------------------------------------------------------

TEST(ClockOpen, ComputesTheTenthWorkingDayAfterReceipt) {
  const DossierClock c = clock_of(reference(), {}, local(2026, 3, 3, 10, 0));
  ASSERT_TRUE(c.valid) << c.invalid_reason;
  EXPECT_EQ(c.current_due, local(2026, 3, 16, 17, 0));
  EXPECT_EQ(c.original_due, local(2026, 3, 16, 17, 0));
  EXPECT_EQ(c.computed_due, local(2026, 3, 16, 17, 0));
  EXPECT_EQ(c.due_date, ymd(2026, 3, 16));
  EXPECT_EQ(c.due_version, 0);
  EXPECT_FALSE(c.issued_due.has_value());
  EXPECT_FALSE(c.provisional);
  EXPECT_TRUE(c.anomalies.empty());
}

TEST(ClockOpen, NotDueEarlyInTheCount) {
  // Used: 02/03 09:00–11:30 (150) + 13:30–17:00 (210) + 03/03 07:00–10:00 (180) = 540.
  // Left: 03/03 10:00–17:00 (90 + 210) + 9 full days (4,5,6,9,10,11,12,13,16) × 480 = 4620.
  const DossierClock c = clock_of(reference(), {}, local(2026, 3, 3, 10, 0));
  EXPECT_EQ(c.state, ClockState::not_due);
  EXPECT_EQ(c.used, WorkingMinutes{540});
  EXPECT_EQ(c.left, WorkingMinutes{4620});
}

TEST(ClockOpen, NotDueWhenTheDueDateIsThreeWorkingDaysAway) {
  // Wed 11/03: the next two working days are 12/03 and 13/03; the due date 16/03 is not among them.
  EXPECT_EQ(clock_of(reference(), {}, local(2026, 3, 11, 16, 0)).state, ClockState::not_due);
}

TEST(ClockOpen, DueSoonWhenTheDueDateIsAmongTheNextTwoWorkingDays) {
  // Thu 12/03: the next two working days are 13/03 and 16/03 (the weekend does not count).
  EXPECT_EQ(clock_of(reference(), {}, local(2026, 3, 12, 8, 0)).state, ClockState::due_soon);
  EXPECT_EQ(clock_of(reference(), {}, local(2026, 3, 14, 12, 0)).state, ClockState::due_soon);
}

TEST(ClockOpen, DueSoonFollowsTheSetting) {
  DeadlineOptions one_day;
  one_day.due_soon = testing::working_days(1);
  // Thu 12/03 with N = 1: only 13/03 is next → not due soon; Fri 13/03: 16/03 is next.
  EXPECT_EQ(clock_of(reference(), {}, local(2026, 3, 12, 8, 0), one_day).state,
            ClockState::not_due);
  EXPECT_EQ(clock_of(reference(), {}, local(2026, 3, 13, 8, 0), one_day).state,
            ClockState::due_soon);
}

TEST(ClockOpen, DueSoonInWorkingHoursComparesTheTimeLeft) {
  DeadlineOptions hours;
  hours.due_soon = calendar::Duration{4, calendar::DurationUnit::working_hours};
  // Fri 13/03 16:00: left = 13/03 16:00–17:00 (60) + 16/03 (480) = 540 > 240 → not due soon.
  EXPECT_EQ(clock_of(reference(), {}, local(2026, 3, 13, 16, 0), hours).state, ClockState::not_due);
  // With 10 hours (600 min) it is.
  hours.due_soon.amount = 10;
  EXPECT_EQ(clock_of(reference(), {}, local(2026, 3, 13, 16, 0), hours).state,
            ClockState::due_soon);
}

TEST(ClockOpen, DueTodayOnTheDueDate) {
  EXPECT_EQ(clock_of(reference(), {}, local(2026, 3, 16, 0, 0)).state, ClockState::due_today);
  EXPECT_EQ(clock_of(reference(), {}, local(2026, 3, 16, 8, 0)).state, ClockState::due_today);
}

TEST(ClockOpen, DueTodayExactlyAtTheDueInstant) {
  const DossierClock c = clock_of(reference(), {}, local(2026, 3, 16, 17, 0));
  EXPECT_EQ(c.state, ClockState::due_today);
  EXPECT_EQ(c.left, WorkingMinutes{0});
}

TEST(ClockOpen, OverdueOneSecondAfterTheDueInstant) {
  EXPECT_EQ(clock_of(reference(), {}, local(2026, 3, 16, 17, 0, 1)).state, ClockState::overdue);
}

TEST(ClockOpen, OverdueHasNegativeTimeLeft) {
  // 17/03 09:00: 07:00–09:00 of office time since the due instant → left = -120.
  const DossierClock c = clock_of(reference(), {}, local(2026, 3, 17, 9, 0));
  EXPECT_EQ(c.state, ClockState::overdue);
  EXPECT_EQ(c.left, WorkingMinutes{-120});
  // Used: 10 full days after the receipt day + 360 on 02/03 + 120 on 17/03.
  EXPECT_EQ(c.used, WorkingMinutes{360 + 4800 + 120});
}

// ---- receipt normalisation, hours, make-up Saturdays, provisional years ---------------------

TEST(ClockReceipt, ReceiptOnATetHolidayCountsFromTheNextWorkingDay) {
  // Received Tue 17/02 (Tết) 10:00 → counted as received Mon 23/02 07:00; 3 working days:
  // 24, 25, 26/02 → due Thu 26/02 17:00.
  const Dossier d = testing::dossier("T", local(2026, 2, 17, 10, 0), testing::working_days(3));
  const DossierClock c = clock_of(d, {}, local(2026, 2, 18, 9, 0));
  EXPECT_EQ(c.counting_from, local(2026, 2, 23, 7, 0));
  EXPECT_EQ(c.current_due, local(2026, 2, 26, 17, 0));
  EXPECT_EQ(c.used, WorkingMinutes{0});
  EXPECT_EQ(c.state, ClockState::not_due);
}

TEST(ClockReceipt, MakeUpSaturdayIsAWorkingDay) {
  // Received Wed 07/01 10:00, 3 working days: Thu 08/01, Fri 09/01, Sat 10/01 (làm bù).
  const Dossier d = testing::dossier("S", local(2026, 1, 7, 10, 0), testing::working_days(3));
  const DossierClock c = clock_of(d, {}, local(2026, 1, 8, 9, 0));
  EXPECT_EQ(c.current_due, local(2026, 1, 10, 17, 0));
}

TEST(ClockReceipt, WorkingDaysAsHoursCountsOfficeTimeFromTheReceipt) {
  // 2 working days = 960 min from 02/03 09:00: 360 on 02/03, 480 on 03/03, 120 on 04/03 → 09:00.
  Dossier d = reference();
  d.duration = testing::working_days(2);
  DeadlineOptions hours;
  hours.working_days_as = WorkingDaysAs::hours;
  const DossierClock h = clock_of(d, {}, local(2026, 3, 4, 10, 0), hours);
  EXPECT_EQ(h.current_due, local(2026, 3, 4, 9, 0));
  EXPECT_EQ(h.state, ClockState::overdue);
  // The same dossier counted in days is due at the close of 04/03.
  const DossierClock days = clock_of(d, {}, local(2026, 3, 4, 10, 0));
  EXPECT_EQ(days.current_due, local(2026, 3, 4, 17, 0));
  EXPECT_EQ(days.state, ClockState::due_today);
}

TEST(ClockReceipt, CatalogueSuppliesDurationAndCutoff) {
  ProcedureCatalogue catalogue;
  catalogue.add(Procedure{"P1", "Đăng ký khai sinh", "Hộ tịch", testing::working_days(3),
                          std::chrono::hours{15}});
  // Received Mon 02/03 15:30, after the 15:00 cut-off → counted from Tue 03/03;
  // day 1 = 04/03, day 3 = 06/03.
  const Dossier d = testing::dossier("C", local(2026, 3, 2, 15, 30), std::nullopt);
  const DossierClock c = clock_of(d, {}, local(2026, 3, 3, 9, 0), kDefaults, &catalogue);
  ASSERT_TRUE(c.valid);
  EXPECT_EQ(c.current_due, local(2026, 3, 6, 17, 0));
  EXPECT_EQ(c.counting_from, local(2026, 3, 3, 7, 0));
}

TEST(ClockReceipt, DossierDurationWinsOverTheCatalogue) {
  ProcedureCatalogue catalogue;
  catalogue.add(Procedure{"P1", "x", "y", testing::working_days(3), std::nullopt});
  const DossierClock c = clock_of(reference(), {}, local(2026, 3, 3, 9, 0), kDefaults, &catalogue);
  EXPECT_EQ(c.current_due, local(2026, 3, 16, 17, 0));
}

TEST(ClockReceipt, ProvisionalYearIsFlagged) {
  // 2027 is declared by no schedule in the fixture.
  const Dossier d = testing::dossier("Y", local(2027, 3, 1, 9, 0));
  EXPECT_TRUE(clock_of(d, {}, local(2027, 3, 2, 9, 0)).provisional);
}

// ---- issued appointment -----------------------------------------------------------------------

TEST(ClockIssued, IssuedDueIsAuthoritative) {
  Dossier d = reference();
  d.due_at = local(2026, 3, 13, 17, 0);  // one working day before the computed 16/03
  const DossierClock c = clock_of(d, {}, local(2026, 3, 13, 10, 0));
  EXPECT_EQ(c.state, ClockState::due_today);
  EXPECT_EQ(c.current_due, local(2026, 3, 13, 17, 0));
  EXPECT_EQ(c.issued_due, local(2026, 3, 13, 17, 0));
  EXPECT_EQ(c.computed_due, local(2026, 3, 16, 17, 0));
  EXPECT_EQ(clock_of(d, {}, local(2026, 3, 16, 9, 0)).state, ClockState::overdue);
}

TEST(ClockIssued, IssuedDueWithoutDurationIsValid) {
  Dossier d = testing::dossier("I", local(2026, 3, 2, 9, 0), std::nullopt);
  d.due_at = local(2026, 3, 10, 17, 0);
  const DossierClock c = clock_of(d, {}, local(2026, 3, 3, 9, 0));
  ASSERT_TRUE(c.valid);
  EXPECT_FALSE(c.computed_due.has_value());
  EXPECT_EQ(c.current_due, local(2026, 3, 10, 17, 0));
}

TEST(ClockIssued, ResolutionIsJudgedAgainstTheIssuedDue) {
  Dossier d = reference();
  d.due_at = local(2026, 3, 13, 17, 0);
  testing::close(d, Status::resolved, local(2026, 3, 16, 9, 0));
  EXPECT_EQ(clock_of(d, {}, local(2026, 3, 20)).state, ClockState::late);
}

TEST(ClockInvalid, NoDurationAndNoIssuedDueIsInvalid) {
  const Dossier d = testing::dossier("N", local(2026, 3, 2, 9, 0), std::nullopt);
  const DossierClock c = clock_of(d, {}, local(2026, 3, 3, 9, 0));
  EXPECT_FALSE(c.valid);
  EXPECT_FALSE(c.invalid_reason.empty());
  EXPECT_TRUE(c.has(AnomalyKind::no_due));
  EXPECT_EQ(c.state, ClockState::not_due);
}

TEST(ClockInvalid, UnknownProcedureIsReported) {
  ProcedureCatalogue catalogue;
  const Dossier d = testing::dossier("N", local(2026, 3, 2, 9, 0), std::nullopt);
  const DossierClock c = clock_of(d, {}, local(2026, 3, 3, 9, 0), kDefaults, &catalogue);
  EXPECT_FALSE(c.valid);
  EXPECT_TRUE(c.has(AnomalyKind::unknown_procedure));
}

TEST(ClockInvalid, InvalidResolvedDossierKeepsItsClosedPlaceholderState) {
  Dossier d = testing::dossier("N", local(2026, 3, 2, 9, 0), std::nullopt);
  testing::close(d, Status::withdrawn, local(2026, 3, 4, 9, 0));
  const DossierClock c = clock_of(d, {}, local(2026, 3, 5, 9, 0));
  EXPECT_FALSE(c.valid);
  EXPECT_EQ(c.state, ClockState::withdrawn);
}

// ---- supplementation ---------------------------------------------------------------------------

// R with a supplement requested Wed 04/03 10:00 and received Mon 09/03 14:00.
std::vector<Event> supplement_events(const Dossier& d, bool received = true) {
  std::vector<Event> e{
      testing::event(d, local(2026, 3, 4, 10, 0), EventKind::supplement_requested)};
  if (received) {
    e.push_back(testing::event(d, local(2026, 3, 9, 14, 0), EventKind::supplement_received));
  }
  return e;
}

TEST(ClockSupplement, WaitingForTheApplicant) {
  const Dossier d = reference();
  const DossierClock c = clock_of(d, supplement_events(d, false), local(2026, 3, 20, 9, 0));
  EXPECT_EQ(c.state, ClockState::waiting_applicant);  // even though 16/03 has passed
  EXPECT_EQ(c.waiting_since, local(2026, 3, 4, 10, 0));
  // The clock is stopped at 04/03 10:00: used 360 + 480 + 180 = 1020.
  EXPECT_EQ(c.used, WorkingMinutes{1020});
}

TEST(ClockSupplement, RestartRunsTheFullDurationFromTheCompleteDossier) {
  // Received complete Mon 09/03 14:00: day 1 = 10/03; 10,11,12,13,16,17,18,19,20,23 → 23/03.
  const Dossier d = reference();
  const DossierClock c = clock_of(d, supplement_events(d), local(2026, 3, 10, 9, 0));
  EXPECT_EQ(c.state, ClockState::not_due);
  EXPECT_EQ(c.current_due, local(2026, 3, 23, 17, 0));
  EXPECT_EQ(c.original_due, local(2026, 3, 23, 17, 0));
  EXPECT_EQ(c.computed_due, local(2026, 3, 23, 17, 0));
  EXPECT_EQ(c.counting_from, local(2026, 3, 9, 14, 0));
  EXPECT_EQ(c.due_version, 1);
  // Used since the restart: 09/03 14:00–17:00 (180) + 10/03 07:00–09:00 (120).
  EXPECT_EQ(c.used, WorkingMinutes{300});
}

TEST(ClockSupplement, RestartNormalisesLikeAReceiptWithTheCutoff) {
  ProcedureCatalogue catalogue;
  catalogue.add(Procedure{"P1", "x", "Hộ tịch", testing::working_days(10), std::chrono::hours{15}});
  Dossier d = testing::dossier("R", local(2026, 3, 2, 9, 0), std::nullopt);
  std::vector<Event> events{
      testing::event(d, local(2026, 3, 4, 10, 0), EventKind::supplement_requested),
      testing::event(d, local(2026, 3, 9, 15, 30), EventKind::supplement_received)};
  // 15:30 is after the cut-off: counted as received 10/03; day 10 = 24/03.
  const DossierClock c = clock_of(d, events, local(2026, 3, 10, 9, 0), kDefaults, &catalogue);
  EXPECT_EQ(c.current_due, local(2026, 3, 24, 17, 0));
}

TEST(ClockSupplement, RestartReplacesTheIssuedDue) {
  Dossier d = reference();
  d.due_at = local(2026, 3, 16, 17, 0);
  const DossierClock c = clock_of(d, supplement_events(d), local(2026, 3, 10, 9, 0));
  EXPECT_EQ(c.current_due, local(2026, 3, 23, 17, 0));
  EXPECT_EQ(c.issued_due, local(2026, 3, 16, 17, 0));
}

TEST(ClockSupplement, PauseModeMovesTheDueByTheWaitingOfficeTime) {
  // Office time in [04/03 10:00, 09/03 14:00): 300 + 480 + 480 + 300 = 1560 min.
  // 16/03 17:00 + 1560: 17, 18, 19/03 (1440) + 120 on 20/03 → Fri 20/03 09:00.
  DeadlineOptions pause;
  pause.supplement = SupplementMode::pause;
  const Dossier d = reference();
  const DossierClock c = clock_of(d, supplement_events(d), local(2026, 3, 10, 9, 0), pause);
  EXPECT_EQ(c.current_due, local(2026, 3, 20, 9, 0));
  EXPECT_EQ(c.computed_due, local(2026, 3, 20, 9, 0));
  EXPECT_EQ(c.due_version, 1);
  EXPECT_EQ(c.counting_from, local(2026, 3, 2, 9, 0));
  // Used: 1020 before the stop + 09/03 14:00–17:00 (180) + 10/03 07:00–09:00 (120) = 1320.
  EXPECT_EQ(c.used, WorkingMinutes{1320});
  // Left: 10/03 09:00–17:00 (360) + 11,12,13,16,17,18,19 (3360) + 20/03 07:00–09:00 (120).
  EXPECT_EQ(c.left, WorkingMinutes{3840});
}

TEST(ClockSupplement, PauseModeOutsideOfficeTimeChangesNothing) {
  // Requested Fri 06/03 18:00, received Sat 07/03 10:00: no office time in between.
  DeadlineOptions pause;
  pause.supplement = SupplementMode::pause;
  const Dossier d = reference();
  std::vector<Event> events{
      testing::event(d, local(2026, 3, 6, 18, 0), EventKind::supplement_requested),
      testing::event(d, local(2026, 3, 7, 10, 0), EventKind::supplement_received)};
  const DossierClock c = clock_of(d, events, local(2026, 3, 10, 9, 0), pause);
  EXPECT_EQ(c.current_due, local(2026, 3, 16, 17, 0));
  EXPECT_EQ(c.due_version, 0);
}

TEST(ClockSupplement, RestartWithoutDurationFallsBackToPause) {
  Dossier d = testing::dossier("I", local(2026, 3, 2, 9, 0), std::nullopt);
  d.due_at = local(2026, 3, 16, 17, 0);
  const DossierClock c = clock_of(d, supplement_events(d), local(2026, 3, 10, 9, 0));
  EXPECT_TRUE(c.has(AnomalyKind::restart_without_duration));
  EXPECT_EQ(c.current_due, local(2026, 3, 20, 9, 0));
}

// ---- other pauses
// ----------------------------------------------------------------------------------

TEST(ClockPause, PausedDossierWaitsForTheApplicant) {
  const Dossier d = reference();
  std::vector<Event> events{testing::event(d, local(2026, 3, 4, 10, 0), EventKind::paused)};
  const DossierClock c = clock_of(d, events, local(2026, 3, 5, 9, 0));
  EXPECT_EQ(c.state, ClockState::waiting_applicant);
  EXPECT_EQ(c.left, WorkingMinutes{4800 + 360 - 1020});  // frozen at the pause
}

TEST(ClockPause, PausesUsePauseSemanticsEvenInRestartMode) {
  const Dossier d = reference();
  std::vector<Event> events{testing::event(d, local(2026, 3, 4, 10, 0), EventKind::paused),
                            testing::event(d, local(2026, 3, 9, 14, 0), EventKind::resumed)};
  const DossierClock c = clock_of(d, events, local(2026, 3, 10, 9, 0));
  EXPECT_EQ(c.current_due, local(2026, 3, 20, 9, 0));
  EXPECT_EQ(c.state, ClockState::not_due);
  EXPECT_EQ(c.due_version, 1);
}

TEST(ClockPause, OverlappingPauseAndSupplementAreOneStop) {
  // Pause mode: supplement 04/03 10:00 → 09/03 14:00; a pause 05/03 08:00 → 06/03 08:00 inside.
  DeadlineOptions pause;
  pause.supplement = SupplementMode::pause;
  const Dossier d = reference();
  std::vector<Event> events = supplement_events(d);
  events.insert(events.begin() + 1,
                {testing::event(d, local(2026, 3, 5, 8, 0), EventKind::paused),
                 testing::event(d, local(2026, 3, 6, 8, 0), EventKind::resumed)});
  const DossierClock c = clock_of(d, events, local(2026, 3, 10, 9, 0), pause);
  EXPECT_EQ(c.current_due, local(2026, 3, 20, 9, 0));  // not moved twice
}

// ---- extension
// -----------------------------------------------------------------------------------

std::vector<Event> extension_events(const Dossier& d) {
  return {
      testing::event(d, local(2026, 3, 13, 10, 0), EventKind::extended, local(2026, 3, 20, 17, 0))};
}

TEST(ClockExtension, NewAppointmentBecomesCurrentAndOriginalIsKept) {
  const Dossier d = reference();
  const DossierClock c = clock_of(d, extension_events(d), local(2026, 3, 17, 10, 0));
  EXPECT_TRUE(c.extended);
  EXPECT_EQ(c.original_due, local(2026, 3, 16, 17, 0));
  EXPECT_EQ(c.original_due_date, ymd(2026, 3, 16));
  EXPECT_EQ(c.current_due, local(2026, 3, 20, 17, 0));
  EXPECT_EQ(c.due_date, ymd(2026, 3, 20));
  EXPECT_EQ(c.due_version, 1);
  // 17/03: the next two working days are 18 and 19/03 → 20/03 is not yet due soon.
  EXPECT_EQ(c.state, ClockState::not_due);
}

TEST(ClockExtension, SecondExtensionIsAnAnomalyAndNotApplied) {
  const Dossier d = reference();
  std::vector<Event> events = extension_events(d);
  events.push_back(
      testing::event(d, local(2026, 3, 19, 10, 0), EventKind::extended, local(2026, 3, 27, 17, 0)));
  const DossierClock c = clock_of(d, events, local(2026, 3, 23, 10, 0));
  EXPECT_TRUE(c.has(AnomalyKind::second_extension));
  EXPECT_EQ(c.current_due, local(2026, 3, 20, 17, 0));
  EXPECT_EQ(c.due_version, 1);
  EXPECT_EQ(c.state, ClockState::overdue);
}

TEST(ClockExtension, ExtensionWithoutNewDueIsIgnored) {
  const Dossier d = reference();
  std::vector<Event> events{testing::event(d, local(2026, 3, 13, 10, 0), EventKind::extended)};
  const DossierClock c = clock_of(d, events, local(2026, 3, 14, 10, 0));
  EXPECT_TRUE(c.has(AnomalyKind::extension_without_due));
  EXPECT_FALSE(c.extended);
  EXPECT_EQ(c.current_due, local(2026, 3, 16, 17, 0));
}

TEST(ClockExtension, ResolutionJudgedAgainstCurrentByDefault) {
  Dossier d = reference();
  testing::close(d, Status::resolved, local(2026, 3, 18, 10, 0));
  EXPECT_EQ(clock_of(d, extension_events(d), local(2026, 3, 31)).state, ClockState::early);
}

TEST(ClockExtension, ResolutionJudgedAgainstOriginalWhenAsked) {
  Dossier d = reference();
  testing::close(d, Status::resolved, local(2026, 3, 18, 10, 0));
  DeadlineOptions original;
  original.judge_against = JudgeAgainst::original;
  EXPECT_EQ(clock_of(d, extension_events(d), local(2026, 3, 31), original).state, ClockState::late);
}

// ---- resolved, returned, withdrawn
// ---------------------------------------------------------------

DossierClock resolved_at(calendar::Instant when, CompareMode compare) {
  Dossier d = reference();
  testing::close(d, Status::resolved, when);
  DeadlineOptions o;
  o.compare = compare;
  return clock_of(d, {}, local(2026, 4, 1), o);
}

TEST(ClockResolved, EarlyBeforeTheDueDate) {
  EXPECT_EQ(resolved_at(local(2026, 3, 13, 16, 0), CompareMode::date).state, ClockState::early);
  EXPECT_EQ(resolved_at(local(2026, 3, 13, 16, 0), CompareMode::instant).state, ClockState::early);
}

TEST(ClockResolved, ExactlyAtTheDueInstantIsOnTimeInBothModes) {
  EXPECT_EQ(resolved_at(local(2026, 3, 16, 17, 0), CompareMode::date).state, ClockState::on_time);
  EXPECT_EQ(resolved_at(local(2026, 3, 16, 17, 0), CompareMode::instant).state,
            ClockState::on_time);
}

TEST(ClockResolved, AfterTheDueInstantOnTheDueDateDependsOnTheMode) {
  EXPECT_EQ(resolved_at(local(2026, 3, 16, 17, 0, 1), CompareMode::date).state,
            ClockState::on_time);
  EXPECT_EQ(resolved_at(local(2026, 3, 16, 17, 0, 1), CompareMode::instant).state,
            ClockState::late);
}

TEST(ClockResolved, LateAfterTheDueDate) {
  EXPECT_EQ(resolved_at(local(2026, 3, 17, 8, 0), CompareMode::date).state, ClockState::late);
  EXPECT_EQ(resolved_at(local(2026, 3, 17, 8, 0), CompareMode::instant).state, ClockState::late);
}

TEST(ClockResolved, UsedAndLeftAreTakenAtTheResolution) {
  // Resolved 13/03 16:00: left = 60 on 13/03 + 480 on 16/03.
  const DossierClock c = resolved_at(local(2026, 3, 13, 16, 0), CompareMode::date);
  EXPECT_EQ(c.closed, local(2026, 3, 13, 16, 0));
  EXPECT_EQ(c.left, WorkingMinutes{540});
}

TEST(ClockResolved, OpenBeforeItsResolutionInstant) {
  Dossier d = reference();
  testing::close(d, Status::resolved, local(2026, 3, 17, 8, 0));
  const DossierClock c = clock_of(d, {}, local(2026, 3, 16, 10, 0));
  EXPECT_EQ(c.state, ClockState::due_today);
  EXPECT_FALSE(c.closed.has_value());
}

TEST(ClockResolved, ReturnedHasItsOwnState) {
  Dossier d = reference();
  testing::close(d, Status::returned, local(2026, 3, 20, 8, 0));  // after the due date
  EXPECT_EQ(clock_of(d, {}, local(2026, 3, 21)).state, ClockState::returned);
  EXPECT_EQ(clock_of(d, {}, local(2026, 3, 19)).state, ClockState::overdue);
}

TEST(ClockResolved, WithdrawnHasItsOwnState) {
  Dossier d = reference();
  testing::close(d, Status::withdrawn, local(2026, 3, 5, 8, 0));
  EXPECT_EQ(clock_of(d, {}, local(2026, 3, 5, 8, 0)).state, ClockState::withdrawn);
}

TEST(ClockResolved, ReturnedWhileWaitingForSupplement) {
  Dossier d = reference();
  testing::close(d, Status::returned, local(2026, 3, 25, 8, 0));
  const DossierClock c = clock_of(d, supplement_events(d, false), local(2026, 3, 26));
  EXPECT_EQ(c.state, ClockState::returned);
  EXPECT_FALSE(c.waiting_since.has_value());
}

TEST(ClockResolved, MissingResolvedAtUsesUpdatedAt) {
  Dossier d = reference();
  d.status = Status::resolved;
  d.updated_at = local(2026, 3, 12, 9, 0);
  const DossierClock c = clock_of(d, {}, local(2026, 3, 31));
  EXPECT_TRUE(c.has(AnomalyKind::missing_resolved_at));
  EXPECT_EQ(c.closed, local(2026, 3, 12, 9, 0));
  EXPECT_EQ(c.state, ClockState::early);
}

// ---- the events up to `at`
// -----------------------------------------------------------------------

TEST(ClockEvents, EventsAfterTheQueryInstantAreIgnored) {
  const Dossier d = reference();
  // At 04/03 09:59 the supplement request (10:00) has not happened yet.
  const DossierClock before = clock_of(d, supplement_events(d), local(2026, 3, 4, 9, 59));
  EXPECT_EQ(before.state, ClockState::not_due);
  EXPECT_EQ(before.current_due, local(2026, 3, 16, 17, 0));
  EXPECT_TRUE(before.anomalies.empty());
  // At 10:00 it has.
  EXPECT_EQ(clock_of(d, supplement_events(d), local(2026, 3, 4, 10, 0)).state,
            ClockState::waiting_applicant);
}

TEST(ClockEvents, ExtensionAfterTheQueryInstantIsIgnored) {
  const Dossier d = reference();
  const DossierClock c = clock_of(d, extension_events(d), local(2026, 3, 13, 9, 0));
  EXPECT_FALSE(c.extended);
  EXPECT_EQ(c.due_version, 0);
}

TEST(ClockEvents, UnorderedEventsAreSortedAndReported) {
  const Dossier d = reference();
  std::vector<Event> events = supplement_events(d);
  std::swap(events[0], events[1]);
  const DossierClock c = clock_of(d, events, local(2026, 3, 10, 9, 0));
  EXPECT_TRUE(c.has(AnomalyKind::events_unordered));
  EXPECT_EQ(c.current_due, local(2026, 3, 23, 17, 0));
}

TEST(ClockEvents, UnmatchedEventsAreReportedAndIgnored) {
  const Dossier d = reference();
  std::vector<Event> events{
      testing::event(d, local(2026, 3, 3, 9, 0), EventKind::supplement_received),
      testing::event(d, local(2026, 3, 3, 10, 0), EventKind::resumed),
      testing::event(d, local(2026, 3, 3, 11, 0), EventKind::paused),
      testing::event(d, local(2026, 3, 3, 11, 10), EventKind::paused)};
  const DossierClock c = clock_of(d, events, local(2026, 3, 4, 9, 0));
  EXPECT_TRUE(c.has(AnomalyKind::unmatched_supplement_received));
  EXPECT_TRUE(c.has(AnomalyKind::unmatched_resumed));
  EXPECT_TRUE(c.has(AnomalyKind::repeated_pause));
  EXPECT_EQ(c.waiting_since, local(2026, 3, 3, 11, 0));
}

TEST(ClockEvents, EventsBeforeReceiptOrForAnotherDossierAreIgnored) {
  const Dossier d = reference();
  Event other = testing::event(d, local(2026, 3, 3, 9, 0), EventKind::paused);
  other.code = "OTHER";
  std::vector<Event> events{testing::event(d, local(2026, 3, 1, 9, 0), EventKind::paused), other};
  const DossierClock c = clock_of(d, events, local(2026, 3, 4, 9, 0));
  EXPECT_TRUE(c.has(AnomalyKind::event_before_receipt));
  EXPECT_TRUE(c.has(AnomalyKind::event_other_dossier));
  EXPECT_EQ(c.state, ClockState::not_due);
}

TEST(ClockEvents, EventsAfterClosingAreIgnored) {
  Dossier d = reference();
  testing::close(d, Status::resolved, local(2026, 3, 5, 9, 0));
  std::vector<Event> events{testing::event(d, local(2026, 3, 6, 9, 0), EventKind::paused)};
  const DossierClock c = clock_of(d, events, local(2026, 3, 31));
  EXPECT_TRUE(c.has(AnomalyKind::event_after_close));
  EXPECT_EQ(c.state, ClockState::early);
}

TEST(ClockEvents, WaitingStatusWithoutEventsAssumesTheWaitFromUpdatedAt) {
  Dossier d = reference();
  d.status = Status::waiting_supplement;
  d.updated_at = local(2026, 3, 4, 10, 0);
  const DossierClock c = clock_of(d, {}, local(2026, 3, 20, 9, 0));
  EXPECT_TRUE(c.has(AnomalyKind::status_without_event));
  EXPECT_EQ(c.state, ClockState::waiting_applicant);
  EXPECT_EQ(c.waiting_since, local(2026, 3, 4, 10, 0));
}

// ---- enums
// -----------------------------------------------------------------------------------------

TEST(ClockNames, StateNames) {
  EXPECT_EQ(to_string(ClockState::waiting_applicant), "waiting_applicant");
  EXPECT_EQ(to_string(ClockState::due_soon), "due_soon");
  EXPECT_EQ(to_string(ClockState::withdrawn), "withdrawn");
  EXPECT_EQ(to_string(AnomalyKind::second_extension), "second_extension");
  EXPECT_EQ(to_string(AnomalyKind::status_without_event), "status_without_event");
}

}  // namespace
}  // namespace dunghan::deadline
