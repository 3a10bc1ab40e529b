#include "calendar/due_date.h"

#include <gtest/gtest.h>

#include <chrono>

#include "calendar/naive_calendar.h"
#include "calendar/test_calendars.h"

namespace dunghan::calendar {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using testing::at;
using testing::ymd;

// Default sessions 07:00-11:30, 13:30-17:00, +07:00, the official 2019–2026 schedules (2026: Tết
// 16–20/02 off, Saturday 10/01 worked, 02/01 off), statutory rules from 2027 on.
const WorkCalendar& cal() {
  static const auto c = [] {
    CalendarSpec spec;
    spec.schedules = testing::official_schedules();
    return WorkCalendar::build(spec);
  }();
  return *c;
}

Duration working_days(std::int64_t n) {
  return {n, DurationUnit::working_days};
}
Duration working_hours(std::int64_t n) {
  return {n, DurationUnit::working_hours};
}
Duration calendar_days(std::int64_t n) {
  return {n, DurationUnit::calendar_days};
}

DueOptions cutoff_at(int hh, int mm) {
  DueOptions o;
  o.cutoff = hours{hh} + minutes{mm};
  return o;
}

// ---------------------------------------------------------------------------------------------
// parse_duration / format_duration

TEST(ParseDuration, EnglishUnits) {
  EXPECT_EQ(parse_duration("15 working days"), working_days(15));
  EXPECT_EQ(parse_duration("1 working day"), working_days(1));
  EXPECT_EQ(parse_duration("4 working hours"), working_hours(4));
  EXPECT_EQ(parse_duration("1 working hour"), working_hours(1));
  EXPECT_EQ(parse_duration("30 days"), calendar_days(30));
  EXPECT_EQ(parse_duration("1 day"), calendar_days(1));
  EXPECT_EQ(parse_duration("30 calendar days"), calendar_days(30));
  EXPECT_EQ(parse_duration("1 calendar day"), calendar_days(1));
}

TEST(ParseDuration, VietnameseUnits) {
  EXPECT_EQ(parse_duration("15 ngày làm việc"), working_days(15));
  EXPECT_EQ(parse_duration("4 giờ làm việc"), working_hours(4));
  EXPECT_EQ(parse_duration("30 ngày"), calendar_days(30));
}

TEST(ParseDuration, IgnoresCaseAndBlanks) {
  EXPECT_EQ(parse_duration("  15 Working Days \t"), working_days(15));
  EXPECT_EQ(parse_duration("15   working\tdays"), working_days(15));
  EXPECT_EQ(parse_duration("15 NGÀY LÀM VIỆC"), working_days(15));
  EXPECT_EQ(parse_duration("4 GIỜ LÀM VIỆC"), working_hours(4));
  EXPECT_EQ(parse_duration("15\xc2\xa0ngày làm việc"), working_days(15));  // no-break space
}

TEST(ParseDuration, AcceptsDecomposedAndUnaccentedVietnamese) {
  // NFD: a + U+0300, e + U+0323 + U+0302, o + U+031B + U+0300.
  EXPECT_EQ(parse_duration("15 nga\xcc\x80y la\xcc\x80m vie\xcc\xa3\xcc\x82\x63"),
            working_days(15));
  EXPECT_EQ(parse_duration("4 gio\xcc\x9b\xcc\x80 la\xcc\x80m vie\xcc\xa3\xcc\x82\x63"),
            working_hours(4));
  EXPECT_EQ(parse_duration("15 ngay lam viec"), working_days(15));
  EXPECT_EQ(parse_duration("30 ngay"), calendar_days(30));
}

TEST(ParseDuration, AmountRange) {
  EXPECT_EQ(parse_duration("0 working days"), working_days(0));
  EXPECT_EQ(parse_duration("100000 days"), calendar_days(100000));
  EXPECT_EQ(parse_duration("100001 days"), std::nullopt);
  EXPECT_EQ(parse_duration("99999999999999999999999 days"), std::nullopt);
}

TEST(ParseDuration, RejectsAnythingElse) {
  for (const char* s : {"", "15", "days", "working days", "-1 days", "+1 days", "1.5 days",
                        "15 weeks", "15 working", "15 ngày làm", "15ngày", "15 days later",
                        "15 ngáy", "fifteen days", "15 giờ", "\xff 15 days", "15 d\xc3"}) {
    EXPECT_EQ(parse_duration(s), std::nullopt) << s;
  }
}

TEST(FormatDuration, EnglishAndVietnamese) {
  EXPECT_EQ(format_duration(working_days(15)), "15 working days");
  EXPECT_EQ(format_duration(working_days(1)), "1 working day");
  EXPECT_EQ(format_duration(working_hours(4)), "4 working hours");
  EXPECT_EQ(format_duration(calendar_days(30)), "30 days");
  EXPECT_EQ(format_duration_vn(working_days(15)), "15 ngày làm việc");
  EXPECT_EQ(format_duration_vn(working_hours(4)), "4 giờ làm việc");
  EXPECT_EQ(format_duration_vn(calendar_days(30)), "30 ngày");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (const Duration d : {working_days(0), working_days(1), working_days(15), working_hours(1),
                           working_hours(4), calendar_days(1), calendar_days(30)}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d);
    EXPECT_EQ(parse_duration(format_duration_vn(d)), d);
  }
}

