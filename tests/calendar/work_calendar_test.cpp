#include "calendar/work_calendar.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include "calendar/holidays.h"
#include "calendar/naive_calendar.h"
#include "calendar/test_calendars.h"

namespace dunghan::calendar {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::at;
using testing::NaiveCalendar;
using testing::official_schedules;
using testing::session;
using testing::ymd;

CalendarSpec official_spec() {
  CalendarSpec spec;
  spec.schedules = official_schedules();
  return spec;
}

std::shared_ptr<const WorkCalendar> official() {
  static const auto cal = WorkCalendar::build(official_spec());
  return cal;
}

template <class F>
auto or_error(F f) -> std::optional<decltype(f())> {
  try {
    return f();
  } catch (const CalendarError&) {
    return std::nullopt;
  }
}

std::string text(std::optional<Date> d) {
  return d ? format_date(*d) : "error";
}
std::string text(std::optional<Instant> t) {
  return t ? std::to_string(t->time_since_epoch().count()) : "error";
}
std::string text(std::optional<std::int64_t> v) {
  return v ? std::to_string(*v) : "error";
}

// ---------------------------------------------------------------------------------------------
// Working days and precedence

TEST(WorkCalendar, WeekdaysWorkAndWeekendsRestWithoutEntries) {
  const auto cal = official();
  EXPECT_TRUE(cal->is_working_day(ymd(2026, 3, 2)));   // Monday
  EXPECT_TRUE(cal->is_working_day(ymd(2026, 3, 6)));   // Friday
  EXPECT_FALSE(cal->is_working_day(ymd(2026, 3, 7)));  // Saturday
  EXPECT_FALSE(cal->is_working_day(ymd(2026, 3, 8)));  // Sunday
}

TEST(WorkCalendar, TetWeekdaysOfTheScheduleAreOff) {
  const auto cal = official();
  for (Date d = ymd(2026, 2, 16); d <= ymd(2026, 2, 20); d += days{1}) {
    EXPECT_FALSE(cal->is_working_day(d)) << format_date(d);
  }
  EXPECT_TRUE(cal->is_working_day(ymd(2026, 2, 13)));
  EXPECT_TRUE(cal->is_working_day(ymd(2026, 2, 23)));
}

TEST(WorkCalendar, MakeupSaturdayIsWorking) {
  const auto cal = official();
  EXPECT_TRUE(cal->is_working_day(ymd(2026, 1, 10)));
  EXPECT_FALSE(cal->is_working_day(ymd(2026, 1, 3)));
  EXPECT_FALSE(cal->is_working_day(ymd(2026, 1, 2)));  // the swap it pays back
}

TEST(WorkCalendar, DeclaredYearIgnoresStatutoryRules) {
  CalendarSpec spec;
  Schedule s;
  s.origin = "partial";
  s.years = {2026};
  s.entries = {DayEntry{ymd(2026, 1, 1), DayKind::holiday, "Tết Dương lịch", "x"}};
  spec.schedules = {s};
  const auto cal = WorkCalendar::build(spec);
  EXPECT_FALSE(cal->is_working_day(ymd(2026, 1, 1)));
  // The statutory rules would give Tết (Tuesday 2026-02-17 is lunar 1/1); the schedule does not.
  EXPECT_TRUE(cal->is_working_day(ymd(2026, 2, 17)));
  EXPECT_FALSE(cal->is_provisional(2026));
  EXPECT_TRUE(cal->is_provisional(2027));
}

TEST(WorkCalendar, UndeclaredYearFollowsStatutoryRules) {
  const auto cal = official();
  const StatutoryYear sy = statutory_year(2030, WeekdaySet::sat_sun());
  ASSERT_FALSE(sy.days_off.empty());
  for (const DayEntry& e : sy.days_off) {
    EXPECT_FALSE(cal->is_working_day(e.date)) << format_date(e.date);
    EXPECT_TRUE(cal->describe(e.date).provisional);
  }
}

TEST(WorkCalendar, StatutoryRulesOffGivesProvisionalYearsNoHolidays) {
  CalendarSpec spec;
  spec.statutory_rules = false;
  const auto cal = WorkCalendar::build(spec);
  for (const DayEntry& e : statutory_year(2030, WeekdaySet::sat_sun()).days_off) {
    EXPECT_TRUE(cal->is_working_day(e.date)) << format_date(e.date);
  }
  EXPECT_TRUE(cal->is_provisional(2030));
  EXPECT_TRUE(cal->entries_in_year(2030).empty());
}

TEST(WorkCalendar, AdminWorkingDayBeatsScheduleHoliday) {
  CalendarSpec spec = official_spec();
  spec.working_days = {DayOverride{ymd(2026, 2, 17), "Trực Tết"}};
  const auto cal = WorkCalendar::build(spec);
  EXPECT_TRUE(cal->is_working_day(ymd(2026, 2, 17)));
  const DayInfo info = cal->describe(ymd(2026, 2, 17));
  EXPECT_EQ(info.kind, DayKind::admin_working_day);
  EXPECT_EQ(info.name, "Trực Tết");
}

TEST(WorkCalendar, AdminDayOffBeatsMakeupSaturday) {
  CalendarSpec spec = official_spec();
  spec.days_off = {DayOverride{ymd(2026, 1, 10), "Nghỉ riêng"}};
  const auto cal = WorkCalendar::build(spec);
  EXPECT_FALSE(cal->is_working_day(ymd(2026, 1, 10)));
  EXPECT_EQ(cal->describe(ymd(2026, 1, 10)).kind, DayKind::admin_day_off);
}

TEST(WorkCalendar, AdminEntriesBeatStatutoryRules) {
  const Date tet_2030 = statutory_year(2030, WeekdaySet::sat_sun()).days_off.front().date;
  CalendarSpec spec;
  spec.working_days = {DayOverride{tet_2030, "trực"}};
  spec.days_off = {DayOverride{ymd(2030, 6, 4), "nghỉ"}};  // a Tuesday
  const auto cal = WorkCalendar::build(spec);
  EXPECT_TRUE(cal->is_working_day(tet_2030));
  EXPECT_FALSE(cal->is_working_day(ymd(2030, 6, 4)));
}

TEST(WorkCalendar, SameDateAsAdminDayOffAndWorkingDayIsRejected) {
  CalendarSpec spec;
  spec.days_off = {DayOverride{ymd(2030, 6, 4), "a"}};
  spec.working_days = {DayOverride{ymd(2030, 6, 4), "b"}};
  EXPECT_THROW(WorkCalendar::build(spec), CalendarError);
}

TEST(WorkCalendar, ConflictingSchedulesAreRejected) {
  CalendarSpec spec;
  Schedule a{"a.toml", {2026}, {DayEntry{ymd(2026, 1, 10), DayKind::makeup_workday, "", ""}}};
  Schedule b{"b.toml", {2026}, {DayEntry{ymd(2026, 1, 10), DayKind::holiday, "", ""}}};
  spec.schedules = {a, b};
  try {
    WorkCalendar::build(spec);
    FAIL() << "expected CalendarError";
  } catch (const CalendarError& e) {
    EXPECT_NE(std::string(e.what()).find("a.toml"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("b.toml"), std::string::npos) << e.what();
  }
}

TEST(WorkCalendar, DescribeReportsTheDecidingEntry) {
  const auto cal = official();
  const DayInfo tet = cal->describe(ymd(2026, 2, 17));
  EXPECT_FALSE(tet.working);
  EXPECT_FALSE(tet.rest_day);
  EXPECT_FALSE(tet.provisional);
  EXPECT_EQ(tet.kind, DayKind::holiday);
  EXPECT_EQ(tet.name, "Tết Nguyên đán");
  EXPECT_EQ(tet.source, "CV 12729/VPCP-KGVX");

  const DayInfo makeup = cal->describe(ymd(2026, 1, 10));
  EXPECT_TRUE(makeup.working);
  EXPECT_TRUE(makeup.rest_day);
  EXPECT_EQ(makeup.kind, DayKind::makeup_workday);

  const DayInfo plain = cal->describe(ymd(2026, 3, 3));
  EXPECT_TRUE(plain.working);
  EXPECT_FALSE(plain.kind.has_value());
  EXPECT_TRUE(plain.name.empty());
}

TEST(WorkCalendar, EntriesInYearListTheScheduleSortedByDate) {
  const auto cal = official();
  const std::vector<DayEntry> got = cal->entries_in_year(2026);
  const Schedule s = testing::schedule_2026();
  ASSERT_EQ(got.size(), s.entries.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].date, s.entries[i].date);
    EXPECT_EQ(got[i].kind, s.entries[i].kind);
    EXPECT_EQ(got[i].name, s.entries[i].name);
  }
}

