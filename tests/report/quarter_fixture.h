#pragma once
// Shared by the report tests: a quarter of dossiers worked out by hand (Q1/2026 on the fixture
// calendar of deadline/fixtures.h), and builders of form 6a over such cases.

#include <cstdint>
#include <vector>

#include "deadline/fixtures.h"
#include "report/form6a.h"

namespace dunghan::report::fixture {

using deadline::Channel;
using deadline::Dossier;
using deadline::Event;
using deadline::EventKind;
using deadline::Status;
using testing::cal;
using testing::local;
using testing::ymd;

inline constexpr deadline::DeadlineOptions kDefaults{};

struct Case {
  Dossier dossier;
  std::vector<Event> events;
};

inline Dossier make(const char* code, const char* field, Channel channel,
                    calendar::Instant received, std::int64_t working_days) {
  Dossier d = testing::dossier(code, received, testing::working_days(working_days));
  d.field = field;
  d.channel = channel;
  return d;
}

// The quarter Q1/2026 = [01/01/2026, 31/03/2026], on the fixture calendar (2025 follows the
// statutory rules: no day off in December 2025; 01/01 and 02/01/2026 off; Sat 10/01 worked).
//
// Hộ tịch:
//  D1  direct, rec Mon 22/12/2025, 10 wd: 23,24,25,26,29,30,31/12, 05,06,07/01 → due 07/01.
//      Resolved 07/01 10:00 → carried over (6), resolved (7) on time (9).
//  D2  post, rec Wed 24/12/2025, 10 wd → due Fri 09/01; extended on 08/01 to 10/04/2026.
//      Open at the end → carried over (6), in progress (11), current due 10/04 >= 31/03 → (12).
//  D3  rec 01/12/2025, resolved 20/12/2025 → not in the form.
//  D4  online, rec Mon 05/01/2026, 5 wd: 06,07,08,09, Sat 10/01 → due 10/01; resolved Fri 09/01
//      → (4), (7), early (8).
//  D5  direct, rec Mon 02/03, 10 wd → due 16/03; resolved 16/03 15:00 → (5), (7), on time (9).
//  D6  online, rec Mon 02/03, 3 wd → due 05/03; resolved 10/03 → (4), (7), late (10).
//  D7  direct, rec Mon 09/03, 5 wd; returned 11/03 → (5), (7), on time (9), returned/withdrawn.
//  D8  online, rec Mon 02/02, 5 wd → due 09/02; supplement requested 04/02, never received
//      → (4), (11), (12) although 09/02 < 31/03, waiting_supplement.
//  D9  post, rec Mon 09/03, 10 wd → due 23/03; open → (5), (11), overdue (13).
//  D10 direct, rec Tue 24/03, 10 wd → due 07/04; resolved 02/04 (after the period)
//      → (5), (11), (12).
//  D11 direct, rec 01/04/2026 → not in the form.
// Đất đai:
//  D12 online, rec Mon 12/01, 15 wd; withdrawn 20/01 → (4), (7), (9), returned/withdrawn.
//  D13 direct, rec Mon 16/03, 10 wd → due 30/03; resolved 31/03 16:00 → (5), (7), late (10).
//  D14 direct, rec Tue 17/03, 10 wd → due 31/03 = `to`; open → (5), (11), (12) (due date >= to).
//  D15 direct, rec Mon 15/12/2025, 10 wd; supplement requested 17/12/2025, received Mon 05/01/2026
//      14:00 → restart: 06,07,08,09, Sat 10, 12,13,14,15,16/01 → due 16/01; resolved 19/01
//      → carried over (6), (7), late (10).
//
// Expected, Hộ tịch: 3=9, 4=3 (D4,D6,D8), 5=4 (D5,D7,D9,D10), 6=2 (D1,D2), 7=5, 8=1, 9=3, 10=1,
//   11=4 (D2,D8,D9,D10), 12=3, 13=1; returned/withdrawn 1, waiting 1.
// Đất đai: 3=4, 4=1, 5=2, 6=1, 7=3, 8=0, 9=1, 10=2, 11=1, 12=1, 13=0; returned/withdrawn 1.
// Total: 3=13, 4=4, 5=6, 6=3, 7=8, 8=1, 9=4, 10=3, 11=5, 12=4, 13=1; rw 2, waiting 1.
inline std::vector<Case> quarter() {
  std::vector<Case> cases;
  const auto add = [&cases](Dossier d, std::vector<Event> e = {}) {
    cases.push_back(Case{std::move(d), std::move(e)});
  };
  const char* ht = "Hộ tịch";
  const char* dd = "Đất đai";

  Dossier d1 = make("D1", ht, Channel::direct, local(2025, 12, 22, 9, 0), 10);
  testing::close(d1, Status::resolved, local(2026, 1, 7, 10, 0));
  add(d1);

  Dossier d2 = make("D2", ht, Channel::post, local(2025, 12, 24, 9, 0), 10);
  add(d2, {testing::event(d2, local(2026, 1, 8, 10, 0), EventKind::extended,
                          local(2026, 4, 10, 17, 0))});

  Dossier d3 = make("D3", ht, Channel::direct, local(2025, 12, 1, 9, 0), 10);
  testing::close(d3, Status::resolved, local(2025, 12, 20, 9, 0));
  add(d3);

  Dossier d4 = make("D4", ht, Channel::online, local(2026, 1, 5, 8, 0), 5);
  testing::close(d4, Status::resolved, local(2026, 1, 9, 16, 0));
  add(d4);

  Dossier d5 = make("D5", ht, Channel::direct, local(2026, 3, 2, 9, 0), 10);
  testing::close(d5, Status::resolved, local(2026, 3, 16, 15, 0));
  add(d5);

  Dossier d6 = make("D6", ht, Channel::online, local(2026, 3, 2, 9, 0), 3);
  testing::close(d6, Status::resolved, local(2026, 3, 10, 9, 0));
  add(d6);

  Dossier d7 = make("D7", ht, Channel::direct, local(2026, 3, 9, 9, 0), 5);
  testing::close(d7, Status::returned, local(2026, 3, 11, 9, 0));
  add(d7);

  Dossier d8 = make("D8", ht, Channel::online, local(2026, 2, 2, 9, 0), 5);
  d8.status = Status::waiting_supplement;
  d8.updated_at = local(2026, 2, 4, 10, 0);
  add(d8, {testing::event(d8, local(2026, 2, 4, 10, 0), EventKind::supplement_requested)});

  add(make("D9", ht, Channel::post, local(2026, 3, 9, 9, 0), 10));

  Dossier d10 = make("D10", ht, Channel::direct, local(2026, 3, 24, 9, 0), 10);
  testing::close(d10, Status::resolved, local(2026, 4, 2, 9, 0));
  add(d10);

  add(make("D11", ht, Channel::direct, local(2026, 4, 1, 9, 0), 10));

  Dossier d12 = make("D12", dd, Channel::online, local(2026, 1, 12, 9, 0), 15);
  testing::close(d12, Status::withdrawn, local(2026, 1, 20, 9, 0));
  add(d12);

  Dossier d13 = make("D13", dd, Channel::direct, local(2026, 3, 16, 9, 0), 10);
  testing::close(d13, Status::resolved, local(2026, 3, 31, 16, 0));
  add(d13);

  add(make("D14", dd, Channel::direct, local(2026, 3, 17, 9, 0), 10));

  Dossier d15 = make("D15", dd, Channel::direct, local(2025, 12, 15, 9, 0), 10);
  testing::close(d15, Status::resolved, local(2026, 1, 19, 9, 0));
  add(d15, {testing::event(d15, local(2025, 12, 17, 10, 0), EventKind::supplement_requested),
            testing::event(d15, local(2026, 1, 5, 14, 0), EventKind::supplement_received)});
  return cases;
}

inline Form6a build(const std::vector<Case>& cases, calendar::Date from, calendar::Date to,
                    GroupBy by = GroupBy::field,
                    const deadline::DeadlineOptions& options = kDefaults) {
  Form6aBuilder b(from, to, by, cal(), options, nullptr);
  for (const Case& c : cases) b.add(c.dossier, c.events);
  return b.result();
}

inline Form6aCounters counters(std::int64_t c3, std::int64_t c4, std::int64_t c5, std::int64_t c6,
                               std::int64_t c7, std::int64_t c8, std::int64_t c9, std::int64_t c10,
                               std::int64_t c11, std::int64_t c12, std::int64_t c13,
                               std::int64_t returned_withdrawn, std::int64_t waiting) {
  Form6aCounters c;
  c.received_total = c3;
  c.received_online = c4;
  c.received_direct_post = c5;
  c.carried_over = c6;
  c.resolved_total = c7;
  c.early = c8;
  c.on_time = c9;
  c.late = c10;
  c.in_progress_total = c11;
  c.not_due = c12;
  c.overdue = c13;
  c.returned_withdrawn = returned_withdrawn;
  c.waiting_supplement = waiting;
  return c;
}

inline const calendar::Date kFrom = ymd(2026, 1, 1);
inline const calendar::Date kTo = ymd(2026, 3, 31);

/// The row of `f` whose key is `key` (fails the test when there is none).
inline const Form6aRow& row(const Form6a& f, std::string_view key) {
  for (const Form6aRow& r : f.rows) {
    if (r.key == key) return r;
  }
  throw std::out_of_range("no row " + std::string(key));
}

}  // namespace dunghan::report::fixture
