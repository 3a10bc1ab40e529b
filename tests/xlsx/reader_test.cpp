// xlsx/reader: workbooks written by libxlsxwriter (shared strings; inline strings in its
// constant-memory mode) and by hand in the shapes LibreOffice and other exporters write, read back
// cell by cell; the serial dates; what is refused.
#include "xlsx/reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <fstream>
#include <sstream>

#include "support/temp_dir.h"
#include "support/zip_writer.h"

namespace dunghan::xlsx {
namespace {

using dunghan::testing::TempDir;
using ::testing::HasSubstr;

std::vector<Row> read_sheet(const std::filesystem::path& file, std::size_t index = 0,
                            std::vector<std::string>* names = nullptr, bool* d1904 = nullptr) {
  std::ifstream in(file, std::ios::binary);
  Workbook wb(in);
  if (names != nullptr) *names = wb.sheet_names();
  if (d1904 != nullptr) *d1904 = wb.date1904();
  SheetReader sheet = wb.sheet(index);
  std::vector<Row> rows;
  Row r;
  while (sheet.next(r)) rows.push_back(r);
  return rows;
}

Cell at(const std::vector<Row>& rows, std::int64_t row, int col) {
  for (const Row& r : rows) {
    if (r.number != row) continue;
    if (static_cast<std::size_t>(col) < r.cells.size())
      return r.cells[static_cast<std::size_t>(col)];
  }
  return Cell{};
}

Cell text(std::string s) {
  return Cell{CellType::text, std::move(s), 0};
}

// ---- libxlsxwriter ------------------------------------------------------------------------------

void write_office_sheet(const std::filesystem::path& file, bool constant_memory) {
  lxw_workbook_options opt{};
  opt.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(file.string().c_str(), &opt);
  ASSERT_NE(wb, nullptr);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Hồ sơ");
  workbook_add_worksheet(wb, "Khác");
  lxw_format* dt = workbook_add_format(wb);
  format_set_num_format(dt, "dd/mm/yyyy hh:mm");
  lxw_format* d = workbook_add_format(wb);
  format_set_num_format(d, "dd/mm/yyyy");
  lxw_format* t = workbook_add_format(wb);
  format_set_num_format(t, "hh:mm:ss");
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "#,##0.00 \"đ\"");
  worksheet_write_string(ws, 0, 0, "Mã hồ sơ", nullptr);
  worksheet_write_string(ws, 0, 1, "Ngày tiếp nhận", nullptr);
  worksheet_write_string(ws, 0, 2, "Ngày hẹn trả", nullptr);
  worksheet_write_string(ws, 0, 4, "Số tiền", nullptr);  // D1 left empty
  worksheet_write_string(ws, 1, 0, "HS-001", nullptr);
  lxw_datetime received{2026, 11, 20, 8, 0, 0};
  worksheet_write_datetime(ws, 1, 1, &received, dt);
  lxw_datetime due{2026, 12, 11, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 2, &due, d);
  lxw_datetime at{0, 0, 0, 13, 30, 15};
  worksheet_write_datetime(ws, 1, 3, &at, t);
  worksheet_write_number(ws, 1, 4, 1500000.5, money);
  worksheet_write_number(ws, 1, 5, 15, nullptr);
  worksheet_write_boolean(ws, 1, 6, 1, nullptr);
  worksheet_write_formula_num(ws, 1, 7, "=F2*2", nullptr, 30);
  worksheet_write_number(ws, 1, 8, 46346.375, nullptr);  // a serial without a date format
  worksheet_write_string(ws, 3, 0, "Đầu tư", nullptr);   // row 3 left out
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
}

TEST(XlsxReader, ReadsEveryKindOfCellLibxlsxwriterWrites) {
  TempDir dir;
  const auto file = dir.path() / "hoso.xlsx";
  write_office_sheet(file, false);
  std::vector<std::string> names;
  bool d1904 = true;
  const std::vector<Row> rows = read_sheet(file, 0, &names, &d1904);
  EXPECT_EQ(names, (std::vector<std::string>{"Hồ sơ", "Khác"}));
  EXPECT_FALSE(d1904);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].number, 1);
  EXPECT_EQ(rows[1].number, 2);
  EXPECT_EQ(rows[2].number, 4);
  EXPECT_EQ(at(rows, 1, 0), text("Mã hồ sơ"));
  EXPECT_EQ(at(rows, 1, 3).type, CellType::empty);
  EXPECT_EQ(at(rows, 1, 4), text("Số tiền"));
  EXPECT_EQ(at(rows, 2, 0), text("HS-001"));
  EXPECT_EQ(at(rows, 2, 1).type, CellType::date);
  EXPECT_EQ(at(rows, 2, 1).text, "2026-11-20 08:00:00");
  EXPECT_DOUBLE_EQ(at(rows, 2, 1).number, 46346.0 + 8.0 / 24);
  EXPECT_EQ(at(rows, 2, 2).text, "2026-12-11");  // a whole day in a date-only format
  EXPECT_EQ(at(rows, 2, 3).text, "13:30:15");    // a time alone
  EXPECT_EQ(at(rows, 2, 4).type, CellType::number);
  EXPECT_EQ(at(rows, 2, 4).text, "1500000.5");  // a quoted "đ" is no day part
  EXPECT_EQ(at(rows, 2, 5), (Cell{CellType::number, "15", 15}));
  EXPECT_EQ(at(rows, 2, 6), (Cell{CellType::boolean, "TRUE", 0}));
  EXPECT_EQ(at(rows, 2, 7).text, "30");  // the formula's cached result
  EXPECT_EQ(at(rows, 2, 8), (Cell{CellType::number, "46346.375", 46346.375}));
  EXPECT_EQ(at(rows, 4, 0), text("Đầu tư"));
  // The second sheet is there too.
  EXPECT_TRUE(read_sheet(file, 1).empty());
}