TEST(WorkCalendar, EntriesInYearShowAdminEntryInsteadOfTheOneItOverrides) {
  CalendarSpec spec = official_spec();
  spec.days_off = {DayOverride{ymd(2026, 1, 10), "Nghỉ riêng"}};
  const auto cal = WorkCalendar::build(spec);
  const auto entries = cal->entries_in_year(2026);
  const auto n = std::count_if(entries.begin(), entries.end(),
                               [](const DayEntry& e) { return e.date == ymd(2026, 1, 10); });
  ASSERT_EQ(n, 1);
  const auto it = std::find_if(entries.begin(), entries.end(),
                               [](const DayEntry& e) { return e.date == ymd(2026, 1, 10); });
  EXPECT_EQ(it->kind, DayKind::admin_day_off);
}

TEST(WorkCalendar, EntriesInProvisionalYearIncludeHolidaysOnRestDays) {
  const auto cal = official();
  const StatutoryYear sy = statutory_year(2032, WeekdaySet::sat_sun());
  std::set<Date> listed;
  for (const DayEntry& e : cal->entries_in_year(2032)) listed.insert(e.date);
  for (const DayEntry& e : sy.holidays) EXPECT_EQ(listed.count(e.date), 1u) << format_date(e.date);
  for (const DayEntry& e : sy.days_off) EXPECT_EQ(listed.count(e.date), 1u) << format_date(e.date);
}