// ---------------------------------------------------------------------------------------------
// working_days

TEST(ComputeDue, WorkingDaysCountFromTheDayAfterReceipt) {
  const Instant received = at(ymd(2026, 3, 2), 10, 0);  // Monday
  const DueResult r = compute_due(cal(), received, working_days(15));
  EXPECT_EQ(r.received, received);
  EXPECT_EQ(r.counting_from, received);
  EXPECT_EQ(r.due_date, ymd(2026, 3, 23));
  EXPECT_EQ(r.due_at, at(ymd(2026, 3, 23), 17, 0));
  EXPECT_FALSE(r.provisional);
}

TEST(ComputeDue, WorkingDaysSkipTet) {
  // Tue 10 … Fri 13 (4), Tết 16–20 off, 23–27 (9), Mon 02/03 is the 10th.
  const DueResult r = compute_due(cal(), at(ymd(2026, 2, 9), 10, 0), working_days(10));
  EXPECT_EQ(r.due_date, ymd(2026, 3, 2));
  EXPECT_EQ(r.due_at, at(ymd(2026, 3, 2), 17, 0));
}

TEST(ComputeDue, WorkingDaysCountAMakeupSaturday) {
  EXPECT_EQ(compute_due(cal(), at(ymd(2026, 1, 7), 9, 0), working_days(3)).due_date,
            ymd(2026, 1, 10));
}

TEST(ComputeDue, WorkingDaysSkipTheNewYearSwap) {
  // 01/01 holiday, 02/01 swapped, 03–04 weekend: Mon 05/01 is day 1.
  EXPECT_EQ(compute_due(cal(), at(ymd(2025, 12, 31), 10, 0), working_days(2)).due_date,
            ymd(2026, 1, 6));
}

TEST(ComputeDue, ZeroWorkingDaysIsTheCloseOfTheReceiptDay) {
  EXPECT_EQ(compute_due(cal(), at(ymd(2026, 3, 3), 10, 0), working_days(0)).due_at,
            at(ymd(2026, 3, 3), 17, 0));
  // Received on Saturday: counted as received on Monday.
  EXPECT_EQ(compute_due(cal(), at(ymd(2026, 3, 7), 10, 0), working_days(0)).due_at,
            at(ymd(2026, 3, 9), 17, 0));
}

TEST(ComputeDue, ThousandWorkingDaysMatchTheDayByDayCount) {
  const Instant received = at(ymd(2026, 3, 3), 10, 0);
  const DueResult r = compute_due(cal(), received, working_days(1000));
  CalendarSpec spec;
  spec.schedules = testing::official_schedules();
  const testing::NaiveCalendar naive(spec);
  EXPECT_TRUE(naive.working(r.due_date));
  EXPECT_EQ(naive.count(ymd(2026, 3, 4), r.due_date), 1000);
  EXPECT_EQ(r.due_at, at(r.due_date, 17, 0));
  EXPECT_TRUE(r.provisional);  // runs through statutory years 2027–2030
}

// ---------------------------------------------------------------------------------------------
// Receipt normalisation

TEST(ComputeDue, ReceiptBeforeOpeningCountsFromOpening) {
  const DueResult r = compute_due(cal(), at(ymd(2026, 3, 3), 6, 0), working_days(1));
  EXPECT_EQ(r.counting_from, at(ymd(2026, 3, 3), 7, 0));
  EXPECT_EQ(r.due_date, ymd(2026, 3, 4));
}

TEST(ComputeDue, ReceiptAtLunchCountsFromTheAfternoonOpening) {
  const DueResult r = compute_due(cal(), at(ymd(2026, 3, 3), 12, 0), working_days(1));
  EXPECT_EQ(r.counting_from, at(ymd(2026, 3, 3), 13, 30));
  EXPECT_EQ(r.due_date, ymd(2026, 3, 4));
}

TEST(ComputeDue, ReceiptAfterCloseCountsAsReceivedNextWorkingDay) {
  const DueResult r = compute_due(cal(), at(ymd(2026, 3, 3), 17, 30), working_days(1));
  EXPECT_EQ(r.counting_from, at(ymd(2026, 3, 4), 7, 0));
  EXPECT_EQ(r.due_date, ymd(2026, 3, 5));
}

