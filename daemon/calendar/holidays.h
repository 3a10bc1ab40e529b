#pragma once
// Days off and make-up working days: the statutory rules of the Labour Code (docs/rules.md §1) for
// years that no official schedule declares, and the data model of official schedule files
// (config/holidays/*.toml; parsed by the config module, not here).

#include <string>
#include <vector>

#include "calendar/civil.h"

namespace dunghan::calendar {

/// The seven weekdays as a set; index = std::chrono::weekday::c_encoding() (0 = Sunday).
class WeekdaySet {
 public:
  constexpr WeekdaySet() = default;
  constexpr WeekdaySet& add(std::chrono::weekday w) {
    bits_ = static_cast<unsigned char>(bits_ | (1u << w.c_encoding()));
    return *this;
  }
  constexpr bool contains(std::chrono::weekday w) const { return (bits_ >> w.c_encoding()) & 1u; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr unsigned char bits() const { return bits_; }
  friend constexpr bool operator==(WeekdaySet, WeekdaySet) = default;
  /// Saturday and Sunday: the civil-service week (docs/rules.md §1 default).
  static constexpr WeekdaySet sat_sun() {
    return WeekdaySet{}.add(std::chrono::Saturday).add(std::chrono::Sunday);
  }

 private:
  unsigned char bits_ = 0;
};

/// What a dated entry does to the working calendar.
enum class DayKind {
  holiday,         // a statutory holiday (may fall on a weekly rest day; then it changes nothing)
  compensatory,    // nghỉ bù: a day off given for a holiday that fell on a weekly rest day
  swap,            // a working day swapped into a day off (paid back by a makeup_workday)
  makeup_workday,  // làm bù: a weekly rest day that is a working day
  admin_day_off,   // an admin's own [[calendar.day_off]] entry
  admin_working_day,  // an admin's own [[calendar.working_day]] entry
};

/// "holiday", "compensatory", "swap", "makeup_workday", "day_off", "working_day".
std::string_view to_string(DayKind k);
/// True for kinds that make the date a day off.
constexpr bool is_day_off(DayKind k) {
  return k != DayKind::makeup_workday && k != DayKind::admin_working_day;
}

struct DayEntry {
  Date date;
  DayKind kind = DayKind::holiday;
  std::string name;    // Vietnamese, e.g. "Tết Nguyên đán"
  std::string source;  // e.g. "CV 2450/VPCP-KGVX"; rules: "Bộ luật Lao động 2019, Điều 112"
};

/// One official schedule file: the years it declares authoritative, and its entries.
struct Schedule {
  std::string origin;      // file path (or "built-in") for error messages
  std::vector<int> years;  // each year listed here is authoritative: no statutory rules apply
  std::vector<DayEntry> entries;
};

/// The statutory set of a provisional year (docs/rules.md §1 "Statutory rules").
struct StatutoryYear {
  /// Every statutory holiday date of the year, also those on a weekly rest day, kind `holiday`,
  /// sorted by date: 1/1, the five Tết days on their own dates (giao thừa and lunar 1/1–4/1, a
  /// Saturday or Sunday among them included), Hùng Kings, 30/4, 1/5, 2/9 and its adjacent day.
  std::vector<DayEntry> holidays;
  /// The entries that change the working calendar, sorted by date: each holiday on a day that is
  /// not a weekly rest day (kind `holiday`), each Tết day off moved out of the block by the
  /// Saturday/Sunday rule (kind `holiday`, name "Tết Nguyên đán"; not in `holidays`), and each
  /// nghỉ bù (kind `compensatory`).
  std::vector<DayEntry> days_off;
};

/// The statutory rules (Labour Code 2019 art. 112 and 111(3)) applied to `year` with the weekly
/// rest days `rest`:
///  - Tết: the block is giao thừa (the day before lunar 1/1) .. lunar 4/1. A block day on a weekly
///    rest day moves out of the block: with rest == WeekdaySet::sat_sun() a Saturday moves to the
///    nearest working day before the block and a Sunday to the nearest one after it (docs/rules.md
///    §1); with any other rest set every rest day in the block moves to the nearest free working
///    day after.
///  - Nghỉ bù: each other holiday on a rest day gives, in date order, the first later day that is
///    neither a rest day nor already off. Two holidays on one working day (only Hùng Kings on
///    30/4/1947 in the range) give one day off and no nghỉ bù.
///  - The same Labour Code 2019 rules for every year (no Labour Code 2012 history: 2/9 always has
///    its adjacent day).
/// Names: "Tết Dương lịch", "Tết Nguyên đán", "Giỗ Tổ Hùng Vương", "Ngày Chiến thắng",
/// "Ngày Quốc tế Lao động", "Quốc khánh" (2/9 and its adjacent day), "Nghỉ bù <holiday name>".
/// Sources: "Bộ luật Lao động 2019, Điều 112" / "Bộ luật Lao động 2019, Điều 111(3)".
/// Throws CalendarError outside [kFirstSupportedYear, kLastSupportedYear], or when `rest` holds
/// all seven weekdays.
StatutoryYear statutory_year(int year, WeekdaySet rest);

}  // namespace dunghan::calendar
