#include "report/xlsx_writer.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "text/utf8.h"

namespace dunghan::report {
namespace {

constexpr lxw_col_t kLastCol = 12;  // M: column (13)
constexpr lxw_row_t kGroupRow = 7;
constexpr lxw_row_t kHeadingRow = 8;
constexpr lxw_row_t kNumberRow = 9;
static_assert(kNumberRow + 1 == static_cast<lxw_row_t>(kXlsxFirstDataRow));
// The signature blocks: the preparer's over A–E, the head's over H–M.
constexpr lxw_col_t kLeftFirst = 0, kLeftLast = 4, kRightFirst = 7, kRightLast = kLastCol;

/// The formats of the sheet (owned by the workbook).
struct Formats {
  lxw_format* plain;
  lxw_format* bold;
  lxw_format* code;
  lxw_format* title;
  lxw_format* centre;
  lxw_format* right_italic;
  lxw_format* heading;
  lxw_format* number_heading;
  lxw_format* stt;
  lxw_format* label;
  lxw_format* value;
  lxw_format* total_label;
  lxw_format* total_value;
  lxw_format* note;
  lxw_format* place;
  lxw_format* sign_role;
  lxw_format* sign_hint;
};

lxw_format* font(lxw_workbook* wb) {
  lxw_format* f = workbook_add_format(wb);
  format_set_font_name(f, "Times New Roman");
  format_set_font_size(f, 12);
  return f;
}

lxw_format* cell(lxw_workbook* wb) {
  lxw_format* f = font(wb);
  format_set_border(f, LXW_BORDER_THIN);
  format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
  return f;
}

Formats make_formats(lxw_workbook* wb) {
  Formats f{};
  f.plain = font(wb);
  f.bold = font(wb);
  format_set_bold(f.bold);
  f.code = font(wb);
  format_set_bold(f.code);
  format_set_align(f.code, LXW_ALIGN_RIGHT);
  f.title = font(wb);
  format_set_bold(f.title);
  format_set_font_size(f.title, 14);
  format_set_align(f.title, LXW_ALIGN_CENTER);
  f.centre = font(wb);
  format_set_align(f.centre, LXW_ALIGN_CENTER);
  f.right_italic = font(wb);
  format_set_italic(f.right_italic);
  format_set_align(f.right_italic, LXW_ALIGN_RIGHT);
  f.heading = cell(wb);
  format_set_bold(f.heading);
  format_set_align(f.heading, LXW_ALIGN_CENTER);
  format_set_text_wrap(f.heading);
  f.number_heading = cell(wb);
  format_set_italic(f.number_heading);
  format_set_align(f.number_heading, LXW_ALIGN_CENTER);
  f.stt = cell(wb);
  format_set_align(f.stt, LXW_ALIGN_CENTER);
  f.label = cell(wb);
  format_set_text_wrap(f.label);
  f.value = cell(wb);
  format_set_num_format(f.value, "#,##0");
  f.total_label = cell(wb);
  format_set_bold(f.total_label);
  format_set_align(f.total_label, LXW_ALIGN_CENTER);
  f.total_value = cell(wb);
  format_set_bold(f.total_value);
  format_set_num_format(f.total_value, "#,##0");
  f.note = font(wb);
  format_set_italic(f.note);
  f.place = font(wb);
  format_set_italic(f.place);
  format_set_align(f.place, LXW_ALIGN_CENTER);
  f.sign_role = font(wb);
  format_set_bold(f.sign_role);
  format_set_align(f.sign_role, LXW_ALIGN_CENTER);
  f.sign_hint = font(wb);
  format_set_italic(f.sign_hint);
  format_set_align(f.sign_hint, LXW_ALIGN_CENTER);
  return f;
}

/// Records the first error of a sequence of libxlsxwriter calls.
class Calls {
 public:
  void operator()(lxw_error e) {
    if (e != LXW_NO_ERROR && first_ == LXW_NO_ERROR) first_ = e;
  }
  lxw_error first() const { return first_; }

