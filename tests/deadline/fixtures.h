#pragma once
// Shared by the deadline and report tests: a hand-made 2026 calendar and dossier builders.
//
// The 2026 schedule (declared authoritative for 2026, so no statutory rule applies to it):
// days off Thu 01/01, Fri 02/01 (swap), Mon 16/02 – Fri 20/02 (Tết), Mon 27/04, Thu 30/04, Fri
// 01/05, Mon 31/08 (swap), Tue 01/09, Wed 02/09; make-up working Saturdays 10/01 and 22/08. Office
// time 07:00–11:30, 13:30–17:00 (8 h), zone +07:00. Other years follow the statutory rules
// (provisional).

#include <chrono>
#include <memory>
#include <string>

#include "calendar/civil.h"
#include "calendar/work_calendar.h"
#include "deadline/dossier.h"

namespace dunghan::testing {

inline calendar::Date ymd(int y, unsigned m, unsigned d) {
  return calendar::Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

/// Local (+07:00) wall time → instant.
inline calendar::Instant local(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  const auto sec = std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss};
  // Computed here, not with calendar::to_instant, so the tests do not lean on the code under test.
  return calendar::Instant{ymd(y, m, d).time_since_epoch()} + sec - std::chrono::hours{7};
}

inline std::shared_ptr<const calendar::WorkCalendar> calendar_2026() {
  using calendar::DayEntry;
  using calendar::DayKind;
  calendar::Schedule s;
  s.origin = "tests";
  s.years = {2026};
  const auto off = [&](int m, int d, DayKind k, const char* name) {
    s.entries.push_back(
        DayEntry{ymd(2026, static_cast<unsigned>(m), static_cast<unsigned>(d)), k, name, "test"});
  };
  off(1, 1, DayKind::holiday, "Tết Dương lịch");
  off(1, 2, DayKind::swap, "Nghỉ hoán đổi");
  off(1, 10, DayKind::makeup_workday, "Làm bù cho 02/01");
  for (int d = 16; d <= 20; ++d) off(2, d, DayKind::holiday, "Tết Nguyên đán");
  off(4, 27, DayKind::compensatory, "Nghỉ bù Giỗ Tổ Hùng Vương");
  off(4, 30, DayKind::holiday, "Ngày Chiến thắng");
  off(5, 1, DayKind::holiday, "Quốc tế Lao động");
  off(8, 22, DayKind::makeup_workday, "Làm bù cho 31/08");
  off(8, 31, DayKind::swap, "Nghỉ hoán đổi");
  off(9, 1, DayKind::holiday, "Quốc khánh");
  off(9, 2, DayKind::holiday, "Quốc khánh");
  calendar::CalendarSpec spec;
  spec.schedules.push_back(std::move(s));
  return calendar::WorkCalendar::build(std::move(spec));
}

/// Shared instance (building the tables once per test binary).
inline const calendar::WorkCalendar& cal() {
  static const std::shared_ptr<const calendar::WorkCalendar> c = calendar_2026();
  return *c;
}

inline calendar::Duration working_days(std::int64_t n) {
  return calendar::Duration{n, calendar::DurationUnit::working_days};
}

inline deadline::Dossier dossier(std::string code, calendar::Instant received,
                                 std::optional<calendar::Duration> duration = working_days(10)) {
  deadline::Dossier d;
  d.code = std::move(code);
  d.procedure_code = "P1";
  d.field = "Hộ tịch";
  d.department = "Phòng Tư pháp";
  d.channel = deadline::Channel::direct;
  d.received_at = received;
  d.duration = duration;
  d.updated_at = received;
  return d;
}

inline deadline::Event event(const deadline::Dossier& d, calendar::Instant at,
                             deadline::EventKind kind,
                             std::optional<calendar::Instant> new_due = std::nullopt) {
  return deadline::Event{d.code, at, kind, new_due, ""};
}

/// Marks `d` closed with `status` at `at`.
inline void close(deadline::Dossier& d, deadline::Status status, calendar::Instant at) {
  d.status = status;
  d.resolved_at = at;
  d.updated_at = at;
}

}  // namespace dunghan::testing
