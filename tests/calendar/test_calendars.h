#pragma once
// Hand-made calendar data for the calendar tests: the official 2019–2026 schedules of docs/rules.md
// §1 typed in from the table (not parsed from the shipped TOML files: that is the config module's
// job), and small helpers to write dates and instants.

#include <chrono>
#include <string>
#include <vector>

#include "calendar/holidays.h"
#include "calendar/work_calendar.h"

namespace dunghan::calendar::testing {

constexpr Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

constexpr Session session(int h1, int m1, int h2, int m2) {
  return Session{std::chrono::minutes{h1 * 60 + m1}, std::chrono::minutes{h2 * 60 + m2}};
}

/// The instant of local date `d` at hh:mm:ss, at `offset` (default +07:00).
inline Instant at(Date d, int hh, int mm, int ss = 0, UtcOffset offset = {}) {
  return Instant{std::chrono::duration_cast<std::chrono::seconds>(d.time_since_epoch()) +
                 std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss} -
                 std::chrono::duration_cast<std::chrono::seconds>(offset.east)};
}

struct Range {
  Date from;
  Date to;  // included
  DayKind kind;
  const char* name;
};

inline Schedule make_schedule(int year, const std::vector<Range>& ranges, const char* source) {
  Schedule s;
  s.origin = "test-" + std::to_string(year);
  s.years = {year};
  for (const Range& r : ranges) {
    for (Date d = r.from; d <= r.to; d += std::chrono::days{1}) {
      s.entries.push_back(DayEntry{d, r.kind, r.name, source});
    }
  }
  return s;
}

/// The real 2026 schedule (docs/rules.md §1): Tết 16–20/02, New Year swap 02/01 made up on Sat
/// 10/01, 31/08 swapped and made up on Sat 22/08.
inline Schedule schedule_2026() {
  using K = DayKind;
  return make_schedule(2026,
                       {{ymd(2026, 1, 1), ymd(2026, 1, 1), K::holiday, "Tết Dương lịch"},
                        {ymd(2026, 1, 2), ymd(2026, 1, 2), K::swap, "Hoán đổi"},
                        {ymd(2026, 1, 10), ymd(2026, 1, 10), K::makeup_workday, "Làm bù"},
                        {ymd(2026, 2, 16), ymd(2026, 2, 20), K::holiday, "Tết Nguyên đán"},
                        {ymd(2026, 4, 26), ymd(2026, 4, 26), K::holiday, "Giỗ Tổ Hùng Vương"},
                        {ymd(2026, 4, 27), ymd(2026, 4, 27), K::compensatory, "Nghỉ bù"},
                        {ymd(2026, 4, 30), ymd(2026, 4, 30), K::holiday, "Ngày Giải phóng"},
                        {ymd(2026, 5, 1), ymd(2026, 5, 1), K::holiday, "Quốc tế Lao động"},
                        {ymd(2026, 8, 22), ymd(2026, 8, 22), K::makeup_workday, "Làm bù"},
                        {ymd(2026, 8, 31), ymd(2026, 8, 31), K::swap, "Hoán đổi"},
                        {ymd(2026, 9, 1), ymd(2026, 9, 2), K::holiday, "Quốc khánh"}},
                       "CV 12729/VPCP-KGVX");
}

