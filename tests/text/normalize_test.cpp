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

// ---- fold_for_matching
// ---------------------------------------------------------------------------

TEST(FoldForMatching, IgnoresCaseAccentsFormAndSpacing) {
  EXPECT_EQ(fold_for_matching("Ngày tiếp nhận"), "ngay tiep nhan");
  EXPECT_EQ(fold_for_matching("  NGÀY  TIẾP\tNHẬN "), "ngay tiep nhan");
  EXPECT_EQ(fold_for_matching("ngay tiep nhan"), "ngay tiep nhan");
  EXPECT_EQ(fold_for_matching(kDauTuNfd), "dau tu");
  EXPECT_EQ(fold_for_matching(kDauTuNfc), "dau tu");
  EXPECT_EQ(fold_for_matching("Mã TTHC"), "ma tthc");
  EXPECT_EQ(fold_for_matching("ĐÃ TRẢ KẾT QUẢ"), "da tra ket qua");
  EXPECT_EQ(fold_for_matching("Tổ chức,\u00A0cá nhân"), "to chuc, ca nhan");  // NBSP
}

TEST(FoldForMatching, KeepsWhatIsNotADiacritic) {
  EXPECT_EQ(fold_for_matching(""), "");
  EXPECT_EQ(fold_for_matching("received_at"), "received_at");
  EXPECT_EQ(fold_for_matching("Cột (1)/2"), "cot (1)/2");
  const std::string bad = "Ng\xE0y";  // Windows-1258 "Ngày": not UTF-8, unchanged
  EXPECT_EQ(fold_for_matching(bad), bad);
}

}  // namespace
}  // namespace dunghan::text
