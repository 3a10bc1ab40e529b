// Stage 3, group: one envelope per single row, one per digest key.
#include <gtest/gtest.h>

#include "alerting/group.h"

namespace dunghan::alerting {
namespace {

Candidate row(std::string key, std::string digest = {}) {
  Candidate c;
  c.row.key = std::move(key);
  c.row.digest_key = std::move(digest);
  return c;
}

TEST(Group, SinglesComeFirstInClaimOrderThenOneEnvelopePerDigest) {
  std::vector<Candidate> cs = {row("a1", "D2"), row("s1"), row("a2", "D1"), row("a3", "D2"),
                               row("s2")};
  std::vector<Candidate*> ptrs;
  for (Candidate& c : cs) ptrs.push_back(&c);
  const std::vector<Envelope> out = group(ptrs);
  ASSERT_EQ(out.size(), 4U);
  EXPECT_EQ(out[0].key, "s1");
  EXPECT_EQ(out[1].key, "s2");
  EXPECT_EQ(out[2].key, "D2");
  ASSERT_EQ(out[2].rows.size(), 2U);
  EXPECT_EQ(out[2].rows[0]->row.key, "a1");
  EXPECT_EQ(out[2].rows[1]->row.key, "a3");
  EXPECT_EQ(out[3].key, "D1");
  EXPECT_EQ(out[3].rows.size(), 1U);
}

TEST(Group, TheStageLeavesDecidedRowsOut) {
  Batch b;
  b.candidates = {row("s1"), row("s2"), row("a1", "D1")};
  b.candidates[1].verdict = Verdict{};
  GroupStage().run(b, nullptr);
  ASSERT_EQ(b.envelopes.size(), 2U);
  EXPECT_EQ(b.envelopes[0].key, "s1");
  EXPECT_EQ(b.envelopes[1].key, "D1");
}

}  // namespace
}  // namespace dunghan::alerting
