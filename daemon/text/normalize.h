#pragma once
// Unicode normalisation form C (NFC) for Vietnamese text that enters dunghan.
//
// Vietnamese is typed and stored in two ways: precomposed ("Unicode dựng sẵn", NFC: "ệ" is one
// code point) and decomposed ("Unicode tổ hợp", NFD-like: "e" + U+0323 + U+0302), which Unikey
// offers and some one-stop systems store. They look the same but compare unequal, so without
// normalisation one field of form 6a splits into two rows, a `--department` filter misses rows,
// and Zalo's "maxLength counted after NFC" is counted wrong. Every text that comes from a dossier
// store, a CSV file or a command-line filter goes through to_nfc once, at the edge.

#include <string>
#include <string_view>

namespace dunghan::text {

/// `utf8` in NFC (ICU's Normalizer2). ASCII and text already in NFC come back unchanged (a quick
/// check, no copy of the work); bytes that are not valid UTF-8 come back unchanged too (they are
/// reported elsewhere, and an identifier must never be altered by a guess).
std::string to_nfc(std::string_view utf8);

/// True when `utf8` is valid UTF-8 in NFC (ASCII always is).
bool is_nfc(std::string_view utf8);

}  // namespace dunghan::text
