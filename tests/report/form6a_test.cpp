// Form 6a aggregation (docs/rules.md §4): a quarter worked out by hand, and the identities on
// random data.

#include "report/form6a.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

#include "report/quarter_fixture.h"

namespace dunghan::report {
namespace {

using namespace fixture;  // NOLINT: the quarter's cases and builders

TEST(Form6aQuarter, RowsAreInVietnameseOrder) {
  const Form6a f = build(quarter(), kFrom, kTo);
  ASSERT_EQ(f.rows.size(), 2u);
  // Vietnamese: Đ comes right after D, long before H (bytewise "Đ" = C4 90 sorts after "H").
  EXPECT_EQ(f.rows[0].key, "Đất đai");
  EXPECT_EQ(f.rows[1].key, "Hộ tịch");
}

TEST(Form6aRows, FollowVietnameseCollationWithTheUnrecordedFieldLast) {
  std::vector<Case> cases;
  int n = 0;
  for (const char* field : {"Lao động", "", "Đầu tư", "Doanh nghiệp", "Ăn uống", "Az"}) {
    cases.push_back(
        {make(("C" + std::to_string(++n)).c_str(), field, Channel::direct, local(2026, 3, 2, 9), 5),
         {}});
  }
  const Form6a f = build(cases, kFrom, kTo);
  std::vector<std::string> keys;
  for (const Form6aRow& r : f.rows) keys.push_back(r.key);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"Az", "Ăn uống", "Doanh nghiệp", "Đầu tư", "Lao động", ""}));
  EXPECT_EQ(f.total.received_total, 6);
}

TEST(Form6aAnomalies, AreCountedPerDossierAndPerKindForCountedDossiersOnly) {
  std::vector<Case> cases;
  // No duration, no issued due: one anomaly (no_due).
  Dossier a = make("A", "Hộ tịch", Channel::direct, local(2026, 3, 2, 9), 5);
  a.duration.reset();
  cases.push_back({a, {}});
  // Two unmatched "resumed" events: two anomalies of one kind.
  Dossier b = make("B", "Hộ tịch", Channel::direct, local(2026, 3, 2, 9), 5);
  cases.push_back({b,
                   {testing::event(b, local(2026, 3, 3, 9), EventKind::resumed),
                    testing::event(b, local(2026, 3, 4, 9), EventKind::resumed)}});
  // A clean dossier, and one outside the period with an anomaly: neither counts.
  cases.push_back({make("C", "Hộ tịch", Channel::direct, local(2026, 3, 2, 9), 5), {}});
  Dossier d = make("D", "Hộ tịch", Channel::direct, local(2026, 4, 2, 9), 5);
  d.duration.reset();
  cases.push_back({d, {}});
  // An event after the end of the period is not seen, so neither is its anomaly.
  Dossier e = make("E", "Hộ tịch", Channel::direct, local(2026, 3, 2, 9), 5);
  cases.push_back({e, {testing::event(e, local(2026, 4, 3, 9), EventKind::resumed)}});

  const Form6a f = build(cases, kFrom, kTo);
  EXPECT_EQ(f.dossiers_counted, 4);
  EXPECT_EQ(f.dossiers_anomalous, 2);
  EXPECT_EQ(f.anomalies, 3);
  EXPECT_EQ(f.anomalies_by_kind, (std::map<std::string, std::int64_t, std::less<>>{
                                     {"no_due", 1}, {"unmatched_resumed", 2}}));
}

TEST(Form6aQuarter, HoTichRowMatchesTheHandCount) {
  const Form6a f = build(quarter(), kFrom, kTo);
  EXPECT_EQ(row(f, "Hộ tịch").counters, counters(9, 3, 4, 2, 5, 1, 3, 1, 4, 3, 1, 1, 1));
}

TEST(Form6aQuarter, DatDaiRowMatchesTheHandCount) {
  const Form6a f = build(quarter(), kFrom, kTo);
  EXPECT_EQ(row(f, "Đất đai").counters, counters(4, 1, 2, 1, 3, 0, 1, 2, 1, 1, 0, 1, 0));
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
  EXPECT_EQ(row(current, "Hộ tịch").counters.early, 2);
  EXPECT_EQ(row(current, "Hộ tịch").counters.on_time, 2);
  deadline::DeadlineOptions original;
  original.judge_against = deadline::JudgeAgainst::original;
  const Form6a judged = build(cases, kFrom, kTo, GroupBy::field, original);
  EXPECT_EQ(row(judged, "Hộ tịch").counters.late, 2);
  EXPECT_EQ(row(judged, "Hộ tịch").counters.on_time, 2);
}

TEST(Form6aQuarter, EventsAfterThePeriodAreIgnored) {
  // D9 gets a supplementation request on 01/04: at the end of 31/03 it was still overdue.
  std::vector<Case> cases = quarter();
  Case& d9 = cases.at(8);
  ASSERT_EQ(d9.dossier.code, "D9");
  d9.events.push_back(
      testing::event(d9.dossier, local(2026, 4, 1, 9, 0), EventKind::supplement_requested));
  EXPECT_EQ(row(build(cases, kFrom, kTo), "Hộ tịch").counters.overdue, 1);
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
  // Received Tue 31/03 18:00 (clock starts 01/04): received in the period (docs/rules.md §4).
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
