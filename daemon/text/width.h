#pragma once
// Terminal display width of UTF-8 text, for the tables of `status`, `report`, `audit`, `outbox`.
//
// Vietnamese arrives both precomposed (NFC: "ệ" is one code point) and decomposed (NFD: "e" plus
// two combining marks, as some Windows and macOS tools write it). Both take one column per letter
// on a terminal, so combining marks count zero; East Asian wide characters (CJK, Hangul, full-width
// forms, most emoji) count two; every other code point counts one. Bytes that are not valid UTF-8
// count one each, so a bad byte never makes a column narrower.

#include <cstddef>
#include <string>
#include <string_view>

namespace dunghan::text {

/// Columns `utf8` takes on a terminal (see above).
std::size_t display_width(std::string_view utf8);

enum class Align { left, right };

/// `s` padded with spaces to `width` display columns: after it (left) or before it (right).
/// Never truncated: a wider `s` comes back unchanged.
std::string pad(std::string_view s, std::size_t width, Align align = Align::left);

}  // namespace dunghan::text
