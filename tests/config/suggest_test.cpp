#include <gtest/gtest.h>

#include "config/suggest.h"

namespace dunghan::config {
namespace {

TEST(Suggest, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("sesions", "sessions"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Suggest, ClosestTypo) {
  const std::vector<std::string> keys = {"utc_offset", "rest_days", "sessions", "schedules"};
  EXPECT_EQ(closest("sesions", keys), "sessions");
  EXPECT_EQ(closest("rest_day", keys), "rest_days");
  EXPECT_EQ(closest("SCHEDULES", keys), "schedules");
  EXPECT_EQ(closest("completely_different", keys), std::nullopt);
}

}  // namespace
}  // namespace dunghan::config