// ---------------------------------------------------------------------------------------------
// Working-day arithmetic

TEST(WorkCalendar, AddZeroWorkingDaysReturnsTheDateEvenOnAHoliday) {
  EXPECT_EQ(official()->add_working_days(ymd(2026, 2, 17), WorkingDays{0}), ymd(2026, 2, 17));
}

TEST(WorkCalendar, AddWorkingDaysDoesNotCountTheStartingDay) {
  const auto cal = official();
  EXPECT_EQ(cal->add_working_days(ymd(2026, 3, 6), WorkingDays{1}), ymd(2026, 3, 9));  // Fri → Mon
  EXPECT_EQ(cal->add_working_days(ymd(2026, 3, 7), WorkingDays{1}), ymd(2026, 3, 9));  // Sat → Mon
  EXPECT_EQ(cal->add_working_days(ymd(2026, 2, 13), WorkingDays{1}), ymd(2026, 2, 23));  // over Tết
  EXPECT_EQ(cal->add_working_days(ymd(2026, 1, 9), WorkingDays{1}),
            ymd(2026, 1, 10));  // make-up Sat
}

TEST(WorkCalendar, SubtractWorkingDaysCountsBackward) {
  const auto cal = official();
  EXPECT_EQ(cal->add_working_days(ymd(2026, 3, 9), WorkingDays{-1}), ymd(2026, 3, 6));
  EXPECT_EQ(cal->add_working_days(ymd(2026, 2, 23), WorkingDays{-1}), ymd(2026, 2, 13));
  EXPECT_EQ(cal->add_working_days(ymd(2026, 2, 18), WorkingDays{-1}), ymd(2026, 2, 13));
}

TEST(WorkCalendar, NextWorkingDayOnOrAfter) {
  const auto cal = official();
  EXPECT_EQ(cal->next_working_day_on_or_after(ymd(2026, 3, 4)), ymd(2026, 3, 4));
  EXPECT_EQ(cal->next_working_day_on_or_after(ymd(2026, 2, 14)), ymd(2026, 2, 23));
}

TEST(WorkCalendar, CountWorkingDaysIncludesBothEnds) {
  const auto cal = official();
  EXPECT_EQ(cal->count_working_days(ymd(2026, 3, 2), ymd(2026, 3, 8)), WorkingDays{5});
  EXPECT_EQ(cal->count_working_days(ymd(2026, 3, 2), ymd(2026, 3, 2)), WorkingDays{1});
  EXPECT_EQ(cal->count_working_days(ymd(2026, 2, 14), ymd(2026, 2, 22)), WorkingDays{0});
  EXPECT_EQ(cal->count_working_days(ymd(2026, 3, 8), ymd(2026, 3, 2)), WorkingDays{0});
}

// ---------------------------------------------------------------------------------------------
// Sessions and office time

TEST(WorkCalendar, DefaultSessionsAreEightHours) {
  const auto cal = official();
  const auto s = cal->sessions_on(ymd(2026, 3, 3));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], session(7, 0, 11, 30));
  EXPECT_EQ(s[1], session(13, 30, 17, 0));
  EXPECT_EQ(cal->office_minutes_on(ymd(2026, 3, 3)), WorkingMinutes{480});
  EXPECT_TRUE(cal->sessions_on(ymd(2026, 3, 7)).empty());
  EXPECT_EQ(cal->office_minutes_on(ymd(2026, 3, 7)), WorkingMinutes{0});
}

TEST(WorkCalendar, SeasonWrapsOverTheNewYear) {
  CalendarSpec spec;
  spec.seasons = {Season{std::chrono::October / 16,
                         std::chrono::April / 15,
                         {session(7, 30, 11, 30), session(13, 0, 16, 30)}}};
  const auto cal = WorkCalendar::build(spec);
  EXPECT_EQ(cal->sessions_on(ymd(2025, 10, 15))[0], session(7, 0, 11, 30));
  EXPECT_EQ(cal->sessions_on(ymd(2025, 10, 16))[0], session(7, 30, 11, 30));
  EXPECT_EQ(cal->sessions_on(ymd(2026, 1, 5))[0], session(7, 30, 11, 30));
  EXPECT_EQ(cal->sessions_on(ymd(2026, 4, 15))[1], session(13, 0, 16, 30));
  EXPECT_EQ(cal->sessions_on(ymd(2026, 4, 16))[0], session(7, 0, 11, 30));
  EXPECT_EQ(cal->office_minutes_on(ymd(2026, 1, 5)), WorkingMinutes{450});
}

