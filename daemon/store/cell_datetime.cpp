#include "store/cell_datetime.h"

#include <cctype>

namespace dunghan::store {
namespace {

std::string_view trim_cell(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// A tiny cursor over the text.
class TextCursor {
 public:
  explicit TextCursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ == s_.size(); }
  bool lit(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  /// Reads between `min` and `max` digits.
  bool number(int min, int max, int& out) {
    int n = 0;
    out = 0;
    while (n < max && i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      out = out * 10 + (s_[i_] - '0');
      ++i_;
      ++n;
    }
    return n >= min;
  }
  void skip_blanks() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  /// The rest, upper-cased ASCII.
  std::string rest_upper() const {
    std::string out(s_.substr(i_));
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  }
  bool peek_digit() const { return i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9'; }
  std::size_t pos() const { return i_; }
  std::string_view source() const { return s_; }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::optional<calendar::Date> make_date(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y},
                                        std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return calendar::Date{ymd};
}

std::optional<calendar::Date> read_date(TextCursor& c) {
  int a = 0, b = 0, y = 0;
  // ISO: four digits first.
  const std::string_view s = c.source().substr(c.pos());
  if (s.size() >= 5 && s[4] == '-') {
    if (!c.number(4, 4, y) || !c.lit('-') || !c.number(1, 2, a) || !c.lit('-') ||
        !c.number(1, 2, b)) {
      return std::nullopt;
    }
    return make_date(y, a, b);
  }
  if (!c.number(1, 2, a) || !c.lit('/') || !c.number(1, 2, b) || !c.lit('/') ||
      !c.number(4, 4, y)) {
    return std::nullopt;
  }
  return make_date(y, b, a);
}

}  // namespace

std::optional<CellDateTime> parse_cell_datetime(std::string_view text) {
  TextCursor c(trim_cell(text));
  CellDateTime out;
  const auto date = read_date(c);
  if (!date) return std::nullopt;
  out.date = *date;
  if (c.done()) return out;
  if (!c.lit('T') && !c.lit(' ')) return std::nullopt;
  c.skip_blanks();
  int h = 0, m = 0, sec = 0;
  if (!c.number(1, 2, h) || !c.lit(':') || !c.number(2, 2, m)) return std::nullopt;
  if (c.lit(':') && !c.number(2, 2, sec)) return std::nullopt;
  c.skip_blanks();
  const std::string marker = c.rest_upper();
  if (!marker.empty()) {
    const bool am = marker == "SA" || marker == "AM" || marker == "S.A" || marker == "A.M.";
    const bool pm = marker == "CH" || marker == "PM" || marker == "C.H" || marker == "P.M.";
    if ((!am && !pm) || h < 1 || h > 12) return std::nullopt;
    if (am && h == 12) h = 0;
    if (pm && h != 12) h += 12;
  }
  if (h > 23 || m > 59 || sec > 59) return std::nullopt;
  out.time_of_day = std::chrono::hours{h} + std::chrono::minutes{m} + std::chrono::seconds{sec};
  return out;
}

calendar::Instant cell_instant(const CellDateTime& cell, DayPart part,
                               const calendar::WorkCalendar& cal) {
  calendar::require_supported(cell.date);
  if (cell.time_of_day) return calendar::to_instant(cell.date, *cell.time_of_day, cal.offset());
  std::span<const calendar::Session> sessions = cal.sessions_on(cell.date);
  if (sessions.empty()) sessions = cal.spec().sessions;
  const calendar::MinuteOfDay m =
      part == DayPart::opening ? sessions.front().start : sessions.back().end;
  return calendar::to_instant(cell.date, std::chrono::seconds{m}, cal.offset());
}

bool is_plain_number(std::string_view s) {
  s = trim_cell(s);
  std::size_t i = 0;
  std::size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    ++i;
    ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t frac = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      ++i;
      ++frac;
    }
    if (frac == 0) return false;
  }
  return i == s.size();
}

}  // namespace dunghan::store
