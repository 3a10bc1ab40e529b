// Form 6a aggregation (SPEC §4): a quarter worked out by hand, and the identities on random data.

#include "report/form6a.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

#include "deadline/fixtures.h"

namespace dunghan::report {
namespace {

using deadline::Channel;
using deadline::Dossier;
using deadline::Event;
using deadline::EventKind;
using deadline::Status;
using testing::cal;
using testing::local;
using testing::ymd;

constexpr deadline::DeadlineOptions kDefaults{};

struct Case {
  Dossier dossier;
  std::vector<Event> events;
};

Dossier make(const char* code, const char* field, Channel channel, calendar::Instant received,
             std::int64_t working_days) {
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
std::vector<Case> quarter() {
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

Form6a build(const std::vector<Case>& cases, calendar::Date from, calendar::Date to,
             GroupBy by = GroupBy::field, const deadline::DeadlineOptions& options = kDefaults) {
  Form6aBuilder b(from, to, by, cal(), options, nullptr);
  for (const Case& c : cases) b.add(c.dossier, c.events);
  return b.result();
}

Form6aCounters counters(std::int64_t c3, std::int64_t c4, std::int64_t c5, std::int64_t c6,
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

const calendar::Date kFrom = ymd(2026, 1, 1);
const calendar::Date kTo = ymd(2026, 3, 31);

TEST(Form6aQuarter, RowsAreOrderedByKey) {
  const Form6a f = build(quarter(), kFrom, kTo);
  ASSERT_EQ(f.rows.size(), 2u);
  // Bytewise: "H" (0x48) sorts before "Đ" (0xC4 0x90).
  EXPECT_EQ(f.rows[0].key, "Hộ tịch");
  EXPECT_EQ(f.rows[1].key, "Đất đai");
}

TEST(Form6aQuarter, HoTichRowMatchesTheHandCount) {
  const Form6a f = build(quarter(), kFrom, kTo);
  EXPECT_EQ(f.rows.at(0).counters, counters(9, 3, 4, 2, 5, 1, 3, 1, 4, 3, 1, 1, 1));
}

TEST(Form6aQuarter, DatDaiRowMatchesTheHandCount) {
  const Form6a f = build(quarter(), kFrom, kTo);
  EXPECT_EQ(f.rows.at(1).counters, counters(4, 1, 2, 1, 3, 0, 1, 2, 1, 1, 0, 1, 0));
}

TEST(Form6aQuarter, TotalMatchesTheHandCount) {
  const Form6a f = build(quarter(), kFrom, kTo);
  EXPECT_EQ(f.total, counters(13, 4, 6, 3, 8, 1, 4, 3, 5, 4, 1, 2, 1));
  EXPECT_EQ(f.dossiers_seen, 15);
  EXPECT_EQ(f.dossiers_counted, 13);
  EXPECT_EQ(f.from, kFrom);
  EXPECT_EQ(f.to, kTo);
}

TEST(Form6aQuarter, ProvisionalWhenAClockTouchesAStatutoryYear) {
  // D1, D2 and D15 were received in 2025, which no schedule of the fixture declares.
  EXPECT_TRUE(build(quarter(), kFrom, kTo).provisional);
}

TEST(Form6aQuarter, PauseModeChangesOnlyTheRestartedDossier) {
  // D15 in pause mode: stopped 17/12/2025 10:00 → 05/01/2026 14:00. Office time excluded:
  // 17/12 (300) + 18,19,22,23,24,25,26,29,30,31/12 (4800) + 05/01 (270 + 30) = 5400 min.
  // Original due: 10 wd after 15/12 = 29/12/2025 17:00; + 5400 min = 11 days 120 min:
  // 30, 31/12, 05, 06, 07, 08, 09, Sat 10, 12, 13, 14/01 (11 days) + 120 → 15/01 09:00.
  // Resolved 19/01 → still late; nothing else depends on the mode.
  deadline::DeadlineOptions pause;
  pause.supplement = deadline::SupplementMode::pause;
  EXPECT_EQ(build(quarter(), kFrom, kTo, GroupBy::field, pause).total,
            counters(13, 4, 6, 3, 8, 1, 4, 3, 5, 4, 1, 2, 1));
}

TEST(Form6aQuarter, JudgingAgainstTheOriginalAppointmentMovesAnExtendedDossier) {
  // Extend D5 (due 16/03) to 20/03 and resolve it on 18/03: early against the current
  // appointment, late against the original one.
  std::vector<Case> cases = quarter();
  Case& d5 = cases.at(4);
  ASSERT_EQ(d5.dossier.code, "D5");
  d5.dossier.resolved_at = local(2026, 3, 18, 9, 0);
  d5.events.push_back(testing::event(d5.dossier, local(2026, 3, 13, 9, 0), EventKind::extended,
                                     local(2026, 3, 20, 17, 0)));
  const Form6a current = build(cases, kFrom, kTo);
  EXPECT_EQ(current.rows.at(0).counters.early, 2);
  EXPECT_EQ(current.rows.at(0).counters.on_time, 2);
  deadline::DeadlineOptions original;
  original.judge_against = deadline::JudgeAgainst::original;
  const Form6a judged = build(cases, kFrom, kTo, GroupBy::field, original);
  EXPECT_EQ(judged.rows.at(0).counters.late, 2);
  EXPECT_EQ(judged.rows.at(0).counters.on_time, 2);
}

TEST(Form6aQuarter, EventsAfterThePeriodAreIgnored) {
  // D9 gets a supplementation request on 01/04: at the end of 31/03 it was still overdue.
  std::vector<Case> cases = quarter();
  Case& d9 = cases.at(8);
  ASSERT_EQ(d9.dossier.code, "D9");
  d9.events.push_back(
      testing::event(d9.dossier, local(2026, 4, 1, 9, 0), EventKind::supplement_requested));
  EXPECT_EQ(build(cases, kFrom, kTo).rows.at(0).counters.overdue, 1);
}

TEST(Form6aQuarter, ByDepartmentGroupsOnTheDepartment) {
  std::vector<Case> cases = quarter();
  for (Case& c : cases) c.dossier.department = c.dossier.channel == Channel::online ? "B" : "A";
  const Form6a f = build(cases, kFrom, kTo, GroupBy::department);
  ASSERT_EQ(f.rows.size(), 2u);
  EXPECT_EQ(f.rows[0].key, "A");
  EXPECT_EQ(f.rows[1].key, "B");
  EXPECT_EQ(f.group_by, GroupBy::department);
  EXPECT_EQ(f.rows[1].counters.received_online, 4);  // D4, D6, D8, D12
  EXPECT_EQ(f.rows[1].counters.received_total, 4);
  EXPECT_EQ(f.total.received_total, 13);
}

TEST(Form6aQuarter, DossierWithoutDueCountsInOnTimeOrNotDue) {
  std::vector<Case> cases;
  Dossier open = make("X1", "A", Channel::direct, local(2026, 3, 2, 9, 0), 1);
  open.duration.reset();
  Dossier done = open;
  done.code = "X2";
  testing::close(done, Status::resolved, local(2026, 3, 5, 9, 0));
  cases.push_back({open, {}});
  cases.push_back({done, {}});
  const Form6a f = build(cases, kFrom, kTo);
  EXPECT_EQ(f.total.without_due, 2);
  EXPECT_EQ(f.total.on_time, 1);
  EXPECT_EQ(f.total.not_due, 1);
  EXPECT_EQ(f.dossiers_anomalous, 2);
}

TEST(Form6aQuarter, RecordedAfterHoursCountsOnItsOwnDate) {
  // Received Tue 31/03 18:00 (clock starts 01/04): received in the period (SPEC §4).
  std::vector<Case> cases{{make("L", "A", Channel::online, local(2026, 3, 31, 18, 0), 1), {}}};
  const Form6a f = build(cases, kFrom, kTo);
  EXPECT_EQ(f.total.received_online, 1);
  EXPECT_EQ(f.total.not_due, 1);
}

TEST(Form6aQuarter, ReversedPeriodThrows) {
  EXPECT_THROW(Form6aBuilder(kTo, kFrom, GroupBy::field, cal(), kDefaults, nullptr),
               std::invalid_argument);
}

TEST(Form6aQuarter, BuildFromASourceEqualsTheBuilder) {
  const std::vector<Case> cases = quarter();
  const Form6a f = build_form6a(
      [&cases](const DossierVisitor& visit) {
        for (const Case& c : cases) visit(c.dossier, c.events);
      },
      kFrom, kTo, GroupBy::field, cal(), kDefaults, nullptr);
  EXPECT_EQ(f.total, build(cases, kFrom, kTo).total);
}

// ---- random data -------------------------------------------------------------------------------

// A few thousand dossiers received over 2026 with random channels, durations, events and outcomes
// (including inconsistent ones the clock reports as anomalies).
std::vector<Case> random_cases(std::uint32_t seed, int n) {
  std::mt19937 rng(seed);
  const auto uniform = [&rng](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  const char* fields[] = {"Hộ tịch", "Đất đai", "Xây dựng", "Tư pháp", ""};
  const calendar::Instant base = local(2026, 1, 1);
  std::vector<Case> cases;
  for (int i = 0; i < n; ++i) {
    const calendar::Instant received = base + std::chrono::minutes{uniform(0, 364 * 24 * 60)};
    Dossier d =
        testing::dossier("R" + std::to_string(i), received, testing::working_days(uniform(0, 30)));
    d.field = fields[uniform(0, 4)];
    d.department = fields[uniform(0, 4)];
    d.channel = static_cast<Channel>(uniform(0, 2));
    if (uniform(0, 9) == 0) d.duration.reset();
    if (uniform(0, 3) == 0) d.due_at = received + std::chrono::hours{uniform(1, 24 * 60)};
    std::vector<Event> events;
    calendar::Instant t = received;
    const int n_events = uniform(0, 4);
    for (int k = 0; k < n_events; ++k) {
      t += std::chrono::minutes{uniform(0, 20 * 24 * 60)};
      const auto kind = static_cast<EventKind>(uniform(0, 4));
      std::optional<calendar::Instant> new_due;
      if (kind == EventKind::extended) new_due = t + std::chrono::hours{uniform(1, 24 * 30)};
      events.push_back(testing::event(d, t, kind, new_due));
    }
    if (uniform(0, 9) == 0 && events.size() > 1) std::swap(events.front(), events.back());
    const int outcome = uniform(0, 9);
    if (outcome < 6) {
      const Status s =
          outcome < 4 ? Status::resolved : (outcome == 4 ? Status::returned : Status::withdrawn);
      testing::close(d, s, received + std::chrono::minutes{uniform(-60, 90 * 24 * 60)});
      if (uniform(0, 19) == 0) d.resolved_at.reset();
    } else if (outcome == 6) {
      d.status = Status::waiting_supplement;
    }
    cases.push_back(Case{std::move(d), std::move(events)});
  }
  return cases;
}

void expect_identities(const Form6aCounters& c, const std::string& where) {
  EXPECT_EQ(c.received_total, c.resolved_total + c.in_progress_total) << where;
  EXPECT_EQ(c.received_total, c.received_online + c.received_direct_post + c.carried_over) << where;
  EXPECT_EQ(c.resolved_total, c.early + c.on_time + c.late) << where;
  EXPECT_EQ(c.in_progress_total, c.not_due + c.overdue) << where;
  EXPECT_LE(c.returned_withdrawn, c.on_time) << where;
  EXPECT_LE(c.waiting_supplement, c.not_due) << where;
}

TEST(Form6aRandom, IdentitiesHoldInEveryRowAndTheTotal) {
  const std::vector<Case> cases = random_cases(20260401, 3000);
  for (const auto& [from, to] :
       {std::pair{ymd(2026, 4, 1), ymd(2026, 6, 30)}, std::pair{ymd(2026, 1, 1), ymd(2026, 12, 31)},
        std::pair{ymd(2026, 2, 16), ymd(2026, 2, 16)}}) {
    for (GroupBy by : {GroupBy::field, GroupBy::department}) {
      const Form6a f = build(cases, from, to, by);
      Form6aCounters sum;
      for (const Form6aRow& r : f.rows) {
        expect_identities(r.counters, calendar::format_date(from) + " row " + r.key);
        sum += r.counters;
      }
      expect_identities(f.total, calendar::format_date(from) + " total");
      EXPECT_EQ(sum, f.total);
      EXPECT_EQ(f.dossiers_seen, 3000);
      EXPECT_EQ(f.dossiers_counted, f.total.received_total);
    }
  }
}

TEST(Form6aRandom, ReceivedColumnsMatchADirectCount) {
  // Columns 4–6 counted here straight from the rows, independently of the builder.
  const std::vector<Case> cases = random_cases(7, 3000);
  const calendar::Date from = ymd(2026, 4, 1);
  const calendar::Date to = ymd(2026, 6, 30);
  const auto date_of = [](calendar::Instant t) {
    return std::chrono::floor<std::chrono::days>(t + std::chrono::hours{7});
  };
  std::int64_t online = 0, direct_post = 0, carried = 0, resolved = 0;
  for (const Case& c : cases) {
    const Dossier& d = c.dossier;
    const calendar::Date rd = date_of(d.received_at);
    std::optional<calendar::Date> cd;
    if (deadline::is_closed(d.status)) {
      cd = std::max(rd, date_of(d.resolved_at.value_or(d.updated_at)));
    }
    if (rd >= from && rd <= to) {
      (d.channel == Channel::online ? online : direct_post) += 1;
    } else if (rd < from && (!cd || *cd >= from)) {
      ++carried;
    }
    if (cd && *cd >= from && *cd <= to && rd <= to) ++resolved;
  }
  const Form6a f = build(cases, from, to);
  EXPECT_EQ(f.total.received_online, online);
  EXPECT_EQ(f.total.received_direct_post, direct_post);
  EXPECT_EQ(f.total.carried_over, carried);
  EXPECT_EQ(f.total.resolved_total, resolved);
  EXPECT_GT(online, 100);  // the data exercises every column
  EXPECT_GT(carried, 100);
  EXPECT_GT(f.total.early, 0);
  EXPECT_GT(f.total.late, 0);
  EXPECT_GT(f.total.overdue, 0);
  EXPECT_GT(f.total.waiting_supplement, 0);
}

}  // namespace
}  // namespace dunghan::report
