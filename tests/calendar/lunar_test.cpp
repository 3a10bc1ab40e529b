#include "calendar/lunar.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numbers>
#include <string>

namespace dunghan::calendar {
namespace {

using std::chrono::days;

Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

std::string show(const LunarDate& l) {
  return std::to_string(l.day) + "/" + std::to_string(l.month) + (l.leap ? "L" : "") + "/" +
         std::to_string(l.year);
}

// docs/rules.md §1.5 cross-check table: Tết (1/1 lunar), Hùng Kings (10/3 lunar, non-leap third
// month), leap month (0 = none), computed there by two independent implementations.
struct Row {
  int year;
  Date tet;
  Date hung_kings;
  int leap_month;
};

const std::array<Row, 32> kCrossCheck = {{
    {2000, ymd(2000, 2, 5), ymd(2000, 4, 14), 0},  {2001, ymd(2001, 1, 24), ymd(2001, 4, 3), 4},
    {2002, ymd(2002, 2, 12), ymd(2002, 4, 22), 0}, {2003, ymd(2003, 2, 1), ymd(2003, 4, 11), 0},
    {2004, ymd(2004, 1, 22), ymd(2004, 4, 28), 2}, {2005, ymd(2005, 2, 9), ymd(2005, 4, 18), 0},
    {2006, ymd(2006, 1, 29), ymd(2006, 4, 7), 7},  {2007, ymd(2007, 2, 17), ymd(2007, 4, 26), 0},
    {2008, ymd(2008, 2, 7), ymd(2008, 4, 15), 0},  {2009, ymd(2009, 1, 26), ymd(2009, 4, 4), 5},
    {2010, ymd(2010, 2, 14), ymd(2010, 4, 23), 0}, {2011, ymd(2011, 2, 3), ymd(2011, 4, 12), 0},
    {2012, ymd(2012, 1, 23), ymd(2012, 3, 31), 4}, {2013, ymd(2013, 2, 10), ymd(2013, 4, 19), 0},
    {2014, ymd(2014, 1, 31), ymd(2014, 4, 9), 9},  {2015, ymd(2015, 2, 19), ymd(2015, 4, 28), 0},
    {2016, ymd(2016, 2, 8), ymd(2016, 4, 16), 0},  {2017, ymd(2017, 1, 28), ymd(2017, 4, 6), 6},
    {2018, ymd(2018, 2, 16), ymd(2018, 4, 25), 0}, {2019, ymd(2019, 2, 5), ymd(2019, 4, 14), 0},
    {2020, ymd(2020, 1, 25), ymd(2020, 4, 2), 4},  {2021, ymd(2021, 2, 12), ymd(2021, 4, 21), 0},
    {2022, ymd(2022, 2, 1), ymd(2022, 4, 10), 0},  {2023, ymd(2023, 1, 22), ymd(2023, 4, 29), 2},
    {2024, ymd(2024, 2, 10), ymd(2024, 4, 18), 0}, {2025, ymd(2025, 1, 29), ymd(2025, 4, 7), 6},
    {2026, ymd(2026, 2, 17), ymd(2026, 4, 26), 0}, {2027, ymd(2027, 2, 6), ymd(2027, 4, 16), 0},
    {2028, ymd(2028, 1, 26), ymd(2028, 4, 4), 5},  {2029, ymd(2029, 2, 13), ymd(2029, 4, 23), 0},
    {2030, ymd(2030, 2, 2), ymd(2030, 4, 12), 0},  {2031, ymd(2031, 1, 23), ymd(2031, 4, 1), 3},
}};

TEST(LunarTest, CrossCheckTetIsFirstDayOfFirstMonth) {
  for (const Row& r : kCrossCheck) {
    EXPECT_EQ(solar_to_lunar(r.tet), (LunarDate{1, 1, r.year, false})) << r.year;
    EXPECT_EQ(lunar_to_solar(LunarDate{1, 1, r.year, false}), r.tet) << r.year;
  }
}

TEST(LunarTest, CrossCheckDayBeforeTetEndsTheTwelfthMonthOfThePreviousYear) {
  for (const Row& r : kCrossCheck) {
    const LunarDate eve = solar_to_lunar(r.tet - days{1});
    EXPECT_EQ(eve.month, 12) << r.year;
    EXPECT_FALSE(eve.leap) << r.year;
    EXPECT_EQ(eve.year, r.year - 1) << r.year;
    EXPECT_TRUE(eve.day == 29 || eve.day == 30) << r.year << " " << show(eve);
  }
}

TEST(LunarTest, CrossCheckHungKingsIsTenthOfNonLeapThirdMonth) {
  for (const Row& r : kCrossCheck) {
    EXPECT_EQ(lunar_to_solar(LunarDate{10, 3, r.year, false}), r.hung_kings) << r.year;
    EXPECT_EQ(solar_to_lunar(r.hung_kings), (LunarDate{10, 3, r.year, false})) << r.year;
  }
}

TEST(LunarTest, CrossCheckLeapMonths) {
  for (const Row& r : kCrossCheck) {
    EXPECT_EQ(lunar_leap_month(r.year), r.leap_month) << r.year;
  }
}

TEST(LunarTest, SpecVectorsTetAtUtcPlus7) {
  // A UTC+8 (Chinese) computation gives 2007-02-18 and 2030-02-03.
  EXPECT_EQ(solar_to_lunar(ymd(2007, 2, 17)), (LunarDate{1, 1, 2007, false}));
  EXPECT_EQ(solar_to_lunar(ymd(2030, 2, 2)), (LunarDate{1, 1, 2030, false}));
  EXPECT_EQ(solar_to_lunar(ymd(2007, 2, 18)), (LunarDate{2, 1, 2007, false}));
}

TEST(LunarTest, SpecVector2031LeapThirdMonthAndHungKingsInTheNonLeapOne) {
  EXPECT_EQ(lunar_leap_month(2031), 3);
  EXPECT_EQ(lunar_to_solar(LunarDate{10, 3, 2031, false}), ymd(2031, 4, 1));
  const auto leap_tenth = lunar_to_solar(LunarDate{10, 3, 2031, true});
  ASSERT_TRUE(leap_tenth.has_value());
  // The leap month follows the regular third month: 29 or 30 days later.
  const auto gap = (*leap_tenth - ymd(2031, 4, 1)).count();
  EXPECT_TRUE(gap == 29 || gap == 30) << gap;
  EXPECT_EQ(solar_to_lunar(*leap_tenth), (LunarDate{10, 3, 2031, true}));
}

TEST(LunarTest, AnnouncedLunarDatesOfOfficialSchedules) {
  // docs/rules.md §1.4 (sources): dates printed in the government announcements.
  EXPECT_EQ(solar_to_lunar(ymd(2026, 2, 14)), (LunarDate{27, 12, 2025, false}));
  EXPECT_EQ(solar_to_lunar(ymd(2026, 2, 16)), (LunarDate{29, 12, 2025, false}));
  EXPECT_EQ(solar_to_lunar(ymd(2025, 1, 25)), (LunarDate{26, 12, 2024, false}));
  EXPECT_EQ(solar_to_lunar(ymd(2025, 1, 27)), (LunarDate{28, 12, 2024, false}));
}

TEST(LunarTest, FirstSupportedDayIsFirstOfTwelfthMonth1899) {
  // The series' first new moon is 1900-01-01 13:52 UT (20:52 at UTC+7); Tết Canh Tý was 1900-01-31.
  EXPECT_EQ(solar_to_lunar(ymd(1900, 1, 1)), (LunarDate{1, 12, 1899, false}));
  EXPECT_EQ(solar_to_lunar(ymd(1900, 1, 31)), (LunarDate{1, 1, 1900, false}));
}

TEST(LunarTest, RoundTripEveryDay1900To2199) {
  int failures = 0;
  for (Date d = ymd(1900, 1, 1); d <= ymd(2199, 12, 31) && failures < 10; d += days{1}) {
    const LunarDate l = solar_to_lunar(d);
    const auto back = lunar_to_solar(l);
    if (back != d) {
      ++failures;
      ADD_FAILURE() << format_date(d) << " -> " << show(l);
    }
  }
}

TEST(LunarTest, ConsecutiveDaysAdvanceByOneLunarDay) {
  // Each day is the next day of the same month, or day 1 of the next month after day 29 or 30;
  // months follow 1..12 with at most one leap month per year, which repeats the month before it.
  int failures = 0;
  LunarDate prev = solar_to_lunar(ymd(1900, 1, 1));
  for (Date d = ymd(1900, 1, 2); d <= ymd(2199, 12, 31) && failures < 10; d += days{1}) {
    const LunarDate cur = solar_to_lunar(d);
    bool ok = false;
    if (cur.day == prev.day + 1) {
      ok = cur.month == prev.month && cur.year == prev.year && cur.leap == prev.leap;
    } else if (cur.day == 1 && (prev.day == 29 || prev.day == 30)) {
      if (!prev.leap && cur.leap) {
        ok = cur.month == prev.month && cur.year == prev.year;  // leap month after its namesake
      } else if (prev.month == 12) {
        ok = cur.month == 1 && cur.year == prev.year + 1 && !cur.leap;
      } else {
        ok = cur.month == prev.month + 1 && cur.year == prev.year && !cur.leap;
      }
    }
    if (!ok) {
      ++failures;
      ADD_FAILURE() << format_date(d) << ": " << show(prev) << " -> " << show(cur);
    }
    prev = cur;
  }
}

TEST(LunarTest, LeapMonthIsTheOnlyLeapMonthOfItsYear) {
  for (int y = 1900; y <= 2199; ++y) {
    const int leap = lunar_leap_month(y);
    for (int m = 1; m <= 12; ++m) {
      EXPECT_EQ(lunar_to_solar(LunarDate{1, m, y, true}).has_value(), m == leap)
          << y << " month " << m;
    }
  }
}

TEST(LunarTest, TwelfthMonthBeforeTet2026Has29Days) {
  // 16/02/2026 = 29/12 Ất Tỵ and 17/02/2026 is Tết, so 30/12/2025 does not exist.
  EXPECT_EQ(lunar_to_solar(LunarDate{29, 12, 2025, false}), ymd(2026, 2, 16));
  EXPECT_EQ(lunar_to_solar(LunarDate{30, 12, 2025, false}), std::nullopt);
}

TEST(LunarTest, ImpossibleLunarDatesGiveNullopt) {
  EXPECT_EQ(lunar_to_solar(LunarDate{0, 1, 2026, false}), std::nullopt);
  EXPECT_EQ(lunar_to_solar(LunarDate{31, 1, 2026, false}), std::nullopt);
  EXPECT_EQ(lunar_to_solar(LunarDate{1, 0, 2026, false}), std::nullopt);
  EXPECT_EQ(lunar_to_solar(LunarDate{1, 13, 2026, false}), std::nullopt);
  EXPECT_EQ(lunar_to_solar(LunarDate{1, 3, 2030, true}), std::nullopt);  // 2030 has no leap month
  EXPECT_EQ(lunar_to_solar(LunarDate{1, 4, 2031, true}), std::nullopt);  // 2031's leap month is 3
}

TEST(LunarTest, ThirtiethOfA29DayMonthIsNulloptEverywhere) {
  int checked = 0;
  for (int y = 1900; y <= 2198; ++y) {
    for (int m = 1; m <= 12; ++m) {
      const auto d29 = lunar_to_solar(LunarDate{29, m, y, false});
      ASSERT_TRUE(d29.has_value()) << y << "/" << m;
      const LunarDate next = solar_to_lunar(*d29 + days{1});
      if (next.day == 1) {
        EXPECT_EQ(lunar_to_solar(LunarDate{30, m, y, false}), std::nullopt) << y << "/" << m;
        ++checked;
      } else {
        EXPECT_EQ(lunar_to_solar(LunarDate{30, m, y, false}), *d29 + days{1}) << y << "/" << m;
      }
    }
  }
  EXPECT_GT(checked, 1000);  // about half of all months have 29 days
}

TEST(LunarTest, LunarDatesOutsideTheSolarRangeGiveNullopt) {
  EXPECT_EQ(lunar_to_solar(LunarDate{1, 11, 1899, false}), std::nullopt);  // December 1899
  EXPECT_EQ(lunar_to_solar(LunarDate{1, 1, 2200, false}), std::nullopt);   // January 2200
  EXPECT_EQ(lunar_to_solar(LunarDate{1, 1, 1500, false}), std::nullopt);
}

TEST(LunarTest, SolarDatesOutsideTheRangeThrow) {
  EXPECT_THROW(solar_to_lunar(ymd(1899, 12, 31)), CalendarError);
  EXPECT_THROW(solar_to_lunar(ymd(2200, 1, 1)), CalendarError);
  EXPECT_NO_THROW(solar_to_lunar(ymd(2199, 12, 31)));
}

TEST(LunarTest, LeapMonthOfYearsOutsideTheRangeThrows) {
  EXPECT_THROW(lunar_leap_month(1899), CalendarError);
  EXPECT_THROW(lunar_leap_month(2200), CalendarError);
  EXPECT_NO_THROW(lunar_leap_month(1900));
  EXPECT_NO_THROW(lunar_leap_month(2199));
}

// A direct, slow transcription of the published per-day procedure (convertSolar2Lunar with
// getLunarMonth11 and getLeapMonthOffset), kept as the reference answer for the table-driven
// implementation. It recomputes month 11 and the leap month for every day.
namespace reference {

constexpr double kPi = std::numbers::pi;
constexpr double kTz = 7.0;

double new_moon(double k) {
  const double t = k / 1236.85, t2 = t * t, t3 = t2 * t, dr = kPi / 180;
  double jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
  jd1 += 0.00033 * std::sin((166.56 + 132.87 * t - 0.009173 * t2) * dr);
  const double m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
  const double mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
  const double f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
  double c1 = (0.1734 - 0.000393 * t) * std::sin(m * dr) + 0.0021 * std::sin(2 * dr * m);
  c1 = c1 - 0.4068 * std::sin(mpr * dr) + 0.0161 * std::sin(dr * 2 * mpr);
  c1 = c1 - 0.0004 * std::sin(dr * 3 * mpr);
  c1 = c1 + 0.0104 * std::sin(dr * 2 * f) - 0.0051 * std::sin(dr * (m + mpr));
  c1 = c1 - 0.0074 * std::sin(dr * (m - mpr)) + 0.0004 * std::sin(dr * (2 * f + m));
  c1 = c1 - 0.0004 * std::sin(dr * (2 * f - m)) - 0.0006 * std::sin(dr * (2 * f + mpr));
  c1 = c1 + 0.0010 * std::sin(dr * (2 * f - mpr)) + 0.0005 * std::sin(dr * (2 * mpr + m));
  const double delta_t =
      t < -11 ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
              : -0.000278 + 0.000265 * t + 0.000262 * t2;
  return jd1 + c1 - delta_t;
}
long new_moon_day(double k) {
  return static_cast<long>(std::floor(new_moon(k) + 0.5 + kTz / 24));
}
int sun_longitude(long jdn) {
  const double t = (static_cast<double>(jdn) - 0.5 - kTz / 24 - 2451545.0) / 36525;
  const double t2 = t * t, dr = kPi / 180;
  const double m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
  const double l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  double dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * std::sin(dr * m);
  dl = dl + (0.019993 - 0.000101 * t) * std::sin(dr * 2 * m) + 0.000290 * std::sin(dr * 3 * m);
  double l = (l0 + dl) * dr;
  l = l - kPi * 2 * std::floor(l / (kPi * 2));
  return static_cast<int>(std::floor(l / kPi * 6));
}
long jdn(Date d) {
  return static_cast<long>(d.time_since_epoch().count()) + 2440588;
}
long month11(int y) {
  const double off = static_cast<double>(jdn(ymd(y, 12, 31)) - 2415021);
  const double k = std::floor(off / 29.530588853);
  long nm = new_moon_day(k);
  if (sun_longitude(nm) >= 9) nm = new_moon_day(k - 1);
  return nm;
}
int leap_offset(long a11) {
  const double k = std::floor((static_cast<double>(a11) - 2415021.076998695) / 29.530588853 + 0.5);
  int i = 1;
  int arc = sun_longitude(new_moon_day(k + i));
  int last = 0;
  do {
    last = arc;
    ++i;
    arc = sun_longitude(new_moon_day(k + i));
  } while (arc != last && i < 14);
  return i - 1;
}
LunarDate convert(Date d) {
  const long day = jdn(d);
  const int yy = year_of(d);
  const double k = std::floor((static_cast<double>(day) - 2415021.076998695) / 29.530588853);
  long month_start = new_moon_day(k + 1);
  if (month_start > day) month_start = new_moon_day(k);
  long a11 = month11(yy);
  long b11 = a11;
  int lunar_year = 0;
  if (a11 >= month_start) {
    lunar_year = yy;
    a11 = month11(yy - 1);
  } else {
    lunar_year = yy + 1;
    b11 = month11(yy + 1);
  }
  const int lunar_day = static_cast<int>(day - month_start + 1);
  const int diff = static_cast<int>(std::floor(static_cast<double>(month_start - a11) / 29));
  bool leap = false;
  int lunar_month = diff + 11;
  if (b11 - a11 > 365) {
    const int leap_diff = leap_offset(a11);
    if (diff >= leap_diff) {
      lunar_month = diff + 10;
      leap = diff == leap_diff;
    }
  }
  if (lunar_month > 12) lunar_month -= 12;
  if (lunar_month >= 11 && diff < 4) lunar_year -= 1;
  return LunarDate{lunar_day, lunar_month, lunar_year, leap};
}

}  // namespace reference

TEST(LunarTest, MatchesThePublishedPerDayProcedureEveryDay) {
  // The published procedure locates a day's month with k = floor((jdn - 2415021.077) / 29.53) and
  // tries new moon k+1, then k; when new moon k itself falls after the day (a late new moon), it
  // returns "day 0" of the following month (it happens on 2054-05-07 and 2062-04-09). There the
  // right answer is the last day of the month before, whose next day is day 1 of that month.
  int failures = 0;
  int day_zero = 0;
  for (Date d = ymd(1900, 1, 1); d <= ymd(2199, 12, 31) && failures < 10; d += days{1}) {
    const LunarDate want = reference::convert(d);
    const LunarDate got = solar_to_lunar(d);
    if (want.day == 0) {
      ++day_zero;
      EXPECT_GE(got.day, 29) << format_date(d);
      EXPECT_EQ(solar_to_lunar(d + days{1}), (LunarDate{1, want.month, want.year, want.leap}))
          << format_date(d);
    } else if (got != want) {
      ++failures;
      ADD_FAILURE() << format_date(d) << ": got " << show(got) << ", reference " << show(want);
    }
  }
  EXPECT_EQ(day_zero, 2);
}

}  // namespace
}  // namespace dunghan::calendar
