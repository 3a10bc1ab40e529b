#pragma once
// Vietnamese collation: the order of a Vietnamese dictionary, for lists people read (the rows of
// form 6a, lists of fields or departments).
//
// Byte order (= code point order) is wrong for Vietnamese: "Đầu tư" (Đ is U+0110) lands after
// "Lao động", and "Ăn" (U+0102) after "Ô" (U+00D4). ICU's root collation is wrong too: it treats Đ
// as a D with a mark, so "Đất đai" comes before "Doanh nghiệp". Vietnamese orders the letters
// a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, then the tones; that is ICU's
// collation for the locale "vi" (CLDR), used here.

#include <string_view>

namespace dunghan::text {

/// Compares two UTF-8 texts by Vietnamese collation (ICU, locale "vi", tertiary strength: the
/// letters first — ă, â, đ, ê, ô, ơ, ư are letters of their own —, then the tones, then case).
/// Texts the collation finds equal but that differ in bytes (NFC against NFD, say) are ordered by
/// their bytes, so the result is a total order and sorting is deterministic. Bytes that are not
/// UTF-8 compare as U+FFFD. When ICU's data cannot be loaded the comparison is by bytes. Returns <
/// 0, 0 (same bytes) or > 0. Thread-safe. Never throws.
int compare_vietnamese(std::string_view a, std::string_view b);

/// compare_vietnamese(a, b) < 0: a strict weak ordering for std::sort and ordered containers.
struct VietnameseLess {
  bool operator()(std::string_view a, std::string_view b) const {
    return compare_vietnamese(a, b) < 0;
  }
};

}  // namespace dunghan::text