TEST(WorkCalendar, CloseOfDayIsTheEndOfTheLastSession) {
  const auto cal = official();
  EXPECT_EQ(cal->close_of_day(ymd(2026, 3, 3)), at(ymd(2026, 3, 3), 17, 0));
  EXPECT_THROW(cal->close_of_day(ymd(2026, 3, 7)), CalendarError);
}

TEST(WorkCalendar, RollKeepsAnInstantInsideASession) {
  const auto cal = official();
  EXPECT_EQ(cal->roll_to_office_time(at(ymd(2026, 3, 3), 9, 15, 42)),
            at(ymd(2026, 3, 3), 9, 15, 42));
  EXPECT_EQ(cal->roll_to_office_time(at(ymd(2026, 3, 3), 7, 0)), at(ymd(2026, 3, 3), 7, 0));
}

TEST(WorkCalendar, RollMovesToTheNextOpening) {
  const auto cal = official();
  const Date tue = ymd(2026, 3, 3);
  EXPECT_EQ(cal->roll_to_office_time(at(tue, 6, 59, 59)), at(tue, 7, 0));
  EXPECT_EQ(cal->roll_to_office_time(at(tue, 11, 30)), at(tue, 13, 30));  // end rolls forward
  EXPECT_EQ(cal->roll_to_office_time(at(tue, 12, 15)), at(tue, 13, 30));
  EXPECT_EQ(cal->roll_to_office_time(at(tue, 17, 0)), at(ymd(2026, 3, 4), 7, 0));
  EXPECT_EQ(cal->roll_to_office_time(at(ymd(2026, 3, 6), 18, 0)), at(ymd(2026, 3, 9), 7, 0));
  EXPECT_EQ(cal->roll_to_office_time(at(ymd(2026, 2, 16), 9, 0)), at(ymd(2026, 2, 23), 7, 0));
  EXPECT_EQ(cal->roll_to_office_time(at(ymd(2026, 1, 9), 17, 30)), at(ymd(2026, 1, 10), 7, 0));
}

TEST(WorkCalendar, AddWorkingMinutesCanEndAtTheCloseOfASession) {
  const auto cal = official();
  const Date tue = ymd(2026, 3, 3);
  EXPECT_EQ(cal->add_working_minutes(at(tue, 7, 0), WorkingMinutes{270}), at(tue, 11, 30));
  EXPECT_EQ(cal->add_working_minutes(at(tue, 7, 0), WorkingMinutes{271}), at(tue, 13, 31));
  EXPECT_EQ(cal->add_working_minutes(at(tue, 7, 0), WorkingMinutes{480}), at(tue, 17, 0));
}

TEST(WorkCalendar, AddWorkingMinutesSkipsNightsWeekendsAndHolidays) {
  const auto cal = official();
  EXPECT_EQ(cal->add_working_minutes(at(ymd(2026, 3, 6), 16, 0), WorkingMinutes{120}),
            at(ymd(2026, 3, 9), 8, 0));
  EXPECT_EQ(cal->add_working_minutes(at(ymd(2026, 2, 13), 16, 0), WorkingMinutes{61}),
            at(ymd(2026, 2, 23), 7, 1));
  // Outside office time the count starts at the next opening.
  EXPECT_EQ(cal->add_working_minutes(at(ymd(2026, 3, 3), 12, 0), WorkingMinutes{30}),
            at(ymd(2026, 3, 3), 14, 0));
}

TEST(WorkCalendar, AddWorkingMinutesKeepsSeconds) {
  const auto cal = official();
  EXPECT_EQ(cal->add_working_minutes(at(ymd(2026, 3, 3), 10, 0, 30), WorkingMinutes{60}),
            at(ymd(2026, 3, 3), 11, 0, 30));
  EXPECT_EQ(cal->add_working_minutes(at(ymd(2026, 3, 3), 11, 29, 30), WorkingMinutes{1}),
            at(ymd(2026, 3, 3), 13, 30, 30));
}

TEST(WorkCalendar, AddZeroWorkingMinutesReturnsTheInstantUnchanged) {
  const Instant sunday = at(ymd(2026, 3, 8), 3, 4, 5);
  EXPECT_EQ(official()->add_working_minutes(sunday, WorkingMinutes{0}), sunday);
}