TEST(ComputeDue, ReceiptOnAHolidayCountsAsReceivedAfterIt) {
  const DueResult r = compute_due(cal(), at(ymd(2026, 2, 17), 9, 0), working_days(1));
  EXPECT_EQ(r.counting_from, at(ymd(2026, 2, 23), 7, 0));
  EXPECT_EQ(r.due_date, ymd(2026, 2, 24));
}

TEST(ComputeDue, ReceiptOnAMakeupSaturdayCountsThatDay) {
  const DueResult r = compute_due(cal(), at(ymd(2026, 1, 10), 9, 0), working_days(1));
  EXPECT_EQ(r.counting_from, at(ymd(2026, 1, 10), 9, 0));
  EXPECT_EQ(r.due_date, ymd(2026, 1, 12));
}

TEST(ComputeDue, ReceiptOnAnOrdinarySaturdayCountsAsMonday) {
  const DueResult r = compute_due(cal(), at(ymd(2026, 1, 3), 9, 0), working_days(1));
  EXPECT_EQ(r.counting_from, at(ymd(2026, 1, 5), 7, 0));
  EXPECT_EQ(r.due_date, ymd(2026, 1, 6));
}

// ---------------------------------------------------------------------------------------------
// Cut-off

TEST(ComputeDue, ReceiptAtTheCutoffCountsFromTheNextWorkingDay) {
  const DueResult r =
      compute_due(cal(), at(ymd(2026, 3, 3), 15, 0), working_days(1), cutoff_at(15, 0));
  EXPECT_EQ(r.counting_from, at(ymd(2026, 3, 4), 7, 0));
  EXPECT_EQ(r.due_date, ymd(2026, 3, 5));
}

TEST(ComputeDue, ReceiptJustBeforeTheCutoffCountsThatDay) {
  const DueResult r =
      compute_due(cal(), at(ymd(2026, 3, 3), 14, 59, 59), working_days(1), cutoff_at(15, 0));
  EXPECT_EQ(r.counting_from, at(ymd(2026, 3, 3), 14, 59, 59));
  EXPECT_EQ(r.due_date, ymd(2026, 3, 4));
}

TEST(ComputeDue, CutoffBeforeTetMovesPastTet) {
  const DueResult r =
      compute_due(cal(), at(ymd(2026, 2, 13), 16, 0), working_days(1), cutoff_at(15, 0));
  EXPECT_EQ(r.counting_from, at(ymd(2026, 2, 23), 7, 0));
  EXPECT_EQ(r.due_date, ymd(2026, 2, 24));
}

TEST(ComputeDue, CutoffBeforeAMakeupSaturdayMovesToIt) {
  const DueResult r =
      compute_due(cal(), at(ymd(2026, 1, 9), 15, 30), working_hours(2), cutoff_at(15, 0));
  EXPECT_EQ(r.counting_from, at(ymd(2026, 1, 10), 7, 0));
  EXPECT_EQ(r.due_at, at(ymd(2026, 1, 10), 9, 0));
}

TEST(ComputeDue, NoCutoffByDefault) {
  EXPECT_EQ(compute_due(cal(), at(ymd(2026, 3, 3), 16, 0), working_days(1)).due_date,
            ymd(2026, 3, 4));
}

// ---------------------------------------------------------------------------------------------
// working_hours

TEST(ComputeDue, WorkingHoursSkipLunch) {
  // 09:00–11:30 is 2 h 30; 1 h 30 more from 13:30.
  EXPECT_EQ(compute_due(cal(), at(ymd(2026, 3, 3), 9, 0), working_hours(4)).due_at,
            at(ymd(2026, 3, 3), 15, 0));
}

TEST(ComputeDue, WorkingHoursCanEndExactlyAtTheMorningClose) {
  const DueResult r = compute_due(cal(), at(ymd(2026, 3, 3), 7, 30), working_hours(4));
  EXPECT_EQ(r.due_at, at(ymd(2026, 3, 3), 11, 30));
  EXPECT_EQ(r.due_date, ymd(2026, 3, 3));
}

TEST(ComputeDue, WorkingHoursSpanTet) {
  const DueResult r = compute_due(cal(), at(ymd(2026, 2, 13), 16, 0), working_hours(4));
  EXPECT_EQ(r.due_at, at(ymd(2026, 2, 23), 10, 0));
  EXPECT_EQ(r.due_date, ymd(2026, 2, 23));
}

