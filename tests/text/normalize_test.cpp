// text/normalize: Vietnamese typed decomposed ("Unicode tổ hợp") becomes the precomposed form.
#include "text/normalize.h"

#include <gtest/gtest.h>

namespace dunghan::text {
namespace {

// "Đầu tư" decomposed: Đ is its own letter (U+0110, no decomposition); "ầ" = a + U+0302 + U+0300;
// "ư" = u + U+031B.
const std::string kDauTuNfd =
    "\xC4\x90"
    "a\xCC\x82\xCC\x80u tu\xCC\x9B";
const std::string kDauTuNfc = "Đầu tư";

TEST(ToNfc, ComposesDecomposedVietnamese) {
  ASSERT_NE(kDauTuNfd, kDauTuNfc);
  EXPECT_EQ(to_nfc(kDauTuNfd), kDauTuNfc);
  // "Phòng Quản lý" with ò = o + U+0300, ả = a + U+0309, ý = y + U+0301.
  EXPECT_EQ(to_nfc("Pho\xCC\x80ng Qua\xCC\x89n ly\xCC\x81"), "Phòng Quản lý");
}

TEST(ToNfc, OrdersMarksCanonically) {
  // "ộ" with the marks in either order: dot below (ccc 220) sorts before circumflex (ccc 230).
  EXPECT_EQ(to_nfc("o\xCC\x82\xCC\xA3"), "ộ");
  EXPECT_EQ(to_nfc("o\xCC\xA3\xCC\x82"), "ộ");
}

TEST(ToNfc, LeavesAsciiAndPrecomposedTextAlone) {
  EXPECT_EQ(to_nfc(""), "");
  EXPECT_EQ(to_nfc("HS-2026/0001"), "HS-2026/0001");
  EXPECT_EQ(to_nfc(kDauTuNfc), kDauTuNfc);
  EXPECT_EQ(to_nfc("Tổng cộng: 漢字 — ok"), "Tổng cộng: 漢字 — ok");
}

TEST(ToNfc, LeavesInvalidUtf8Unchanged) {
  const std::string bad = "a\xCC\x82\xFF";  // a + combining circumflex, then a stray byte
  EXPECT_EQ(to_nfc(bad), bad);
  EXPECT_FALSE(is_nfc(bad));
}

TEST(IsNfc, TellsTheTwoFormsApart) {
  EXPECT_TRUE(is_nfc("abc"));
  EXPECT_TRUE(is_nfc(kDauTuNfc));
  EXPECT_FALSE(is_nfc(kDauTuNfd));
  EXPECT_TRUE(is_nfc(to_nfc(kDauTuNfd)));
}

}  // namespace
}  // namespace dunghan::text