TEST(WorkCalendar, WorkingMinutesBetweenCountsOfficeTimeOnly) {
  const auto cal = official();
  const Date tue = ymd(2026, 3, 3);
  EXPECT_EQ(cal->working_minutes_between(at(tue, 0, 0), at(ymd(2026, 3, 4), 0, 0)),
            WorkingMinutes{480});
  EXPECT_EQ(cal->working_minutes_between(at(tue, 11, 0), at(tue, 14, 0)), WorkingMinutes{60});
  EXPECT_EQ(cal->working_minutes_between(at(ymd(2026, 3, 6), 16, 0), at(ymd(2026, 3, 9), 8, 0)),
            WorkingMinutes{120});
  EXPECT_EQ(cal->working_minutes_between(at(tue, 14, 0), at(tue, 11, 0)), WorkingMinutes{-60});
}

TEST(WorkCalendar, WorkingMinutesBetweenTruncatesTowardZero) {
  const auto cal = official();
  const Date tue = ymd(2026, 3, 3);
  EXPECT_EQ(cal->working_minutes_between(at(tue, 10, 0, 0), at(tue, 10, 0, 59)), WorkingMinutes{0});
  EXPECT_EQ(cal->working_minutes_between(at(tue, 10, 0, 59), at(tue, 10, 0, 0)), WorkingMinutes{0});
  EXPECT_EQ(cal->working_minutes_between(at(tue, 10, 0, 0), at(tue, 10, 1, 30)), WorkingMinutes{1});
  EXPECT_EQ(cal->working_minutes_between(at(tue, 10, 1, 30), at(tue, 10, 0, 0)),
            WorkingMinutes{-1});
}

TEST(WorkCalendar, OffsetPlacesSessionsInLocalTime) {
  CalendarSpec spec;
  spec.offset = UtcOffset{minutes{-210}};  // -03:30
  const auto cal = WorkCalendar::build(spec);
  const Instant opening = at(ymd(2026, 3, 3), 7, 0, 0, spec.offset);
  EXPECT_EQ(opening, Instant{std::chrono::sys_days{ymd(2026, 3, 3)}} + hours{10} + minutes{30});
  EXPECT_EQ(cal->roll_to_office_time(opening - seconds{1}), opening);
  EXPECT_EQ(cal->close_of_day(ymd(2026, 3, 3)), at(ymd(2026, 3, 3), 17, 0, 0, spec.offset));
}

// ---------------------------------------------------------------------------------------------
// Validation and range

CalendarSpec with_sessions(std::vector<Session> s) {
  CalendarSpec spec;
  spec.statutory_rules = false;
  spec.sessions = std::move(s);
  return spec;
}

std::string build_error(const CalendarSpec& spec) {
  try {
    WorkCalendar::build(spec);
  } catch (const CalendarError& e) {
    return e.what();
  }
  return "";
}

TEST(WorkCalendarValidation, RejectsNoSessions) {
  EXPECT_NE(build_error(with_sessions({})), "");
}

TEST(WorkCalendarValidation, RejectsASessionThatDoesNotEndAfterItStarts) {
  const std::string e = build_error(with_sessions({session(9, 0, 9, 0)}));
  EXPECT_NE(e.find("09:00-09:00"), std::string::npos) << e;
  EXPECT_NE(build_error(with_sessions({session(10, 0, 9, 0)})), "");
}

TEST(WorkCalendarValidation, RejectsOverlappingSessions) {
  const std::string e = build_error(with_sessions({session(7, 0, 12, 0), session(11, 30, 17, 0)}));
  EXPECT_NE(e.find("overlap"), std::string::npos) << e;
}

TEST(WorkCalendarValidation, RejectsUnsortedSessions) {
  EXPECT_NE(build_error(with_sessions({session(13, 30, 17, 0), session(7, 0, 11, 30)})), "");
}

TEST(WorkCalendarValidation, RejectsSessionsOutsideTheDay) {
  EXPECT_NE(build_error(with_sessions({Session{minutes{-10}, minutes{60}}})), "");
  EXPECT_NE(build_error(with_sessions({Session{minutes{1380}, minutes{1441}}})), "");
}

TEST(WorkCalendarValidation, AcceptsTouchingSessionsAndAWholeDay) {
  EXPECT_EQ(build_error(with_sessions({session(7, 0, 12, 0), session(12, 0, 17, 0)})), "");
  EXPECT_EQ(build_error(with_sessions({session(0, 0, 24, 0)})), "");
}

TEST(WorkCalendarValidation, RejectsASeasonWithoutSessions) {
  CalendarSpec spec = with_sessions({session(7, 0, 11, 0)});
  spec.seasons = {Season{std::chrono::October / 16, std::chrono::April / 15, {}}};
  const std::string e = build_error(spec);
  EXPECT_NE(e.find("10-16"), std::string::npos) << e;
}

