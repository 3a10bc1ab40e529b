#include "text/width.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "text/utf8.h"

namespace dunghan::text {
namespace {

struct Range {
  char32_t first, last;
};

// Combining marks (general category Mn/Me in the blocks Vietnamese text and its tools use).
constexpr std::array<Range, 6> kZeroWidth{{
    {0x0300, 0x036F},  // Combining Diacritical Marks (Vietnamese tone and vowel marks)
    {0x1AB0, 0x1AFF},  // Combining Diacritical Marks Extended
    {0x1DC0, 0x1DFF},  // Combining Diacritical Marks Supplement
    {0x200B, 0x200F},  // zero width space, joiners, direction marks
    {0x20D0, 0x20FF},  // Combining Diacritical Marks for Symbols
    {0xFE20, 0xFE2F},  // Combining Half Marks
}};

// East Asian Wide and Fullwidth (Unicode 15, the large blocks).
constexpr std::array<Range, 12> kDoubleWidth{{
    {0x1100, 0x115F},    // Hangul Jamo initials
    {0x2E80, 0x303E},    // CJK radicals, Kangxi, CJK symbols and punctuation
    {0x3041, 0x33FF},    // Hiragana … CJK compatibility
    {0x3400, 0x4DBF},    // CJK Extension A
    {0x4E00, 0x9FFF},    // CJK Unified Ideographs
    {0xA000, 0xA4CF},    // Yi
    {0xAC00, 0xD7A3},    // Hangul syllables
    {0xF900, 0xFAFF},    // CJK compatibility ideographs
    {0xFE30, 0xFE4F},    // CJK compatibility forms
    {0xFF00, 0xFF60},    // full-width forms
    {0xFFE0, 0xFFE6},    // full-width signs
    {0x1F300, 0x1F64F},  // pictographs and emoticons
}};

constexpr Range kSupplementaryIdeographs{0x20000, 0x3FFFD};

template <std::size_t N>
bool in(const std::array<Range, N>& ranges, char32_t cp) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [cp](const Range& r) { return cp >= r.first && cp <= r.last; });
}

std::size_t width_of(char32_t cp) {
  if (in(kZeroWidth, cp)) return 0;
  if (in(kDoubleWidth, cp)) return 2;
  if (cp >= kSupplementaryIdeographs.first && cp <= kSupplementaryIdeographs.last) return 2;
  return 1;
}

}  // namespace

std::size_t display_width(std::string_view utf8) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const Decoded d = decode_at(utf8, i);
    if (d.length == 0) {  // one column per byte that does not start a valid sequence
      ++width;
      ++i;
      continue;
    }
    width += width_of(d.code_point);
    i += d.length;
  }
  return width;
}

std::string pad(std::string_view s, std::size_t width, Align align) {
  const std::size_t w = display_width(s);
  if (w >= width) return std::string(s);
  const std::string fill(width - w, ' ');
  return align == Align::right ? fill + std::string(s) : std::string(s) + fill;
}

}  // namespace dunghan::text
