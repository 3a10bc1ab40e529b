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

/// A key for matching words people write in different ways — spreadsheet headings ("Ngày tiếp
/// nhận"), status words ("Đã trả kết quả"): the same key for NFC and NFD input, any letter case,
/// with or without Vietnamese diacritics (every combining mark dropped after canonical
/// decomposition; đ and Đ become d), blanks around dropped and inner runs of white space (NBSP
/// included) made one space. "  NGÀY  tiếp Nhận " and "ngay tiep nhan" both give "ngay tiep nhan".
/// Punctuation is kept. Text that is not valid UTF-8 comes back unchanged (it matches nothing a
/// caller compares it with). Meant for short texts; allocates.
std::string fold_for_matching(std::string_view utf8);

}  // namespace dunghan::text