TEST(WorkCalendarValidation, RejectsAnEntryOutsideTheRange) {
  CalendarSpec spec;
  spec.days_off = {DayOverride{ymd(2200, 1, 1), "x"}};
  EXPECT_THROW(WorkCalendar::build(spec), CalendarError);
  CalendarSpec spec2;
  spec2.schedules = {Schedule{"s", {1899}, {}}};
  EXPECT_THROW(WorkCalendar::build(spec2), CalendarError);
}

TEST(WorkCalendarRange, DatesOutsideTheRangeThrow) {
  const auto cal = official();
  EXPECT_THROW(cal->is_working_day(ymd(1899, 12, 31)), CalendarError);
  EXPECT_THROW(cal->is_working_day(ymd(2200, 1, 1)), CalendarError);
  EXPECT_THROW(cal->describe(ymd(2200, 1, 1)), CalendarError);
  EXPECT_THROW(cal->add_working_days(ymd(2200, 1, 1), WorkingDays{0}), CalendarError);
  EXPECT_THROW(cal->count_working_days(ymd(1899, 12, 31), ymd(1900, 1, 5)), CalendarError);
  EXPECT_THROW(cal->sessions_on(ymd(2200, 1, 1)), CalendarError);
  EXPECT_THROW(cal->entries_in_year(1899), CalendarError);
  EXPECT_THROW(cal->is_provisional(2200), CalendarError);
  EXPECT_NO_THROW(cal->is_working_day(ymd(1900, 1, 1)));
  EXPECT_NO_THROW(cal->is_working_day(ymd(2199, 12, 31)));
}

TEST(WorkCalendarRange, ResultsOutsideTheRangeThrow) {
  const auto cal = official();
  EXPECT_THROW(cal->add_working_days(ymd(2199, 12, 31), WorkingDays{1}), CalendarError);
  EXPECT_THROW(cal->add_working_days(ymd(1900, 1, 1), WorkingDays{-1}), CalendarError);
  EXPECT_THROW(
      cal->add_working_days(ymd(2000, 1, 1), WorkingDays{std::numeric_limits<std::int64_t>::max()}),
      CalendarError);
  EXPECT_THROW(
      cal->add_working_days(ymd(2000, 1, 1), WorkingDays{std::numeric_limits<std::int64_t>::min()}),
      CalendarError);
  EXPECT_THROW(cal->roll_to_office_time(at(ymd(2199, 12, 31), 18, 0)), CalendarError);
  EXPECT_THROW(cal->roll_to_office_time(at(ymd(2200, 1, 1), 8, 0)), CalendarError);
  EXPECT_THROW(cal->add_working_minutes(at(ymd(2199, 12, 30), 8, 0), WorkingMinutes{100000}),
               CalendarError);
  EXPECT_THROW(cal->add_working_minutes(at(ymd(2000, 1, 3), 8, 0),
                                        WorkingMinutes{std::numeric_limits<std::int64_t>::max()}),
               CalendarError);
  EXPECT_THROW(cal->working_minutes_between(at(ymd(1899, 12, 31), 8, 0), at(ymd(1900, 1, 2), 8, 0)),
               CalendarError);
}

TEST(WorkCalendarMemory, DefaultCalendarTablesStayUnderOneMebibyte) {
  const auto cal = WorkCalendar::build(CalendarSpec{});
  ::testing::Test::RecordProperty("memory_bytes", std::to_string(cal->memory_bytes()));
  std::cout << "memory_bytes(default calendar, 1900-2199) = " << cal->memory_bytes() << "\n";
  EXPECT_LT(cal->memory_bytes(), std::size_t{1} << 20);
  EXPECT_GT(cal->memory_bytes(), std::size_t{100000});  // the tables are really there
}

// ---------------------------------------------------------------------------------------------
// The O(1) paths against the day-by-day reference, on random cases.

struct Variant {
  const char* name;
  std::function<CalendarSpec()> make;
};

// Seasons (one wrapping the new year, one with three sessions), admin days off and working days
// scattered over the whole range, the official schedules with their make-up Saturdays.
CalendarSpec rich_spec() {
  CalendarSpec spec = official_spec();
  spec.seasons = {
      Season{std::chrono::October / 16,
             std::chrono::April / 15,
             {session(7, 30, 11, 30), session(13, 0, 16, 30)}},
      Season{std::chrono::June / 1,
             std::chrono::August / 31,
             {session(6, 30, 11, 0), session(14, 0, 17, 30), session(18, 0, 19, 15)}},
  };
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> day(
      Date{ymd(1900, 1, 1)}.time_since_epoch().count(),
      Date{ymd(2199, 12, 31)}.time_since_epoch().count());
  std::set<Date> used;
  while (spec.days_off.size() < 400) {
    const Date d{days{day(rng)}};
    if (used.insert(d).second) spec.days_off.push_back({d, "admin off"});
  }
  while (spec.working_days.size() < 300) {
    const Date d{days{day(rng)}};
    const auto wd = std::chrono::weekday{d};
    if ((wd == std::chrono::Saturday || wd == std::chrono::Sunday ||
         d.time_since_epoch().count() % 5 == 0) &&
        used.insert(d).second) {
      spec.working_days.push_back({d, "admin work"});
    }
  }
  // Admin entries near the ends of the range.
  spec.working_days.push_back({ymd(2199, 12, 31), "last"});  // a Tuesday, already working
  spec.days_off.push_back({ymd(1900, 1, 1), "first"});
  return spec;
}

