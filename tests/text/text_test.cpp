// text/: terminal widths of Vietnamese in NFC and NFD, wide characters, bad bytes; HTML escaping.
#include <gtest/gtest.h>

#include "text/html.h"
#include "text/utf8.h"
#include "text/width.h"

namespace dunghan::text {
namespace {

TEST(DisplayWidth, AsciiIsOneColumnPerByte) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("HS-2026/001"), 11u);
}

TEST(DisplayWidth, PrecomposedVietnameseIsOneColumnPerLetter) {
  EXPECT_EQ(display_width("Đất đai"), 7u);
  EXPECT_EQ(display_width("Tổng cộng"), 9u);
  EXPECT_EQ(display_width("Phòng Quản lý lao động"), 22u);
  EXPECT_EQ(display_width("—"), 1u);
}

TEST(DisplayWidth, DecomposedVietnameseTakesTheSameColumnsAsPrecomposed) {
  // "Tổng" in NFD: T, o, U+0302 (circumflex), U+0309 (hook above), n, g.
  EXPECT_EQ(display_width("To\xCC\x82\xCC\x89ng"), 4u);
  // "cộng": o + U+0323 (dot below) + U+0302.
  EXPECT_EQ(display_width("co\xCC\xA3\xCC\x82ng"), 4u);
  EXPECT_EQ(display_width("To\xCC\x82\xCC\x89ng co\xCC\xA3\xCC\x82ng"), display_width("Tổng cộng"));
}

TEST(DisplayWidth, EastAsianWideCharactersTakeTwoColumns) {
  EXPECT_EQ(display_width("漢字"), 4u);
  EXPECT_EQ(display_width("한국"), 4u);
  EXPECT_EQ(display_width("ＡＢ"), 4u);  // full-width forms
  EXPECT_EQ(display_width("a漢b"), 4u);
  EXPECT_EQ(display_width("\xF0\xA0\x80\x80"), 2u);  // U+20000, CJK Extension B
}

TEST(DisplayWidth, InvalidBytesCountOneEachAndNeverHideText) {
  EXPECT_EQ(display_width("\xFF"), 1u);
  EXPECT_EQ(display_width("a\x80"
                          "b"),
            3u);                                 // stray continuation byte
  EXPECT_EQ(display_width("\xC4"), 1u);          // truncated sequence at the end
  EXPECT_EQ(display_width("\xC0\xAF"), 2u);      // overlong "/"
  EXPECT_EQ(display_width("\xED\xA0\x80"), 3u);  // a UTF-16 surrogate
  EXPECT_EQ(display_width("\xE1\xBB"), 2u);      // truncated 3-byte sequence
  EXPECT_EQ(display_width("\xE1\xBB"
                          "x"),
            3u);  // cut short by an ASCII byte
}

TEST(Pad, PadsToColumnsNotBytes) {
  EXPECT_EQ(pad("Đơn vị", 8), "Đơn vị  ");
  EXPECT_EQ(pad("Đơn vị", 8, Align::right), "  Đơn vị");
  EXPECT_EQ(pad("漢", 4), "漢  ");
}

TEST(Pad, NeverTruncates) {
  EXPECT_EQ(pad("Quá hạn", 3), "Quá hạn");
  EXPECT_EQ(pad("", 0), "");
  EXPECT_EQ(pad("", 2), "  ");
}

TEST(HtmlEscape, CoversTheFiveCharacters) {
  EXPECT_EQ(html_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
}

TEST(HtmlEscape, LeavesUtf8AndOtherBytesAlone) {
  EXPECT_EQ(html_escape("Sở Kế hoạch & Đầu tư"), "Sở Kế hoạch &amp; Đầu tư");
  EXPECT_EQ(html_escape(""), "");
  EXPECT_EQ(html_escape("&amp;"), "&amp;amp;");  // escaping is not idempotent, on purpose
}

}  // namespace
}  // namespace dunghan::text

namespace dunghan::text {
namespace {

TEST(Utf8, ValidatesByRfc3629) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("Đất đai 漢 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE1\xBB"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\x80"));              // stray continuation byte
}

// The ASCII fast path reads eight bytes at a time: a bad or good sequence at every offset.
TEST(Utf8, ValidationFindsASequenceAtEveryOffset) {
  for (std::size_t k = 0; k < 24; ++k) {
    std::string s(24, 'a');
    EXPECT_TRUE(is_valid_utf8(s.substr(0, k) + "Đ" + s.substr(k))) << k;
    EXPECT_TRUE(is_valid_utf8(s.substr(0, k) + "\xF0\x9F\x98\x80" + s.substr(k))) << k;
    EXPECT_FALSE(is_valid_utf8(s.substr(0, k) + "\xA7" + s.substr(k))) << k;
    EXPECT_FALSE(is_valid_utf8(s.substr(0, k) + "\xE1\xBB")) << k;  // truncated at the end
  }
}

TEST(Utf8, DecodesOneCodePointAtATime) {
  const std::string s = "aĐ漢\xF0\x9F\x98\x80";
  EXPECT_EQ(decode_at(s, 0).code_point, U'a');
  EXPECT_EQ(decode_at(s, 1).code_point, U'\u0110');
  EXPECT_EQ(decode_at(s, 1).length, 2u);
  EXPECT_EQ(decode_at(s, 3).code_point, U'\u6F22');
  EXPECT_EQ(decode_at(s, 6).code_point, U'\U0001F600');
  EXPECT_EQ(decode_at(s, 6).length, 4u);
  EXPECT_EQ(decode_at(s, 2).length, 0u);  // the middle of Đ
}

TEST(Utf8, PrefixCountsCodePointsNotBytes) {
  EXPECT_EQ(prefix_code_points("Đất đai", 3), "Đất");
  EXPECT_EQ(prefix_code_points("Đất đai", 0), "");
  EXPECT_EQ(prefix_code_points("Đất", 10), "Đất");
  EXPECT_EQ(prefix_code_points("", 5), "");
  EXPECT_EQ(prefix_code_points("漢\xF0\x9F\x98\x80x", 2), "漢\xF0\x9F\x98\x80");
  // Invalid bytes count one each; a truncated sequence at the end is not split further.
  EXPECT_EQ(prefix_code_points("a\x80\x80"
                               "b",
                               3),
            "a\x80\x80");
  EXPECT_EQ(prefix_code_points("ab\xE1\xBB", 3), "ab\xE1");
}

TEST(Utf8, ReplaceInvalidPutsOneReplacementCharacterPerBadByte) {
  EXPECT_EQ(replace_invalid_utf8("Đất đai"), "Đất đai");
  EXPECT_EQ(replace_invalid_utf8("P.\xA7\xCA"), "P.\uFFFD\uFFFD");
  EXPECT_EQ(replace_invalid_utf8("ab\xE1\xBB"), "ab\uFFFD\uFFFD");  // truncated sequence
  EXPECT_EQ(replace_invalid_utf8("\xC0\xAF"
                                 "x"),
            "\uFFFD\uFFFDx");  // overlong
  EXPECT_TRUE(is_valid_utf8(replace_invalid_utf8("\xFF\xFE\x80 Đ \xED\xA0\x80")));
}

TEST(Utf8, AsciiMeansBelow0x80) {
  EXPECT_TRUE(is_ascii("HS-01"));
  EXPECT_FALSE(is_ascii("Đ"));
}

}  // namespace
}  // namespace dunghan::text
