#include "report/period.h"

#include <array>
#include <charconv>
#include <stdexcept>

namespace dunghan::report {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;
using std::chrono::year_month_day;

calendar::Date date_of(int y, unsigned m, unsigned d) {
  return calendar::Date{year{y} / month{m} / day{d}};
}

calendar::Date last_of_month(int y, unsigned m) {
  return calendar::Date{year{y} / month{m} / std::chrono::last};
}

/// The 15th of the month before month `m` of year `y`.
calendar::Date fifteenth_before(int y, unsigned m) {
  return m == 1 ? date_of(y - 1, 12, 15) : date_of(y, m - 1, 15);
}

void check_year(int y) {
  if (y < kFirstPeriodYear || y > kLastPeriodYear) {
    throw std::invalid_argument("year " + std::to_string(y) + " is outside " +
                                std::to_string(kFirstPeriodYear) + ".." +
                                std::to_string(kLastPeriodYear));
  }
}

/// Months [first, last] of year `y`, cut by `c`.
ReportPeriod months(PeriodKind kind, int y, unsigned number, unsigned first, unsigned last,
                    PeriodConvention c) {
  ReportPeriod p;
  p.kind = kind;
  p.convention = c;
  p.year = y;
  p.number = number;
  if (c == PeriodConvention::decree09) {
    p.from = fifteenth_before(y, first);
    p.to = date_of(y, last, 14);
  } else {
    p.from = date_of(y, first, 1);
    p.to = last_of_month(y, last);
  }
  return p;
}

/// Digits only, the whole of `s`, as an int; nullopt otherwise.
std::optional<int> number(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
  }
  return v;
}

bool year_ok(int y) {
  return y >= kFirstPeriodYear && y <= kLastPeriodYear;
}

std::string two_digits(unsigned v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

}  // namespace

std::string_view to_string(PeriodConvention c) {
  return c == PeriodConvention::decree09 ? "decree09" : "calendar";
}

std::optional<PeriodConvention> parse_period_convention(std::string_view s) {
  if (s == "calendar") return PeriodConvention::calendar;
  if (s == "decree09") return PeriodConvention::decree09;
  return std::nullopt;
}

std::string_view to_string(PeriodKind k) {
  switch (k) {
    case PeriodKind::quarter:
      return "quarter";
    case PeriodKind::month:
      return "month";
    case PeriodKind::year:
      return "year";
    case PeriodKind::range:
      break;
  }
  return "range";
}

ReportPeriod quarter_period(int y, unsigned quarter, PeriodConvention c) {
  check_year(y);
  if (quarter < 1 || quarter > 4) {
    throw std::invalid_argument("quarter " + std::to_string(quarter) + " is not 1..4");
  }
  return months(PeriodKind::quarter, y, quarter, 3 * quarter - 2, 3 * quarter, c);
}

ReportPeriod month_period(int y, unsigned m, PeriodConvention c) {
  check_year(y);
  if (m < 1 || m > 12) throw std::invalid_argument("month " + std::to_string(m) + " is not 1..12");
  return months(PeriodKind::month, y, m, m, m, c);
}

ReportPeriod year_period(int y, PeriodConvention c) {
  check_year(y);
  return months(PeriodKind::year, y, 0, 1, 12, c);
}

ReportPeriod range_period(calendar::Date from, calendar::Date to, PeriodConvention c) {
  if (to < from) {
    throw std::invalid_argument("the period ends (" + calendar::format_date(to) +
                                ") before it starts (" + calendar::format_date(from) + ")");
  }
  // A named period ends in its own year (calendar) or in the year it names (decree09): `to`'s.
  const int y = calendar::year_of(to);
  if (year_ok(y)) {
    std::array<PeriodConvention, 2> conventions{c, PeriodConvention::calendar};
    for (PeriodConvention conv : conventions) {
      std::array<ReportPeriod, 17> candidates{};
      std::size_t n = 0;
      candidates[n++] = year_period(y, conv);
      for (unsigned q = 1; q <= 4; ++q) candidates[n++] = quarter_period(y, q, conv);
      for (unsigned m = 1; m <= 12; ++m) candidates[n++] = month_period(y, m, conv);
      for (const ReportPeriod& p : candidates) {
        if (p.from == from && p.to == to) return p;
      }
    }
  }
  ReportPeriod p;
  p.from = from;
  p.to = to;
  return p;
}

std::optional<ReportPeriod> parse_quarter(std::string_view s, PeriodConvention c) {
  // YYYY-Qn
  if (s.size() != 7 || s[4] != '-' || (s[5] != 'Q' && s[5] != 'q')) return std::nullopt;
  const auto y = number(s.substr(0, 4));
  const auto q = number(s.substr(6, 1));
  if (!y || !q || !year_ok(*y) || *q < 1 || *q > 4) return std::nullopt;
  return quarter_period(*y, static_cast<unsigned>(*q), c);
}

std::optional<ReportPeriod> parse_month(std::string_view s, PeriodConvention c) {
  std::optional<int> y, m;
  if (s.size() == 7 && s[4] == '-') {  // YYYY-MM
    y = number(s.substr(0, 4));
    m = number(s.substr(5, 2));
  } else if (const auto slash = s.find('/'); slash != std::string_view::npos &&
                                             (slash == 1 || slash == 2) &&
                                             s.size() == slash + 5) {  // M/YYYY, MM/YYYY
    m = number(s.substr(0, slash));
    y = number(s.substr(slash + 1));
  }
  if (!y || !m || !year_ok(*y) || *m < 1 || *m > 12) return std::nullopt;
  return month_period(*y, static_cast<unsigned>(*m), c);
}

std::optional<ReportPeriod> parse_year(std::string_view s, PeriodConvention c) {
  if (s.size() != 4) return std::nullopt;
  const auto y = number(s);
  if (!y || !year_ok(*y)) return std::nullopt;
  return year_period(*y, c);
}

std::string period_words(const ReportPeriod& p) {
  static constexpr std::array<std::string_view, 4> kRoman{"I", "II", "III", "IV"};
  switch (p.kind) {
    case PeriodKind::quarter:
      return "Quý " + std::string(kRoman.at(p.number - 1)) + " năm " + std::to_string(p.year);
    case PeriodKind::month:
      return "Tháng " + std::to_string(p.number) + " năm " + std::to_string(p.year);
    case PeriodKind::year:
      return "Năm " + std::to_string(p.year);
    case PeriodKind::range:
      break;
  }
  return "Từ ngày " + calendar::format_date_vn(p.from) + " đến ngày " +
         calendar::format_date_vn(p.to);
}

std::string period_line(const ReportPeriod& p) {
  std::string line = "Kỳ báo cáo: " + period_words(p);
  if (p.kind != PeriodKind::range) {
    line += " (từ ngày " + calendar::format_date_vn(p.from) + " đến ngày " +
            calendar::format_date_vn(p.to) + ")";
  }
  return line;
}

std::string date_words(calendar::Date d) {
  const year_month_day ymd{d};
  const unsigned dd = static_cast<unsigned>(ymd.day());
  const unsigned mm = static_cast<unsigned>(ymd.month());
  return "ngày " + two_digits(dd) + " tháng " + (mm <= 2 ? two_digits(mm) : std::to_string(mm)) +
         " năm " + std::to_string(static_cast<int>(ymd.year()));
}

}  // namespace dunghan::report
