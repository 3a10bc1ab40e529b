#include "calendar/civil.h"

#include <array>
#include <cstdint>

namespace dunghan::calendar {

namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr Date kFirstDate = std::chrono::year{kFirstSupportedYear} / 1 / 1;
constexpr Date kLastDate = std::chrono::year{kLastSupportedYear} / 12 / 31;

/// A strict cursor over the input: every reader consumes exactly what it accepts.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool done() const { return pos_ == s_.size(); }
  std::string_view rest() const { return s_.substr(pos_); }

  /// Reads exactly `n` ASCII digits.
  bool digits(std::size_t n, int& out) {
    if (s_.size() - pos_ < n) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = s_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    out = v;
    return true;
  }

  /// Reads `min_n`..`max_n` ASCII digits (as many as there are, up to max_n).
  bool digits_between(std::size_t min_n, std::size_t max_n, int& out) {
    std::size_t n = 0;
    while (n < max_n && pos_ + n < s_.size() && s_[pos_ + n] >= '0' && s_[pos_ + n] <= '9') ++n;
    if (n < min_n) return false;
    // A further digit means the field is too long.
    if (pos_ + n < s_.size() && s_[pos_ + n] >= '0' && s_[pos_ + n] <= '9') return false;
    return digits(n, out);
  }

  bool lit(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

std::optional<Date> make_date(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return Date{ymd};
}

bool read_ymd(Cursor& c, Date& out) {
  int y = 0, m = 0, d = 0;
  if (!c.digits(4, y) || !c.lit('-') || !c.digits(2, m) || !c.lit('-') || !c.digits(2, d)) {
    return false;
  }
  const auto date = make_date(y, m, d);
  if (!date) return false;
  out = *date;
  return true;
}

bool read_dmy(Cursor& c, Date& out) {
  int y = 0, m = 0, d = 0;
  if (!c.digits_between(1, 2, d) || !c.lit('/') || !c.digits_between(1, 2, m) || !c.lit('/') ||
      !c.digits(4, y)) {
    return false;
  }
  const auto date = make_date(y, m, d);
  if (!date) return false;
  out = *date;
  return true;
}

/// "HH:MM[:SS]" strictly before 24:00.
bool read_time(Cursor& c, seconds& out) {
  int h = 0, m = 0, s = 0;
  if (!c.digits(2, h) || !c.lit(':') || !c.digits(2, m)) return false;
  if (c.peek() == ':') {
    c.lit(':');
    if (!c.digits(2, s)) return false;
  }
  if (h > 23 || m > 59 || s > 59) return false;
  out = hours{h} + minutes{m} + seconds{s};
  return true;
}

/// "+HH:MM" / "-HH:MM" (|offset| <= 18:00) or "Z".
bool read_offset(Cursor& c, UtcOffset& out) {
  if (c.lit('Z')) {
    out = UtcOffset{minutes{0}};
    return true;
  }
  int sign = 0;
  if (c.lit('+')) {
    sign = 1;
  } else if (c.lit('-')) {
    sign = -1;
  } else {
    return false;
  }
  int h = 0, m = 0;
  if (!c.digits(2, h) || !c.lit(':') || !c.digits(2, m)) return false;
  if (m > 59 || h > 18 || (h == 18 && m != 0)) return false;
  out = UtcOffset{minutes{sign * (h * 60 + m)}};
  return true;
}

std::string pad(std::int64_t v, int width) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  if (v < 0) out.push_back('-');
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out.push_back('0');
  out += digits;
  return out;
}

}  // namespace

Date local_date(Instant t, UtcOffset offset) {
  return floor<days>(t + offset.east);
}

LocalDateTime to_local(Instant t, UtcOffset offset) {
  const Instant shifted = t + offset.east;
  const Date d = floor<days>(shifted);
  return LocalDateTime{d, shifted - Instant{d}};
}

Instant to_instant(Date date, seconds time_of_day, UtcOffset offset) {
  return Instant{date} + time_of_day - offset.east;
}

int year_of(Date d) {
  return static_cast<int>(std::chrono::year_month_day{d}.year());
}

bool in_supported_range(Date d) {
  return d >= kFirstDate && d <= kLastDate;
}