// A Friday–Saturday week, no statutory rules, another offset, sessions touching midnight, a
// one-day season, make-up Fridays in a declared year.
CalendarSpec odd_spec() {
  CalendarSpec spec;
  spec.offset = UtcOffset{minutes{-210}};
  spec.rest_days = WeekdaySet{}.add(std::chrono::Friday).add(std::chrono::Saturday);
  spec.statutory_rules = false;
  spec.sessions = {session(0, 0, 6, 0), session(9, 0, 9, 1), session(22, 0, 24, 0)};
  spec.seasons = {
      Season{std::chrono::December / 31, std::chrono::January / 1, {session(8, 0, 17, 0)}}};
  Schedule s{"odd", {1950, 2100}, {}};
  for (Date d = ymd(2100, 1, 1); d <= ymd(2100, 12, 31); d += days{1}) {
    const auto wd = std::chrono::weekday{d};
    if (wd == std::chrono::Friday) s.entries.push_back({d, DayKind::makeup_workday, "f", "s"});
    if (wd == std::chrono::Tuesday) s.entries.push_back({d, DayKind::swap, "t", "s"});
  }
  s.entries.push_back({ymd(1950, 6, 6), DayKind::holiday, "h", "s"});
  spec.schedules = {s};
  return spec;
}

void PrintTo(const Variant& v, std::ostream* os) {
  *os << v.name;
}

class AgainstNaive : public ::testing::TestWithParam<Variant> {
 protected:
  // Built once per variant and shared by its tests.
  struct Built {
    CalendarSpec spec;
    std::shared_ptr<const WorkCalendar> fast;
    std::shared_ptr<const NaiveCalendar> naive;
  };
  void SetUp() override {
    static std::map<std::string, Built> cache;
    auto it = cache.find(GetParam().name);
    if (it == cache.end()) {
      Built b;
      b.spec = GetParam().make();
      b.fast = WorkCalendar::build(b.spec);
      b.naive = std::make_shared<const NaiveCalendar>(b.spec);
      it = cache.emplace(GetParam().name, std::move(b)).first;
    }
    spec_ = it->second.spec;
    fast_ = it->second.fast;
    naive_ = it->second.naive;
  }

  // A random date: mostly anywhere in the range, sometimes within 200 days of either end (so
  // that results fall outside the range and both must throw).
  Date random_date(std::mt19937_64& rng) {
    const std::int64_t first = Date{ymd(1900, 1, 1)}.time_since_epoch().count();
    const std::int64_t last = Date{ymd(2199, 12, 31)}.time_since_epoch().count();
    const int mode = static_cast<int>(rng() % 20);
    std::int64_t n = 0;
    if (mode == 0) {
      n = first + static_cast<std::int64_t>(rng() % 200);
    } else if (mode == 1) {
      n = last - static_cast<std::int64_t>(rng() % 200);
    } else if (mode == 2) {
      n = Date{ymd(2019, 1, 1)}.time_since_epoch().count() +
          static_cast<std::int64_t>(rng() % 3000);
    } else {
      n = first + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(last - first + 1));
    }
    return Date{days{n}};
  }
  Instant random_instant(std::mt19937_64& rng) {
    return Instant{std::chrono::duration_cast<seconds>(random_date(rng).time_since_epoch()) +
                   seconds{static_cast<std::int64_t>(rng() % 86400)}};
  }

  CalendarSpec spec_;
  std::shared_ptr<const WorkCalendar> fast_;
  std::shared_ptr<const NaiveCalendar> naive_;
};

constexpr int kMaxReported = 5;

TEST_P(AgainstNaive, WorkingDayFlagOfEveryDate) {
  int bad = 0;
  for (Date d = ymd(1900, 1, 1); d <= ymd(2199, 12, 31); d += days{1}) {
    if (fast_->is_working_day(d) != naive_->working(d) && ++bad <= kMaxReported) {
      ADD_FAILURE() << format_date(d) << " fast=" << fast_->is_working_day(d);
    }
  }
  EXPECT_EQ(bad, 0);
}

