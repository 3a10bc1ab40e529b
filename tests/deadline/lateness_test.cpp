// docs/rules.md §2 "Lateness is not cured afterwards": late extensions and supplementation
// requests, at their boundaries and in combination. Calendar of deadline/fixtures.h (office
// 07:00–11:30, 13:30–17:00 = 480 min a day).
//
// The reference dossier R: received Mon 02/03/2026 09:00, 10 working days → due Mon 16/03/2026
// 17:00. The working day before the due date is Fri 13/03. The supplementation window (3 working
// days from the receipt, counted like a duration): day 1 = Tue 03/03, day 3 = Thu 05/03 → the
// window closes Thu 05/03 17:00.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string_view>
#include <vector>

#include "deadline/clock.h"
#include "deadline/fixtures.h"

namespace dunghan::deadline {
namespace {

using testing::cal;
using testing::local;
using testing::ymd;

constexpr DeadlineOptions kDefaults{};

Dossier reference() {
  return testing::dossier("R", local(2026, 3, 2, 9, 0));
}

DossierClock clock_of(const Dossier& d, const std::vector<Event>& events, calendar::Instant at,
                      const DeadlineOptions& options = kDefaults) {
  return compute_clock(d, events, cal(), options, nullptr, at);
}

Event extended(const Dossier& d, calendar::Instant at, calendar::Instant new_due) {
  return testing::event(d, at, EventKind::extended, new_due);
}
Event requested(const Dossier& d, calendar::Instant at) {
  return testing::event(d, at, EventKind::supplement_requested);
}
Event received(const Dossier& d, calendar::Instant at) {
  return testing::event(d, at, EventKind::supplement_received);
}

std::vector<AnomalyKind> lateness_of(const DossierClock& c) {
  std::vector<AnomalyKind> out;
  for (const Anomaly& a : c.anomalies) {
    if (is_lateness(a.kind)) out.push_back(a.kind);
  }
  return out;
}

using Kinds = std::vector<AnomalyKind>;

// ---- the kinds ----------------------------------------------------------------------------------

TEST(LatenessKinds, NamesLabelsAndClasses) {
  EXPECT_EQ(to_string(AnomalyKind::extension_after_due), "extension_after_due");
  EXPECT_EQ(to_string(AnomalyKind::extension_late_notice), "extension_late_notice");
  EXPECT_EQ(to_string(AnomalyKind::supplement_after_due), "supplement_after_due");
  EXPECT_EQ(to_string(AnomalyKind::supplement_late_request), "supplement_late_request");
  EXPECT_EQ(to_string(AnomalyKind::supplement_repeated), "supplement_repeated");
  EXPECT_EQ(label_vn(AnomalyKind::supplement_after_due), "Yêu cầu bổ sung sau khi đã quá hạn");
  EXPECT_TRUE(is_lateness(AnomalyKind::extension_after_due));
  EXPECT_FALSE(is_lateness(AnomalyKind::second_extension));
  EXPECT_FALSE(is_lateness_warning(AnomalyKind::extension_after_due));
  EXPECT_FALSE(is_lateness_warning(AnomalyKind::supplement_after_due));
  EXPECT_TRUE(is_lateness_warning(AnomalyKind::extension_late_notice));
  EXPECT_TRUE(is_lateness_warning(AnomalyKind::supplement_late_request));
  EXPECT_TRUE(is_lateness_warning(AnomalyKind::supplement_repeated));
}

TEST(AnomalyKinds, EveryKindHasItsOwnVietnameseLabelAndRoundTripsThroughItsName) {
  std::set<std::string_view> labels;
  for (int i = 0; i <= static_cast<int>(AnomalyKind::supplement_repeated); ++i) {
    const auto k = static_cast<AnomalyKind>(i);
    EXPECT_NE(label_vn(k), to_string(k)) << to_string(k) << " has no Vietnamese label";
    EXPECT_TRUE(labels.insert(label_vn(k)).second) << "label used twice: " << label_vn(k);
    EXPECT_EQ(anomaly_kind_from_string(to_string(k)), k);
  }
  EXPECT_EQ(label_vn(AnomalyKind::no_due),
            "Không xác định được thời hạn (thiếu thời hạn giải quyết và ngày hẹn trả)");
  EXPECT_EQ(anomaly_kind_from_string("no such kind"), std::nullopt);
}

TEST(LatenessKinds, ADossierWithoutEventsIsJudgedAgainstItsAppointment) {
  const DossierClock c = clock_of(reference(), {}, local(2026, 3, 10, 9, 0));
  EXPECT_EQ(c.judged_due, local(2026, 3, 16, 17, 0));
  EXPECT_EQ(c.judged_due_date, ymd(2026, 3, 16));
  EXPECT_FALSE(c.has_lateness());
}

// ---- extensions ---------------------------------------------------------------------------------

TEST(LatenessExtension, OnTheWorkingDayBeforeTheDueDateIsInTime) {
  const Dossier d = reference();
  for (const calendar::Instant at : {local(2026, 3, 13, 7, 0), local(2026, 3, 13, 23, 59, 59)}) {
    const DossierClock c =
        clock_of(d, {extended(d, at, local(2026, 3, 20, 17, 0))}, local(2026, 3, 17, 10, 0));
    EXPECT_EQ(lateness_of(c), Kinds{});
    EXPECT_EQ(c.current_due, local(2026, 3, 20, 17, 0));
    EXPECT_EQ(c.judged_due, local(2026, 3, 20, 17, 0));
    EXPECT_EQ(c.state, ClockState::not_due);
  }
}

TEST(LatenessExtension, AfterTheWorkingDayBeforeIsALateNoticeThatStillCounts) {
  // Sat 14/03 (a rest day after the last day in time), the due date's opening, the due instant.
  const Dossier d = reference();
  for (const calendar::Instant at :
       {local(2026, 3, 14, 0, 0), local(2026, 3, 16, 7, 0), local(2026, 3, 16, 17, 0)}) {
    const DossierClock c =
        clock_of(d, {extended(d, at, local(2026, 3, 20, 17, 0))}, local(2026, 3, 17, 10, 0));
    EXPECT_EQ(lateness_of(c), Kinds{AnomalyKind::extension_late_notice})
        << calendar::format_iso(at, cal().offset());
    EXPECT_EQ(c.current_due, local(2026, 3, 20, 17, 0));
    EXPECT_EQ(c.judged_due, local(2026, 3, 20, 17, 0));
    EXPECT_EQ(c.state, ClockState::not_due);  // not overdue: the extension counts
  }
}

TEST(LatenessExtension, AfterTheDueInstantIsJudgedAgainstTheOriginal) {
  const Dossier d = reference();
  const std::vector<Event> ev{extended(d, local(2026, 3, 16, 17, 0, 1), local(2026, 3, 20, 17, 0))};
  const DossierClock c = clock_of(d, ev, local(2026, 3, 17, 10, 0));
  EXPECT_EQ(lateness_of(c), Kinds{AnomalyKind::extension_after_due});
  // The new appointment drives the alerts; the judgement stays with the original.
  EXPECT_EQ(c.current_due, local(2026, 3, 20, 17, 0));
  EXPECT_EQ(c.due_date, ymd(2026, 3, 20));
  EXPECT_TRUE(c.extended);
  EXPECT_EQ(c.judged_due, local(2026, 3, 16, 17, 0));
  EXPECT_EQ(c.judged_due_date, ymd(2026, 3, 16));
  EXPECT_EQ(c.state, ClockState::overdue);  // never "not due"
  // The anomaly carries the event's instant and says what happened.
  const auto it = std::find_if(c.anomalies.begin(), c.anomalies.end(), [](const Anomaly& a) {
    return a.kind == AnomalyKind::extension_after_due;
  });
  ASSERT_NE(it, c.anomalies.end());
  EXPECT_EQ(it->at, local(2026, 3, 16, 17, 0, 1));
  EXPECT_NE(it->message.find("2026-03-16T17:00:00+07:00"), std::string::npos) << it->message;
}

TEST(LatenessExtension, ResolvedBeforeTheNewAppointmentIsStillLate) {
  Dossier d = reference();
  testing::close(d, Status::resolved, local(2026, 3, 18, 10, 0));
  const std::vector<Event> ev{extended(d, local(2026, 3, 17, 8, 0), local(2026, 3, 20, 17, 0))};
  EXPECT_EQ(clock_of(d, ev, local(2026, 3, 31)).state, ClockState::late);  // not "early"
  DeadlineOptions original;
  original.judge_against = JudgeAgainst::original;
  EXPECT_EQ(clock_of(d, ev, local(2026, 3, 31), original).state, ClockState::late);
}

TEST(LatenessExtension, ALateNoticeIsJudgedAgainstTheNewAppointment) {
  Dossier d = reference();
  testing::close(d, Status::resolved, local(2026, 3, 18, 10, 0));
  const std::vector<Event> ev{extended(d, local(2026, 3, 16, 9, 0), local(2026, 3, 20, 17, 0))};
  EXPECT_EQ(clock_of(d, ev, local(2026, 3, 31)).state, ClockState::early);
}

TEST(LatenessExtension, BeforeTheEventTheDossierHasNoAnomaly) {
  const Dossier d = reference();
  const std::vector<Event> ev{extended(d, local(2026, 3, 17, 8, 0), local(2026, 3, 20, 17, 0))};
  const DossierClock before = clock_of(d, ev, local(2026, 3, 17, 7, 59));
  EXPECT_EQ(lateness_of(before), Kinds{});
  EXPECT_EQ(before.state, ClockState::overdue);
  EXPECT_EQ(clock_of(d, ev, local(2026, 3, 17, 8, 0)).state, ClockState::overdue);
}

TEST(LatenessExtension, TheLimitIsTheWorkingDayBeforeAcrossAHoliday) {
  // Received Mon 20/04/2026 09:00, 7 working days: 21, 22, 23, 24, 28, 29/04 (27/04 and 30/04,
  // 01/05 off), 04/05 → due Mon 04/05 17:00; the working day before it is Wed 29/04.
  const Dossier d = testing::dossier("H", local(2026, 4, 20, 9, 0), testing::working_days(7));
  ASSERT_EQ(clock_of(d, {}, local(2026, 4, 21)).current_due, local(2026, 5, 4, 17, 0));
  const auto kinds_at = [&](calendar::Instant at) {
    return lateness_of(clock_of(d, {extended(d, at, local(2026, 5, 8, 17, 0))}, local(2026, 5, 5)));
  };
  EXPECT_EQ(kinds_at(local(2026, 4, 29, 16, 0)), Kinds{});
  EXPECT_EQ(kinds_at(local(2026, 4, 30, 9, 0)), Kinds{AnomalyKind::extension_late_notice});
}

// ---- supplementation requests -------------------------------------------------------------------

TEST(LatenessSupplement, AtTheEndOfTheWindowIsInTime) {
  const Dossier d = reference();
  const DossierClock c =
      clock_of(d, {requested(d, local(2026, 3, 5, 17, 0))}, local(2026, 3, 6, 9, 0));
  EXPECT_EQ(lateness_of(c), Kinds{});
  EXPECT_EQ(c.state, ClockState::waiting_applicant);
}

TEST(LatenessSupplement, OneSecondAfterTheWindowIsALateRequestThatStillRestarts) {
  const Dossier d = reference();
  const std::vector<Event> ev{requested(d, local(2026, 3, 5, 17, 0, 1)),
                              received(d, local(2026, 3, 9, 14, 0))};
  const DossierClock waiting = clock_of(d, {ev[0]}, local(2026, 3, 6, 9, 0));
  EXPECT_EQ(lateness_of(waiting), Kinds{AnomalyKind::supplement_late_request});
  EXPECT_EQ(waiting.state, ClockState::waiting_applicant);
  // The restart counts: 10 working days from Mon 09/03 14:00 → Mon 23/03 17:00.
  const DossierClock c = clock_of(d, ev, local(2026, 3, 10, 9, 0));
  EXPECT_EQ(c.current_due, local(2026, 3, 23, 17, 0));
  EXPECT_EQ(c.judged_due, local(2026, 3, 23, 17, 0));
  EXPECT_EQ(c.state, ClockState::not_due);
}

TEST(LatenessSupplement, AtTheDueInstantIsOnlyALateRequest) {
  const Dossier d = reference();
  const DossierClock c =
      clock_of(d, {requested(d, local(2026, 3, 16, 17, 0))}, local(2026, 3, 17, 9, 0));
  EXPECT_EQ(lateness_of(c), Kinds{AnomalyKind::supplement_late_request});
  EXPECT_EQ(c.state, ClockState::waiting_applicant);
}

TEST(LatenessSupplement, AfterTheDueInstantStopsNothingAndStaysOverdue) {
  const Dossier d = reference();
  const std::vector<Event> ev{requested(d, local(2026, 3, 16, 17, 0, 1)),
                              received(d, local(2026, 3, 18, 9, 0))};
  const DossierClock waiting = clock_of(d, {ev[0]}, local(2026, 3, 17, 9, 0));
  EXPECT_EQ(lateness_of(waiting), Kinds{AnomalyKind::supplement_after_due});
  EXPECT_EQ(waiting.state, ClockState::overdue);  // not waiting_applicant
  EXPECT_FALSE(waiting.waiting_since.has_value());
  EXPECT_EQ(waiting.current_due, local(2026, 3, 16, 17, 0));
  // The answer restarts nothing and is no anomaly of its own.
  const DossierClock answered = clock_of(d, ev, local(2026, 3, 19, 9, 0));
  EXPECT_EQ(lateness_of(answered), Kinds{AnomalyKind::supplement_after_due});
  EXPECT_FALSE(answered.has(AnomalyKind::unmatched_supplement_received));
  EXPECT_EQ(answered.current_due, local(2026, 3, 16, 17, 0));
  EXPECT_EQ(answered.due_version, 0);
  EXPECT_EQ(answered.state, ClockState::overdue);
  // Resolved after the answer: late against the appointment in force at the request.
  Dossier r = d;
  testing::close(r, Status::resolved, local(2026, 3, 20, 9, 0));
  EXPECT_EQ(clock_of(r, ev, local(2026, 3, 31)).state, ClockState::late);
}

TEST(LatenessSupplement, AfterTheDueInPauseModeToo) {
  DeadlineOptions pause;
  pause.supplement = SupplementMode::pause;
  const Dossier d = reference();
  const std::vector<Event> ev{requested(d, local(2026, 3, 17, 9, 0)),
                              received(d, local(2026, 3, 19, 9, 0))};
  const DossierClock c = clock_of(d, ev, local(2026, 3, 20, 9, 0), pause);
  EXPECT_EQ(lateness_of(c), Kinds{AnomalyKind::supplement_after_due});
  EXPECT_EQ(c.current_due, local(2026, 3, 16, 17, 0));
  EXPECT_EQ(c.state, ClockState::overdue);
}

TEST(LatenessSupplement, TheDueInForceCountsAPauseStillOpen) {
  // Paused Fri 13/03 10:00 (before the due); the request comes Tue 17/03 10:00 during the pause.
  // In force then: 16/03 17:00 moved by the paused office time 13/03 10:00 → 17/03 10:00 (300 +
  // 480 + 180 = 960 min) → Wed 18/03 17:00. The request is before it: in time (but late).
  const Dossier d = reference();
  const std::vector<Event> ev{testing::event(d, local(2026, 3, 13, 10, 0), EventKind::paused),
                              requested(d, local(2026, 3, 17, 10, 0))};
  const DossierClock c = clock_of(d, ev, local(2026, 3, 19, 9, 0));
  EXPECT_EQ(lateness_of(c), Kinds{AnomalyKind::supplement_late_request});
  EXPECT_EQ(c.state, ClockState::waiting_applicant);
}

TEST(LatenessSupplement, APauseThatEndedMovedTheDueInForce) {
  // Paused 13/03 10:00 → resumed 16/03 10:00: 300 + 180 = 480 min excluded → due Tue 17/03 17:00.
  const Dossier d = reference();
  const auto with_request_at = [&](calendar::Instant at) {
    return std::vector<Event>{testing::event(d, local(2026, 3, 13, 10, 0), EventKind::paused),
                              testing::event(d, local(2026, 3, 16, 10, 0), EventKind::resumed),
                              requested(d, at)};
  };
  EXPECT_EQ(lateness_of(
                clock_of(d, with_request_at(local(2026, 3, 17, 17, 0)), local(2026, 3, 18, 9, 0))),
            Kinds{AnomalyKind::supplement_late_request});
  EXPECT_EQ(lateness_of(clock_of(d, with_request_at(local(2026, 3, 17, 17, 0, 1)),
                                 local(2026, 3, 18, 9, 0))),
            Kinds{AnomalyKind::supplement_after_due});
}

TEST(LatenessSupplement, ASecondRoundIsRepeated) {
  // Round 1: 04/03 10:00 → complete 05/03 10:00 (restart: due Thu 19/03 17:00). Round 2: 09/03.
  const Dossier d = reference();
  const std::vector<Event> ev{requested(d, local(2026, 3, 4, 10, 0)),
                              received(d, local(2026, 3, 5, 10, 0)),
                              requested(d, local(2026, 3, 9, 10, 0))};
  const DossierClock c = clock_of(d, ev, local(2026, 3, 10, 9, 0));
  EXPECT_EQ(lateness_of(c), Kinds{AnomalyKind::supplement_repeated});
  EXPECT_EQ(c.state, ClockState::waiting_applicant);  // a warning: the round applies
  // A third round is repeated again; the window applies to the first round only.
  std::vector<Event> three = ev;
  three.push_back(received(d, local(2026, 3, 10, 10, 0)));
  three.push_back(requested(d, local(2026, 3, 11, 10, 0)));
  EXPECT_EQ(lateness_of(clock_of(d, three, local(2026, 3, 12, 9, 0))),
            (Kinds{AnomalyKind::supplement_repeated, AnomalyKind::supplement_repeated}));
}

TEST(LatenessSupplement, ARequestWhileOneIsOpenIsNotARound) {
  const Dossier d = reference();
  const std::vector<Event> ev{requested(d, local(2026, 3, 4, 10, 0)),
                              requested(d, local(2026, 3, 5, 10, 0))};
  const DossierClock c = clock_of(d, ev, local(2026, 3, 6, 9, 0));
  EXPECT_EQ(lateness_of(c), Kinds{});
  EXPECT_TRUE(c.has(AnomalyKind::repeated_supplement_request));
}

TEST(LatenessSupplement, ASecondRoundAfterTheRestartedDueIsRepeatedAndAfterDue) {
  // Round 1 restarts the count: complete 05/03 10:00 → due Thu 19/03 17:00. Round 2 on 20/03.
  const Dossier d = reference();
  const std::vector<Event> ev{requested(d, local(2026, 3, 4, 10, 0)),
                              received(d, local(2026, 3, 5, 10, 0)),
                              requested(d, local(2026, 3, 20, 9, 0))};
  const DossierClock c = clock_of(d, ev, local(2026, 3, 23, 9, 0));
  EXPECT_EQ(lateness_of(c),
            (Kinds{AnomalyKind::supplement_repeated, AnomalyKind::supplement_after_due}));
  EXPECT_EQ(c.current_due, local(2026, 3, 19, 17, 0));
  EXPECT_EQ(c.state, ClockState::overdue);
}

TEST(LatenessSupplement, TheWindowFollowsTheSetting) {
  DeadlineOptions one_day;
  one_day.supplement_request_within = testing::working_days(1);
  const Dossier d = reference();
  // 1 working day: the window closes Tue 03/03 17:00.
  EXPECT_EQ(lateness_of(clock_of(d, {requested(d, local(2026, 3, 3, 17, 0))},
                                 local(2026, 3, 4, 9, 0), one_day)),
            Kinds{});
  EXPECT_EQ(lateness_of(clock_of(d, {requested(d, local(2026, 3, 4, 7, 0))},
                                 local(2026, 3, 4, 9, 0), one_day)),
            Kinds{AnomalyKind::supplement_late_request});
}

TEST(LatenessSupplement, TheWindowCountsInHoursWhenWorkingDaysAreHours) {
  // working_days_as = hours: 3 working days = 24 office hours from 02/03 09:00: 360 on 02/03,
  // 480 on 03/03 and 04/03, 120 on 05/03 → Thu 05/03 09:00.
  DeadlineOptions hours;
  hours.working_days_as = WorkingDaysAs::hours;
  const Dossier d = reference();
  EXPECT_EQ(lateness_of(clock_of(d, {requested(d, local(2026, 3, 5, 9, 0))},
                                 local(2026, 3, 6, 9, 0), hours)),
            Kinds{});
  EXPECT_EQ(lateness_of(clock_of(d, {requested(d, local(2026, 3, 5, 9, 0, 1))},
                                 local(2026, 3, 6, 9, 0), hours)),
            Kinds{AnomalyKind::supplement_late_request});
}

TEST(LatenessSupplement, AWaitingStatusWithoutEventsAfterTheDueIsAfterDue) {
  Dossier d = reference();
  d.status = Status::waiting_supplement;
  d.updated_at = local(2026, 3, 17, 9, 0);
  const DossierClock c = clock_of(d, {}, local(2026, 3, 18, 9, 0));
  EXPECT_TRUE(c.has(AnomalyKind::status_without_event));
  EXPECT_EQ(lateness_of(c), Kinds{AnomalyKind::supplement_after_due});
  EXPECT_EQ(c.state, ClockState::overdue);
  // Before the due, the status still means waiting.
  d.updated_at = local(2026, 3, 16, 9, 0);
  EXPECT_EQ(clock_of(d, {}, local(2026, 3, 18, 9, 0)).state, ClockState::waiting_applicant);
}

// ---- combinations -------------------------------------------------------------------------------

TEST(LatenessCombined, ARequestBetweenTheOriginalAndATimelyExtensionIsInTime) {
  // Extended in time (13/03) to 20/03 17:00; a request on 18/03 is before the appointment in force.
  const Dossier d = reference();
  const std::vector<Event> ev{extended(d, local(2026, 3, 13, 10, 0), local(2026, 3, 20, 17, 0)),
                              requested(d, local(2026, 3, 18, 10, 0))};
  const DossierClock c = clock_of(d, ev, local(2026, 3, 19, 9, 0));
  EXPECT_EQ(lateness_of(c), Kinds{AnomalyKind::supplement_late_request});
  EXPECT_EQ(c.state, ClockState::waiting_applicant);
}

TEST(LatenessCombined, AfterALateExtensionARequestIsJudgedAgainstTheOriginal) {
  // Extended after the due (17/03) to 27/03; a request on 18/03 is after the original due, so it
  // cannot stop the clock even though the new appointment is later.
  const Dossier d = reference();
  const std::vector<Event> ev{extended(d, local(2026, 3, 17, 9, 0), local(2026, 3, 27, 17, 0)),
                              requested(d, local(2026, 3, 18, 10, 0))};
  const DossierClock c = clock_of(d, ev, local(2026, 3, 19, 9, 0));
  EXPECT_EQ(lateness_of(c),
            (Kinds{AnomalyKind::extension_after_due, AnomalyKind::supplement_after_due}));
  EXPECT_EQ(c.state, ClockState::overdue);
  EXPECT_EQ(c.current_due, local(2026, 3, 27, 17, 0));
  EXPECT_EQ(c.judged_due, local(2026, 3, 16, 17, 0));
}

TEST(LatenessCombined, LateNoticeAndLateRequestTogether) {
  // A late request (06/03) restarts the count from 09/03 14:00 → due 23/03 17:00; the working day
  // before it is Fri 20/03; an extension on Mon 23/03 09:00 is a late notice.
  const Dossier d = reference();
  const std::vector<Event> ev{requested(d, local(2026, 3, 6, 10, 0)),
                              received(d, local(2026, 3, 9, 14, 0)),
                              extended(d, local(2026, 3, 23, 9, 0), local(2026, 3, 27, 17, 0))};
  const DossierClock c = clock_of(d, ev, local(2026, 3, 24, 9, 0));
  EXPECT_EQ(lateness_of(c),
            (Kinds{AnomalyKind::supplement_late_request, AnomalyKind::extension_late_notice}));
  EXPECT_EQ(c.state, ClockState::not_due);
  EXPECT_EQ(c.judged_due, local(2026, 3, 27, 17, 0));
}

TEST(LatenessCombined, ASecondExtensionAfterTheDueIsOnlyASecondExtension) {
  const Dossier d = reference();
  const std::vector<Event> ev{extended(d, local(2026, 3, 13, 10, 0), local(2026, 3, 20, 17, 0)),
                              extended(d, local(2026, 3, 23, 9, 0), local(2026, 3, 27, 17, 0))};
  const DossierClock c = clock_of(d, ev, local(2026, 3, 24, 9, 0));
  EXPECT_EQ(lateness_of(c), Kinds{});
  EXPECT_TRUE(c.has(AnomalyKind::second_extension));
  EXPECT_EQ(c.state, ClockState::overdue);
}

}  // namespace
}  // namespace dunghan::deadline
