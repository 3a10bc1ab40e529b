#include "calendar/lunar.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <tuple>
#include <vector>

// Hồ Ngọc Đức's astronomical lunar calendar (http://www.informatik.uni-leipzig.de/~duc/amlich/),
// written from the algorithm's description:
//  1. New moons from the Meeus series (Astronomical Algorithms, ch. 49, abridged) with a ΔT
//     correction; the day of a new moon is floor(JD + 0.5 + tz/24), tz = 7.
//  2. The sun's apparent longitude (Meeus ch. 25, low precision) at local midnight of a day.
//  3. Lunar month 11 is the month that contains the winter solstice (longitude 270°).
//  4. Between two month-11 starts there are 12 or 13 months; with 13, the first month that contains
//     no major solar term (no multiple of 30° of solar longitude) is the leap month, numbered as
//     the month before it.
// Days are Julian day numbers (JDN) here; Date counts days since 1970-01-01 = JDN 2440588.

namespace dunghan::calendar {

namespace {

constexpr double kTimeZoneHours = 7.0;
constexpr double kPi = std::numbers::pi;
constexpr double kRad = kPi / 180.0;
constexpr long kJdnOfUnixEpoch = 2440588;
// The first new moon of the series (k = 0) falls on 1900-01-01 (JD 2415021.077); the synodic month.
constexpr double kNewMoon0 = 2415021.076998695;
constexpr double kSynodicMonth = 29.530588853;

long jdn_of(Date d) {
  return static_cast<long>(d.time_since_epoch().count()) + kJdnOfUnixEpoch;
}
Date date_of_jdn(long jdn) {
  return Date{std::chrono::days{jdn - kJdnOfUnixEpoch}};
}

/// JD (UT) of the k-th new moon after the one of 1900-01-01.
double new_moon_jd(long k) {
  const double kk = static_cast<double>(k);
  const double t = kk / 1236.85;  // Julian centuries since 1900-01-01
  const double t2 = t * t;
  const double t3 = t2 * t;
  double jd1 = 2415020.75933 + 29.53058868 * kk + 0.0001178 * t2 - 0.000000155 * t3;
  jd1 += 0.00033 * std::sin((166.56 + 132.87 * t - 0.009173 * t2) * kRad);
  const double m = 359.2242 + 29.10535608 * kk - 0.0000333 * t2 - 0.00000347 * t3;  // sun anomaly
  const double mpr =
      306.0253 + 385.81691806 * kk + 0.0107306 * t2 + 0.00001236 * t3;              // moon anomaly
  const double f = 21.2964 + 390.67050646 * kk - 0.0016528 * t2 - 0.00000239 * t3;  // latitude arg
  double c1 = (0.1734 - 0.000393 * t) * std::sin(m * kRad) + 0.0021 * std::sin(2 * kRad * m);
  c1 = c1 - 0.4068 * std::sin(mpr * kRad) + 0.0161 * std::sin(kRad * 2 * mpr);
  c1 = c1 - 0.0004 * std::sin(kRad * 3 * mpr);
  c1 = c1 + 0.0104 * std::sin(kRad * 2 * f) - 0.0051 * std::sin(kRad * (m + mpr));
  c1 = c1 - 0.0074 * std::sin(kRad * (m - mpr)) + 0.0004 * std::sin(kRad * (2 * f + m));
  c1 = c1 - 0.0004 * std::sin(kRad * (2 * f - m)) - 0.0006 * std::sin(kRad * (2 * f + mpr));
  c1 = c1 + 0.0010 * std::sin(kRad * (2 * f - mpr)) + 0.0005 * std::sin(kRad * (2 * mpr + m));
  double delta_t = 0;  // ΔT in days
  if (t < -11) {
    delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3;
  } else {
    delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2;
  }
  return jd1 + c1 - delta_t;
}

/// The local day (JDN at UTC+7) of the k-th new moon.
long new_moon_day(long k) {
  return static_cast<long>(std::floor(new_moon_jd(k) + 0.5 + kTimeZoneHours / 24.0));
}

/// The sun's apparent longitude in radians, [0, 2π), at Julian date `jd`.
double sun_longitude(double jd) {
  const double t = (jd - 2451545.0) / 36525.0;  // Julian centuries since J2000
  const double t2 = t * t;
  const double m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
  const double l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  double dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * std::sin(kRad * m);
  dl += (0.019993 - 0.000101 * t) * std::sin(kRad * 2 * m) + 0.000290 * std::sin(kRad * 3 * m);
  double l = (l0 + dl) * kRad;
  l -= 2 * kPi * std::floor(l / (2 * kPi));
  return l;
}

/// Which 30° sector (0..11) the sun is in at local midnight starting local day `jdn`.
/// Sector 9 begins at the winter solstice (270°).
int sun_sector(long jdn) {
  const double jd_midnight = static_cast<double>(jdn) - 0.5 - kTimeZoneHours / 24.0;
  return static_cast<int>(std::floor(sun_longitude(jd_midnight) / kPi * 6));
}

/// The series index of the new moon on local day `jdn` (which must be a new moon day).
long new_moon_index(long jdn) {
  long k =
      static_cast<long>(std::floor((static_cast<double>(jdn) - kNewMoon0) / kSynodicMonth + 0.5));
  while (new_moon_day(k) > jdn) --k;
  while (new_moon_day(k + 1) <= jdn) ++k;
  return k;
}

/// The first day of lunar month 11 of solar year `y`: the month containing the winter solstice.
long month11_start(int y) {
  const long dec31 =
      jdn_of(Date{std::chrono::year{y} / std::chrono::December / std::chrono::day{31}});
  const long k =
      static_cast<long>(std::floor(static_cast<double>(dec31 - 2415021) / kSynodicMonth));
  long nm = new_moon_day(k);
  if (sun_sector(nm) >= 9) nm = new_moon_day(k - 1);  // the solstice came before this new moon
  return nm;
}

struct Month {
  long start;  // JDN of day 1
  int year;
  int month;  // 1..12
  bool leap;
};

/// Every lunar month that starts between month 11 of solar year kFirstSupportedYear - 1 and
/// month 11 of kLastSupportedYear + 1, plus an end marker (the start of the following month).
class LunarTable {
 public:
  LunarTable() {
    const int first = kFirstSupportedYear - 1;
    const int last = kLastSupportedYear + 1;
    long a11 = month11_start(first);
    for (int y = first + 1; y <= last; ++y) {
      const long b11 = month11_start(y);
      add_solar_interval(y, a11, b11);
      a11 = b11;
    }
    end_ = a11;
  }