TEST(ComputeDue, WorkingHoursFromLunchStartAtTheAfternoonOpening) {
  EXPECT_EQ(compute_due(cal(), at(ymd(2026, 3, 3), 12, 0), working_hours(2)).due_at,
            at(ymd(2026, 3, 3), 15, 30));
  EXPECT_EQ(compute_due(cal(), at(ymd(2026, 3, 3), 12, 0), working_hours(0)).due_at,
            at(ymd(2026, 3, 3), 13, 30));
}

TEST(ComputeDue, WorkingDaysAsHoursUseHoursPerDay) {
  DueOptions o;
  o.working_days_as_hours = true;
  // 16 h from Tue 10:00: Tue 5 h, Wed 8 h, Thu 3 h → Thu 10:00.
  const DueResult r = compute_due(cal(), at(ymd(2026, 3, 3), 10, 0), working_days(2), o);
  EXPECT_EQ(r.due_at, at(ymd(2026, 3, 5), 10, 0));
  EXPECT_EQ(r.due_date, ymd(2026, 3, 5));

  CalendarSpec spec;
  spec.schedules = testing::official_schedules();
  spec.hours_per_day = 4;
  const auto four = WorkCalendar::build(spec);
  EXPECT_EQ(compute_due(*four, at(ymd(2026, 3, 3), 10, 0), working_days(2), o).due_at,
            at(ymd(2026, 3, 4), 10, 0));
}

// ---------------------------------------------------------------------------------------------
// calendar_days

TEST(ComputeDue, CalendarDaysOnAWorkingDay) {
  const DueResult r = compute_due(cal(), at(ymd(2026, 3, 3), 10, 0), calendar_days(30));
  EXPECT_EQ(r.due_date, ymd(2026, 4, 2));
  EXPECT_EQ(r.due_at, at(ymd(2026, 4, 2), 17, 0));
}

TEST(ComputeDue, CalendarDaysEndingOnAWeekendMoveForward) {
  EXPECT_EQ(compute_due(cal(), at(ymd(2026, 3, 2), 10, 0), calendar_days(5)).due_date,
            ymd(2026, 3, 9));
}

TEST(ComputeDue, CalendarDaysEndingOnAHolidayMoveForward) {
  EXPECT_EQ(compute_due(cal(), at(ymd(2026, 2, 10), 10, 0), calendar_days(7)).due_date,
            ymd(2026, 2, 23));
}

TEST(ComputeDue, CalendarDaysEndingOnAMakeupSaturdayStay) {
  EXPECT_EQ(compute_due(cal(), at(ymd(2026, 1, 7), 10, 0), calendar_days(3)).due_date,
            ymd(2026, 1, 10));
}

TEST(ComputeDue, CalendarDaysCountFromTheDayTheReceiptRolledTo) {
  // Friday evening counts as received on Monday 09/03.
  EXPECT_EQ(compute_due(cal(), at(ymd(2026, 3, 6), 18, 0), calendar_days(2)).due_date,
            ymd(2026, 3, 11));
}

// ---------------------------------------------------------------------------------------------
// Provisional years and range

TEST(ComputeDue, ProvisionalWhenTheSpanReachesAnUndeclaredYear) {
  EXPECT_FALSE(compute_due(cal(), at(ymd(2026, 6, 1), 10, 0), working_days(15)).provisional);
  EXPECT_TRUE(compute_due(cal(), at(ymd(2026, 12, 20), 10, 0), working_days(15)).provisional);
  EXPECT_TRUE(compute_due(cal(), at(ymd(2018, 12, 28), 10, 0), working_days(15)).provisional);
  EXPECT_TRUE(compute_due(cal(), at(ymd(2030, 6, 3), 10, 0), working_hours(4)).provisional);
}

TEST(ComputeDue, DatesOutsideTheRangeThrow) {
  EXPECT_THROW(compute_due(cal(), at(ymd(2199, 12, 20), 10, 0), working_days(30)), CalendarError);
  EXPECT_THROW(compute_due(cal(), at(ymd(2199, 12, 20), 10, 0), calendar_days(30)), CalendarError);
  EXPECT_THROW(compute_due(cal(), at(ymd(2199, 12, 20), 10, 0), working_hours(1000)),
               CalendarError);
  EXPECT_THROW(compute_due(cal(), at(ymd(1899, 12, 31), 10, 0), working_days(1)), CalendarError);
  EXPECT_THROW(compute_due(cal(), at(ymd(2026, 3, 3), 10, 0), working_days(100000)), CalendarError);
}

TEST(ComputeDue, AmountOutsideTheRangeThrows) {
  EXPECT_THROW(compute_due(cal(), at(ymd(2026, 3, 3), 10, 0), working_days(-1)), CalendarError);
  EXPECT_THROW(compute_due(cal(), at(ymd(2026, 3, 3), 10, 0), working_hours(100001)),
               CalendarError);
}

}  // namespace
}  // namespace dunghan::calendar
