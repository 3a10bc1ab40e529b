#include "report/render.h"

#include "text/html.h"
#include "text/width.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

namespace dunghan::report {
namespace {

constexpr std::string_view kTitle =
    "Biểu II.06a/VPCP/KSTT — TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH";
constexpr std::string_view kUnit = "Đơn vị tính: Số hồ sơ TTHC";
constexpr std::string_view kTotalLabel = "Tổng cộng";

// Columns 3–13: JSON/CSV name, Vietnamese heading, member.
struct Column {
  std::string_view name;
  std::string_view heading;
  std::int64_t Form6aCounters::*member;
};

constexpr std::array<Column, 11> kColumns{{
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

// Details that are not columns of the official form (JSON and CSV only, and the notes).
constexpr std::array<Column, 3> kDetails{{
    {"returned_withdrawn", "", &Form6aCounters::returned_withdrawn},
    {"waiting_supplement", "", &Form6aCounters::waiting_supplement},
    {"without_due", "", &Form6aCounters::without_due},
}};

// Column groups over kColumns: [first, first + count).
struct Group {
  std::string_view heading;
  std::size_t first;
  std::size_t count;
};
constexpr std::array<Group, 3> kGroups{{
    {"Số hồ sơ nhận giải quyết", 0, 4},
    {"Số hồ sơ đã giải quyết", 4, 4},
    {"Số lượng hồ sơ đang giải quyết", 8, 3},
}};

std::string_view key_name(GroupBy g) {
  return g == GroupBy::field ? "field" : "department";
}
std::string_view key_heading(GroupBy g) {
  return g == GroupBy::field ? "Lĩnh vực" : "Đơn vị";
}

std::string period_line(const Form6a& f) {
  return "Kỳ báo cáo: Từ ngày " + calendar::format_date_vn(f.from) + " đến ngày " +
         calendar::format_date_vn(f.to);
}

// Explanatory notes shared by the text, Markdown and HTML forms (plain text).
std::vector<std::string> notes(const Form6a& f) {
  std::vector<std::string> n;
  n.push_back("Cột (9) gồm " + std::to_string(f.total.returned_withdrawn) +
              " hồ sơ trả lại hoặc xin rút; cột (12) gồm " +
              std::to_string(f.total.waiting_supplement) + " hồ sơ chờ bổ sung hoặc tạm dừng.");
  if (f.total.without_due > 0) {
    n.push_back(std::to_string(f.total.without_due) +
                " hồ sơ không xác định được thời hạn (thiếu thời hạn giải quyết và ngày hẹn trả) "
                "được tính vào cột (9) hoặc (12).");
  }
  if (f.provisional) {
    n.push_back("Lưu ý: có thời hạn tính theo lịch nghỉ tạm tính (chưa có lịch nghỉ chính thức).");
  }
  return n;
}

std::string row_label(const std::string& key) {
  return key.empty() ? "(không ghi)" : key;
}

std::string pad(std::string_view s, std::size_t width, bool right) {
  return text::pad(s, width, right ? text::Align::right : text::Align::left);
}

// ---- text ---------------------------------------------------------------------------------------

std::string text_table(const Form6a& f) {
  // Cells: 0 = STT, 1 = key, 2..12 = columns 3..13.
  constexpr std::size_t kCells = 2 + kColumns.size();
  std::vector<std::array<std::string, kCells>> body;
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    std::array<std::string, kCells> r;
    r[0] = std::to_string(i + 1);
    r[1] = row_label(f.rows[i].key);
    for (std::size_t c = 0; c < kColumns.size(); ++c) {
      r[2 + c] = std::to_string(f.rows[i].counters.*kColumns[c].member);
    }
    body.push_back(std::move(r));
  }
  std::array<std::string, kCells> total;
  total[1] = std::string(kTotalLabel);
  for (std::size_t c = 0; c < kColumns.size(); ++c) {
    total[2 + c] = std::to_string(f.total.*kColumns[c].member);
  }

  std::array<std::string, kCells> headings;
  headings[0] = "STT";
  headings[1] = std::string(key_heading(f.group_by));
  std::array<std::string, kCells> numbers;
  for (std::size_t c = 0; c < kCells; ++c) numbers[c] = "(" + std::to_string(c + 1) + ")";
  for (std::size_t c = 0; c < kColumns.size(); ++c) headings[2 + c] = kColumns[c].heading;

  std::array<std::size_t, kCells> width{};
  const auto widen = [&width](const std::array<std::string, kCells>& r) {
    for (std::size_t c = 0; c < kCells; ++c)
      width[c] = std::max(width[c], text::display_width(r[c]));
  };
  widen(headings);
  widen(numbers);
  widen(total);
  for (const auto& r : body) widen(r);
  // A group heading wider than its columns widens the group's last column.
  for (const Group& g : kGroups) {
    std::size_t span = 3 * (g.count - 1);
    for (std::size_t c = 0; c < g.count; ++c) span += width[2 + g.first + c];
    const std::size_t need = text::display_width(g.heading);
    if (need > span) width[2 + g.first + g.count - 1] += need - span;
  }

  // kTop: "+" only at group boundaries; kUnderGroups: the STT and key cells stay open (they span
  // both heading lines); kFull: every column boundary.
  enum RuleKind { kTop, kUnderGroups, kFull };
  const auto rule = [&](RuleKind kind) {
    std::string s = kind == kUnderGroups ? "|" : "+";
    for (std::size_t c = 0; c < kCells; ++c) {
      const bool open_cell = kind == kUnderGroups && c < 2;
      s += std::string(width[c] + 2, open_cell ? ' ' : '-');
      bool inside = false;  // between two columns of one group, on the top rule
      if (kind == kTop && c >= 2) {
        for (const Group& g : kGroups) {
          if (c >= 2 + g.first && c < 2 + g.first + g.count - 1) inside = true;
        }
      }
      s += inside ? "-" : (kind == kUnderGroups && c == 0 ? "|" : "+");
    }
    return s + "\n";
  };
  const auto line = [&](const std::array<std::string, kCells>& r, bool numeric_right) {
    std::string s = "|";
    for (std::size_t c = 0; c < kCells; ++c) {
      const bool right = numeric_right && c != 1;
      s += " " + pad(r[c], width[c], right) + " |";
    }
    return s + "\n";
  };

  std::string out;
  out += rule(kTop);
  // Group-heading line: STT and key cells blank, each group centred-left over its span.
  {
    std::string s =
        "| " + pad(headings[0], width[0], false) + " | " + pad(headings[1], width[1], false) + " |";
    for (const Group& g : kGroups) {
      std::size_t span = 3 * (g.count - 1);
      for (std::size_t c = 0; c < g.count; ++c) span += width[2 + g.first + c];
      s += " " + pad(g.heading, span, false) + " |";
    }
    out += s + "\n";
  }
  out += rule(kUnderGroups);
  std::array<std::string, kCells> sub = headings;
  sub[0].clear();
  sub[1].clear();
  out += line(sub, false);
  out += rule(kFull);
  out += line(numbers, false);
  out += rule(kFull);
  for (const auto& r : body) out += line(r, true);
  if (!body.empty()) out += rule(kFull);
  out += line(total, true);
  out += rule(kFull);
  return out;
}

// ---- CSV
// ------------------------------------------------------------------------------------------

std::string csv_field(std::string_view s) {
  const bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) return std::string(s);
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

void csv_counters(std::string& out, const Form6aCounters& c) {
  for (const Column& col : kColumns) out += "," + std::to_string(c.*col.member);
  for (const Column& col : kDetails) out += "," + std::to_string(c.*col.member);
  out += "\r\n";
}

// ---- Markdown
// -------------------------------------------------------------------------------------

std::string md_cell(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|' || ch == '\\' || ch == '*' || ch == '_' || ch == '`' || ch == '<' || ch == '[') {
      out += '\\';
    }
    if (ch == '\n' || ch == '\r') {
      out += ' ';
      continue;
    }
    out += ch;
  }
  return out;
}

// ---- JSON
// -----------------------------------------------------------------------------------------

nlohmann::ordered_json counters_json(const Form6aCounters& c) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const Column& col : kColumns) j[std::string(col.name)] = c.*col.member;
  for (const Column& col : kDetails) j[std::string(col.name)] = c.*col.member;
  return j;
}

}  // namespace

std::string_view to_string(Format f) {
  switch (f) {
    case Format::text:
      return "text";
    case Format::md:
      return "md";
    case Format::csv:
      return "csv";
    case Format::json:
      return "json";
    case Format::html:
      return "html";
  }
  return "?";
}

std::optional<Format> parse_format(std::string_view s) {
  if (s == "text") return Format::text;
  if (s == "md" || s == "markdown") return Format::md;
  if (s == "csv") return Format::csv;
  if (s == "json") return Format::json;
  if (s == "html") return Format::html;
  return std::nullopt;
}

std::string_view form6a_title() {
  return kTitle;
}

std::string render(const Form6a& form, Format format) {
  switch (format) {
    case Format::text:
      return render_text(form);
    case Format::md:
      return render_markdown(form);
    case Format::csv:
      return render_csv(form);
    case Format::json:
      return render_json(form);
    case Format::html:
      return render_html(form);
  }
  return render_text(form);
}

std::string render_text(const Form6a& f) {
  std::string out;
  out += std::string(kTitle) + "\n";
  out += period_line(f) + "\n";
  out += std::string(kUnit) + "\n\n";
  out += text_table(f);
  for (const std::string& n : notes(f)) out += n + "\n";
  return out;
}

std::string render_markdown(const Form6a& f) {
  std::string out;
  out += "# " + md_cell(kTitle) + "\n\n";
  out += period_line(f) + "  \n" + std::string(kUnit) + "\n\n";
  // One header row: group name prefixes the first column of each group.
  out += "| STT | " + std::string(key_heading(f.group_by)) + " |";
  for (std::size_t c = 0; c < kColumns.size(); ++c) {
    std::string h;
    for (const Group& g : kGroups) {
      if (g.first == c) h = std::string(g.heading) + ": ";
    }
    h += std::string(kColumns[c].heading) + " (" + std::to_string(c + 3) + ")";
    out += " " + h + " |";
  }
  out += "\n|---:|---|";
  for (std::size_t c = 0; c < kColumns.size(); ++c) out += "---:|";
  out += "\n";
  const auto row = [&out](const std::string& stt, const std::string& label,
                          const Form6aCounters& c) {
    out += "| " + stt + " | " + label + " |";
    for (const Column& col : kColumns) out += " " + std::to_string(c.*col.member) + " |";
    out += "\n";
  };
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    row(std::to_string(i + 1), md_cell(row_label(f.rows[i].key)), f.rows[i].counters);
  }
  row("", "**" + std::string(kTotalLabel) + "**", f.total);
  out += "\n";
  for (const std::string& n : notes(f)) out += "- " + md_cell(n) + "\n";
  return out;
}

std::string render_csv(const Form6a& f) {
  std::string out = "stt," + std::string(key_name(f.group_by));
  for (const Column& col : kColumns) out += "," + std::string(col.name);
  for (const Column& col : kDetails) out += "," + std::string(col.name);
  out += "\r\n";
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    out += std::to_string(i + 1) + "," + csv_field(f.rows[i].key);
    csv_counters(out, f.rows[i].counters);
  }
  out += "," + csv_field(kTotalLabel);
  csv_counters(out, f.total);
  return out;
}

std::string render_json(const Form6a& f) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["form"] = "II.06a/VPCP/KSTT";
  j["from"] = calendar::format_date(f.from);
  j["to"] = calendar::format_date(f.to);
  j["group_by"] = std::string(to_string(f.group_by));
  j["provisional"] = f.provisional;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const Form6aRow& r : f.rows) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    o[std::string(key_name(f.group_by))] = r.key;
    o.update(counters_json(r.counters));
    rows.push_back(std::move(o));
  }
  j["rows"] = std::move(rows);
  j["total"] = counters_json(f.total);
  // Invalid UTF-8 in a key is replaced rather than thrown.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string render_html(const Form6a& f) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
         text::html_escape(kTitle) +
         "</title>\n<style>\n"
         "body{font-family:\"Times New Roman\",serif;margin:2em}\n"
         "h1{font-size:1.2em;text-align:center}\n"
         "p.meta{text-align:center;margin:.2em}\n"
         "table{border-collapse:collapse;margin:1em auto}\n"
         "th,td{border:1px solid #000;padding:.25em .5em}\n"
         "th{font-weight:bold;text-align:center}\n"
         "td.n{text-align:right}\n"
         "tr.total td{font-weight:bold}\n"
         "</style>\n</head>\n<body>\n";
  out += "<h1>" + text::html_escape(kTitle) + "</h1>\n";
  out += "<p class=\"meta\">" + text::html_escape(period_line(f)) + "</p>\n";
  out += "<p class=\"meta\">" + text::html_escape(kUnit) + "</p>\n";
  out += "<table>\n<thead>\n<tr><th rowspan=\"2\">STT</th><th rowspan=\"2\">" +
         text::html_escape(key_heading(f.group_by)) + "</th>";
  for (const Group& g : kGroups) {
    out +=
        "<th colspan=\"" + std::to_string(g.count) + "\">" + text::html_escape(g.heading) + "</th>";
  }
  out += "</tr>\n<tr>";
  for (const Column& col : kColumns) out += "<th>" + text::html_escape(col.heading) + "</th>";
  out += "</tr>\n<tr>";
  for (std::size_t c = 1; c <= 2 + kColumns.size(); ++c) {
    out += "<th>(" + std::to_string(c) + ")</th>";
  }
  out += "</tr>\n</thead>\n<tbody>\n";
  const auto row = [&out](const std::string& cls, const std::string& stt, const std::string& label,
                          const Form6aCounters& c) {
    out +=
        "<tr" + cls + "><td class=\"n\">" + stt + "</td><td>" + text::html_escape(label) + "</td>";
    for (const Column& col : kColumns) {
      out += "<td class=\"n\">" + std::to_string(c.*col.member) + "</td>";
    }
    out += "</tr>\n";
  };
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    row("", std::to_string(i + 1), row_label(f.rows[i].key), f.rows[i].counters);
  }
  out += "</tbody>\n<tfoot>\n";
  row(" class=\"total\"", "", std::string(kTotalLabel), f.total);
  out += "</tfoot>\n</table>\n";
  for (const std::string& n : notes(f)) out += "<p>" + text::html_escape(n) + "</p>\n";
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace dunghan::report
