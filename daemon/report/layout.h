#pragma once
// The printed form 6a as content, before any output format (docs/rules.md §4 "The printed form"):
// the header block, the grouped column headings with the numbers (1)–(13), the rows and the total,
// the notes, and the footer with the place, the date and the two signature blocks. Every renderer
// (render.h, xlsx_writer.h) prints exactly this, so every format carries the same content.
// Pure: no clock, no I/O.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/civil.h"
#include "report/form6a.h"
#include "report/options.h"
#include "report/period.h"

namespace dunghan::report {

/// What the printed form says besides the figures.
struct FormMeta {
  FormHeading heading;
  /// The period the figures cover; its from/to are the form's.
  ReportPeriod period;
  /// The date in the footer ("…, ngày 05 tháng 10 năm 2026"), local.
  calendar::Date signed_on{};
};

/// A column (3)–(13) of the form: its JSON name, its Vietnamese heading, its counter.
struct Column {
  std::string_view name;
  std::string_view heading;
  std::int64_t Form6aCounters::*member;
};
inline constexpr std::size_t kColumnCount = 11;  // columns (3)..(13)
inline constexpr std::array<Column, kColumnCount> kColumns{{
    {"received_total", "Tổng số", &Form6aCounters::received_total},
    {"received_online", "Trực tuyến", &Form6aCounters::received_online},
    {"received_direct_post", "Trực tiếp, dịch vụ bưu chính", &Form6aCounters::received_direct_post},
    {"carried_over", "Từ kỳ trước", &Form6aCounters::carried_over},
    {"resolved_total", "Tổng số", &Form6aCounters::resolved_total},
    {"early", "Trước hạn", &Form6aCounters::early},
    {"on_time", "Đúng hạn", &Form6aCounters::on_time},
    {"late", "Quá hạn", &Form6aCounters::late},
    {"in_progress_total", "Tổng số", &Form6aCounters::in_progress_total},
    {"not_due", "Trong hạn", &Form6aCounters::not_due},
    {"overdue", "Quá hạn", &Form6aCounters::overdue},
}};

/// Counters that are no column of the form (JSON only; the notes say them in words).
inline constexpr std::array<Column, 3> kDetails{{
    {"returned_withdrawn", "", &Form6aCounters::returned_withdrawn},
    {"waiting_supplement", "", &Form6aCounters::waiting_supplement},
    {"without_due", "", &Form6aCounters::without_due},
}};

/// A group of columns under one heading: kColumns[first, first + count).
struct ColumnGroup {
  std::string_view heading;
  std::size_t first;
  std::size_t count;
};
inline constexpr std::array<ColumnGroup, 3> kGroups{{
    {"Số hồ sơ nhận giải quyết", 0, 4},
    {"Số hồ sơ đã giải quyết", 4, 4},
    {"Số lượng hồ sơ đang giải quyết", 8, 3},
}};

inline constexpr std::string_view kFormCode = "Biểu II.06a/VPCP/KSTT";
inline constexpr std::string_view kTitle = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH";
inline constexpr std::string_view kUnitLine = "Đơn vị tính: Số hồ sơ TTHC";
inline constexpr std::string_view kSttHeading = "STT";
inline constexpr std::string_view kTotalLabel = "Tổng cộng";
/// What an empty [report] value prints as: a line to fill in by hand.
inline constexpr std::string_view kBlank = "………………";

/// A signature block of the footer.
struct Signature {
  std::string role;   // "Người lập biểu" | "Thủ trưởng đơn vị"
  std::string title;  // the head's title ([report] signer_title); may be empty
  std::string hint;   // "(Ký, ghi rõ họ tên)" | "(Ký, đóng dấu, ghi rõ họ tên)"
  std::string name;   // the preparer's name ([report] preparer); may be empty
};

/// One line of the table: a row of the form or the total.
struct LayoutRow {
  std::string stt;    // "1", "2", …; empty for the total
  std::string label;  // the field or department, "(không ghi)" when empty, or "Tổng cộng"
  std::array<std::int64_t, kColumnCount> values{};  // columns (3)..(13)
  bool total = false;
};

struct FormLayout {
  // Header block.
  std::string reporting_unit;  // "Đơn vị báo cáo: …"
  std::string receiving_unit;  // "Đơn vị nhận báo cáo: …"
  std::string form_code;       // kFormCode
  std::string title;           // kTitle
  std::string period_line;     // period_line(meta.period)
  std::string unit_line;       // kUnitLine
  // Table: columns (1) STT, (2) key_heading, then kColumns under kGroups.
  std::string key_heading;      // "Lĩnh vực" | "Đơn vị"
  std::vector<LayoutRow> rows;  // the form's rows in order, then the total (total == true)
  // Footer.
  std::vector<std::string> notes;  // "Ghi chú" lines; the last one counts the anomalies
  std::string place_date;          // "Hà Nội, ngày 05 tháng 10 năm 2026"
  Signature preparer;              // left block
  Signature head;                  // right block
};

/// The content of the printed form. Never throws but std::bad_alloc.
FormLayout layout(const Form6a& form, const FormMeta& meta);

/// The lines of a signature block above the signature space: the role, the title when set, the
/// hint (the name goes below the space). Never throws but std::bad_alloc.
std::vector<std::string> signature_lines(const Signature& s);

/// "(n)", the column number as the form prints it under the headings (n = 1..13).
std::string column_number(std::size_t n);

/// "field" | "department": the JSON name of the row key.
std::string_view key_name(GroupBy g);

}  // namespace dunghan::report
