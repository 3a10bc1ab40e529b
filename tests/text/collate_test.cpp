// text/collate: Vietnamese dictionary order, not byte order and not ICU's root order.
#include "text/collate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace dunghan::text {
namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end(), VietnameseLess{});
  return v;
}

TEST(CompareVietnamese, DBeforeDStrokeBeforeL) {
  // Byte order: "Doanh" < "Lao" < "Đầu" (U+0110). ICU root: "Đầu" < "Doanh" (Đ as an accented D).
  EXPECT_EQ(sorted({"Lao động", "Đầu tư", "Doanh nghiệp"}),
            (std::vector<std::string>{"Doanh nghiệp", "Đầu tư", "Lao động"}));
  EXPECT_EQ(sorted({"Đất đai", "Doanh nghiệp", "Dân số"}),
            (std::vector<std::string>{"Dân số", "Doanh nghiệp", "Đất đai"}));
}

TEST(CompareVietnamese, BreveAndCircumflexVowelsAreLettersOfTheirOwn) {
  // a < ă < â at the first level: "Az" before "Ăn" before "Âm" (root would say Âm, An, Ăn, Az).
  EXPECT_EQ(sorted({"Âm nhạc", "Ăn uống", "Az", "An"}),
            (std::vector<std::string>{"An", "Az", "Ăn uống", "Âm nhạc"}));
  EXPECT_EQ(sorted({"Ư", "U", "Ơ", "Ô", "O"}), (std::vector<std::string>{"O", "Ô", "Ơ", "U", "Ư"}));
}

TEST(CompareVietnamese, TonesComeAfterTheLetters) {
  // "Tài chính" and "Tư pháp": a < ư decides before any tone; "Ta" before "Tài".
  EXPECT_EQ(sorted({"Tư pháp", "Tài chính", "Ta"}),
            (std::vector<std::string>{"Ta", "Tài chính", "Tư pháp"}));
}

TEST(CompareVietnamese, IsATotalOrderOverBytes) {
  const std::string nfc = "Đầu tư";
  const std::string nfd =
      "\xC4\x90"
      "a\xCC\x82\xCC\x80u tu\xCC\x9B";
  EXPECT_EQ(compare_vietnamese(nfc, nfc), 0);
  // Canonically equivalent, different bytes: not 0, and antisymmetric.
  EXPECT_NE(compare_vietnamese(nfc, nfd), 0);
  EXPECT_EQ(compare_vietnamese(nfc, nfd), -compare_vietnamese(nfd, nfc));
  EXPECT_LT(compare_vietnamese("", "A"), 0);
}

TEST(CompareVietnamese, BytesThatAreNotUtf8DoNotBreakTheOrder) {
  const std::vector<std::string> v = sorted({"Lao \xF0\xF4ng", "Đầu tư", "\xA7\xCA", "Doanh"});
  ASSERT_EQ(v.size(), 4u);
  EXPECT_LT(std::find(v.begin(), v.end(), "Doanh"), std::find(v.begin(), v.end(), "Đầu tư"));
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end(), VietnameseLess{}));
}

}  // namespace
}  // namespace dunghan::text