/// The 2019–2026 official schedules of docs/rules.md §1.
inline std::vector<Schedule> official_schedules() {
  using K = DayKind;
  std::vector<Schedule> v;
  v.push_back(make_schedule(2019,
                            {{ymd(2019, 1, 1), ymd(2019, 1, 1), K::holiday, "Tết Dương lịch"},
                             {ymd(2019, 1, 5), ymd(2019, 1, 5), K::makeup_workday, "Làm bù"},
                             {ymd(2019, 2, 4), ymd(2019, 2, 8), K::holiday, "Tết Nguyên đán"},
                             {ymd(2019, 4, 15), ymd(2019, 4, 15), K::compensatory, "Nghỉ bù"},
                             {ymd(2019, 4, 29), ymd(2019, 4, 29), K::swap, "Hoán đổi"},
                             {ymd(2019, 4, 30), ymd(2019, 5, 1), K::holiday, "30/4 và 1/5"},
                             {ymd(2019, 5, 4), ymd(2019, 5, 4), K::makeup_workday, "Làm bù"},
                             {ymd(2019, 9, 2), ymd(2019, 9, 2), K::holiday, "Quốc khánh"}},
                            "TB 2019"));
  v.push_back(make_schedule(2020,
                            {{ymd(2020, 1, 1), ymd(2020, 1, 1), K::holiday, "Tết Dương lịch"},
                             {ymd(2020, 1, 23), ymd(2020, 1, 29), K::holiday, "Tết Nguyên đán"},
                             {ymd(2020, 4, 2), ymd(2020, 4, 2), K::holiday, "Giỗ Tổ"},
                             {ymd(2020, 4, 30), ymd(2020, 5, 1), K::holiday, "30/4 và 1/5"},
                             {ymd(2020, 9, 2), ymd(2020, 9, 2), K::holiday, "Quốc khánh"}},
                            "TB 2020"));
  v.push_back(make_schedule(2021,
                            {{ymd(2021, 1, 1), ymd(2021, 1, 1), K::holiday, "Tết Dương lịch"},
                             {ymd(2021, 2, 10), ymd(2021, 2, 16), K::holiday, "Tết Nguyên đán"},
                             {ymd(2021, 4, 21), ymd(2021, 4, 21), K::holiday, "Giỗ Tổ"},
                             {ymd(2021, 4, 30), ymd(2021, 4, 30), K::holiday, "30/4"},
                             {ymd(2021, 5, 3), ymd(2021, 5, 3), K::compensatory, "Nghỉ bù"},
                             {ymd(2021, 9, 2), ymd(2021, 9, 3), K::holiday, "Quốc khánh"}},
                            "TB 2021"));
  v.push_back(make_schedule(2022,
                            {{ymd(2022, 1, 3), ymd(2022, 1, 3), K::compensatory, "Nghỉ bù"},
                             {ymd(2022, 1, 31), ymd(2022, 2, 4), K::holiday, "Tết Nguyên đán"},
                             {ymd(2022, 4, 11), ymd(2022, 4, 11), K::compensatory, "Nghỉ bù"},
                             {ymd(2022, 5, 2), ymd(2022, 5, 3), K::compensatory, "Nghỉ bù"},
                             {ymd(2022, 9, 1), ymd(2022, 9, 2), K::holiday, "Quốc khánh"}},
                            "TB 2022"));
  v.push_back(make_schedule(2023,
                            {{ymd(2023, 1, 2), ymd(2023, 1, 2), K::compensatory, "Nghỉ bù"},
                             {ymd(2023, 1, 20), ymd(2023, 1, 26), K::holiday, "Tết Nguyên đán"},
                             {ymd(2023, 5, 1), ymd(2023, 5, 1), K::holiday, "1/5"},
                             {ymd(2023, 5, 2), ymd(2023, 5, 3), K::compensatory, "Nghỉ bù"},
                             {ymd(2023, 9, 1), ymd(2023, 9, 1), K::holiday, "Quốc khánh"},
                             {ymd(2023, 9, 4), ymd(2023, 9, 4), K::compensatory, "Nghỉ bù"}},
                            "TB 2023"));
  v.push_back(make_schedule(2024,
                            {{ymd(2024, 1, 1), ymd(2024, 1, 1), K::holiday, "Tết Dương lịch"},
                             {ymd(2024, 2, 8), ymd(2024, 2, 14), K::holiday, "Tết Nguyên đán"},
                             {ymd(2024, 4, 18), ymd(2024, 4, 18), K::holiday, "Giỗ Tổ"},
                             {ymd(2024, 4, 29), ymd(2024, 4, 29), K::swap, "Hoán đổi"},
                             {ymd(2024, 4, 30), ymd(2024, 5, 1), K::holiday, "30/4 và 1/5"},
                             {ymd(2024, 5, 4), ymd(2024, 5, 4), K::makeup_workday, "Làm bù"},
                             {ymd(2024, 9, 2), ymd(2024, 9, 3), K::holiday, "Quốc khánh"}},
                            "CV 2450/VPCP-KGVX"));
  v.push_back(make_schedule(2025,
                            {{ymd(2025, 1, 1), ymd(2025, 1, 1), K::holiday, "Tết Dương lịch"},
                             {ymd(2025, 1, 27), ymd(2025, 1, 31), K::holiday, "Tết Nguyên đán"},
                             {ymd(2025, 4, 7), ymd(2025, 4, 7), K::holiday, "Giỗ Tổ"},
                             {ymd(2025, 4, 26), ymd(2025, 4, 26), K::makeup_workday, "Làm bù"},
                             {ymd(2025, 4, 30), ymd(2025, 5, 1), K::holiday, "30/4 và 1/5"},
                             {ymd(2025, 5, 2), ymd(2025, 5, 2), K::swap, "Hoán đổi"},
                             {ymd(2025, 9, 1), ymd(2025, 9, 2), K::holiday, "Quốc khánh"}},
                            "TB 2025"));
  v.push_back(schedule_2026());
  return v;
}

}  // namespace dunghan::calendar::testing
