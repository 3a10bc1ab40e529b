#pragma once
// The words of the files offices export, for `dunghan import`: Vietnamese column headings
// ("Mã hồ sơ", "Ngày tiếp nhận", …), status words ("Đang xử lý", "Đã trả kết quả", …), channel
// and event words, and the admin's own `--map "Heading=column"` entries. Pure: no I/O.
//
// Matching is by text::fold_for_matching: NFC or NFD, any letter case, with or without
// diacritics, white space collapsed — "NGÀY TIẾP NHẬN", "Ngày tiếp nhận" and "ngay tiep nhan" are
// one heading. Canonical names (row_codec.h: `code`, `received_at`, `processing`, …) always match.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "deadline/dossier.h"

namespace dunghan::store {

/// Which of the two files an import reads.
enum class ImportKind { dossiers, events };

/// One admin mapping: a heading of their file (as written; matched folded) → a canonical column.
struct HeadingMapping {
  std::string heading;
  std::string column;  // a canonical column name of row_codec.h
};

/// Parses `--map` text "Heading=column" (the last '=' splits; blanks around both parts dropped).
/// Returns nullopt when there is no '=' or either side is empty.
std::optional<HeadingMapping> parse_heading_mapping(std::string_view text);

/// True when `column` is a canonical column of `kind` (ASCII case-insensitive).
bool is_canonical_column(ImportKind kind, std::string_view column);

/// The canonical column (index into kDossierColumns / kEventColumns) a heading names: first the
/// admin's `mappings` whose target is a column of `kind` (matched folded), then the canonical
/// names, then the built-in Vietnamese aliases (heading_aliases). nullopt when none matches.
std::optional<std::size_t> heading_column(ImportKind kind, std::string_view heading,
                                          std::span<const HeadingMapping> mappings = {});

/// Headings that carry nothing to import and are dropped without a warning: "STT", "Số TT",
/// "TT" (row numbers), matched folded.
bool is_row_number_heading(std::string_view heading);

/// The built-in aliases of each canonical column of `kind`, as written in the documentation
/// (`import --help`, README): pairs (canonical column, aliases). Columns without an alias are left
/// out.
std::vector<std::pair<std::string_view, std::vector<std::string_view>>> heading_aliases(
    ImportKind kind);

/// A status as the canonical name or a Vietnamese word ("Đang xử lý", "Chờ bổ sung", "Tạm
/// dừng", "Đã trả kết quả", "Đã giải quyết", "Trả lại", "Rút hồ sơ", …; status_words()).
std::optional<deadline::Status> parse_status_word(std::string_view s);
/// A channel as the canonical name or a word ("Trực tuyến", "Trực tiếp", "Bưu chính", "BCCI", …).
std::optional<deadline::Channel> parse_channel_word(std::string_view s);
/// An event kind as the canonical name or a word ("Yêu cầu bổ sung", "Nhận bổ sung", "Tạm dừng",
/// "Tiếp tục", "Gia hạn", …).
std::optional<deadline::EventKind> parse_event_kind_word(std::string_view s);

/// The words each of the above accepts besides the canonical names, for the documentation.
std::vector<std::pair<std::string_view, std::vector<std::string_view>>> status_words();
std::vector<std::pair<std::string_view, std::vector<std::string_view>>> channel_words();
std::vector<std::pair<std::string_view, std::vector<std::string_view>>> event_kind_words();

}  // namespace dunghan::store
