#include "report/render.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "text/html.h"
#include "text/width.h"

namespace dunghan::report {
namespace {

constexpr std::size_t kCells = 2 + kColumnCount;  // (1) STT, (2) key, (3)..(13)

std::string pad(std::string_view s, std::size_t width, bool right) {
  return text::pad(s, width, right ? text::Align::right : text::Align::left);
}

/// `s` centred in `width` display columns (the extra space goes to the right), never truncated.
std::string centre(std::string_view s, std::size_t width) {
  const std::size_t w = text::display_width(s);
  if (w >= width) return std::string(s);
  return std::string((width - w) / 2, ' ') + std::string(s);
}

/// The cells of a table line: STT, label, the numbers.
std::array<std::string, kCells> cells_of(const LayoutRow& r) {
  std::array<std::string, kCells> c;
  c[0] = r.stt;
  c[1] = r.label;
  for (std::size_t i = 0; i < kColumnCount; ++i) c[2 + i] = std::to_string(r.values[i]);
  return c;
}

// ---- text ---------------------------------------------------------------------------------------

std::string text_table(const FormLayout& l) {
  std::array<std::string, kCells> headings;
  headings[0] = std::string(kSttHeading);
  headings[1] = l.key_heading;
  for (std::size_t c = 0; c < kColumnCount; ++c) headings[2 + c] = kColumns[c].heading;
  std::array<std::string, kCells> numbers;
  for (std::size_t c = 0; c < kCells; ++c) numbers[c] = column_number(c + 1);
  std::vector<std::array<std::string, kCells>> body;
  for (const LayoutRow& r : l.rows) body.push_back(cells_of(r));

  std::array<std::size_t, kCells> width{};
  const auto widen = [&width](const std::array<std::string, kCells>& r) {
    for (std::size_t c = 0; c < kCells; ++c) {
      width[c] = std::max(width[c], text::display_width(r[c]));
    }
  };
  widen(headings);
  widen(numbers);
  for (const auto& r : body) widen(r);
  // A group heading wider than its columns widens the group's last column.
  for (const ColumnGroup& g : kGroups) {
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
        for (const ColumnGroup& g : kGroups) {
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
  {
    // Group-heading line: STT and key headings, then each group over its span.
    std::string s =
        "| " + pad(headings[0], width[0], false) + " | " + pad(headings[1], width[1], false) + " |";
    for (const ColumnGroup& g : kGroups) {
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
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (l.rows[i].total && i > 0) out += rule(kFull);
    out += line(body[i], true);
  }
  out += rule(kFull);
  return out;
}

/// Two blocks of lines side by side, each centred in its half of `width`.
std::string side_by_side(const std::vector<std::string>& left,
                         const std::vector<std::string>& right, std::size_t width) {
  const std::size_t half = width / 2;
  std::string out;
  for (std::size_t i = 0; i < std::max(left.size(), right.size()); ++i) {
    const std::string l = i < left.size() ? centre(left[i], half) : "";
    const std::string r = i < right.size() ? centre(right[i], width - half) : "";
    std::string s = r.empty() ? l : pad(l, half, false) + r;
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out += s + "\n";
  }
  return out;
}

// ---- CSV ----------------------------------------------------------------------------------------

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

/// One CSV record of kCells fields, CRLF-terminated.
std::string csv_record(const std::array<std::string, kCells>& fields) {
  std::string out;
  for (std::size_t c = 0; c < kCells; ++c) {
    if (c > 0) out += ',';
    out += csv_field(fields[c]);
  }
  return out + "\r\n";
}

std::string csv_line(std::string_view first_cell) {
  std::array<std::string, kCells> f;
  f[0] = std::string(first_cell);
  return csv_record(f);
}

// ---- Markdown -----------------------------------------------------------------------------------

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

std::string md_row(const std::array<std::string, kCells>& cells) {
  std::string out = "|";
  for (const std::string& c : cells) out += " " + c + " |";
  return out + "\n";
}

// ---- JSON ---------------------------------------------------------------------------------------

using ojson = nlohmann::ordered_json;

ojson counters_json(const Form6aCounters& c) {
  ojson j = ojson::object();
  for (const Column& col : kColumns) j[std::string(col.name)] = c.*col.member;
  for (const Column& col : kDetails) j[std::string(col.name)] = c.*col.member;
  return j;
}

ojson signature_json(const Signature& s) {
  return ojson{{"role", s.role}, {"title", s.title}, {"hint", s.hint}, {"name", s.name}};
}

// ---- HTML ---------------------------------------------------------------------------------------

std::string esc(std::string_view s) {
  return text::html_escape(s);
}

std::string html_signature(const Signature& s) {
  std::string out = "<td><strong>" + esc(s.role) + "</strong>";
  if (!s.title.empty()) out += "<br><strong>" + esc(s.title) + "</strong>";
  out += "<br><em>" + esc(s.hint) + "</em><br><br><br><br>";
  if (!s.name.empty()) out += "<strong>" + esc(s.name) + "</strong>";
  return out + "</td>";
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
    case Format::xlsx:
      return "xlsx";
  }
  return "?";
}

std::optional<Format> parse_format(std::string_view s) {
  if (s == "text") return Format::text;
  if (s == "md" || s == "markdown") return Format::md;
  if (s == "csv") return Format::csv;
  if (s == "json") return Format::json;
  if (s == "html") return Format::html;
  if (s == "xlsx") return Format::xlsx;
  return std::nullopt;
}

bool is_binary(Format f) {
  return f == Format::xlsx;
}

std::string render(const Form6a& form, const FormMeta& meta, Format format) {
  switch (format) {
    case Format::text:
      return render_text(form, meta);
    case Format::md:
      return render_markdown(form, meta);
    case Format::csv:
      return render_csv(form, meta);
    case Format::json:
      return render_json(form, meta);
    case Format::html:
      return render_html(form, meta);
    case Format::xlsx:
      break;
  }
  throw std::invalid_argument("form 6a: " + std::string(to_string(format)) +
                              " is not a text format (see report/xlsx_writer.h)");
}

std::string render_text(const Form6a& form, const FormMeta& meta) {
  const FormLayout l = layout(form, meta);
  const std::string table = text_table(l);
  std::size_t width = text::display_width(table.substr(0, table.find('\n')));
  for (const std::string& s : {l.title, l.period_line}) {
    width = std::max(width, text::display_width(s));
  }

  std::string out;
  // Units on the left, the form's code on the right.
  {
    const std::string left = l.reporting_unit;
    const std::size_t used = text::display_width(left) + text::display_width(l.form_code);
    out += left + std::string(used + 2 <= width ? width - used : 2, ' ') + l.form_code + "\n";
  }
  out += l.receiving_unit + "\n\n";
  out += centre(l.title, width) + "\n";
  out += centre(l.period_line, width) + "\n";
  out += pad(l.unit_line, width, true) + "\n";
  out += table;
  out += "Ghi chú:\n";
  for (const std::string& n : l.notes) out += "- " + n + "\n";
  out += "\n";
  out += side_by_side({}, {l.place_date}, width);
  out += side_by_side(signature_lines(l.preparer), signature_lines(l.head), width);
  if (!l.preparer.name.empty() || !l.head.name.empty()) {
    out += "\n\n\n";  // room to sign
    out += side_by_side({l.preparer.name}, {l.head.name}, width);
  }
  return out;
}

std::string render_markdown(const Form6a& form, const FormMeta& meta) {
  const FormLayout l = layout(form, meta);
  std::string out;
  out += md_cell(l.reporting_unit) + "  \n" + md_cell(l.receiving_unit) + "  \n" +
         md_cell(l.form_code) + "\n\n";
  out += "# " + md_cell(l.title) + "\n\n";
  out += md_cell(l.period_line) + "  \n" + md_cell(l.unit_line) + "\n\n";

  // The header row holds the group headings over the first column of each group; the column
  // headings and the numbers are the first two rows.
  std::array<std::string, kCells> groups;
  groups[0] = std::string(kSttHeading);
  groups[1] = md_cell(l.key_heading);
  for (const ColumnGroup& g : kGroups) groups[2 + g.first] = md_cell(g.heading);
  out += md_row(groups);
  out += "|---:|---|";
  for (std::size_t c = 0; c < kColumnCount; ++c) out += "---:|";
  out += "\n";
  std::array<std::string, kCells> headings;
  for (std::size_t c = 0; c < kColumnCount; ++c) headings[2 + c] = md_cell(kColumns[c].heading);
  out += md_row(headings);
  std::array<std::string, kCells> numbers;
  for (std::size_t c = 0; c < kCells; ++c) numbers[c] = column_number(c + 1);
  out += md_row(numbers);
  for (const LayoutRow& r : l.rows) {
    std::array<std::string, kCells> cells = cells_of(r);
    cells[1] = r.total ? "**" + md_cell(r.label) + "**" : md_cell(r.label);
    out += md_row(cells);
  }
  out += "\nGhi chú:\n\n";
  for (const std::string& n : l.notes) out += "- " + md_cell(n) + "\n";
  out += "\n" + md_cell(l.place_date) + "\n\n";
  const auto sig = [](const Signature& s) {
    std::string c = "**" + md_cell(s.role) + "**";
    if (!s.title.empty()) c += "<br>**" + md_cell(s.title) + "**";
    c += "<br>" + md_cell(s.hint) + "<br><br><br>";
    if (!s.name.empty()) c += "**" + md_cell(s.name) + "**";
    return c;
  };
  out += "| " + sig(l.preparer) + " | " + sig(l.head) + " |\n|:---:|:---:|\n";
  return out;
}

std::string render_csv(const Form6a& form, const FormMeta& meta) {
  const FormLayout l = layout(form, meta);
  std::string out = "\xEF\xBB\xBF";
  std::array<std::string, kCells> groups;
  groups[0] = std::string(kSttHeading);
  groups[1] = l.key_heading;
  for (const ColumnGroup& g : kGroups) groups[2 + g.first] = std::string(g.heading);
  out += csv_record(groups);
  std::array<std::string, kCells> headings;
  for (std::size_t c = 0; c < kColumnCount; ++c) headings[2 + c] = kColumns[c].heading;
  out += csv_record(headings);
  std::array<std::string, kCells> numbers;
  for (std::size_t c = 0; c < kCells; ++c) numbers[c] = column_number(c + 1);
  out += csv_record(numbers);
  for (const LayoutRow& r : l.rows) out += csv_record(cells_of(r));

  out += csv_line("");
  for (const std::string& s :
       {l.reporting_unit, l.receiving_unit, l.form_code, l.title, l.period_line, l.unit_line}) {
    out += csv_line(s);
  }
  out += csv_line("Ghi chú:");
  for (const std::string& n : l.notes) out += csv_line(n);
  out += csv_line(l.place_date);
  // The signature blocks: the preparer under column (2), the head under column (9).
  const std::vector<std::string> left = signature_lines(l.preparer);
  const std::vector<std::string> right = signature_lines(l.head);
  for (std::size_t i = 0; i < std::max(left.size(), right.size()); ++i) {
    std::array<std::string, kCells> f;
    if (i < left.size()) f[1] = left[i];
    if (i < right.size()) f[8] = right[i];
    out += csv_record(f);
  }
  if (!l.preparer.name.empty() || !l.head.name.empty()) {
    std::array<std::string, kCells> f;
    f[1] = l.preparer.name;
    f[8] = l.head.name;
    out += csv_record(f);
  }
  return out;
}

std::string render_json(const Form6a& f, const FormMeta& meta) {
  const FormLayout l = layout(f, meta);
  ojson j = ojson::object();
  j["form"] = "II.06a/VPCP/KSTT";
  j["form_code"] = l.form_code;
  j["title"] = l.title;
  const ReportPeriod& p = meta.period;
  ojson period{{"kind", std::string(to_string(p.kind))}};
  period["convention"] =
      p.kind == PeriodKind::range ? ojson(nullptr) : ojson(std::string(to_string(p.convention)));
  period["year"] = p.kind == PeriodKind::range ? ojson(nullptr) : ojson(p.year);
  period["number"] = (p.kind == PeriodKind::quarter || p.kind == PeriodKind::month)
                         ? ojson(p.number)
                         : ojson(nullptr);
  period["words"] = period_words(p);
  period["line"] = l.period_line;
  period["from"] = calendar::format_date(p.from);
  period["to"] = calendar::format_date(p.to);
  j["header"] = ojson{{"reporting_unit", meta.heading.reporting_unit},
                      {"receiving_unit", meta.heading.receiving_unit},
                      {"unit", l.unit_line},
                      {"period", std::move(period)},
                      {"lines", ojson::array({l.reporting_unit, l.receiving_unit, l.form_code,
                                              l.title, l.period_line, l.unit_line})}};

  ojson columns = ojson::array();
  columns.push_back({{"number", 1},
                     {"label", column_number(1)},
                     {"key", "stt"},
                     {"heading", kSttHeading},
                     {"group", nullptr}});
  columns.push_back({{"number", 2},
                     {"label", column_number(2)},
                     {"key", std::string(key_name(f.group_by))},
                     {"heading", l.key_heading},
                     {"group", nullptr}});
  ojson groups = ojson::array();
  for (const ColumnGroup& g : kGroups) {
    for (std::size_t c = g.first; c < g.first + g.count; ++c) {
      columns.push_back({{"number", c + 3},
                         {"label", column_number(c + 3)},
                         {"key", kColumns[c].name},
                         {"heading", kColumns[c].heading},
                         {"group", g.heading}});
    }
    groups.push_back(
        {{"heading", g.heading}, {"first", g.first + 3}, {"last", g.first + g.count + 2}});
  }
  j["columns"] = std::move(columns);
  j["groups"] = std::move(groups);

  j["from"] = calendar::format_date(f.from);
  j["to"] = calendar::format_date(f.to);
  j["group_by"] = std::string(to_string(f.group_by));
  j["provisional"] = f.provisional;
  ojson by_kind = ojson::object();
  for (const auto& [kind, count] : f.anomalies_by_kind) by_kind[kind] = count;
  j["anomalies"] = ojson{
      {"dossiers", f.dossiers_anomalous}, {"total", f.anomalies}, {"by_kind", std::move(by_kind)}};
  j["notes"] = l.notes;
  j["footer"] =
      ojson{{"place", meta.heading.place},
            {"date", calendar::format_date(meta.signed_on)},
            {"place_date", l.place_date},
            {"signatures", ojson::array({signature_json(l.preparer), signature_json(l.head)})}};

  ojson rows = ojson::array();
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    ojson o = ojson::object();
    o["stt"] = i + 1;
    o[std::string(key_name(f.group_by))] = f.rows[i].key;
    o.update(counters_json(f.rows[i].counters));
    rows.push_back(std::move(o));
  }
  j["rows"] = std::move(rows);
  j["total_label"] = kTotalLabel;
  j["total"] = counters_json(f.total);
  return j.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

std::string render_html(const Form6a& form, const FormMeta& meta) {
  const FormLayout l = layout(form, meta);
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
         esc(l.form_code) + " — " + esc(l.title) +
         "</title>\n<style>\n"
         "@page{size:A4 landscape;margin:1.5cm}\n"
         "body{font-family:\"Times New Roman\",serif;margin:2em}\n"
         "table.head,table.sign{width:100%;border:0}\n"
         "table.head td{vertical-align:top}\n"
         "td.code{text-align:right;font-weight:bold}\n"
         "h1{font-size:1.2em;text-align:center;margin:.8em 0 .2em}\n"
         "p.period{text-align:center;margin:.2em}\n"
         "p.unit{text-align:right;font-style:italic;margin:.2em}\n"
         "table.form{border-collapse:collapse;margin:.5em auto;width:100%}\n"
         "table.form th,table.form td{border:1px solid #000;padding:.25em .5em}\n"
         "table.form th{font-weight:bold;text-align:center}\n"
         "table.form tr.numbers th{font-weight:normal;font-style:italic}\n"
         "td.n{text-align:right}\n"
         "tr.total td{font-weight:bold}\n"
         "p.place{text-align:right;font-style:italic;margin-right:10%}\n"
         "table.sign td{text-align:center;vertical-align:top;width:50%}\n"
         "</style>\n</head>\n<body>\n";
  out += "<table class=\"head\"><tr><td>" + esc(l.reporting_unit) + "<br>" + esc(l.receiving_unit) +
         "</td><td class=\"code\">" + esc(l.form_code) + "</td></tr></table>\n";
  out += "<h1>" + esc(l.title) + "</h1>\n";
  out += "<p class=\"period\">" + esc(l.period_line) + "</p>\n";
  out += "<p class=\"unit\">" + esc(l.unit_line) + "</p>\n";
  out += "<table class=\"form\">\n<thead>\n<tr><th rowspan=\"2\">" + esc(kSttHeading) +
         "</th><th rowspan=\"2\">" + esc(l.key_heading) + "</th>";
  for (const ColumnGroup& g : kGroups) {
    out += "<th colspan=\"" + std::to_string(g.count) + "\">" + esc(g.heading) + "</th>";
  }
  out += "</tr>\n<tr>";
  for (const Column& col : kColumns) out += "<th>" + esc(col.heading) + "</th>";
  out += "</tr>\n<tr class=\"numbers\">";
  for (std::size_t c = 1; c <= kCells; ++c) out += "<th>" + column_number(c) + "</th>";
  out += "</tr>\n</thead>\n<tbody>\n";
  for (const LayoutRow& r : l.rows) {
    if (r.total) out += "</tbody>\n<tfoot>\n";
    out += std::string(r.total ? "<tr class=\"total\">" : "<tr>") + "<td class=\"n\">" +
           esc(r.stt) + "</td><td>" + esc(r.label) + "</td>";
    for (std::int64_t v : r.values) out += "<td class=\"n\">" + std::to_string(v) + "</td>";
    out += "</tr>\n";
  }
  out += "</tfoot>\n</table>\n";
  out += "<p>Ghi chú:</p>\n<ul>\n";
  for (const std::string& n : l.notes) out += "<li>" + esc(n) + "</li>\n";
  out += "</ul>\n";
  out += "<p class=\"place\">" + esc(l.place_date) + "</p>\n";
  out += "<table class=\"sign\"><tr>" + html_signature(l.preparer) + html_signature(l.head) +
         "</tr></table>\n";
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace dunghan::report
