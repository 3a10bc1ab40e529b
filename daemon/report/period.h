#pragma once
// The period a report covers, and how the printed form names it.
//
// Periodic reports are cut in one of two ways (`[report] period`):
//  - calendar (the default): a quarter is 01/07–30/09, a month its first to its last day, a year
//    01/01–31/12;
//  - decree09: the data cut-off of Decree 09/2019/NĐ-CP art. 12 — a month runs from the 15th of
//    the month before to the 14th of the month, a quarter from the 15th of the month before it to
//    the 14th of its last month (Q3/2019: 15/06/2019–14/09/2019; Q1 starts on 15/12 of the year
//    before), a year from 15/12 of the year before to 14/12.
// Any other range of dates is a `range`. All dates are local civil dates, both ends included.
// Pure: no clock, no I/O.

#include <optional>
#include <string>
#include <string_view>

#include "calendar/civil.h"

namespace dunghan::report {

enum class PeriodConvention { calendar, decree09 };
/// "calendar" | "decree09".
std::string_view to_string(PeriodConvention c);
/// Parses the names above; nullopt otherwise.
std::optional<PeriodConvention> parse_period_convention(std::string_view s);

enum class PeriodKind { quarter, month, year, range };
/// "quarter" | "month" | "year" | "range".
std::string_view to_string(PeriodKind k);

/// First and last year a quarter, month or year may name (so that every date of a decree09
/// period lies inside the calendar's supported range).
inline constexpr int kFirstPeriodYear = calendar::kFirstSupportedYear + 1;
inline constexpr int kLastPeriodYear = calendar::kLastSupportedYear;

struct ReportPeriod {
  PeriodKind kind = PeriodKind::range;
  /// How `from` and `to` were cut; always `calendar` for a range.
  PeriodConvention convention = PeriodConvention::calendar;
  int year = 0;           // the year named (quarter, month, year); 0 for a range
  unsigned number = 0;    // the quarter 1–4 or the month 1–12; 0 for a year or a range
  calendar::Date from{};  // first day, included
  calendar::Date to{};    // last day, included
  friend bool operator==(const ReportPeriod&, const ReportPeriod&) = default;
};

/// Quarter `quarter` (1–4) of `year`. Throws std::invalid_argument when the quarter is not 1–4 or
/// the year lies outside [kFirstPeriodYear, kLastPeriodYear].
ReportPeriod quarter_period(int year, unsigned quarter, PeriodConvention c);
/// Month `month` (1–12) of `year`. Throws std::invalid_argument as quarter_period.
ReportPeriod month_period(int year, unsigned month, PeriodConvention c);
/// The year `year`. Throws std::invalid_argument as quarter_period.
ReportPeriod year_period(int year, PeriodConvention c);
/// The dates [from, to]. When they are exactly a quarter, month or year — cut by `c`, or by the
/// calendar convention — that period is returned (so its words name it); otherwise a range.
/// Throws std::invalid_argument when to < from.
ReportPeriod range_period(calendar::Date from, calendar::Date to, PeriodConvention c);

/// Parses "2026-Q3" (the Q in either case) into quarter_period(2026, 3, c); nullopt on a syntax
/// error, a quarter outside 1–4 or a year outside the range above.
std::optional<ReportPeriod> parse_quarter(std::string_view s, PeriodConvention c);
/// Parses "2026-09" or "09/2026" (also "9/2026") into month_period; nullopt on error.
std::optional<ReportPeriod> parse_month(std::string_view s, PeriodConvention c);
/// Parses "2026" into year_period; nullopt on error.
std::optional<ReportPeriod> parse_year(std::string_view s, PeriodConvention c);

/// The period in words, as the form's header says it: "Quý III năm 2019", "Tháng 9 năm 2026",
/// "Năm 2026", or "Từ ngày 01/07/2019 đến ngày 30/09/2019" for a range.
std::string period_words(const ReportPeriod& p);
/// The header's line: "Kỳ báo cáo: Quý III năm 2019 (từ ngày 01/07/2019 đến ngày 30/09/2019)",
/// or "Kỳ báo cáo: Từ ngày 01/07/2019 đến ngày 30/09/2019" for a range.
std::string period_line(const ReportPeriod& p);

/// A date as Vietnamese administrative documents write it: "ngày 05 tháng 10 năm 2019" — a zero
/// before a day under 10 and before the months 1 and 2 (Decree 30/2020/NĐ-CP, Appendix I).
std::string date_words(calendar::Date d);

}  // namespace dunghan::report