TEST(XlsxReader, ReadsInlineStringsOfTheConstantMemoryMode) {
  TempDir dir;
  const auto file = dir.path() / "hoso.xlsx";
  write_office_sheet(file, true);
  const std::vector<Row> rows = read_sheet(file);
  EXPECT_EQ(at(rows, 1, 0), text("Mã hồ sơ"));
  EXPECT_EQ(at(rows, 2, 1).text, "2026-11-20 08:00:00");
  EXPECT_EQ(at(rows, 4, 0), text("Đầu tư"));
}

TEST(XlsxReader, StreamsManyRowsInOrder) {
  TempDir dir;
  const auto file = dir.path() / "big.xlsx";
  lxw_workbook_options opt{};
  opt.constant_memory = LXW_TRUE;
  lxw_workbook* wb = workbook_new_opt(file.string().c_str(), &opt);
  lxw_worksheet* ws = workbook_add_worksheet(wb, nullptr);
  constexpr int kRows = 20000;
  for (int i = 0; i < kRows; ++i) {
    worksheet_write_string(ws, static_cast<lxw_row_t>(i), 0, ("HS" + std::to_string(i)).c_str(),
                           nullptr);
    worksheet_write_number(ws, static_cast<lxw_row_t>(i), 1, i, nullptr);
  }
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  std::ifstream in(file, std::ios::binary);
  Workbook book(in);
  SheetReader sheet = book.sheet(0);
  Row r;
  int n = 0;
  while (sheet.next(r)) {
    ASSERT_EQ(r.number, n + 1);
    ASSERT_EQ(r.cells.at(0).text, "HS" + std::to_string(n));
    ASSERT_EQ(r.cells.at(1).text, std::to_string(n));
    ++n;
  }
  EXPECT_EQ(n, kRows);
  EXPECT_GT(sheet.bytes_read(), 0u);
  EXPECT_EQ(sheet.bytes_read(), sheet.total_bytes());
}

// ---- by hand: LibreOffice's and other exporters' shapes
// ------------------------------------------

constexpr const char* kNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

std::string sheet(const std::string& rows, const std::string& prefix = "") {
  const std::string p = prefix.empty() ? "" : prefix + ":";
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<") + p +
         "worksheet xmlns" + (prefix.empty() ? "" : ":" + prefix) + "=\"" + kNs + "\"><" + p +
         "dimension ref=\"A1:E4\"/><" + p + "sheetData>" + rows + "</" + p + "sheetData></" + p +
         "worksheet>";
}

