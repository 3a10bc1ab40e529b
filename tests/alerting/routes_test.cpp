// Routing that cannot fail silently: who each rule reaches for a dossier, and the problems.
#include <gtest/gtest.h>

#include "alerting/message_view.h"
#include "alerting/rules.h"
#include "fixtures.h"

namespace dunghan::alerting {
namespace {

using testing::local;
using testing::make_dossier;
using testing::make_rule;
using testing::office_people;
using testing::person;

TEST(Routes, AHandlerWhoIsTheHeadIsNoMissingHead) {
  // The head of "Phòng Một cửa" handles the dossier: "handler" adds them, "department_head" finds
  // them again. That is no problem (it used to be reported as "no recipient with role head").
  const Directory dir(office_people());
  const deadline::Dossier d = make_dossier("HS-1", local(2025, 2, 17, 9), testing::wd(5), "tp1");
  const Rule rule = make_rule("den-han", Stage::due_today, {"handler", "department_head"});
  std::vector<std::string> problems;
  const auto to = dir.resolve(rule, d, &problems);
  ASSERT_EQ(to.size(), 1u);
  EXPECT_EQ(to[0]->id, "tp1");
  EXPECT_TRUE(problems.empty()) << problems.front();
  // Same for a role target that finds only somebody already added.
  const Directory leaders({person("ld1", "Lãnh đạo", {"leader", "handler"})});
  const deadline::Dossier d2 = make_dossier("HS-2", local(2025, 2, 17, 9), testing::wd(5), "ld1");
  problems.clear();
  leaders.resolve(make_rule("r", Stage::overdue, {"handler", "role:leader"}), d2, &problems);
  EXPECT_TRUE(problems.empty()) << problems.front();
}

TEST(Routes, ADepartmentSpelledOtherwiseIsReportedForTheRulesThatNeedItsHead) {
  const Directory dir(office_people());
  const deadline::Dossier d =
      make_dossier("HS-3", local(2025, 2, 17, 9), testing::wd(5), "cv1", "Phòng QLĐT");
  const std::vector<Rule> rules = {make_rule("nhac", Stage::before_due, {"handler"}),
                                   make_rule("qua-han", Stage::overdue, {"department_head"})};
  const auto checks = check_routes(d, false, rules, dir);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_TRUE(checks[0].problems.empty());
  ASSERT_EQ(checks[0].recipients.size(), 1u);
  ASSERT_EQ(checks[1].problems.size(), 1u);
  EXPECT_NE(checks[1].problems[0].find("Phòng QLĐT"), std::string::npos) << checks[1].problems[0];
  EXPECT_TRUE(checks[1].recipients.empty());
}

TEST(Routes, RecipientRoleAndTheHandlerAMessageNames) {
  const Directory dir(office_people());
  const deadline::Dossier d = make_dossier("HS-4", local(2025, 2, 17, 9));
  EXPECT_EQ(recipient_role(*dir.find("cv1"), d), "handler");
  EXPECT_EQ(recipient_role(*dir.find("tp1"), d), "head");
  EXPECT_EQ(recipient_role(*dir.find("ld1"), d), "leader");
  render::AlertView v;
  describe_people(v, dir, d, *dir.find("tp1"));
  EXPECT_EQ(v.handler_name, "Người cv1");
  EXPECT_EQ(v.handler_department, "Phòng Một cửa");
  EXPECT_EQ(v.recipient_role, "head");
  // A handler who is no recipient: named by id, with the dossier's department.
  const deadline::Dossier x =
      make_dossier("HS-5", local(2025, 2, 17, 9), testing::wd(5), "nobody", "Phòng X");
  describe_people(v, dir, x, *dir.find("ld1"));
  EXPECT_EQ(v.handler_name, "nobody");
  EXPECT_EQ(v.handler_department, "Phòng X");
}

}  // namespace
}  // namespace dunghan::alerting
