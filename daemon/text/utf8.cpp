#include "text/utf8.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace dunghan::text {

Decoded decode_at(std::string_view utf8, std::size_t pos) {
  const auto b0 = static_cast<unsigned char>(utf8[pos]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0u) == 0xC0u) {
    len = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0u) == 0xE0u) {
    len = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8u) == 0xF0u) {
    len = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return {};
  }
  if (pos + len > utf8.size()) return {};
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(utf8[pos + k]);
    if ((b & 0xC0u) != 0x80u) return {};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, len};
}

bool is_valid_utf8(std::string_view utf8) {
  const std::size_t n = utf8.size();
  std::size_t i = 0;
  while (i < n) {
    // Runs of ASCII, eight bytes at a time: most stored text (codes, dates, states) is ASCII.
    for (std::uint64_t w = 0; i + 8 <= n; i += 8) {
      std::memcpy(&w, utf8.data() + i, 8);
      if ((w & 0x8080808080808080ULL) != 0) break;
    }
    while (i < n && static_cast<unsigned char>(utf8[i]) < 0x80) ++i;
    if (i == n) break;
    const Decoded d = decode_at(utf8, i);
    if (d.length == 0) return false;
    i += d.length;
  }
  return true;
}

std::string_view prefix_code_points(std::string_view utf8, std::size_t max) {
  std::size_t i = 0;
  for (std::size_t count = 0; i < utf8.size() && count < max; ++count) {
    i += std::max<std::size_t>(decode_at(utf8, i).length, 1);
  }
  return utf8.substr(0, i);
}

std::string replace_invalid_utf8(std::string_view utf8) {
  if (is_valid_utf8(utf8)) return std::string(utf8);
  std::string out;
  out.reserve(utf8.size() + 8);
  for (std::size_t i = 0; i < utf8.size();) {
    const std::size_t n = decode_at(utf8, i).length;
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(utf8, i, n);
      i += n;
    }
  }
  return out;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (static_cast<unsigned char>(c) & 0x80u) == 0; });
}

}  // namespace dunghan::text
