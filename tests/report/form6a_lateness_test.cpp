// Form 6a and docs/rules.md §2 "Lateness is not cured afterwards": a late extension or a
// supplementation requested after the due keeps a dossier overdue (col 13) or late (col 10), never
// "not yet due" (col 12) or early (col 8); the lateness anomalies are counted for the footer.
//
// Q1/2026 on the fixture calendar. Every dossier: received Mon 02/03/2026 09:00, 10 working days
// → due Mon 16/03 17:00; the supplementation window closes Thu 05/03 17:00.
//  L1 extended Tue 17/03 09:00 (after the due) to 10/04; open at 31/03 → col 13 (the current
//     appointment 10/04 is after `to`, but the dossier is judged against 16/03).
//  L2 supplementation requested 17/03 (after the due), not answered, status waiting_supplement
//     → col 13, not col 12 and not "waiting".
//  L3 extended 17/03 to 27/03, resolved 20/03 → late (against the current appointment: early).
//  L4 supplementation requested 17/03, answered 18/03, resolved 25/03 → late (a restart from 18/03
//     would give 01/04: early).
//  L5 supplementation requested Fri 06/03 (late request, the restart counts), answered 09/03 14:00
//     → due 23/03; resolved 20/03 → early.
// Expected: 3 = 5 (all direct), 7 = 3 (8 = 1, 10 = 2), 11 = 2 (12 = 0, 13 = 2); lateness: 5
// dossiers; extension_after_due 2, supplement_after_due 2, supplement_late_request 1.

#include <gtest/gtest.h>

#include <vector>

#include "deadline/fixtures.h"
#include "report/form6a.h"

namespace dunghan::report {
namespace {

using deadline::AnomalyKind;
using deadline::Dossier;
using deadline::Event;
using deadline::EventKind;
using deadline::Status;
using testing::local;
using testing::ymd;

struct Case {
  Dossier dossier;
  std::vector<Event> events;
};

Dossier make(const char* code) {
  return testing::dossier(code, local(2026, 3, 2, 9, 0), testing::working_days(10));
}

std::vector<Case> lateness_cases() {
  std::vector<Case> out;
  Dossier l1 = make("L1");
  out.push_back({l1,
                 {testing::event(l1, local(2026, 3, 17, 9, 0), EventKind::extended,
                                 local(2026, 4, 10, 17, 0))}});

  Dossier l2 = make("L2");
  l2.status = Status::waiting_supplement;
  l2.updated_at = local(2026, 3, 17, 10, 0);
  out.push_back(
      {l2, {testing::event(l2, local(2026, 3, 17, 10, 0), EventKind::supplement_requested)}});

  Dossier l3 = make("L3");
  testing::close(l3, Status::resolved, local(2026, 3, 20, 9, 0));
  out.push_back({l3,
                 {testing::event(l3, local(2026, 3, 17, 9, 0), EventKind::extended,
                                 local(2026, 3, 27, 17, 0))}});

  Dossier l4 = make("L4");
  testing::close(l4, Status::resolved, local(2026, 3, 25, 9, 0));
  out.push_back({l4,
                 {testing::event(l4, local(2026, 3, 17, 10, 0), EventKind::supplement_requested),
                  testing::event(l4, local(2026, 3, 18, 9, 0), EventKind::supplement_received)}});

  Dossier l5 = make("L5");
  testing::close(l5, Status::resolved, local(2026, 3, 20, 9, 0));
  out.push_back({l5,
                 {testing::event(l5, local(2026, 3, 6, 10, 0), EventKind::supplement_requested),
                  testing::event(l5, local(2026, 3, 9, 14, 0), EventKind::supplement_received)}});
  return out;
}

Form6a build(const std::vector<Case>& cases, calendar::Date to = ymd(2026, 3, 31)) {
  const deadline::DeadlineOptions options;
  Form6aBuilder b(ymd(2026, 1, 1), to, GroupBy::field, testing::cal(), options, nullptr);
  for (const Case& c : cases) b.add(c.dossier, c.events);
  return b.result();
}

TEST(Form6aLateness, LateDossiersCountAsOverdueOrLateNeverNotYetDueOrEarly) {
  const Form6a f = build(lateness_cases());
  EXPECT_EQ(f.total.received_total, 5);
  EXPECT_EQ(f.total.resolved_total, 3);
  EXPECT_EQ(f.total.early, 1);    // L5 only
  EXPECT_EQ(f.total.on_time, 0);  // nothing
  EXPECT_EQ(f.total.late, 2);     // L3, L4
  EXPECT_EQ(f.total.in_progress_total, 2);
  EXPECT_EQ(f.total.not_due, 0);
  EXPECT_EQ(f.total.overdue, 2);  // L1, L2
  EXPECT_EQ(f.total.waiting_supplement, 0);
}

TEST(Form6aLateness, TheFooterCountsLatenessAnomalies) {
  const Form6a f = build(lateness_cases());
  EXPECT_EQ(f.lateness_dossiers, 5);
  const std::map<AnomalyKind, std::int64_t> expected{
      {AnomalyKind::extension_after_due, 2},
      {AnomalyKind::supplement_after_due, 2},
      {AnomalyKind::supplement_late_request, 1},
  };
  EXPECT_EQ(f.lateness_by_kind, expected);
}

TEST(Form6aLateness, EventsAfterThePeriodAreNotCounted) {
  // At the end of 16/03 only L5's late request (06/03) has happened; every dossier is in progress
  // and not yet due (L1–L4 due on `to` itself, L5 restarted to 23/03).
  const Form6a f = build(lateness_cases(), ymd(2026, 3, 16));
  EXPECT_EQ(f.lateness_dossiers, 1);
  EXPECT_EQ(f.lateness_by_kind,
            (std::map<AnomalyKind, std::int64_t>{{AnomalyKind::supplement_late_request, 1}}));
  EXPECT_EQ(f.total.in_progress_total, 5);
  EXPECT_EQ(f.total.not_due, 5);
}

}  // namespace
}  // namespace dunghan::report