// LibreOffice Calc 7 writes shared strings (rich text with runs for mixed formatting), custom
// number formats in upper case with a locale tag, booleans as t="b", and cells with `r`.
TEST(XlsxReader, ReadsALibreOfficeShapedWorkbook) {
  TempDir dir;
  const auto file = dir.path() / "lo.xlsx";
  const std::string sst =
      std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst xmlns=\"") + kNs +
      "\" count=\"3\" uniqueCount=\"3\"><si><t xml:space=\"preserve\">Mã hồ sơ</t></si>"
      "<si><r><rPr><b val=\"true\"/></rPr><t>Ngày </t></r><r><t>tiếp nhận</t></r>"
      "<rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></si>"
      "<si><t>dòng 1_x000D_\ndòng 2</t></si></sst>";
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\" s=\"0\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" s=\"1\"><v>46346.333333333336</v>"
      "</c><c r=\"C2\" s=\"2\"><v>46367</v></c><c r=\"D2\" t=\"b\"><v>0</v></c>"
      "<c r=\"E2\" t=\"e\"><v>#N/A</v></c></row>";
  dunghan::testing::write_zip(
      file, dunghan::testing::workbook_parts(
                sheet(rows), sst,
                "<numFmt numFmtId=\"164\" formatCode=\"[$-42A]DD/MM/YYYY\\ HH:MM:SS\"/>"
                "<numFmt numFmtId=\"165\" formatCode=\"DD/MM/YYYY;@\"/>",
                "<xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"));
  std::vector<std::string> names;
  const std::vector<Row> r = read_sheet(file, 0, &names);
  EXPECT_EQ(names, (std::vector<std::string>{"Danh sách", "Ghi chú"}));
  EXPECT_EQ(at(r, 1, 0), text("Mã hồ sơ"));
  EXPECT_EQ(at(r, 1, 1), text("Ngày tiếp nhận"));  // runs joined, phonetic text left out
  EXPECT_EQ(at(r, 2, 0), text("dòng 1\r\ndòng 2"));
  EXPECT_EQ(at(r, 2, 1).text, "2026-11-20 08:00:00");  // cellXfs[1], not cellStyleXfs
  EXPECT_EQ(at(r, 2, 2).text, "2026-12-11");
  EXPECT_EQ(at(r, 2, 3), (Cell{CellType::boolean, "FALSE", 0}));
  EXPECT_EQ(at(r, 2, 4), (Cell{CellType::error, "#N/A", 0}));
  // The second sheet through a relative target with "..".
  EXPECT_EQ(at(read_sheet(file, 1), 1, 0), text("khác"));
}

// Open XML SDK style: `x:` prefixes, inline strings, cells and rows without `r`, ISO dates
// (t="d"), formula strings (t="str"), the 1904 date system.
TEST(XlsxReader, ReadsPrefixedInlineStringsWithoutReferencesAnd1904Dates) {
  TempDir dir;
  const auto file = dir.path() / "sdk.xlsx";
  const std::string rows =
      "<x:row><x:c t=\"inlineStr\"><x:is><x:t>Mã hồ sơ</x:t></x:is></x:c>"
      "<x:c t=\"inlineStr\"><x:is><x:r><x:t>Trạng </x:t></x:r><x:r><x:t>thái</x:t></x:r></x:is>"
      "</x:c></x:row>"
      "<x:row><x:c t=\"str\"><x:f>A1</x:f><x:v>HS-9</x:v></x:c><x:c s=\"1\"><x:v>0</x:v></x:c>"
      "<x:c t=\"d\"><x:v>2026-11-20T08:00:00</x:v></x:c></x:row>"
      "<x:row r=\"7\"><x:c r=\"C7\"><x:v>1</x:v></x:c><x:c><x:v>2</x:v></x:c></x:row>";
  dunghan::testing::write_zip(
      file, dunghan::testing::workbook_parts(sheet(rows, "x"), "", "",
                                             "<xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>",
                                             "date1904=\"true\""));
  bool d1904 = false;
  const std::vector<Row> r = read_sheet(file, 0, nullptr, &d1904);
  EXPECT_TRUE(d1904);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].number, 1);
  EXPECT_EQ(r[1].number, 2);
  EXPECT_EQ(r[2].number, 7);
  EXPECT_EQ(at(r, 1, 1), text("Trạng thái"));
  EXPECT_EQ(at(r, 2, 0), text("HS-9"));
  EXPECT_EQ(at(r, 2, 1).text, "1904-01-01");
  EXPECT_EQ(at(r, 2, 2), (Cell{CellType::date, "2026-11-20 08:00:00", 0}));
  EXPECT_EQ(at(r, 7, 2).text, "1");
  EXPECT_EQ(at(r, 7, 3).text, "2");  // follows C7
}

