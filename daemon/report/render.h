#pragma once
// Text output forms of the printed form 6a: an aligned text table, Markdown, CSV, JSON and a
// standalone HTML page (the XLSX workbook is xlsx_writer.h). Each carries the content of
// layout.h: the header block, the grouped headings with the numbers (1)–(13), the rows in
// Vietnamese collation and the total, the notes (with the anomaly count) and the footer.
// All output is UTF-8. Pure: returns strings, writes nothing.
//
// CSV (for Excel): a UTF-8 byte order mark, then the three heading rows (the groups, the column
// headings, the numbers (1)…(13)), then one row per row of the form with its STT, then the total
// ("Tổng cộng", empty STT); then an empty row and the rest of the form, one line per row in the
// first cell: the header block, the notes, the place and date; then the signature blocks, the
// preparer's in column 2 and the head's in column 9. Every row has 13 fields. RFC 4180: fields
// with a comma, a quote or a line break are quoted; rows end with CRLF, as Excel writes them.
//
// JSON (counter names as in Form6aCounters):
//   {"form": "II.06a/VPCP/KSTT", "form_code": "Biểu II.06a/VPCP/KSTT", "title": "TÌNH HÌNH, …",
//    "header": {"reporting_unit": "…", "receiving_unit": "…", "unit": "Đơn vị tính: …",
//               "period": {"kind": "quarter", "convention": "calendar", "year": 2019,
//                          "number": 3, "words": "Quý III năm 2019", "line": "Kỳ báo cáo: …",
//                          "from": "2019-07-01", "to": "2019-09-30"},
//               "lines": ["Đơn vị báo cáo: …", …, "Đơn vị tính: Số hồ sơ TTHC"]},
//    "columns": [{"number": 1, "label": "(1)", "key": "stt", "heading": "STT", "group": null}, …,
//                {"number": 3, "label": "(3)", "key": "received_total", "heading": "Tổng số",
//                 "group": "Số hồ sơ nhận giải quyết"}, …],
//    "groups": [{"heading": "Số hồ sơ nhận giải quyết", "first": 3, "last": 6}, …],
//    "from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "group_by": "field", "provisional": false,
//    "anomalies": {"dossiers": 1, "total": 2, "by_kind": {"no_due": 1, …}},
//    "notes": ["Cột (9) gồm …", …],
//    "footer": {"place": "…", "date": "2019-10-05", "place_date": "…, ngày 05 tháng 10 năm 2019",
//               "signatures": [{"role": "Người lập biểu", "title": "", "hint": "…", "name": "…"},
//                              {"role": "Thủ trưởng đơn vị", …}]},
//    "rows": [{"stt": 1, "field": "Hộ tịch", "received_total": 9, …}, …],
//    "total_label": "Tổng cộng", "total": {"received_total": 13, …}}
// ("department" instead of "field" when grouped by department; "total" stays last.)

#include <optional>
#include <string>
#include <string_view>

#include "report/form6a.h"
#include "report/layout.h"

namespace dunghan::report {

enum class Format { text, md, csv, json, html, xlsx };

/// "text" | "md" | "csv" | "json" | "html" | "xlsx".
std::string_view to_string(Format f);
/// Parses the names above (also "markdown" for md); nullopt otherwise.
std::optional<Format> parse_format(std::string_view s);
/// True for the formats that are not text (xlsx): they go to a file, not a terminal.
bool is_binary(Format f);

/// The form in a text format. Throws std::invalid_argument for a binary format (xlsx: see
/// xlsx_writer.h), otherwise only std::bad_alloc.
std::string render(const Form6a& form, const FormMeta& meta, Format format);

/// The form as monospaced text: the header block, the table with a two-level heading and the row
/// of column numbers, the notes and the footer. Columns align by display width (text/width.h).
std::string render_text(const Form6a& form, const FormMeta& meta);
/// GitHub-flavoured Markdown: the group headings are the table's header row, the column headings
/// and the numbers its first two rows.
std::string render_markdown(const Form6a& form, const FormMeta& meta);
/// See above; starts with the UTF-8 BOM (EF BB BF).
std::string render_csv(const Form6a& form, const FormMeta& meta);
/// Pretty-printed (2 spaces), keys in the order shown above, ends with a newline. Bytes that are
/// not UTF-8 in a text are replaced by U+FFFD.
std::string render_json(const Form6a& form, const FormMeta& meta);
/// A standalone UTF-8 HTML5 page with an inline style (A4 landscape when printed); every value
/// is HTML-escaped.
std::string render_html(const Form6a& form, const FormMeta& meta);

}  // namespace dunghan::report