 private:
  lxw_error first_ = LXW_NO_ERROR;
};

}  // namespace

void write_xlsx(const Form6a& form, const FormMeta& meta, const std::filesystem::path& file) {
  const FormLayout l = layout(form, meta);
  const std::string name = file.string();
  lxw_workbook* wb = workbook_new(name.c_str());
  if (wb == nullptr) throw XlsxError(name + ": cannot create the workbook (out of memory?)");
  const Formats f = make_formats(wb);
  Calls call;

  // Document properties; the creation time is the footer's date, so the same form gives the same
  // file.
  const std::string title = l.form_code + " — " + l.title;
  lxw_doc_properties props{};
  props.title = const_cast<char*>(title.c_str());
  props.subject = const_cast<char*>(l.period_line.c_str());
  props.created = static_cast<std::time_t>(
      std::chrono::duration_cast<std::chrono::seconds>(meta.signed_on.time_since_epoch()).count());
  call(workbook_set_properties(wb, &props));

  lxw_worksheet* ws = workbook_add_worksheet(wb, "Biểu II.06a");
  if (ws == nullptr) {
    workbook_close(wb);
    throw XlsxError(name + ": cannot add the worksheet");
  }

  // Column widths (characters).
  call(worksheet_set_column(ws, 0, 0, 6, nullptr));
  call(worksheet_set_column(ws, 1, 1, 32, nullptr));
  call(worksheet_set_column(ws, 2, kLastCol, 12, nullptr));

  // Header block.
  call(worksheet_merge_range(ws, 0, 0, 0, 5, l.reporting_unit.c_str(), f.bold));
  call(worksheet_merge_range(ws, 0, 10, 0, kLastCol, l.form_code.c_str(), f.code));
  call(worksheet_merge_range(ws, 1, 0, 1, 5, l.receiving_unit.c_str(), f.bold));
  call(worksheet_set_row(ws, 3, 21, nullptr));
  call(worksheet_merge_range(ws, 3, 0, 3, kLastCol, l.title.c_str(), f.title));
  call(worksheet_merge_range(ws, 4, 0, 4, kLastCol, l.period_line.c_str(), f.centre));
  call(worksheet_merge_range(ws, 5, 0, 5, kLastCol, l.unit_line.c_str(), f.right_italic));

  // Headings: STT and the key over two rows, the groups over their columns, then the numbers.
  call(worksheet_set_row(ws, kGroupRow, 33, nullptr));
  call(worksheet_set_row(ws, kHeadingRow, 48, nullptr));
  call(worksheet_merge_range(ws, kGroupRow, 0, kHeadingRow, 0, std::string(kSttHeading).c_str(),
                             f.heading));
  call(worksheet_merge_range(ws, kGroupRow, 1, kHeadingRow, 1, l.key_heading.c_str(), f.heading));
  for (const ColumnGroup& g : kGroups) {
    const auto first = static_cast<lxw_col_t>(2 + g.first);
    const auto last = static_cast<lxw_col_t>(2 + g.first + g.count - 1);
    call(worksheet_merge_range(ws, kGroupRow, first, kGroupRow, last,
                               std::string(g.heading).c_str(), f.heading));
  }
  for (std::size_t c = 0; c < kColumnCount; ++c) {
    call(worksheet_write_string(ws, kHeadingRow, static_cast<lxw_col_t>(2 + c),
                                std::string(kColumns[c].heading).c_str(), f.heading));
  }
  for (lxw_col_t c = 0; c <= kLastCol; ++c) {
    call(
        worksheet_write_string(ws, kNumberRow, c, column_number(c + 1u).c_str(), f.number_heading));
  }

  // The rows and the total.
  lxw_row_t r = kNumberRow + 1;
  double stt = 0;
  for (const LayoutRow& row : l.rows) {
    if (row.total) {
      call(worksheet_write_blank(ws, r, 0, f.total_label));
      call(worksheet_write_string(ws, r, 1, row.label.c_str(), f.total_label));
    } else {
      call(worksheet_write_number(ws, r, 0, ++stt, f.stt));  // 1, 2, … as in row.stt
      // A field name is the store's text: never let a stray byte make the sheet's XML invalid.
      call(
          worksheet_write_string(ws, r, 1, text::replace_invalid_utf8(row.label).c_str(), f.label));
    }
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      call(worksheet_write_number(ws, r, static_cast<lxw_col_t>(2 + c),
                                  static_cast<double>(row.values[c]),
                                  row.total ? f.total_value : f.value));
    }
    ++r;
  }

  // Notes, place and date, signatures.
  r += 1;
  call(worksheet_write_string(ws, r, 0, "Ghi chú:", f.bold));
  ++r;
  for (const std::string& n : l.notes) {
    call(worksheet_merge_range(ws, r, 0, r, kLastCol, n.c_str(), f.note));
    ++r;
  }
  r += 1;
  call(worksheet_merge_range(ws, r, kRightFirst, r, kRightLast, l.place_date.c_str(), f.place));
  ++r;
  const std::vector<std::string> left = signature_lines(l.preparer);
  const std::vector<std::string> right = signature_lines(l.head);
  for (std::size_t i = 0; i < std::max(left.size(), right.size()); ++i, ++r) {
    const auto fmt = [&](const std::vector<std::string>& lines) {
      return i + 1 == lines.size() ? f.sign_hint : f.sign_role;  // the last line is the hint
    };
    if (i < left.size()) {
      call(worksheet_merge_range(ws, r, kLeftFirst, r, kLeftLast, left[i].c_str(), fmt(left)));
    }
    if (i < right.size()) {
      call(worksheet_merge_range(ws, r, kRightFirst, r, kRightLast, right[i].c_str(), fmt(right)));
    }
  }
  r += 3;  // room to sign
  if (!l.preparer.name.empty()) {
    call(worksheet_merge_range(ws, r, kLeftFirst, r, kLeftLast, l.preparer.name.c_str(),
                               f.sign_role));
  }
  const lxw_row_t last_row = r;

  // Page setup: A4 landscape, one page wide, the headings on every page.
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);  // 9 = A4 (210 × 297 mm)
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_center_horizontally(ws);
  worksheet_set_margins(ws, 0.5, 0.5, 0.6, 0.6);  // inches
  call(worksheet_repeat_rows(ws, kGroupRow, kNumberRow));
  call(worksheet_print_area(ws, 0, 0, last_row, kLastCol));
  worksheet_freeze_panes(ws, kNumberRow + 1, 2);

  const lxw_error closed = workbook_close(wb);  // writes the file and frees the workbook
  const lxw_error e = call.first() != LXW_NO_ERROR ? call.first() : closed;
  if (e != LXW_NO_ERROR) throw XlsxError(name + ": " + lxw_strerror(e));
}

}  // namespace dunghan::report