TEST_P(AgainstNaive, AddWorkingDays) {
  std::mt19937_64 rng(1);
  int bad = 0;
  for (int i = 0; i < 250000; ++i) {
    const Date d = random_date(rng);
    const std::int64_t n = static_cast<std::int64_t>(rng() % 161) - 80;
    const auto want = or_error([&] { return naive_->add_working_days(d, n); });
    const auto got = or_error([&] { return fast_->add_working_days(d, WorkingDays{n}); });
    if (want != got && ++bad <= kMaxReported) {
      ADD_FAILURE() << format_date(d) << " + " << n << ": want " << text(want) << " got "
                    << text(got);
    }
  }
  EXPECT_EQ(bad, 0);
}

TEST_P(AgainstNaive, CountAndNextWorkingDay) {
  std::mt19937_64 rng(2);
  int bad = 0;
  for (int i = 0; i < 150000; ++i) {
    const Date from = random_date(rng);
    const Date to = from + days{static_cast<std::int64_t>(rng() % 131) - 10};
    std::optional<std::int64_t> want;
    std::optional<std::int64_t> got;
    if (naive_->in_range(to)) {
      want = to < from ? 0 : naive_->count(from, to);
    }
    got = or_error([&] { return fast_->count_working_days(from, to).count; });
    const auto want_next = or_error([&] { return naive_->next_on_or_after(from); });
    const auto got_next = or_error([&] { return fast_->next_working_day_on_or_after(from); });
    if ((want != got || want_next != got_next) && ++bad <= kMaxReported) {
      ADD_FAILURE() << format_date(from) << ".." << format_date(to) << ": count want " << text(want)
                    << " got " << text(got) << "; next want " << text(want_next) << " got "
                    << text(got_next);
    }
  }
  EXPECT_EQ(bad, 0);
}

TEST_P(AgainstNaive, RollToOfficeTime) {
  std::mt19937_64 rng(3);
  int bad = 0;
  for (int i = 0; i < 150000; ++i) {
    Instant t = random_instant(rng);
    if (i % 4 == 0) {  // exactly at a session boundary of that day
      const auto s = naive_->sessions(local_date(t, spec_.offset));
      const Session& ses = s[rng() % s.size()];
      t = to_instant(local_date(t, spec_.offset), rng() % 2 ? ses.start : ses.end, spec_.offset);
    }
    const auto want = or_error([&] { return naive_->roll(t); });
    const auto got = or_error([&] { return fast_->roll_to_office_time(t); });
    if (want != got && ++bad <= kMaxReported) {
      ADD_FAILURE() << t.time_since_epoch().count() << ": want " << text(want) << " got "
                    << text(got);
    }
  }
  EXPECT_EQ(bad, 0);
}

TEST_P(AgainstNaive, AddWorkingMinutes) {
  std::mt19937_64 rng(4);
  int bad = 0;
  for (int i = 0; i < 150000; ++i) {
    Instant t = random_instant(rng);
    if (i % 4 == 0) {
      const auto s = naive_->sessions(local_date(t, spec_.offset));
      const Session& ses = s[rng() % s.size()];
      t = to_instant(local_date(t, spec_.offset), rng() % 2 ? ses.start : ses.end, spec_.offset);
    }
    const std::int64_t m = i % 3 == 0 ? static_cast<std::int64_t>(rng() % 600)
                                      : static_cast<std::int64_t>(rng() % 6000);
    const auto want = or_error([&] { return naive_->add_minutes(t, m); });
    const auto got = or_error([&] { return fast_->add_working_minutes(t, WorkingMinutes{m}); });
    if (want != got && ++bad <= kMaxReported) {
      ADD_FAILURE() << t.time_since_epoch().count() << " + " << m << " min: want " << text(want)
                    << " got " << text(got);
    }
  }
  EXPECT_EQ(bad, 0);
}

TEST_P(AgainstNaive, WorkingMinutesBetween) {
  std::mt19937_64 rng(5);
  int bad = 0;
  for (int i = 0; i < 150000; ++i) {
    const Instant a = random_instant(rng);
    const Instant b = a + seconds{static_cast<std::int64_t>(rng() % (20 * 86400)) - 10 * 86400};
    const auto want = or_error([&] { return naive_->minutes_between(a, b); });
    const auto got = or_error([&] { return fast_->working_minutes_between(a, b).count; });
    if (want != got && ++bad <= kMaxReported) {
      ADD_FAILURE() << a.time_since_epoch().count() << " .. " << b.time_since_epoch().count()
                    << ": want " << text(want) << " got " << text(got);
    }
  }
  EXPECT_EQ(bad, 0);
}

INSTANTIATE_TEST_SUITE_P(Calendars, AgainstNaive,
                         ::testing::Values(Variant{"official", official_spec},
                                           Variant{"rich", rich_spec}, Variant{"odd", odd_spec}),
                         [](const ::testing::TestParamInfo<Variant>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace dunghan::calendar
