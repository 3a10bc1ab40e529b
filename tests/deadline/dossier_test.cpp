// The dossier model: enum names, closing instants, the procedure catalogue, option names.

#include <gtest/gtest.h>

#include "deadline/dossier.h"
#include "deadline/fixtures.h"
#include "deadline/options.h"

namespace dunghan::deadline {
namespace {

using testing::local;

TEST(DossierNames, ChannelRoundTrips) {
  for (Channel c : {Channel::online, Channel::direct, Channel::post}) {
    EXPECT_EQ(parse_channel(to_string(c)), c);
  }
  EXPECT_EQ(to_string(Channel::post), "post");
}

TEST(DossierNames, StatusRoundTrips) {
  for (Status s : {Status::processing, Status::waiting_supplement, Status::paused, Status::resolved,
                   Status::returned, Status::withdrawn}) {
    EXPECT_EQ(parse_status(to_string(s)), s);
  }
  EXPECT_EQ(to_string(Status::waiting_supplement), "waiting_supplement");
}

TEST(DossierNames, EventKindRoundTrips) {
  for (EventKind k : {EventKind::supplement_requested, EventKind::supplement_received,
                      EventKind::paused, EventKind::resumed, EventKind::extended}) {
    EXPECT_EQ(parse_event_kind(to_string(k)), k);
  }
  EXPECT_EQ(to_string(EventKind::supplement_requested), "supplement_requested");
}

TEST(DossierNames, ParseIgnoresCaseAndBlanks) {
  EXPECT_EQ(parse_channel("  Online\t"), Channel::online);
  EXPECT_EQ(parse_status("RESOLVED"), Status::resolved);
}

TEST(DossierNames, ParseRejectsUnknownNames) {
  EXPECT_FALSE(parse_channel("email").has_value());
  EXPECT_FALSE(parse_channel("").has_value());
  EXPECT_FALSE(parse_status("done").has_value());
  EXPECT_FALSE(parse_event_kind("extend").has_value());
}

TEST(DossierClosedAt, OpenDossierHasNone) {
  Dossier d = testing::dossier("A", local(2026, 3, 2, 9, 0));
  d.resolved_at = local(2026, 3, 3, 9, 0);  // stale value on an open row: ignored
  EXPECT_FALSE(closed_at(d).has_value());
}

TEST(DossierClosedAt, UsesResolvedAtThenUpdatedAtAndNeverPrecedesReceipt) {
  Dossier d = testing::dossier("A", local(2026, 3, 2, 9, 0));
  testing::close(d, Status::returned, local(2026, 3, 3, 9, 0));
  EXPECT_EQ(closed_at(d), local(2026, 3, 3, 9, 0));
  d.resolved_at.reset();
  d.updated_at = local(2026, 3, 4, 9, 0);
  EXPECT_EQ(closed_at(d), local(2026, 3, 4, 9, 0));
  d.resolved_at = local(2026, 3, 1, 9, 0);
  EXPECT_EQ(closed_at(d), local(2026, 3, 2, 9, 0));
}

TEST(ProcedureCatalogueTest, FindsAndReplacesByCode) {
  ProcedureCatalogue c;
  EXPECT_EQ(c.find("P1"), nullptr);
  c.add(Procedure{"P1", "Khai sinh", "Hộ tịch", testing::working_days(3), std::nullopt});
  c.add(Procedure{"P0", "Kết hôn", "Hộ tịch", testing::working_days(5), std::nullopt});
  c.add(Procedure{"P1", "Khai sinh", "Hộ tịch", testing::working_days(1), std::nullopt});
  ASSERT_NE(c.find("P1"), nullptr);
  EXPECT_EQ(c.find("P1")->duration.amount, 1);
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(c.entries().front().code, "P0");
}

TEST(DeadlineOptionsTest, DefaultsAreTheSpecDefaults) {
  const DeadlineOptions o;
  EXPECT_EQ(o.working_days_as, WorkingDaysAs::days);
  EXPECT_EQ(o.supplement, SupplementMode::restart);
  EXPECT_EQ(o.compare, CompareMode::date);
  EXPECT_EQ(o.judge_against, JudgeAgainst::current);
  EXPECT_EQ(o.due_soon, testing::working_days(2));
  EXPECT_EQ(o.supplement_request_within, testing::working_days(3));
}

TEST(DeadlineOptionsTest, NamesRoundTrip) {
  EXPECT_EQ(parse_working_days_as("hours"), WorkingDaysAs::hours);
  EXPECT_EQ(parse_supplement_mode("pause"), SupplementMode::pause);
  EXPECT_EQ(parse_compare_mode("instant"), CompareMode::instant);
  EXPECT_EQ(parse_judge_against("original"), JudgeAgainst::original);
  EXPECT_EQ(to_string(SupplementMode::restart), "restart");
  EXPECT_FALSE(parse_compare_mode("Date").has_value());
}

}  // namespace
}  // namespace dunghan::deadline
