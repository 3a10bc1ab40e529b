#pragma once
// Output forms of form 6a: text (aligned table), Markdown, CSV, JSON and a standalone HTML page.
// All output is UTF-8. Pure: returns strings, writes nothing.
//
// Row key naming: the JSON row object and the CSV column name the key "field" when the form is
// grouped by field and "department" when grouped by department; the Vietnamese forms head
// column (2) "Lĩnh vực" or "Đơn vị" accordingly.
//
// JSON shape (counter names as in Form6aCounters):
//   {"form": "II.06a/VPCP/KSTT", "from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "group_by": "field",
//    "provisional": false, "rows": [{"field": "Hộ tịch", "received_total": 9, ...}, ...],
//    "total": {"received_total": 13, ...}}
// CSV: a header line "stt,field,received_total,…,without_due", one line per row numbered from
// 1, then a line with an empty stt and the key "Tổng cộng". RFC 4180 quoting, CRLF line ends.

#include <optional>
#include <string>
#include <string_view>

#include "report/form6a.h"

namespace dunghan::report {

enum class Format { text, md, csv, json, html };

/// "text" | "md" | "csv" | "json" | "html".
std::string_view to_string(Format f);
/// Parses the names above (also "markdown" for md); nullopt otherwise.
std::optional<Format> parse_format(std::string_view s);

/// The official title, "Biểu II.06a/VPCP/KSTT — TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH".
std::string_view form6a_title();

/// The form in `format`. Never throws but std::bad_alloc.
std::string render(const Form6a& form, Format format);

/// The official table as monospaced text: title, period ("Kỳ báo cáo: Từ ngày DD/MM/YYYY đến ngày
/// DD/MM/YYYY"), unit, a two-level heading, a row of column numbers (1)…(13), the rows, the total
/// "Tổng cộng", and notes. Columns align by display width counted in code points (NFC text; no
/// East Asian wide characters expected).
std::string render_text(const Form6a& form);
std::string render_markdown(const Form6a& form);
std::string render_csv(const Form6a& form);
/// Pretty-printed (2 spaces), keys in the order shown above, ends with a newline.
std::string render_json(const Form6a& form);
/// A standalone UTF-8 HTML5 page with an inline style; every value is HTML-escaped.
std::string render_html(const Form6a& form);

}  // namespace dunghan::report
