// Report periods: calendar quarters, months and years, the Decree 09/2019 cut-off (15th → 14th),
// ranges, parsing, and the words the form prints.

#include "report/period.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "deadline/fixtures.h"

namespace dunghan::report {
namespace {

using testing::ymd;
constexpr PeriodConvention kCal = PeriodConvention::calendar;
constexpr PeriodConvention kD09 = PeriodConvention::decree09;

TEST(Period, CalendarQuarters) {
  const ReportPeriod q3 = quarter_period(2019, 3, kCal);
  EXPECT_EQ(q3.from, ymd(2019, 7, 1));
  EXPECT_EQ(q3.to, ymd(2019, 9, 30));
  EXPECT_EQ(q3.kind, PeriodKind::quarter);
  EXPECT_EQ(q3.year, 2019);
  EXPECT_EQ(q3.number, 3u);
  EXPECT_EQ(quarter_period(2026, 1, kCal).from, ymd(2026, 1, 1));
  EXPECT_EQ(quarter_period(2026, 1, kCal).to, ymd(2026, 3, 31));
  EXPECT_EQ(quarter_period(2026, 2, kCal).to, ymd(2026, 6, 30));
  EXPECT_EQ(quarter_period(2026, 4, kCal).to, ymd(2026, 12, 31));
}

TEST(Period, Decree09QuarterRunsFromThe15thOfTheMonthBeforeToThe14thOfItsLastMonth) {
  const ReportPeriod q3 = quarter_period(2019, 3, kD09);
  EXPECT_EQ(q3.from, ymd(2019, 6, 15));
  EXPECT_EQ(q3.to, ymd(2019, 9, 14));
  EXPECT_EQ(q3.convention, kD09);
  // Q1 starts in the year before.
  EXPECT_EQ(quarter_period(2026, 1, kD09).from, ymd(2025, 12, 15));
  EXPECT_EQ(quarter_period(2026, 1, kD09).to, ymd(2026, 3, 14));
  EXPECT_EQ(quarter_period(2026, 4, kD09).from, ymd(2026, 9, 15));
  EXPECT_EQ(quarter_period(2026, 4, kD09).to, ymd(2026, 12, 14));
}

TEST(Period, Decree09MonthsAndYears) {
  EXPECT_EQ(month_period(2026, 9, kD09).from, ymd(2026, 8, 15));
  EXPECT_EQ(month_period(2026, 9, kD09).to, ymd(2026, 9, 14));
  EXPECT_EQ(month_period(2026, 1, kD09).from, ymd(2025, 12, 15));
  EXPECT_EQ(month_period(2026, 1, kD09).to, ymd(2026, 1, 14));
  EXPECT_EQ(year_period(2026, kD09).from, ymd(2025, 12, 15));
  EXPECT_EQ(year_period(2026, kD09).to, ymd(2026, 12, 14));
}

TEST(Period, CalendarMonthsAndYears) {
  EXPECT_EQ(month_period(2024, 2, kCal).to, ymd(2024, 2, 29));  // a leap year
  EXPECT_EQ(month_period(2026, 2, kCal).to, ymd(2026, 2, 28));
  EXPECT_EQ(month_period(2026, 9, kCal).from, ymd(2026, 9, 1));
  EXPECT_EQ(month_period(2026, 9, kCal).to, ymd(2026, 9, 30));
  EXPECT_EQ(year_period(2026, kCal).from, ymd(2026, 1, 1));
  EXPECT_EQ(year_period(2026, kCal).to, ymd(2026, 12, 31));
}

TEST(Period, ConsecutivePeriodsTileTheYearsWithoutGapOrOverlap) {
  for (PeriodConvention c : {kCal, kD09}) {
    for (int y = 1901; y < 2199; ++y) {
      for (unsigned q = 1; q <= 4; ++q) {
        const ReportPeriod next = q < 4 ? quarter_period(y, q + 1, c) : quarter_period(y + 1, 1, c);
        ASSERT_EQ(quarter_period(y, q, c).to + std::chrono::days{1}, next.from)
            << to_string(c) << " " << y << "-Q" << q;
      }
      for (unsigned m = 1; m <= 12; ++m) {
        const ReportPeriod next = m < 12 ? month_period(y, m + 1, c) : month_period(y + 1, 1, c);
        ASSERT_EQ(month_period(y, m, c).to + std::chrono::days{1}, next.from);
      }
      ASSERT_EQ(year_period(y, c).to + std::chrono::days{1}, year_period(y + 1, c).from);
      // A year is its four quarters.
      ASSERT_EQ(year_period(y, c).from, quarter_period(y, 1, c).from);
      ASSERT_EQ(year_period(y, c).to, quarter_period(y, 4, c).to);
    }
  }
}

TEST(Period, OutOfRangeValuesThrow) {
  EXPECT_THROW(quarter_period(2026, 0, kCal), std::invalid_argument);
  EXPECT_THROW(quarter_period(2026, 5, kCal), std::invalid_argument);
  EXPECT_THROW(month_period(2026, 13, kCal), std::invalid_argument);
  EXPECT_THROW(year_period(1900, kD09), std::invalid_argument);  // would start in 1899
  EXPECT_THROW(year_period(2200, kCal), std::invalid_argument);
  EXPECT_THROW(range_period(ymd(2026, 2, 1), ymd(2026, 1, 31), kCal), std::invalid_argument);
}

TEST(Period, ParsesTheCommandLineForms) {
  EXPECT_EQ(parse_quarter("2026-Q3", kCal), quarter_period(2026, 3, kCal));
  EXPECT_EQ(parse_quarter("2026-q3", kD09), quarter_period(2026, 3, kD09));
  EXPECT_EQ(parse_month("2026-09", kCal), month_period(2026, 9, kCal));
  EXPECT_EQ(parse_month("09/2026", kCal), month_period(2026, 9, kCal));
  EXPECT_EQ(parse_month("9/2026", kCal), month_period(2026, 9, kCal));
  EXPECT_EQ(parse_year("2026", kD09), year_period(2026, kD09));
  for (const char* bad : {"2026-Q5", "2026-Q0", "2026Q3", "2026-Q3x", "Q3-2026", "", "2026-3"}) {
    EXPECT_FALSE(parse_quarter(bad, kCal).has_value()) << bad;
  }
  for (const char* bad : {"2026-13", "2026-00", "13/2026", "2026-9", "2026/09", "09-2026", "x"}) {
    EXPECT_FALSE(parse_month(bad, kCal).has_value()) << bad;
  }
  for (const char* bad : {"26", "20266", "1900", "2200", "+202", "-202", "２０２６"}) {
    EXPECT_FALSE(parse_year(bad, kCal).has_value()) << bad;
  }
}

TEST(Period, ARangeThatIsExactlyAPeriodIsNamedAsOne) {
  EXPECT_EQ(range_period(ymd(2019, 7, 1), ymd(2019, 9, 30), kCal), quarter_period(2019, 3, kCal));
  EXPECT_EQ(range_period(ymd(2026, 9, 1), ymd(2026, 9, 30), kCal), month_period(2026, 9, kCal));
  EXPECT_EQ(range_period(ymd(2026, 1, 1), ymd(2026, 12, 31), kCal), year_period(2026, kCal));
  // Decree 09 periods are recognised when the configuration cuts periods that way.
  EXPECT_EQ(range_period(ymd(2025, 12, 15), ymd(2026, 3, 14), kD09), quarter_period(2026, 1, kD09));
  EXPECT_EQ(range_period(ymd(2025, 12, 15), ymd(2026, 3, 14), kCal).kind, PeriodKind::range);
  // A calendar quarter stays one under decree09 too.
  EXPECT_EQ(range_period(ymd(2019, 7, 1), ymd(2019, 9, 30), kD09), quarter_period(2019, 3, kCal));
  const ReportPeriod r = range_period(ymd(2019, 7, 1), ymd(2019, 9, 29), kCal);
  EXPECT_EQ(r.kind, PeriodKind::range);
  EXPECT_EQ(r.from, ymd(2019, 7, 1));
  EXPECT_EQ(r.to, ymd(2019, 9, 29));
}

TEST(PeriodWords, QuarterMonthYearAndRange) {
  EXPECT_EQ(period_words(quarter_period(2019, 3, kCal)), "Quý III năm 2019");
  EXPECT_EQ(period_words(quarter_period(2019, 1, kD09)), "Quý I năm 2019");
  EXPECT_EQ(period_words(quarter_period(2019, 2, kCal)), "Quý II năm 2019");
  EXPECT_EQ(period_words(quarter_period(2019, 4, kCal)), "Quý IV năm 2019");
  EXPECT_EQ(period_words(month_period(2026, 9, kCal)), "Tháng 9 năm 2026");
  EXPECT_EQ(period_words(year_period(2026, kCal)), "Năm 2026");
  EXPECT_EQ(period_words(range_period(ymd(2019, 7, 1), ymd(2019, 9, 29), kCal)),
            "Từ ngày 01/07/2019 đến ngày 29/09/2019");
}

TEST(PeriodWords, TheHeaderLineShowsTheDatesBehindANamedPeriod) {
  EXPECT_EQ(period_line(quarter_period(2019, 3, kCal)),
            "Kỳ báo cáo: Quý III năm 2019 (từ ngày 01/07/2019 đến ngày 30/09/2019)");
  EXPECT_EQ(period_line(quarter_period(2019, 3, kD09)),
            "Kỳ báo cáo: Quý III năm 2019 (từ ngày 15/06/2019 đến ngày 14/09/2019)");
  EXPECT_EQ(period_line(range_period(ymd(2019, 7, 1), ymd(2019, 9, 29), kCal)),
            "Kỳ báo cáo: Từ ngày 01/07/2019 đến ngày 29/09/2019");
}

TEST(PeriodWords, DatesAsAdministrativeDocumentsWriteThem) {
  EXPECT_EQ(date_words(ymd(2019, 10, 5)), "ngày 05 tháng 10 năm 2019");
  EXPECT_EQ(date_words(ymd(2026, 1, 9)), "ngày 09 tháng 01 năm 2026");
  EXPECT_EQ(date_words(ymd(2026, 2, 28)), "ngày 28 tháng 02 năm 2026");
  EXPECT_EQ(date_words(ymd(2026, 3, 15)), "ngày 15 tháng 3 năm 2026");
  EXPECT_EQ(date_words(ymd(2026, 12, 31)), "ngày 31 tháng 12 năm 2026");
}

TEST(Period, ConventionNames) {
  EXPECT_EQ(parse_period_convention("decree09"), kD09);
  EXPECT_EQ(parse_period_convention(to_string(kCal)), kCal);
  EXPECT_FALSE(parse_period_convention("decree9").has_value());
}

}  // namespace
}  // namespace dunghan::report
