// The calendar audit: the issued appointment against the computed due date.

#include <gtest/gtest.h>

#include "deadline/clock.h"
#include "deadline/fixtures.h"

namespace dunghan::deadline {
namespace {

using testing::cal;
using testing::local;
using testing::ymd;

constexpr DeadlineOptions kDefaults{};

TEST(Audit, NoFindingWhenTheDatesAgree) {
  Dossier d = testing::dossier("A", local(2026, 3, 2, 9, 0));
  d.due_at = local(2026, 3, 16, 11, 0);  // same date, another time: not a finding
  EXPECT_FALSE(audit(d, cal(), kDefaults, nullptr).has_value());
}

TEST(Audit, NoFindingWithoutAnIssuedDue) {
  EXPECT_FALSE(
      audit(testing::dossier("A", local(2026, 3, 2, 9, 0)), cal(), kDefaults, nullptr).has_value());
}

TEST(Audit, NoFindingWithoutADuration) {
  Dossier d = testing::dossier("A", local(2026, 3, 2, 9, 0), std::nullopt);
  d.due_at = local(2026, 3, 20, 17, 0);
  EXPECT_FALSE(audit(d, cal(), kDefaults, nullptr).has_value());
}

TEST(Audit, MakeUpSaturdayNotCountedByTheIssuer) {
  // Received Wed 07/01, 3 working days: 08/01, 09/01, Sat 10/01 (làm bù) → computed 10/01.
  // The slip says Mon 12/01: one working day later.
  Dossier d = testing::dossier("A", local(2026, 1, 7, 10, 0), testing::working_days(3));
  d.due_at = local(2026, 1, 12, 17, 0);
  const auto f = audit(d, cal(), kDefaults, nullptr);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->code, "A");
  EXPECT_EQ(f->issued_date, ymd(2026, 1, 12));
  EXPECT_EQ(f->computed_date, ymd(2026, 1, 10));
  EXPECT_EQ(f->working_days_difference, 1);
  EXPECT_NE(f->reason.find("make-up"), std::string::npos) << f->reason;
  EXPECT_NE(f->reason.find("10/01/2026"), std::string::npos) << f->reason;
}

TEST(Audit, IssuedDateOnATetHoliday) {
  // Received Tue 10/02 09:00, 3 working days: 11, 12, 13/02 → computed Fri 13/02.
  // The slip says Mon 16/02 (Tết): no working day lies in (13/02, 16/02].
  Dossier d = testing::dossier("A", local(2026, 2, 10, 9, 0), testing::working_days(3));
  d.due_at = local(2026, 2, 16, 17, 0);
  const auto f = audit(d, cal(), kDefaults, nullptr);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->working_days_difference, 0);
  EXPECT_NE(f->reason.find("day off"), std::string::npos) << f->reason;
  EXPECT_NE(f->reason.find("Tết Nguyên đán"), std::string::npos) << f->reason;
}

TEST(Audit, IssuerCountedHolidaysAsWorkingDays) {
  // Received Thu 12/02 09:00, 3 working days: 13/02, 23/02, 24/02 → computed Tue 24/02.
  // Counting the Tết days gives 13, 16, 17/02 → the slip says 17/02: 2 working days earlier
  // (23 and 24/02 lie in (17/02, 24/02]).
  Dossier d = testing::dossier("A", local(2026, 2, 12, 9, 0), testing::working_days(3));
  d.due_at = local(2026, 2, 17, 17, 0);
  const auto f = audit(d, cal(), kDefaults, nullptr);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->computed_date, ymd(2026, 2, 24));
  EXPECT_EQ(f->working_days_difference, -2);
  EXPECT_NE(f->reason.find("counted as working"), std::string::npos) << f->reason;
  EXPECT_NE(f->reason.find("16/02/2026"), std::string::npos) << f->reason;
}

TEST(Audit, IssuedDateOnAWeekend) {
  // Computed Mon 16/03 (reference dossier); the slip says Sun 15/03.
  Dossier d = testing::dossier("A", local(2026, 3, 2, 9, 0));
  d.due_at = local(2026, 3, 15, 17, 0);
  const auto f = audit(d, cal(), kDefaults, nullptr);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->working_days_difference, -1);
  EXPECT_NE(f->reason.find("weekly rest day"), std::string::npos) << f->reason;
}

}  // namespace
}  // namespace dunghan::deadline