  /// Index of the month containing `jdn`, which must lie in [first start, end_).
  std::size_t find(long jdn) const {
    const auto it = std::upper_bound(months_.begin(), months_.end(), jdn,
                                     [](long d, const Month& m) { return d < m.start; });
    return static_cast<std::size_t>(it - months_.begin()) - 1;
  }
  bool covers(long jdn) const { return jdn >= months_.front().start && jdn < end_; }
  const Month& at(std::size_t i) const { return months_[i]; }
  long next_start(std::size_t i) const {
    return i + 1 < months_.size() ? months_[i + 1].start : end_;
  }
  std::size_t size() const { return months_.size(); }

  /// The index of (year, month, leap), or size() when there is no such month.
  std::size_t index_of(int year, int month, bool leap) const {
    // Months are in chronological order, so (year, month) pairs increase; a leap month follows its
    // namesake.
    const auto it = std::lower_bound(months_.begin(), months_.end(), std::tuple{year, month, leap},
                                     [](const Month& m, auto key) {
                                       return std::tuple{m.year, m.month, m.leap} < key;
                                     });
    if (it == months_.end() || it->year != year || it->month != month || it->leap != leap) {
      return months_.size();
    }
    return static_cast<std::size_t>(it - months_.begin());
  }

 private:
  /// The months of [a11, b11): month 11 of solar year y-1 up to the month before month 11 of y.
  void add_solar_interval(int y, long a11, long b11) {
    const long k0 = new_moon_index(a11);
    if (new_moon_day(k0) != a11) throw CalendarError("lunar table: month 11 is not a new moon");
    const long count = new_moon_index(b11) - k0;  // 12 or 13
    if (count != 12 && count != 13) {
      throw CalendarError("lunar table: " + std::to_string(count) + " months in solar year " +
                          std::to_string(y));
    }
    long leap_offset = count;  // none
    if (count == 13) {
      // The first month whose start and the next month's start lie in the same 30° sector has
      // no major term: it is the leap month.
      int prev = sun_sector(new_moon_day(k0 + 1));
      for (long i = 1; i < 13; ++i) {
        const int cur = sun_sector(new_moon_day(k0 + i + 1));
        if (cur == prev) {
          leap_offset = i;
          break;
        }
        prev = cur;
      }
    }
    for (long i = 0; i < count; ++i) {
      Month m{new_moon_day(k0 + i), y, 0, false};
      long n = i;  // months after month 11, not counting the leap month
      if (i >= leap_offset) {
        n = i - 1;
        m.leap = i == leap_offset;
      }
      m.month = static_cast<int>((n + 10) % 12 + 1);  // n = 0 → 11, 1 → 12, 2 → 1, …
      if (m.month >= 11 && i < 4) m.year = y - 1;     // months 11 and 12 end the previous year
      months_.push_back(m);
    }
  }

  std::vector<Month> months_;
  long end_ = 0;
};

const LunarTable& table() {
  static const LunarTable t;
  return t;
}

}  // namespace

LunarDate solar_to_lunar(Date d) {
  require_supported(d);
  const LunarTable& t = table();
  const long jdn = jdn_of(d);
  const Month& m = t.at(t.find(jdn));
  return LunarDate{static_cast<int>(jdn - m.start + 1), m.month, m.year, m.leap};
}

std::optional<Date> lunar_to_solar(const LunarDate& l) {
  if (l.day < 1 || l.day > 30 || l.month < 1 || l.month > 12) return std::nullopt;
  const LunarTable& t = table();
  const std::size_t i = t.index_of(l.year, l.month, l.leap);
  if (i == t.size()) return std::nullopt;
  const long jdn = t.at(i).start + l.day - 1;
  if (jdn >= t.next_start(i)) return std::nullopt;
  const Date d = date_of_jdn(jdn);
  if (!in_supported_range(d)) return std::nullopt;
  return d;
}

int lunar_leap_month(int year) {
  if (year < kFirstSupportedYear || year > kLastSupportedYear) {
    throw CalendarError("lunar year " + std::to_string(year) + " is outside the supported range " +
                        std::to_string(kFirstSupportedYear) + ".." +
                        std::to_string(kLastSupportedYear));
  }
  const LunarTable& t = table();
  for (int month = 1; month <= 12; ++month) {
    if (t.index_of(year, month, true) != t.size()) return month;
  }
  return 0;
}

}  // namespace dunghan::calendar
