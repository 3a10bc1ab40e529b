// alert_key and the state names.
#include <gtest/gtest.h>

#include <set>

#include "alerting/ledger.h"

namespace dunghan::alerting {
namespace {

AlertId base_id() {
  return AlertId{"000.00.16.H12-250224-0001", "nhac-truoc-han", 2, 0, "nguyenvana", "email"};
}

TEST(AlertKey, MatchesTheDocumentedEncoding) {
  // Expected values computed outside this code base, with Python's hashlib:
  //   "a" + sha256(b"dunghan-alert-v1;" + netstrings(fields)).hexdigest()[:32]
  EXPECT_EQ(alert_key(base_id()), "ac954c95fb0d99b0ec5559a2a32f6de94");
  EXPECT_EQ(alert_key(AlertId{"HS-Đ", "quá-hạn", 0, 3, "trần", "zalo"}),
            "a5e8db1908d540fb3b5d5355ec2b5e883");
}

TEST(AlertKey, IsStableForEqualIds) {
  const AlertId a = base_id();
  const AlertId b = base_id();
  EXPECT_EQ(alert_key(a), alert_key(b));
  EXPECT_EQ(alert_key(a), alert_key(a));
}

TEST(AlertKey, IsThirtyThreeLowercaseAlphanumericsStartingWithA) {
  for (const AlertId& id : {base_id(), AlertId{}, AlertId{"x", "", -1, 99, "", "z"}}) {
    const std::string key = alert_key(id);
    ASSERT_EQ(key.size(), 33U) << key;
    EXPECT_EQ(key[0], 'a');
    for (char c : key) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << key;
    }
  }
}

TEST(AlertKey, ChangesWithEveryField) {
  std::vector<AlertId> ids(7, base_id());
  ids[1].code += "2";
  ids[2].rule = "han-hom-nay";
  ids[3].due_version = 3;
  ids[4].repeat = 1;
  ids[5].recipient = "tranthib";
  ids[6].channel = "zalo";
  std::set<std::string> keys;
  for (const AlertId& id : ids) keys.insert(alert_key(id));
  EXPECT_EQ(keys.size(), ids.size());
}

TEST(AlertKey, FieldsContainingSeparatorsDoNotCollide) {
  const auto key = [](std::string code, std::string rule) {
    AlertId id = base_id();
    id.code = std::move(code);
    id.rule = std::move(rule);
    return alert_key(id);
  };
  EXPECT_NE(key("a|b", "c"), key("a", "b|c"));
  EXPECT_NE(key("ab", ""), key("a", "b"));
  EXPECT_NE(key("1:a,", "b"), key("1", "a,1:b"));
  EXPECT_NE(key("a;b", "c"), key("a", "b;c"));
  EXPECT_NE(key(std::string("a\0b", 3), "c"), key("a", std::string("b\0c", 3)));
}

TEST(AlertKey, NumbersAndTextInAdjacentFieldsDoNotCollide) {
  AlertId a = base_id();
  AlertId b = base_id();
  a.due_version = 12;
  a.repeat = 3;
  b.due_version = 1;
  b.repeat = 23;
  EXPECT_NE(alert_key(a), alert_key(b));
}

TEST(AlertKey, ManyDistinctIdsGiveDistinctKeys) {
  std::set<std::string> keys;
  int n = 0;
  for (int code = 0; code < 50; ++code) {
    for (int repeat = 0; repeat < 20; ++repeat) {
      for (const char* channel : {"email", "zalo", "audit"}) {
        keys.insert(
            alert_key(AlertId{"HS" + std::to_string(code), "qua-han", 0, repeat, "head", channel}));
        ++n;
      }
    }
  }
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(n));
}

TEST(AlertState, NamesRoundTrip) {
  const AlertState all[] = {AlertState::pending, AlertState::sending,    AlertState::sent,
                            AlertState::retry,   AlertState::dead,       AlertState::cancelled,
                            AlertState::skipped, AlertState::unreachable};
  std::set<std::string_view> names;
  for (AlertState s : all) {
    names.insert(to_string(s));
    EXPECT_EQ(parse_alert_state(to_string(s)), s);
  }
  EXPECT_EQ(names.size(), std::size(all));
  EXPECT_EQ(to_string(AlertState::unreachable), "unreachable");
}

TEST(AlertState, UnknownNameIsRejected) {
  EXPECT_FALSE(parse_alert_state("Pending"));
  EXPECT_FALSE(parse_alert_state(""));
  EXPECT_FALSE(parse_alert_state("failed"));
}

}  // namespace
}  // namespace dunghan::alerting