// ---- refused ------------------------------------------------------------------------------------

std::string error_of(const std::string& bytes) {
  std::istringstream in(bytes);
  try {
    Workbook wb(in);
    SheetReader s = wb.sheet(0);
    Row r;
    while (s.next(r)) {
    }
  } catch (const XlsxError& e) {
    return e.what();
  }
  return "";
}

std::string zip_bytes(const dunghan::testing::ZipEntries& entries) {
  TempDir dir;
  const auto file = dir.path() / "z.xlsx";
  dunghan::testing::write_zip(file, entries);
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(XlsxReader, RefusesWhatIsNoWorkbook) {
  EXPECT_THAT(error_of("code,status\nA,processing\n"), HasSubstr("not a zip archive"));
  EXPECT_THAT(error_of(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, 'x')),
              HasSubstr("Excel 97-2003"));
  EXPECT_THAT(error_of(zip_bytes({{"word/document.xml", "<w/>"}})),
              HasSubstr("no xl/workbook.xml"));
}

TEST(XlsxReader, RefusesADoctypeAndACellBeyondXfd) {
  const std::string doctype =
      "<?xml version=\"1.0\"?><!DOCTYPE lol [<!ENTITY a \"aaaa\">]><worksheet><sheetData>"
      "<row><c t=\"inlineStr\"><is><t>&a;</t></is></c></row></sheetData></worksheet>";
  EXPECT_THAT(error_of(zip_bytes(dunghan::testing::workbook_parts(doctype, "", "", ""))),
              HasSubstr("DOCTYPE"));
  const std::string wide = sheet("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>");
  EXPECT_THAT(error_of(zip_bytes(dunghan::testing::workbook_parts(wide, "", "", ""))),
              HasSubstr("beyond column XFD"));
  const std::string bad_xml = sheet("<row r=\"1\"><c r=\"A1\"><v>1</c></row>");
  EXPECT_THAT(error_of(zip_bytes(dunghan::testing::workbook_parts(bad_xml, "", "", ""))),
              HasSubstr("xl/worksheets/sheet1.xml: XML error at line"));
}

// ---- serials and references ---------------------------------------------------------------------

TEST(XlsxSerial, ExcelsDayNumbers) {
  EXPECT_EQ(format_serial(46346, false, false), "2026-11-20");
  EXPECT_EQ(format_serial(46346, false, true), "2026-11-20 00:00:00");
  EXPECT_EQ(format_serial(46346 + 1.0 / 3, false, false), "2026-11-20 08:00:00");
  EXPECT_EQ(format_serial(46346.99999999, false, false), "2026-11-21");  // rounds to the second
  EXPECT_EQ(format_serial(1, false, false), "1900-01-01");
  EXPECT_EQ(format_serial(59, false, false), "1900-02-28");
  EXPECT_EQ(format_serial(61, false, false), "1900-03-01");
  EXPECT_EQ(format_serial(0, true, false), "1904-01-01");
  EXPECT_EQ(format_serial(44884, true, false), "2026-11-20");  // 46346 − 1462
  EXPECT_EQ(format_serial(-1, false, false), "");
  EXPECT_EQ(format_serial(1e12, false, false), "");
}

TEST(XlsxSerial, ColumnLetters) {
  EXPECT_EQ(column_index("A1"), 0);
  EXPECT_EQ(column_index("Z9"), 25);
  EXPECT_EQ(column_index("AA1"), 26);
  EXPECT_EQ(column_index("xfd1048576"), 16383);
  EXPECT_EQ(column_index("XFE1"), -1);
  EXPECT_EQ(column_index("12"), -1);
}

}  // namespace
}  // namespace dunghan::xlsx
