// The printed form 6a in every format carries the same figures: a seeded quarter (the hand-counted
// Q1/2026 plus three fields that test the Vietnamese order) is rendered in text, Markdown, CSV,
// JSON, HTML and XLSX, each output is parsed back, and every row must equal the hand count. The
// workbook is opened again by tests/report/xlsx_dump.py (Python's zipfile + ElementTree), a reader
// independent of libxlsxwriter, and its cells, merged ranges, number types and page setup are
// checked.

#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "report/quarter_fixture.h"
#include "report/render.h"
#include "report/xlsx_writer.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace dunghan::report {
namespace {

using namespace fixture;  // NOLINT: the quarter's cases and builders
using nlohmann::json;

/// A row as read back from an output: its STT ("" for the total), label and columns (3)–(13).
struct Parsed {
  std::string stt;
  std::string label;
  std::array<std::int64_t, 11> values{};
  friend bool operator==(const Parsed&, const Parsed&) = default;
};

std::ostream& operator<<(std::ostream& os, const Parsed& p) {
  os << "[" << p.stt << "|" << p.label << "|";
  for (std::int64_t v : p.values) os << " " << v;
  return os << "]";
}

std::vector<Case> seeded_quarter() {
  std::vector<Case> cases = quarter();
  int n = 0;
  for (const char* field : {"Lao động", "Doanh nghiệp", "Đầu tư"}) {
    // Received Tue 24/03 (direct), 10 working days → due 07/04, open: (3), (5), (11), (12).
    cases.push_back({make(("F" + std::to_string(++n)).c_str(), field, Channel::direct,
                          local(2026, 3, 24, 9, 0), 10),
                     {}});
  }
  return cases;
}

// The hand count (see quarter_fixture.h for Hộ tịch and Đất đai), rows in Vietnamese order.
const std::vector<Parsed> kExpected{
    {"1", "Doanh nghiệp", {1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0}},
    {"2", "Đất đai", {4, 1, 2, 1, 3, 0, 1, 2, 1, 1, 0}},
    {"3", "Đầu tư", {1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0}},
    {"4", "Hộ tịch", {9, 3, 4, 2, 5, 1, 3, 1, 4, 3, 1}},
    {"5", "Lao động", {1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0}},
    {"", "Tổng cộng", {16, 4, 9, 3, 8, 1, 4, 3, 8, 7, 1}},
};

FormMeta seeded_meta() {
  FormMeta m;
  m.heading = FormHeading{"UBND huyện Đông Anh", "Văn phòng UBND thành phố Hà Nội", "Đông Anh",
                          "CHỦ TỊCH", "Nguyễn Thị Lan"};
  m.period = quarter_period(2026, 1, PeriodConvention::calendar);
  m.signed_on = testing::ymd(2026, 4, 3);
  return m;
}

Form6a seeded_form() {
  return build(seeded_quarter(), kFrom, kTo);
}

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

bool is_count(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A table row from 13 cells when (3)–(13) are all counts; nullopt for heading rows.
std::optional<Parsed> row_of(std::vector<std::string> cells) {
  if (cells.size() != 13) return std::nullopt;
  for (std::string& c : cells) c = trim(c);
  for (std::size_t i = 2; i < 13; ++i) {
    if (!is_count(cells[i])) return std::nullopt;
  }
  Parsed p{cells[0], cells[1], {}};
  for (std::size_t i = 0; i < 11; ++i) p.values[i] = std::stoll(cells[2 + i]);
  return p;
}

/// Rows of a table drawn with "|" (text and Markdown).
std::vector<Parsed> parse_piped(const std::string& out) {
  std::vector<Parsed> rows;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.size() < 2 || line.front() != '|' || line.back() != '|') continue;
    std::vector<std::string> cells;
    std::string cell;
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) {
        cell += line[++i];
      } else if (line[i] == '|') {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    if (auto p = row_of(cells)) {
      if (p->label.rfind("**", 0) == 0) p->label = p->label.substr(2, p->label.size() - 4);
      rows.push_back(*p);
    }
  }
  return rows;
}

/// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
std::vector<std::vector<std::string>> csv_records(const std::string& csv) {
  std::vector<std::vector<std::string>> records(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      records.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') {
      records.back().push_back(std::move(field));
      field.clear();
      records.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  if (records.back().empty() && field.empty()) records.pop_back();
  return records;
}

std::vector<Parsed> parse_csv(const std::string& out) {
  EXPECT_EQ(out.rfind("\xEF\xBB\xBF", 0), 0u);
  std::vector<Parsed> rows;
  for (const auto& r : csv_records(out.substr(3))) {
    if (auto p = row_of(r)) rows.push_back(*p);
  }
  return rows;
}

std::vector<Parsed> parse_json(const std::string& out) {
  const json j = json::parse(out);
  std::vector<Parsed> rows;
  const auto values = [](const json& o) {
    std::array<std::int64_t, 11> v{};
    for (std::size_t i = 0; i < kColumnCount; ++i) {
      v[i] = o.at(std::string(kColumns[i].name)).get<std::int64_t>();
    }
    return v;
  };
  for (const json& r : j.at("rows")) {
    rows.push_back({std::to_string(r.at("stt").get<int>()), r.at("field"), values(r)});
  }
  rows.push_back({"", j.at("total_label"), values(j.at("total"))});
  return rows;
}

std::vector<Parsed> parse_html(const std::string& out) {
  std::vector<Parsed> rows;
  static const std::regex tr("<tr[^>]*>(.*?)</tr>");
  static const std::regex td("<td[^>]*>(.*?)</td>");
  const std::string table = out.substr(out.find("<table class=\"form\">"));
  for (auto it = std::sregex_iterator(table.begin(), table.end(), tr); it != std::sregex_iterator();
       ++it) {
    const std::string inner = (*it)[1];
    std::vector<std::string> cells;
    for (auto c = std::sregex_iterator(inner.begin(), inner.end(), td); c != std::sregex_iterator();
         ++c) {
      cells.push_back((*c)[1]);
    }
    if (auto p = row_of(cells)) rows.push_back(*p);
  }
  return rows;
}

/// The workbook as xlsx_dump.py reads it.
json dump_xlsx(const std::filesystem::path& file) {
  const testing::ProcessResult r = testing::run_process(
      "/usr/bin/python3",
      {std::string(DUNGHAN_SOURCE_DIR) + "/tests/report/xlsx_dump.py", file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

std::string cell_name(int col, int row) {  // col 0 = A, row 1-based
  return std::string(1, static_cast<char>('A' + col)) + std::to_string(row);
}

std::vector<Parsed> parse_xlsx(const json& d) {
  const json& cells = d.at("cells");
  std::vector<Parsed> rows;
  for (int r = kXlsxFirstDataRow + 1;; ++r) {
    if (!cells.contains(cell_name(2, r)) || cells.at(cell_name(2, r)).at("t") != "n") break;
    Parsed p;
    const json& a = cells.at(cell_name(0, r));
    p.stt = a.at("t") == "n" ? std::to_string(a.at("v").get<int>()) : "";
    p.label = cells.at(cell_name(1, r)).at("v");
    for (int c = 0; c < 11; ++c) {
      const json& v = cells.at(cell_name(2 + c, r));
      EXPECT_EQ(v.at("t"), "n") << cell_name(2 + c, r) << " is a number, not text";
      EXPECT_EQ(v.at("num_format"), "#,##0") << cell_name(2 + c, r);
      p.values[static_cast<std::size_t>(c)] = v.at("v").get<std::int64_t>();
    }
    rows.push_back(p);
  }
  return rows;
}

TEST(Form6aFormats, SeededQuarterHasTheHandCountedRowsInVietnameseOrder) {
  const Form6a f = seeded_form();
  std::vector<Parsed> rows;
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    Parsed p{std::to_string(i + 1), f.rows[i].key, {}};
    for (std::size_t c = 0; c < kColumnCount; ++c)
      p.values[c] = f.rows[i].counters.*kColumns[c].member;
    rows.push_back(p);
  }
  Parsed total{"", "Tổng cộng", {}};
  for (std::size_t c = 0; c < kColumnCount; ++c) total.values[c] = f.total.*kColumns[c].member;
  rows.push_back(total);
  EXPECT_EQ(rows, kExpected);
}

TEST(Form6aFormats, EveryFormatReadsBackToTheSameFigures) {
  const Form6a f = seeded_form();
  const FormMeta m = seeded_meta();
  EXPECT_EQ(parse_piped(render_text(f, m)), kExpected) << "text";
  EXPECT_EQ(parse_piped(render_markdown(f, m)), kExpected) << "md";
  EXPECT_EQ(parse_csv(render_csv(f, m)), kExpected) << "csv";
  EXPECT_EQ(parse_json(render_json(f, m)), kExpected) << "json";
  EXPECT_EQ(parse_html(render_html(f, m)), kExpected) << "html";
  testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "q1.xlsx";
  write_xlsx(f, m, file);
  EXPECT_EQ(parse_xlsx(dump_xlsx(file)), kExpected) << "xlsx";
}

TEST(Form6aXlsx, HeadingsAreMergedAsOnTheForm) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "q1.xlsx";
  write_xlsx(seeded_form(), seeded_meta(), file);
  const json d = dump_xlsx(file);
  EXPECT_EQ(d.at("sheets"), json::array({"Biểu II.06a"}));
  const auto merges = d.at("merges").get<std::vector<std::string>>();
  for (const char* range : {"A8:A9", "B8:B9", "C8:F8", "G8:J8", "K8:M8", "A4:M4", "A5:M5"}) {
    EXPECT_NE(std::find(merges.begin(), merges.end(), range), merges.end()) << range;
  }
  const json& cells = d.at("cells");
  EXPECT_EQ(cells.at("A8").at("v"), "STT");
  EXPECT_EQ(cells.at("B8").at("v"), "Lĩnh vực");
  EXPECT_EQ(cells.at("C8").at("v"), "Số hồ sơ nhận giải quyết");
  EXPECT_EQ(cells.at("G8").at("v"), "Số hồ sơ đã giải quyết");
  EXPECT_EQ(cells.at("K8").at("v"), "Số lượng hồ sơ đang giải quyết");
  EXPECT_EQ(cells.at("E9").at("v"), "Trực tiếp, dịch vụ bưu chính");
  EXPECT_EQ(cells.at("M9").at("v"), "Quá hạn");
  for (int c = 0; c < 13; ++c) {
    EXPECT_EQ(cells.at(cell_name(c, 10)).at("v"), "(" + std::to_string(c + 1) + ")");
  }
  EXPECT_TRUE(cells.at("C8").at("bold"));
  EXPECT_EQ(cells.at("A4").at("v"), "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH");
  EXPECT_EQ(cells.at("A5").at("v"),
            "Kỳ báo cáo: Quý I năm 2026 (từ ngày 01/01/2026 đến ngày 31/03/2026)");
  EXPECT_EQ(cells.at("A1").at("v"), "Đơn vị báo cáo: UBND huyện Đông Anh");
  EXPECT_EQ(cells.at("A2").at("v"), "Đơn vị nhận báo cáo: Văn phòng UBND thành phố Hà Nội");
  EXPECT_EQ(cells.at("K1").at("v"), "Biểu II.06a/VPCP/KSTT");
}

TEST(Form6aXlsx, TheTableHasBordersNumbersAsNumbersAndABoldTotal) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "q1.xlsx";
  write_xlsx(seeded_form(), seeded_meta(), file);
  const json d = dump_xlsx(file);
  const json& cells = d.at("cells");
  const int total_row = kXlsxFirstDataRow + 1 + 5;  // five rows, then the total (1-based)
  for (int r = 8; r <= total_row; ++r) {
    for (int c = 0; c < 13; ++c) {
      const json& b = cells.at(cell_name(c, r)).at("border");
      for (const char* side : {"left", "right", "top", "bottom"}) {
        EXPECT_EQ(b.at(side), "thin") << cell_name(c, r) << " " << side;
      }
    }
  }
  EXPECT_EQ(cells.at(cell_name(0, kXlsxFirstDataRow + 1)).at("t"), "n");  // STT 1
  EXPECT_EQ(cells.at(cell_name(1, total_row)).at("v"), "Tổng cộng");
  EXPECT_TRUE(cells.at(cell_name(1, total_row)).at("bold"));
  EXPECT_TRUE(cells.at(cell_name(2, total_row)).at("bold"));
  EXPECT_EQ(cells.at(cell_name(2, total_row)).at("v"), 16);
  EXPECT_FALSE(cells.contains(cell_name(2, total_row + 1)));
  EXPECT_EQ(cells.at("C11").at("font"), "Times New Roman");
}

TEST(Form6aXlsx, PrintsOnA4LandscapeOnePageWideWithTheHeadingsRepeated) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "q1.xlsx";
  write_xlsx(seeded_form(), seeded_meta(), file);
  const json d = dump_xlsx(file);
  const json& page = d.at("page_setup");
  EXPECT_EQ(page.at("paperSize"), "9");  // A4
  EXPECT_EQ(page.at("orientation"), "landscape");
  EXPECT_TRUE(d.at("fit_to_page"));
  EXPECT_EQ(page.value("fitToWidth", "1"), "1");  // 1 is the default, often left out
  EXPECT_EQ(page.at("fitToHeight"), "0");         // as many pages down as needed
  EXPECT_EQ(d.at("print_options").at("horizontalCentered"), "1");
  EXPECT_EQ(d.at("defined_names").at("_xlnm.Print_Titles"), "'Biểu II.06a'!$8:$10");
  EXPECT_EQ(d.at("defined_names")
                .at("_xlnm.Print_Area")
                .get<std::string>()
                .rfind("'Biểu II.06a'!$A$1:$M$", 0),
            0u);
  const json& cols = d.at("cols");
  ASSERT_EQ(cols.size(), 3u);
  EXPECT_NEAR(cols[0].at("width").get<double>(), 6.7, 0.1);   // STT
  EXPECT_NEAR(cols[1].at("width").get<double>(), 32.7, 0.1);  // the field
  EXPECT_EQ(cols[2].at("min"), 3);
  EXPECT_EQ(cols[2].at("max"), 13);
}

