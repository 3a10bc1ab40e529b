#include "store/import_vocabulary.h"

#include <unordered_map>

#include "store/row_codec.h"
#include "text/normalize.h"

namespace dunghan::store {
namespace {

using Words = std::vector<std::pair<std::string_view, std::vector<std::string_view>>>;

// Headings as one-stop software and offices' own sheets write them (Cổng dịch vụ công, Hệ thống
// thông tin giải quyết TTHC of the provinces, hand-made Excel registers). One heading, one column:
// no alias may fold to another column's alias (checked by the tests).
const Words& dossier_headings() {
  static const Words w{
      {"code", {"Mã hồ sơ", "Số hồ sơ", "Mã số hồ sơ", "Mã HS", "Số biên nhận"}},
      {"procedure_code", {"Mã TTHC", "Mã thủ tục", "Mã thủ tục hành chính"}},
      {"procedure_name", {"Tên TTHC", "Tên thủ tục", "Tên thủ tục hành chính", "Thủ tục"}},
      {"field", {"Lĩnh vực", "Tên lĩnh vực"}},
      {"department",
       {"Phòng ban", "Đơn vị", "Đơn vị xử lý", "Phòng ban xử lý", "Phòng chuyên môn",
        "Cơ quan xử lý"}},
      {"handler", {"Cán bộ xử lý", "Người xử lý", "Chuyên viên xử lý", "Cán bộ thụ lý"}},
      {"applicant",
       {"Người nộp", "Tổ chức, cá nhân", "Tổ chức/cá nhân", "Tổ chức cá nhân", "Người nộp hồ sơ",
        "Chủ hồ sơ", "Tên tổ chức, cá nhân"}},
      {"channel", {"Hình thức nộp", "Hình thức tiếp nhận", "Kênh nộp", "Kênh tiếp nhận"}},
      {"received_at", {"Ngày tiếp nhận", "Ngày nhận", "Thời gian tiếp nhận", "Ngày nộp"}},
      {"duration", {"Thời hạn", "Thời hạn giải quyết"}},
      {"due_at", {"Ngày hẹn trả", "Ngày hẹn trả kết quả", "Hẹn trả", "Ngày hẹn"}},
      {"status", {"Trạng thái", "Tình trạng", "Trạng thái hồ sơ"}},
      {"resolved_at", {"Ngày trả kết quả", "Ngày trả KQ", "Ngày trả"}},
      {"updated_at", {"Ngày cập nhật", "Cập nhật lúc", "Thời gian cập nhật"}},
  };
  return w;
}

const Words& event_headings() {
  static const Words w{
      {"code", {"Mã hồ sơ", "Số hồ sơ", "Mã số hồ sơ", "Mã HS"}},
      {"at", {"Thời điểm", "Thời gian", "Ngày", "Ngày thực hiện"}},
      {"kind", {"Loại", "Sự kiện", "Loại sự kiện", "Thao tác"}},
      {"new_due_at", {"Ngày hẹn mới", "Ngày hẹn trả mới", "Hẹn trả mới"}},
      {"note", {"Ghi chú", "Nội dung", "Lý do"}},
  };
  return w;
}

const Words& status_table() {
  static const Words w{
      {"processing",
       {"Đang xử lý", "Đang giải quyết", "Đang thụ lý", "Đang thẩm định", "Đã tiếp nhận",
        "Mới tiếp nhận", "Tiếp nhận"}},
      {"waiting_supplement",
       {"Chờ bổ sung", "Đang chờ bổ sung", "Yêu cầu bổ sung", "Chờ bổ sung hồ sơ",
        "Bổ sung hồ sơ"}},
      {"paused", {"Tạm dừng", "Tạm ngừng", "Tạm dừng xử lý"}},
      {"resolved",
       {"Đã trả kết quả", "Đã giải quyết", "Hoàn thành", "Đã hoàn thành", "Đã xử lý xong",
        "Trả kết quả"}},
      {"returned", {"Trả lại", "Trả lại hồ sơ", "Đã trả lại", "Từ chối", "Từ chối giải quyết"}},
      {"withdrawn", {"Rút hồ sơ", "Xin rút", "Xin rút hồ sơ", "Công dân xin rút", "Đã rút"}},
  };
  return w;
}

const Words& channel_table() {
  static const Words w{
      {"online", {"Trực tuyến", "Nộp trực tuyến", "Dịch vụ công trực tuyến", "Qua mạng"}},
      {"direct", {"Trực tiếp", "Nộp trực tiếp", "Tại quầy", "Tại bộ phận một cửa"}},
      {"post",
       {"Bưu chính", "BCCI", "Dịch vụ bưu chính công ích", "Qua bưu chính", "Qua bưu điện"}},
  };
  return w;
}

const Words& event_kind_table() {
  static const Words w{
      {"supplement_requested", {"Yêu cầu bổ sung", "Bổ sung hồ sơ", "Yêu cầu bổ sung hồ sơ"}},
      {"supplement_received", {"Nhận bổ sung", "Đã bổ sung", "Nhận hồ sơ bổ sung"}},
      {"paused", {"Tạm dừng", "Tạm ngừng"}},
      {"resumed", {"Tiếp tục", "Tiếp tục xử lý", "Tiếp tục giải quyết"}},
      {"extended",
       {"Gia hạn", "Hẹn lại", "Xin lỗi và hẹn lại", "Phiếu xin lỗi và hẹn lại", "Gia hạn xử lý"}},
  };
  return w;
}

/// Folded word → canonical name, over a table and its canonical names.
std::unordered_map<std::string, std::string_view> folded_index(const Words& table) {
  std::unordered_map<std::string, std::string_view> index;
  for (const auto& [canonical, words] : table) {
    index.emplace(text::fold_for_matching(canonical), canonical);
    for (std::string_view w : words) index.emplace(text::fold_for_matching(w), canonical);
  }
  return index;
}

/// The canonical name `s` stands for in `index`, remembering the last few answers per thread
/// (a file repeats a handful of distinct words over its rows; folding costs a microsecond).
std::optional<std::string_view> lookup_word(
    const std::unordered_map<std::string, std::string_view>& index, std::string_view s) {
  thread_local std::unordered_map<const void*,
                                  std::unordered_map<std::string, std::optional<std::string_view>>>
      memo;
  auto& mine = memo[&index];
  if (auto it = mine.find(std::string(s)); it != mine.end()) return it->second;
  std::optional<std::string_view> answer;
  if (auto it = index.find(text::fold_for_matching(s)); it != index.end()) answer = it->second;
  if (mine.size() >= 256) mine.clear();
  mine.emplace(std::string(s), answer);
  return answer;
}

using Index = std::unordered_map<std::string, std::string_view>;

const Index& dossier_heading_index() {
  static const Index i = folded_index(dossier_headings());
  return i;
}
const Index& event_heading_index() {
  static const Index i = folded_index(event_headings());
  return i;
}
const Index& status_index() {
  static const Index i = folded_index(status_table());
  return i;
}
const Index& channel_index() {
  static const Index i = folded_index(channel_table());
  return i;
}
const Index& event_kind_index() {
  static const Index i = folded_index(event_kind_table());
  return i;
}

std::optional<std::size_t> canonical_index(ImportKind kind, std::string_view name) {
  return kind == ImportKind::dossiers ? dossier_column_index(name) : event_column_index(name);
}

}  // namespace

std::optional<HeadingMapping> parse_heading_mapping(std::string_view text) {
  const std::size_t eq = text.rfind('=');
  if (eq == std::string_view::npos) return std::nullopt;
  const auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  const std::string_view heading = trim(text.substr(0, eq));
  const std::string_view column = trim(text.substr(eq + 1));
  if (heading.empty() || column.empty()) return std::nullopt;
  return HeadingMapping{std::string(heading), std::string(column)};
}

bool is_canonical_column(ImportKind kind, std::string_view column) {
  return canonical_index(kind, column).has_value();
}

std::optional<std::size_t> heading_column(ImportKind kind, std::string_view heading,
                                          std::span<const HeadingMapping> mappings) {
  const std::string folded = text::fold_for_matching(heading);
  for (const HeadingMapping& m : mappings) {
    if (text::fold_for_matching(m.heading) != folded) continue;
    if (auto c = canonical_index(kind, m.column)) return c;
  }
  if (auto c = canonical_index(kind, heading)) return c;
  const Index& index =
      kind == ImportKind::dossiers ? dossier_heading_index() : event_heading_index();
  if (auto it = index.find(folded); it != index.end()) return canonical_index(kind, it->second);
  return std::nullopt;
}

bool is_row_number_heading(std::string_view heading) {
  const std::string f = text::fold_for_matching(heading);
  return f == "stt" || f == "so tt" || f == "tt" || f == "so thu tu";
}

std::vector<std::pair<std::string_view, std::vector<std::string_view>>> heading_aliases(
    ImportKind kind) {
  return kind == ImportKind::dossiers ? dossier_headings() : event_headings();
}

std::optional<deadline::Status> parse_status_word(std::string_view s) {
  if (auto st = deadline::parse_status(s)) return st;
  if (auto w = lookup_word(status_index(), s)) return deadline::parse_status(*w);
  return std::nullopt;
}

std::optional<deadline::Channel> parse_channel_word(std::string_view s) {
  if (auto c = deadline::parse_channel(s)) return c;
  if (auto w = lookup_word(channel_index(), s)) return deadline::parse_channel(*w);
  return std::nullopt;
}

std::optional<deadline::EventKind> parse_event_kind_word(std::string_view s) {
  if (auto k = deadline::parse_event_kind(s)) return k;
  if (auto w = lookup_word(event_kind_index(), s)) return deadline::parse_event_kind(*w);
  return std::nullopt;
}

std::vector<std::pair<std::string_view, std::vector<std::string_view>>> status_words() {
  return status_table();
}
std::vector<std::pair<std::string_view, std::vector<std::string_view>>> channel_words() {
  return channel_table();
}
std::vector<std::pair<std::string_view, std::vector<std::string_view>>> event_kind_words() {
  return event_kind_table();
}

}  // namespace dunghan::store
