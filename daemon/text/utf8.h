#pragma once
// UTF-8 decoding, one code point at a time (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF).

#include <cstddef>
#include <string>
#include <string_view>

namespace dunghan::text {

struct Decoded {
  char32_t code_point = 0;
  /// Bytes taken (1–4); 0 when the byte at the position does not start a valid sequence.
  std::size_t length = 0;
};

/// The code point that starts at `utf8[pos]` (pos < utf8.size()).
Decoded decode_at(std::string_view utf8, std::size_t pos);

/// True when every byte of `utf8` belongs to a valid sequence.
bool is_valid_utf8(std::string_view utf8);

/// The longest prefix of `utf8` holding at most `max` code points, never ending inside a
/// sequence (a byte that starts no valid sequence counts as one code point).
std::string_view prefix_code_points(std::string_view utf8, std::size_t max);

/// `utf8` with each byte that starts no valid sequence replaced by U+FFFD (one per byte, as
/// browsers show it); valid text comes back unchanged.
std::string replace_invalid_utf8(std::string_view utf8);

/// True when every byte is below 0x80.
bool is_ascii(std::string_view s);

}  // namespace dunghan::text