TEST(Form6aXlsx, CarriesTheHeaderAndFooterOfTheOtherFormats) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "q1.xlsx";
  const Form6a f = seeded_form();
  const FormMeta m = seeded_meta();
  write_xlsx(f, m, file);
  std::vector<std::string> texts;
  const json d = dump_xlsx(file);
  for (const auto& [ref, c] : d.at("cells").items()) {
    if (c.at("t") == "s") texts.push_back(c.at("v"));
  }
  // Every line of the text form's header block, notes and footer is a cell of the workbook.
  const FormLayout l = layout(f, m);
  std::vector<std::string> expected{l.reporting_unit, l.receiving_unit, l.form_code, l.title,
                                    l.period_line,    l.unit_line,      l.place_date};
  expected.insert(expected.end(), l.notes.begin(), l.notes.end());
  for (const Signature& s : {l.preparer, l.head}) {
    for (const std::string& t : {s.role, s.hint}) expected.push_back(t);
  }
  expected.push_back("CHỦ TỊCH");
  expected.push_back("Nguyễn Thị Lan");
  for (const std::string& e : expected) {
    EXPECT_NE(std::find(texts.begin(), texts.end(), e), texts.end()) << e;
  }
}

TEST(Form6aXlsx, FieldNamesWithMarkupControlCharactersOrBadBytesStayReadable) {
  Form6a f = seeded_form();
  f.rows.at(0).key = "A <&> \"B\"";
  f.rows.at(1).key = std::string(
      "C\x01"
      "D");
  f.rows.at(2).key = std::string("E\xC4");  // a truncated UTF-8 sequence
  testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "odd.xlsx";
  write_xlsx(f, seeded_meta(), file);
  const json d = dump_xlsx(file);  // the XML parses
  const json& cells = d.at("cells");
  EXPECT_EQ(cells.at("B11").at("v"), "A <&> \"B\"");
  EXPECT_EQ(cells.at("B12").at("v"),
            "C\x01"
            "D");
  EXPECT_EQ(cells.at("B13").at("v"), "E\xEF\xBF\xBD");  // U+FFFD
}

TEST(Form6aXlsx, AnUnwritableFileThrowsNamingIt) {
  testing::TempDir dir;
  const std::filesystem::path file = dir.path() / "no-such-folder" / "q1.xlsx";
  try {
    write_xlsx(seeded_form(), seeded_meta(), file);
    FAIL() << "no exception";
  } catch (const XlsxError& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dunghan::report