void require_supported(Date d) {
  if (!in_supported_range(d)) {
    throw CalendarError("date " + format_date(d) + " is outside the supported range " +
                        std::to_string(kFirstSupportedYear) + "-01-01.." +
                        std::to_string(kLastSupportedYear) + "-12-31");
  }
}

std::optional<Date> parse_date(std::string_view s) {
  Cursor c(s);
  Date d;
  if (!read_ymd(c, d) || !c.done()) return std::nullopt;
  return d;
}

std::optional<Date> parse_date_dmy(std::string_view s) {
  Cursor c(s);
  Date d;
  if (!read_dmy(c, d) || !c.done()) return std::nullopt;
  return d;
}

std::optional<MinuteOfDay> parse_hh_mm(std::string_view s) {
  Cursor c(s);
  int h = 0, m = 0;
  if (!c.digits(2, h) || !c.lit(':') || !c.digits(2, m) || !c.done()) return std::nullopt;
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return minutes{h * 60 + m};
}

std::optional<UtcOffset> parse_utc_offset(std::string_view s) {
  Cursor c(s);
  UtcOffset o;
  if (!read_offset(c, o) || !c.done()) return std::nullopt;
  return o;
}

namespace {

bool read_local_datetime(Cursor& c, LocalDateTime& out) {
  Date d;
  if (c.rest().size() > 4 && c.rest()[4] == '-') {
    if (!read_ymd(c, d)) return false;
    if (!c.lit('T') && !c.lit(' ')) return false;
  } else {
    if (!read_dmy(c, d)) return false;
    if (!c.lit(' ')) return false;
  }
  seconds tod{0};
  if (!read_time(c, tod)) return false;
  out = LocalDateTime{d, tod};
  return true;
}

}  // namespace

std::optional<LocalDateTime> parse_local_datetime(std::string_view s) {
  Cursor c(s);
  LocalDateTime l;
  if (!read_local_datetime(c, l) || !c.done()) return std::nullopt;
  return l;
}

std::optional<Instant> parse_instant(std::string_view s, UtcOffset offset) {
  Cursor c(s);
  LocalDateTime l;
  if (!read_local_datetime(c, l)) return std::nullopt;
  UtcOffset o = offset;
  if (!c.done() && !read_offset(c, o)) return std::nullopt;
  if (!c.done()) return std::nullopt;
  return to_instant(l, o);
}

std::string format_date(Date d) {
  const std::chrono::year_month_day ymd{d};
  return pad(static_cast<int>(ymd.year()), 4) + "-" + pad(static_cast<unsigned>(ymd.month()), 2) +
         "-" + pad(static_cast<unsigned>(ymd.day()), 2);
}

std::string format_date_vn(Date d) {
  const std::chrono::year_month_day ymd{d};
  return pad(static_cast<unsigned>(ymd.day()), 2) + "/" +
         pad(static_cast<unsigned>(ymd.month()), 2) + "/" + pad(static_cast<int>(ymd.year()), 4);
}

std::string format_hh_mm(MinuteOfDay m) {
  const auto total = m.count();
  const auto a = total < 0 ? -total : total;
  return std::string(total < 0 ? "-" : "") + pad(a / 60, 2) + ":" + pad(a % 60, 2);
}

std::string format_utc_offset(UtcOffset o) {
  const auto total = o.east.count();
  const auto a = total < 0 ? -total : total;
  return std::string(total < 0 ? "-" : "+") + pad(a / 60, 2) + ":" + pad(a % 60, 2);
}

std::string format_local_minutes(Instant t, UtcOffset offset) {
  const LocalDateTime l = to_local(t, offset);
  return format_date(l.date) + "T" + format_hh_mm(floor<minutes>(l.time_of_day));
}

std::string format_iso(Instant t, UtcOffset offset) {
  const LocalDateTime l = to_local(t, offset);
  const auto secs = l.time_of_day.count();
  return format_date(l.date) + "T" + pad(secs / 3600, 2) + ":" + pad(secs / 60 % 60, 2) + ":" +
         pad(secs % 60, 2) + format_utc_offset(offset);
}

std::string_view weekday_name_vn(Date d) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"};
  return kNames[std::chrono::weekday{d}.c_encoding()];
}

}  // namespace dunghan::calendar
