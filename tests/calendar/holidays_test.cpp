#include "calendar/holidays.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "calendar/lunar.h"

namespace dunghan::calendar {
namespace {

using std::chrono::days;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

std::vector<Date> dates_of(const std::vector<DayEntry>& entries) {
  std::vector<Date> out;
  for (const DayEntry& e : entries) out.push_back(e.date);
  return out;
}

std::vector<Date> dates_of_kind(const std::vector<DayEntry>& entries, DayKind kind) {
  std::vector<Date> out;
  for (const DayEntry& e : entries) {
    if (e.kind == kind) out.push_back(e.date);
  }
  return out;
}

std::vector<Date> dates_named(const std::vector<DayEntry>& entries, std::string_view name) {
  std::vector<Date> out;
  for (const DayEntry& e : entries) {
    if (e.name == name) out.push_back(e.date);
  }
  return out;
}

const WeekdaySet kSatSun = WeekdaySet::sat_sun();

TEST(HolidaysTest, DayKindNames) {
  EXPECT_EQ(to_string(DayKind::holiday), "holiday");
  EXPECT_EQ(to_string(DayKind::compensatory), "compensatory");
  EXPECT_EQ(to_string(DayKind::swap), "swap");
  EXPECT_EQ(to_string(DayKind::makeup_workday), "makeup_workday");
  EXPECT_EQ(to_string(DayKind::admin_day_off), "day_off");
  EXPECT_EQ(to_string(DayKind::admin_working_day), "working_day");
}

// 2027, worked out by hand:
//  - 1/1 is a Friday: a day off.
//  - Tết (1/1 Đinh Mùi) is Saturday 06/02/2027 (docs/rules.md §1.5), so the block is
//    Fri 05/02 (giao thừa) .. Tue 09/02. Saturday 06/02 moves before the block to Thu 04/02;
//    Sunday 07/02 moves after it to Wed 10/02. Tết days: 04, 05, 08, 09, 10/02.
//  - Hùng Kings 10/3 lunar = Friday 16/04/2027.
//  - 30/4 is a Friday; 1/5 is a Saturday → nghỉ bù Monday 03/05.
//  - 2/9 is a Thursday → the adjacent day is Friday 03/09.
TEST(HolidaysTest, Provisional2027DaysOff) {
  ASSERT_EQ(lunar_to_solar(LunarDate{1, 1, 2027, false}), ymd(2027, 2, 6));
  ASSERT_EQ(lunar_to_solar(LunarDate{10, 3, 2027, false}), ymd(2027, 4, 16));
  const StatutoryYear y = statutory_year(2027, kSatSun);
  EXPECT_THAT(
      dates_of(y.days_off),
      ElementsAreArray({ymd(2027, 1, 1), ymd(2027, 2, 4), ymd(2027, 2, 5), ymd(2027, 2, 8),
                        ymd(2027, 2, 9), ymd(2027, 2, 10), ymd(2027, 4, 16), ymd(2027, 4, 30),
                        ymd(2027, 5, 3), ymd(2027, 9, 2), ymd(2027, 9, 3)}));
  EXPECT_THAT(dates_of_kind(y.days_off, DayKind::compensatory),
              ElementsAreArray({ymd(2027, 5, 3)}));
}

TEST(HolidaysTest, Provisional2027HolidaysIncludeThoseOnRestDays) {
  const StatutoryYear y = statutory_year(2027, kSatSun);
  // Every statutory date (issue 16): the Tết block on its own dates, Saturday 06 and Sunday 07/02
  // included (not the days off they moved to, 04 and 10/02), and 1/5 (a Saturday) instead of its
  // nghỉ bù.
  EXPECT_THAT(
      dates_of(y.holidays),
      ElementsAreArray({ymd(2027, 1, 1), ymd(2027, 2, 5), ymd(2027, 2, 6), ymd(2027, 2, 7),
                        ymd(2027, 2, 8), ymd(2027, 2, 9), ymd(2027, 4, 16), ymd(2027, 4, 30),
                        ymd(2027, 5, 1), ymd(2027, 9, 2), ymd(2027, 9, 3)}));
  for (const DayEntry& e : y.holidays) EXPECT_EQ(e.kind, DayKind::holiday);
  EXPECT_THAT(dates_named(y.holidays, "Tết Dương lịch"), ElementsAreArray({ymd(2027, 1, 1)}));
  EXPECT_EQ(dates_named(y.holidays, "Tết Nguyên đán").size(), 5u);
  EXPECT_THAT(dates_named(y.holidays, "Giỗ Tổ Hùng Vương"), ElementsAreArray({ymd(2027, 4, 16)}));
  EXPECT_THAT(dates_named(y.holidays, "Ngày Chiến thắng"), ElementsAreArray({ymd(2027, 4, 30)}));
  EXPECT_THAT(dates_named(y.holidays, "Ngày Quốc tế Lao động"),
              ElementsAreArray({ymd(2027, 5, 1)}));
  EXPECT_THAT(dates_named(y.holidays, "Quốc khánh"),
              ElementsAreArray({ymd(2027, 9, 2), ymd(2027, 9, 3)}));
}

// 2050, worked out by hand from the lunar computation (Tết 23/01/2050, Hùng Kings 01/04/2050):
//  - 1/1 is a Saturday → nghỉ bù Monday 03/01.
//  - Tết is Sunday 23/01; the block is Sat 22/01 (giao thừa) .. Wed 26/01. Saturday 22/01 moves
//    to Fri 21/01, Sunday 23/01 to Thu 27/01. Tết days: 21, 24, 25, 26, 27/01.
//  - Hùng Kings Friday 01/04.
//  - 30/4 Saturday and 1/5 Sunday → nghỉ bù Monday 02/05 and Tuesday 03/05.
//  - 2/9 is a Friday → the adjacent day is Thursday 01/09.
TEST(HolidaysTest, Provisional2050DaysOff) {
  ASSERT_EQ(lunar_to_solar(LunarDate{1, 1, 2050, false}), ymd(2050, 1, 23));
  ASSERT_EQ(lunar_to_solar(LunarDate{10, 3, 2050, false}), ymd(2050, 4, 1));
  const StatutoryYear y = statutory_year(2050, kSatSun);
  EXPECT_THAT(
      dates_of(y.days_off),
      ElementsAreArray({ymd(2050, 1, 3), ymd(2050, 1, 21), ymd(2050, 1, 24), ymd(2050, 1, 25),
                        ymd(2050, 1, 26), ymd(2050, 1, 27), ymd(2050, 4, 1), ymd(2050, 5, 2),
                        ymd(2050, 5, 3), ymd(2050, 9, 1), ymd(2050, 9, 2)}));
  EXPECT_THAT(dates_of_kind(y.days_off, DayKind::compensatory),
              ElementsAreArray({ymd(2050, 1, 3), ymd(2050, 5, 2), ymd(2050, 5, 3)}));
}

TEST(HolidaysTest, Provisional2050Holidays) {
  const StatutoryYear y = statutory_year(2050, kSatSun);
  EXPECT_THAT(
      dates_of(y.holidays),
      ElementsAreArray({ymd(2050, 1, 1), ymd(2050, 1, 22), ymd(2050, 1, 23), ymd(2050, 1, 24),
                        ymd(2050, 1, 25), ymd(2050, 1, 26), ymd(2050, 4, 1), ymd(2050, 4, 30),
                        ymd(2050, 5, 1), ymd(2050, 9, 1), ymd(2050, 9, 2)}));
}

TEST(HolidaysTest, CompensatoryEntriesNameTheirHolidayAndArticle111) {
  const StatutoryYear y = statutory_year(2050, kSatSun);
  std::vector<std::string> names;
  for (const DayEntry& e : y.days_off) {
    if (e.kind == DayKind::compensatory) {
      names.push_back(e.name);
      EXPECT_EQ(e.source, "Bộ luật Lao động 2019, Điều 111(3)");
    } else {
      EXPECT_EQ(e.source, "Bộ luật Lao động 2019, Điều 112");
    }
  }
  EXPECT_THAT(names, ElementsAreArray({"Nghỉ bù Tết Dương lịch", "Nghỉ bù Ngày Chiến thắng",
                                       "Nghỉ bù Ngày Quốc tế Lao động"}));
}

// National Day: the adjacent day by the weekday of 2/9.
std::vector<Date> national_days(int year) {
  return dates_named(statutory_year(year, kSatSun).holidays, "Quốc khánh");
}

TEST(HolidaysTest, NationalDayOnMondayAddsThe3rd) {
  EXPECT_THAT(national_days(2024), ElementsAreArray({ymd(2024, 9, 2), ymd(2024, 9, 3)}));
}
TEST(HolidaysTest, NationalDayOnTuesdayAddsThe1st) {
  EXPECT_THAT(national_days(2025), ElementsAreArray({ymd(2025, 9, 1), ymd(2025, 9, 2)}));
}
TEST(HolidaysTest, NationalDayOnWednesdayAddsThe1st) {
  EXPECT_THAT(national_days(2026), ElementsAreArray({ymd(2026, 9, 1), ymd(2026, 9, 2)}));
}
TEST(HolidaysTest, NationalDayOnThursdayAddsThe3rd) {
  EXPECT_THAT(national_days(2027), ElementsAreArray({ymd(2027, 9, 2), ymd(2027, 9, 3)}));
}
TEST(HolidaysTest, NationalDayOnFridayAddsThe1st) {
  EXPECT_THAT(national_days(2022), ElementsAreArray({ymd(2022, 9, 1), ymd(2022, 9, 2)}));
}
TEST(HolidaysTest, NationalDayOnSaturdayAddsThe1stAndNghiBuMonday4th) {
  EXPECT_THAT(national_days(2023), ElementsAreArray({ymd(2023, 9, 1), ymd(2023, 9, 2)}));
  EXPECT_THAT(dates_of_kind(statutory_year(2023, kSatSun).days_off, DayKind::compensatory),
              ::testing::Contains(ymd(2023, 9, 4)));
}
TEST(HolidaysTest, NationalDayOnSundayAddsThe3rdAndNghiBuTuesday4th) {
  // 02/09/2029 is a Sunday: Monday 03/09 is the adjacent day, so the nghỉ bù is Tuesday 04/09.
  EXPECT_THAT(national_days(2029), ElementsAreArray({ymd(2029, 9, 2), ymd(2029, 9, 3)}));
  const StatutoryYear y = statutory_year(2029, kSatSun);
  EXPECT_THAT(dates_of_kind(y.days_off, DayKind::compensatory),
              ElementsAreArray({ymd(2029, 9, 4)}));
}

// Nghỉ bù.
TEST(HolidaysTest, NghiBu2022NewYearHungKingsAndMayBlock) {
  // 1/1 Sat → Mon 03/01; Hùng Kings Sun 10/04 → Mon 11/04; 30/4 Sat and 1/5 Sun → Mon 02/05 and
  // Tue 03/05 (the docs/rules.md §1.4 2022 row).
  const StatutoryYear y = statutory_year(2022, kSatSun);
  EXPECT_THAT(
      dates_of_kind(y.days_off, DayKind::compensatory),
      ElementsAreArray({ymd(2022, 1, 3), ymd(2022, 4, 11), ymd(2022, 5, 2), ymd(2022, 5, 3)}));
}

TEST(HolidaysTest, NghiBuSkipsDaysAlreadyOff2023) {
  // Hùng Kings Sat 29/04 and 30/4 Sun; Mon 01/05 is itself a holiday, so the two nghỉ bù are
  // Tue 02/05 and Wed 03/05 (the docs/rules.md §1.4 2023 row). 1/1 Sun → Mon 02/01; 2/9 Sat → Mon
  // 04/09.
  const StatutoryYear y = statutory_year(2023, kSatSun);
  EXPECT_THAT(
      dates_of_kind(y.days_off, DayKind::compensatory),
      ElementsAreArray({ymd(2023, 1, 2), ymd(2023, 5, 2), ymd(2023, 5, 3), ymd(2023, 9, 4)}));
}

TEST(HolidaysTest, HolidayOnSundayIsListedButNotADayOff2026) {
  // Hùng Kings 2026 is Sunday 26/04; its nghỉ bù is Monday 27/04.
  const StatutoryYear y = statutory_year(2026, kSatSun);
  EXPECT_THAT(dates_of(y.holidays), ::testing::Contains(ymd(2026, 4, 26)));
  EXPECT_THAT(dates_of(y.days_off), ::testing::Not(::testing::Contains(ymd(2026, 4, 26))));
  EXPECT_THAT(dates_of_kind(y.days_off, DayKind::compensatory),
              ElementsAreArray({ymd(2026, 4, 27)}));
}

// Tết moves.
std::vector<Date> tet_days(int year, WeekdaySet rest) {
  return dates_named(statutory_year(year, rest).days_off, "Tết Nguyên đán");
}

TEST(HolidaysTest, TetBlockWithoutWeekendStaysPut2026) {
  // Tết Tue 17/02/2026: block Mon 16/02 .. Fri 20/02.
  EXPECT_THAT(tet_days(2026, kSatSun),
              ElementsAreArray({ymd(2026, 2, 16), ymd(2026, 2, 17), ymd(2026, 2, 18),
                                ymd(2026, 2, 19), ymd(2026, 2, 20)}));
}

TEST(HolidaysTest, TetSaturdayMovesBeforeAndSundayAfter2024) {
  // Tết Sat 10/02/2024: block Fri 09 .. Tue 13/02; Sat 10 → Thu 08, Sun 11 → Wed 14 (official).
  EXPECT_THAT(tet_days(2024, kSatSun),
              ElementsAreArray({ymd(2024, 2, 8), ymd(2024, 2, 9), ymd(2024, 2, 12),
                                ymd(2024, 2, 13), ymd(2024, 2, 14)}));
}

TEST(HolidaysTest, TetBlockEndingOnSaturdayMovesItBefore2025) {
  // Tết Wed 29/01/2025: block Tue 28/01 .. Sat 01/02; Sat 01/02 → Mon 27/01 (official 27–31/01).
  EXPECT_THAT(tet_days(2025, kSatSun),
              ElementsAreArray({ymd(2025, 1, 27), ymd(2025, 1, 28), ymd(2025, 1, 29),
                                ymd(2025, 1, 30), ymd(2025, 1, 31)}));
}

TEST(HolidaysTest, TetBlockStartingOnSundayMovesItAfter2016) {
  // Tết Mon 08/02/2016: block Sun 07/02 .. Thu 11/02; Sun 07 → Fri 12/02.
  EXPECT_THAT(tet_days(2016, kSatSun),
              ElementsAreArray({ymd(2016, 2, 8), ymd(2016, 2, 9), ymd(2016, 2, 10),
                                ymd(2016, 2, 11), ymd(2016, 2, 12)}));
}

// Issue "Working calendar": `holidays` lists every statutory holiday date, also on a weekend. The
// Tết block Fri 09 .. Tue 13/02/2024 is listed on its own dates (Sat 10 and Sun 11 included); the
// moved days off Thu 08 and Wed 14/02 are days off but no statutory dates.
TEST(HolidaysTest, TetHolidaysAreTheBlocksOwnDatesAlsoOnAWeekend) {
  const StatutoryYear y = statutory_year(2024, kSatSun);
  EXPECT_THAT(dates_named(y.holidays, "Tết Nguyên đán"),
              ElementsAre(ymd(2024, 2, 9), ymd(2024, 2, 10), ymd(2024, 2, 11), ymd(2024, 2, 12),
                          ymd(2024, 2, 13)));
  EXPECT_THAT(tet_days(2024, kSatSun),
              ElementsAre(ymd(2024, 2, 8), ymd(2024, 2, 9), ymd(2024, 2, 12), ymd(2024, 2, 13),
                          ymd(2024, 2, 14)));
  // Tết 2027 (Sat 06/02): the statutory dates 05–09/02, the days off 04, 05, 08, 09, 10/02.
  const StatutoryYear y27 = statutory_year(2027, kSatSun);
  EXPECT_THAT(dates_named(y27.holidays, "Tết Nguyên đán"),
              ElementsAre(ymd(2027, 2, 5), ymd(2027, 2, 6), ymd(2027, 2, 7), ymd(2027, 2, 8),
                          ymd(2027, 2, 9)));
  // No nghỉ bù for the Tết days on the weekend: they were moved instead.
  for (const DayEntry& e : y27.days_off) EXPECT_NE(e.name, "Nghỉ bù Tết Nguyên đán");
}

TEST(HolidaysTest, SundayOnlyWeekMovesTetSundayAfterAndKeepsSaturday) {
  // Six-day week: 2024 block Fri 09 .. Tue 13/02; Sat 10 is a working day and stays a Tết day;
  // Sun 11 → Wed 14.
  const WeekdaySet sunday = WeekdaySet{}.add(std::chrono::Sunday);
  EXPECT_THAT(tet_days(2024, sunday),
              ElementsAreArray({ymd(2024, 2, 9), ymd(2024, 2, 10), ymd(2024, 2, 12),
                                ymd(2024, 2, 13), ymd(2024, 2, 14)}));
}

TEST(HolidaysTest, OtherRestSetsMoveEveryRestDayAfterTheBlock) {
  // Rest on Saturday only: Sat 10/02/2024 moves after the block (to Wed 14), Sun 11 is worked.
  const WeekdaySet saturday = WeekdaySet{}.add(std::chrono::Saturday);
  EXPECT_THAT(tet_days(2024, saturday),
              ElementsAreArray({ymd(2024, 2, 9), ymd(2024, 2, 11), ymd(2024, 2, 12),
                                ymd(2024, 2, 13), ymd(2024, 2, 14)}));
}

TEST(HolidaysTest, SundayOnlyWeekNghiBu2022) {
  // 30/4/2022 is a Saturday, a working day here: a plain day off. 1/5 Sunday → Mon 02/05.
  const WeekdaySet sunday = WeekdaySet{}.add(std::chrono::Sunday);
  const StatutoryYear y = statutory_year(2022, sunday);
  EXPECT_THAT(dates_of(y.days_off), ::testing::Contains(ymd(2022, 4, 30)));
  EXPECT_THAT(dates_of_kind(y.days_off, DayKind::compensatory),
              ElementsAreArray({ymd(2022, 4, 11), ymd(2022, 5, 2)}));
}

// Properties over the whole range.
TEST(HolidaysTest, EveryYearHasElevenDistinctWorkingDaysOff) {
  for (int year = kFirstSupportedYear; year <= kLastSupportedYear; ++year) {
    const StatutoryYear y = statutory_year(year, kSatSun);
    EXPECT_EQ(y.holidays.size(), 11u) << year;
    std::set<Date> distinct;
    for (const DayEntry& e : y.days_off) {
      const std::chrono::weekday w{e.date};
      EXPECT_FALSE(w == std::chrono::Saturday || w == std::chrono::Sunday) << format_date(e.date);
      EXPECT_EQ(year_of(e.date), year) << format_date(e.date);
      distinct.insert(e.date);
    }
    EXPECT_EQ(distinct.size(), y.days_off.size()) << year;
    // 1947: Hùng Kings fell on Wednesday 30/04, so the two holidays share one day off.
    EXPECT_EQ(y.days_off.size(), year == 1947 ? 10u : 11u) << year;
    EXPECT_TRUE(
        std::is_sorted(y.holidays.begin(), y.holidays.end(),
                       [](const DayEntry& a, const DayEntry& b) { return a.date < b.date; }))
        << year;
  }
}

TEST(HolidaysTest, YearsOutsideTheRangeThrow) {
  EXPECT_THROW(statutory_year(1899, kSatSun), CalendarError);
  EXPECT_THROW(statutory_year(2200, kSatSun), CalendarError);
  EXPECT_NO_THROW(statutory_year(1900, kSatSun));
  EXPECT_NO_THROW(statutory_year(2199, kSatSun));
}

TEST(HolidaysTest, AWeekWithoutWorkingDaysThrows) {
  WeekdaySet all;
  for (unsigned i = 0; i < 7; ++i) all.add(std::chrono::weekday{i});
  EXPECT_THROW(statutory_year(2026, all), CalendarError);
}

}  // namespace
}  // namespace dunghan::calendar
