// Imports the way offices export (issue 16): Vietnamese headings and words, Excel's date-times, a
// title row above the header, Excel-style CSV (BOM, CRLF), a Windows-1258 file, workbooks written
// by libxlsxwriter and shaped as LibreOffice writes them. Real SQLite store, real files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <fstream>
#include <sstream>

#include "deadline/fixtures.h"
#include "store/cell_datetime.h"
#include "store/csv_import.h"
#include "store/import_vocabulary.h"
#include "store/row_codec.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"
#include "support/zip_writer.h"
#include "text/normalize.h"

namespace dunghan::store {
namespace {

using deadline::Channel;
using deadline::EventKind;
using deadline::Status;
using dunghan::testing::local;
using dunghan::testing::TempDir;
using dunghan::testing::ymd;
using ::testing::HasSubstr;

// ---- vocabulary ---------------------------------------------------------------------------------

TEST(ImportVocabulary, HeadingsInAnyCaseAccentAndForm) {
  const auto col = [](std::string_view h) {
    const auto c = heading_column(ImportKind::dossiers, h);
    return c ? std::string(kDossierColumns[*c]) : std::string("-");
  };
  EXPECT_EQ(col("Mã hồ sơ"), "code");
  EXPECT_EQ(col("MÃ HỒ SƠ"), "code");
  EXPECT_EQ(col("ma ho so"), "code");
  EXPECT_EQ(col("Ma\xCC\x83 ho\xCC\x82\xCC\x80 so\xCC\x9B"), "code");  // NFD
  EXPECT_EQ(col(" Mã  TTHC "), "procedure_code");
  EXPECT_EQ(col("Tên TTHC"), "procedure_name");
  EXPECT_EQ(col("Lĩnh vực"), "field");
  EXPECT_EQ(col("Phòng ban"), "department");
  EXPECT_EQ(col("Đơn vị"), "department");
  EXPECT_EQ(col("Cán bộ xử lý"), "handler");
  EXPECT_EQ(col("Người nộp"), "applicant");
  EXPECT_EQ(col("Tổ chức, cá nhân"), "applicant");
  EXPECT_EQ(col("Hình thức nộp"), "channel");
  EXPECT_EQ(col("Ngày tiếp nhận"), "received_at");
  EXPECT_EQ(col("Thời hạn"), "duration");
  EXPECT_EQ(col("Ngày hẹn trả"), "due_at");
  EXPECT_EQ(col("Trạng thái"), "status");
  EXPECT_EQ(col("Ngày trả kết quả"), "resolved_at");
  EXPECT_EQ(col("Ngày cập nhật"), "updated_at");
  EXPECT_EQ(col("Received_At"), "received_at");
  EXPECT_EQ(col("Ghi chú"), "-");
  EXPECT_TRUE(is_row_number_heading("STT"));
  EXPECT_TRUE(is_row_number_heading("Số TT"));
  const auto ev = [](std::string_view h) {
    const auto c = heading_column(ImportKind::events, h);
    return c ? std::string(kEventColumns[*c]) : std::string("-");
  };
  EXPECT_EQ(ev("Mã hồ sơ"), "code");
  EXPECT_EQ(ev("Loại"), "kind");
  EXPECT_EQ(ev("Ngày hẹn mới"), "new_due_at");
}

TEST(ImportVocabulary, NoAliasNamesTwoColumns) {
  for (ImportKind kind : {ImportKind::dossiers, ImportKind::events}) {
    std::map<std::string, std::string_view> seen;
    for (const auto& [column, aliases] : heading_aliases(kind)) {
      for (std::string_view a : aliases) {
        const auto [it, fresh] = seen.emplace(text::fold_for_matching(a), column);
        EXPECT_TRUE(fresh || it->second == column) << a << ": " << it->second << " and " << column;
        const auto c = heading_column(kind, a);
        ASSERT_TRUE(c.has_value()) << a;
      }
    }
  }
}

TEST(ImportVocabulary, AdminMappingsComeFirst) {
  const std::vector<HeadingMapping> map{*parse_heading_mapping("Số phiếu = code"),
                                        *parse_heading_mapping("Ngày=received_at")};
  EXPECT_EQ(heading_column(ImportKind::dossiers, "SỐ PHIẾU", map), 0u);
  EXPECT_EQ(heading_column(ImportKind::dossiers, "ngày", map),
            static_cast<std::size_t>(DossierColumn::received_at));
  EXPECT_FALSE(parse_heading_mapping("no equals sign"));
  EXPECT_FALSE(parse_heading_mapping("=code"));
  EXPECT_TRUE(is_canonical_column(ImportKind::events, "new_due_at"));
  EXPECT_FALSE(is_canonical_column(ImportKind::dossiers, "new_due_at"));
}

TEST(ImportVocabulary, StatusChannelAndEventWords) {
  EXPECT_EQ(parse_status_word("Đang xử lý"), Status::processing);
  EXPECT_EQ(parse_status_word("CHỜ BỔ SUNG"), Status::waiting_supplement);
  EXPECT_EQ(parse_status_word("tam dung"), Status::paused);
  EXPECT_EQ(parse_status_word("Đã trả kết quả"), Status::resolved);
  EXPECT_EQ(parse_status_word("Đã giải quyết"), Status::resolved);
  EXPECT_EQ(parse_status_word("Trả lại"), Status::returned);
  EXPECT_EQ(parse_status_word("Rút hồ sơ"), Status::withdrawn);
  EXPECT_EQ(parse_status_word("resolved"), Status::resolved);
  EXPECT_FALSE(parse_status_word("Đã duyệt"));
  EXPECT_EQ(parse_channel_word("TRỰC TUYẾN"), Channel::online);
  EXPECT_EQ(parse_channel_word("BCCI"), Channel::post);
  EXPECT_EQ(parse_event_kind_word("Gia hạn"), EventKind::extended);
  EXPECT_EQ(parse_event_kind_word("Yêu cầu bổ sung"), EventKind::supplement_requested);
}

// ---- date-time cells ----------------------------------------------------------------------------

TEST(CellDateTime, ExcelRenderingsAndDatesAlone) {
  const auto dt = [](int h, int m, int s = 0) {
    return std::chrono::seconds{h * 3600 + m * 60 + s};
  };
  EXPECT_EQ(parse_cell_datetime("20/11/2026 8:00"), (CellDateTime{ymd(2026, 11, 20), dt(8, 0)}));
  EXPECT_EQ(parse_cell_datetime("20/11/2026 08:00:00"),
            (CellDateTime{ymd(2026, 11, 20), dt(8, 0)}));
  EXPECT_EQ(parse_cell_datetime("2/3/2026 13:05:09"),
            (CellDateTime{ymd(2026, 3, 2), dt(13, 5, 9)}));
  EXPECT_EQ(parse_cell_datetime("2026-11-20T08:00"), (CellDateTime{ymd(2026, 11, 20), dt(8, 0)}));
  EXPECT_EQ(parse_cell_datetime(" 2026-11-20 8:00:00 "),
            (CellDateTime{ymd(2026, 11, 20), dt(8, 0)}));
  EXPECT_EQ(parse_cell_datetime("20/11/2026 8:00 SA"), (CellDateTime{ymd(2026, 11, 20), dt(8, 0)}));
  EXPECT_EQ(parse_cell_datetime("20/11/2026 1:30 CH"),
            (CellDateTime{ymd(2026, 11, 20), dt(13, 30)}));
  EXPECT_EQ(parse_cell_datetime("20/11/2026 12:10 SA"),
            (CellDateTime{ymd(2026, 11, 20), dt(0, 10)}));
  EXPECT_EQ(parse_cell_datetime("20/11/2026 12:10 PM"),
            (CellDateTime{ymd(2026, 11, 20), dt(12, 10)}));
  EXPECT_EQ(parse_cell_datetime("20/11/2026"), (CellDateTime{ymd(2026, 11, 20), std::nullopt}));
  EXPECT_EQ(parse_cell_datetime("2026-11-20"), (CellDateTime{ymd(2026, 11, 20), std::nullopt}));
  for (const char* bad : {"31/11/2026", "20/11/2026 24:00", "20/11/2026 8", "20/11/26 8:00",
                          "20/11/2026 13:00 CH", "2026-11-20 8:0", "hôm nay", "46346"}) {
    EXPECT_FALSE(parse_cell_datetime(bad)) << bad;
  }
}

TEST(CellDateTime, ADateAloneIsTheOpeningOrTheCloseOfItsOfficeDay) {
  const calendar::WorkCalendar& cal = dunghan::testing::cal();
  const CellDateTime fri{ymd(2026, 3, 6), std::nullopt};
  EXPECT_EQ(cell_instant(fri, DayPart::opening, cal), local(2026, 3, 6, 7, 0));
  EXPECT_EQ(cell_instant(fri, DayPart::close, cal), local(2026, 3, 6, 17, 0));
  // A day off: the configured sessions (a receipt then rolls on as any receipt would).
  const CellDateTime sat{ymd(2026, 3, 7), std::nullopt};
  EXPECT_EQ(cell_instant(sat, DayPart::opening, cal), local(2026, 3, 7, 7, 0));
  const CellDateTime timed{ymd(2026, 3, 7), std::chrono::seconds{9 * 3600}};
  EXPECT_EQ(cell_instant(timed, DayPart::close, cal), local(2026, 3, 7, 9, 0));
  EXPECT_TRUE(is_plain_number("46346"));
  EXPECT_TRUE(is_plain_number(" 46346.375 "));
  EXPECT_FALSE(is_plain_number("46346."));
  EXPECT_FALSE(is_plain_number("-1"));
  EXPECT_FALSE(is_plain_number("1e5"));
}

// ---- imports ------------------------------------------------------------------------------------

class OfficeImport : public ::testing::Test {
 protected:
  OfficeImport() {
    StoreSettings s;
    s.path = dir_.path() / "dossiers.db";
    store_ = std::make_unique<SqliteStore>(s);
    catalogue_.add(deadline::Procedure{"1.009645", "Cấp GCN đăng ký đầu tư", "Đầu tư",
                                       dunghan::testing::working_days(15), std::nullopt});
    options_.catalogue = &catalogue_;
    options_.calendar = &dunghan::testing::cal();
    options_.now = local(2026, 12, 1, 9, 0);
    options_.on_problem = [this](const ImportProblem& p) { problems_.push_back(p); };
  }

  ImportResult dossiers_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    auto source = open_records(in);
    return import_dossiers(*source, *store_, options_);
  }
  ImportResult dossiers_text(const std::string& text) {
    return dossiers_file(dir_.write("d.csv", text));
  }
  ImportResult events_text(const std::string& text) {
    const auto f = dir_.write("e.csv", text);
    std::ifstream in(f, std::ios::binary);
    auto source = open_records(in);
    return import_events(*source, *store_, options_);
  }
  deadline::Dossier get(const std::string& code) {
    auto d = store_->get(code);
    EXPECT_TRUE(d) << code;
    return d ? d->dossier : deadline::Dossier{};
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  deadline::ProcedureCatalogue catalogue_;
  ImportOptions options_;
  std::vector<ImportProblem> problems_;
};

// What Excel writes for "CSV UTF-8 (Comma delimited)": a BOM, CRLF, its own date-time rendering,
// and what one-stop exports carry: a title row, a row-number column, Vietnamese headings and words.
const std::string kExcelCsv =
    "\xEF\xBB\xBF"
    "DANH SÁCH HỒ SƠ TIẾP NHẬN THÁNG 11/2026,,,,,,,,,\r\n"
    "STT,Mã hồ sơ,Mã TTHC,Lĩnh vực,Phòng ban,Người nộp,Hình thức nộp,Ngày tiếp nhận,Ngày hẹn "
    "trả,Trạng thái\r\n"
    "1,HS-001,1.009645,Đầu tư,P. Đầu tư,\"Công ty TNHH A, B\",Trực tuyến,20/11/2026 "
    "8:00,11/12/2026,"
    "Đang xử lý\r\n"
    "2,HS-002,1.009645,Đầu tư,P. Đầu tư,Nguyễn Văn C,Trực tiếp,20/11/2026 08:00:00,,Chờ bổ sung\r\n"
    "3,HS-003,1.009645,Đầu tư,P. Đầu tư,Trần D,BCCI,19/11/2026,,Đã trả kết quả\r\n"
    "4,HS-004,1.009645,Đầu tư,P. Đầu tư,Lê E,Trực tiếp,18/11/2026 2:15 CH,,Trả lại\r\n"
    "5,HS-005,1.009645,Đầu tư,P. Đầu tư,Phạm F,Trực tiếp,18/11/2026 9:00,,Rút hồ sơ\r\n";

TEST_F(OfficeImport, AnExcelCsvWithBomCrlfTitleAndVietnameseHeadings) {
  const ImportResult r = dossiers_text(kExcelCsv);
  for (const ImportProblem& p : problems_)
    ADD_FAILURE() << p.line << " " << p.column << " " << p.reason;
  EXPECT_EQ(r.header_line, 2);
  EXPECT_TRUE(r.ignored_columns.empty());  // STT dropped silently
  EXPECT_EQ(r.rows, 5);
  EXPECT_EQ(r.taken, 5);
  const deadline::Dossier a = get("HS-001");
  EXPECT_EQ(a.procedure_code, "1.009645");
  EXPECT_EQ(a.applicant, "Công ty TNHH A, B");
  EXPECT_EQ(a.channel, Channel::online);
  EXPECT_EQ(a.received_at, local(2026, 11, 20, 8, 0));
  EXPECT_EQ(a.due_at, local(2026, 12, 11, 17, 0));  // a date alone: the close of that day
  EXPECT_EQ(a.status, Status::processing);
  EXPECT_EQ(get("HS-002").received_at, local(2026, 11, 20, 8, 0));
  EXPECT_EQ(get("HS-002").status, Status::waiting_supplement);
  const deadline::Dossier c = get("HS-003");
  EXPECT_EQ(c.received_at, local(2026, 11, 19, 7, 0));  // a date alone: the opening
  EXPECT_EQ(c.status, Status::resolved);
  EXPECT_EQ(c.channel, Channel::post);
  EXPECT_EQ(get("HS-004").received_at, local(2026, 11, 18, 14, 15));
  EXPECT_EQ(get("HS-004").status, Status::returned);
  EXPECT_EQ(get("HS-005").status, Status::withdrawn);
}

TEST_F(OfficeImport, AdminMappingsNameTheirOwnHeadings) {
  options_.mappings = {*parse_heading_mapping("Số phiếu=code"),
                       *parse_heading_mapping("Nhận lúc=received_at")};
  const ImportResult r = dossiers_text(
      "Số phiếu;Nhận lúc;Thời hạn;Tình trạng;Ghi chú\n"
      "P-1;02/03/2026 9:00;10 ngày làm việc;Đang giải quyết;x\n");
  EXPECT_EQ(r.taken, 1);
  EXPECT_EQ(r.ignored_columns, std::vector<std::string>{"Ghi chú"});
  EXPECT_EQ(get("P-1").received_at, local(2026, 3, 2, 9, 0));
}

TEST_F(OfficeImport, TwoHeadingsForOneColumnAreAFileError) {
  try {
    dossiers_text("Mã hồ sơ,code,Ngày tiếp nhận,Trạng thái\nA,A,02/03/2026 9:00,Đang xử lý\n");
    FAIL() << "accepted";
  } catch (const CsvError& e) {
    EXPECT_THAT(e.what(), HasSubstr("`code` is named twice"));
    EXPECT_THAT(e.what(), HasSubstr("\"Mã hồ sơ\" and \"code\""));
  }
}

TEST_F(OfficeImport, EventsWithVietnameseHeadingsAndWords) {
  dossiers_text(kExcelCsv);
  const ImportResult r = events_text(
      "Mã hồ sơ,Thời điểm,Loại,Ngày hẹn mới,Ghi chú\r\n"
      "HS-001,23/11/2026 9:30,Yêu cầu bổ sung,,thiếu bản sao\r\n"
      "HS-001,24/11/2026,Nhận bổ sung,,\r\n"
      "HS-002,10/12/2026 10:00,Gia hạn,18/12/2026,\r\n");
  for (const ImportProblem& p : problems_)
    ADD_FAILURE() << p.line << " " << p.column << " " << p.reason;
  EXPECT_EQ(r.taken, 3);
  const auto a = store_->get("HS-001");
  ASSERT_EQ(a->events.size(), 2u);
  EXPECT_EQ(a->events[0].kind, EventKind::supplement_requested);
  EXPECT_EQ(a->events[1].at, local(2026, 11, 24, 17, 0));  // an event on a date: its close
  const auto b = store_->get("HS-002");
  ASSERT_EQ(b->events.size(), 1u);
  EXPECT_EQ(b->events[0].new_due_at, local(2026, 12, 18, 17, 0));
}

// Excel's plain "CSV" on a Vietnamese Windows: Windows-1258, where "ồ" is "ô" + a combining grave
// (0xF4 0xCC) and "ơ" is 0xF5. With Vietnamese headings, the header itself is no UTF-8: one error
// for the file, nothing imported.
TEST_F(OfficeImport, AWindows1258FileIsOneErrorWithTheHint) {
  const std::string cp1258 =
      "M\xE3 h\xF4\xCC s\xF5,Ng\xE0y ti\xEA\xD2p nh\xE2\xF2n,Tr\xE3ng th\xE1i\r\n"
      "HS-1,20/11/2026 8:00,\xD0\xE2ng x\xFD l\xFD\r\n";
  try {
    dossiers_text(cp1258);
    FAIL() << "accepted";
  } catch (const CsvError& e) {
    EXPECT_THAT(e.what(), HasSubstr("line 1: the header is not UTF-8 text"));
    EXPECT_THAT(e.what(), HasSubstr("Windows-1258"));
    EXPECT_THAT(e.what(), HasSubstr("CSV UTF-8"));
  }
  EXPECT_EQ(store_->count(), 0);
  EXPECT_TRUE(problems_.empty());
}

// With canonical headings the rows carry the legacy bytes: they are counted and the first named,
// not reported one by one; an ASCII-only row still goes in.
TEST_F(OfficeImport, LegacyRowsAreCountedNotReportedOneByOne) {
  const ImportResult r = dossiers_text(
      "code,received_at,duration,status,department\r\n"
      "A,2026-03-02 08:00,5 working days,processing,Ph\xF2ng \xD0\xE2\xCC"
      "u t\xFD\r\n"
      "B,2026-03-02 08:00,5 working days,processing,Phong Dau tu\r\n"
      "C,2026-03-02 08:00,5 working days,processing,L\xE2o \xF0\xF4\xCC"
      "ng\r\n");
  EXPECT_TRUE(problems_.empty());
  EXPECT_EQ(r.not_utf8, 2);
  EXPECT_EQ(r.rejected, 2);
  EXPECT_EQ(r.taken, 1);
  ASSERT_TRUE(r.first_not_utf8);
  EXPECT_EQ(r.first_not_utf8->line, 2);
  EXPECT_EQ(r.first_not_utf8->column, "department");
  EXPECT_EQ(r.first_not_utf8->code, "A");
  EXPECT_THAT(r.first_not_utf8->reason, HasSubstr("hint: save it again as UTF-8"));
}

// A workbook written by libxlsxwriter as an office would fill it: a merged title row, Vietnamese
// headings, date-time cells, a date-only appointment, a receipt typed as a serial number without a
// date format, a number where text is expected, Vietnamese status words.
TEST_F(OfficeImport, AWorkbookWrittenByLibxlsxwriter) {
  const auto file = dir_.path() / "hoso.xlsx";
  lxw_workbook* wb = workbook_new(file.string().c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Hồ sơ tháng 11");
  lxw_format* dt = workbook_add_format(wb);
  format_set_num_format(dt, "dd/mm/yyyy hh:mm");
  lxw_format* d = workbook_add_format(wb);
  format_set_num_format(d, "dd/mm/yyyy");
  worksheet_merge_range(ws, 0, 0, 0, 7, "DANH SÁCH HỒ SƠ", nullptr);
  const char* headings[] = {"STT",      "Mã hồ sơ",       "Tên TTHC",     "Lĩnh vực",
                            "Thời hạn", "Ngày tiếp nhận", "Ngày hẹn trả", "Trạng thái"};
  for (lxw_col_t c = 0; c < 8; ++c) worksheet_write_string(ws, 2, c, headings[c], nullptr);
  const auto row = [&](lxw_row_t r, int n, const char* code, lxw_datetime received,
                       lxw_datetime* due, const char* status) {
    worksheet_write_number(ws, r, 0, n, nullptr);
    worksheet_write_string(ws, r, 1, code, nullptr);
    worksheet_write_string(ws, r, 2, "Cấp GCN đăng ký đầu tư", nullptr);
    worksheet_write_string(ws, r, 3, "Đầu tư", nullptr);
    worksheet_write_string(ws, r, 4, "15 ngày làm việc", nullptr);
    worksheet_write_datetime(ws, r, 5, &received, dt);
    if (due != nullptr) worksheet_write_datetime(ws, r, 6, due, d);
    worksheet_write_string(ws, r, 7, status, nullptr);
  };
  lxw_datetime due{2026, 12, 11, 0, 0, 0};
  row(3, 1, "HS-101", {2026, 11, 20, 8, 0, 0}, &due, "Đang xử lý");
  row(4, 2, "HS-102", {2026, 11, 20, 14, 30, 0}, nullptr, "Đã giải quyết");
  // Row 6 left empty; row 7: the receipt as a bare serial number (46345.5 = 19/11/2026 12:00).
  worksheet_write_number(ws, 6, 0, 3, nullptr);
  worksheet_write_number(ws, 6, 1, 103, nullptr);  // a code typed as a number
  worksheet_write_string(ws, 6, 4, "15 ngày làm việc", nullptr);
  worksheet_write_number(ws, 6, 5, 46345.5, nullptr);
  worksheet_write_string(ws, 6, 7, "Tạm dừng", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);

  const ImportResult r = dossiers_file(file);
  for (const ImportProblem& p : problems_)
    ADD_FAILURE() << p.line << " " << p.column << " " << p.reason;
  EXPECT_EQ(r.header_line, 3);  // sheet row 3
  EXPECT_EQ(r.rows, 3);
  EXPECT_EQ(r.taken, 3);
  const deadline::Dossier a = get("HS-101");
  EXPECT_EQ(a.received_at, local(2026, 11, 20, 8, 0));
  EXPECT_EQ(a.due_at, local(2026, 12, 11, 17, 0));
  EXPECT_EQ(a.procedure_name, "Cấp GCN đăng ký đầu tư");
  EXPECT_EQ(a.duration, dunghan::testing::working_days(15));
  EXPECT_EQ(get("HS-102").received_at, local(2026, 11, 20, 14, 30));
  EXPECT_EQ(get("HS-102").status, Status::resolved);
  EXPECT_EQ(get("103").received_at, local(2026, 11, 19, 12, 0));
  EXPECT_EQ(get("103").status, Status::paused);
}

// A workbook shaped as LibreOffice Calc writes it (shared strings, upper-case custom date format
// with a locale tag, a date-only appointment, booleans) — LibreOffice itself is not installed here,
// so the parts are written by hand after a file it saved.
TEST_F(OfficeImport, AWorkbookShapedAsLibreOfficeWritesIt) {
  const std::string ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const std::string sst = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst xmlns=\"" + ns +
                          "\"><si><t>Mã hồ sơ</t></si><si><t>Ngày tiếp nhận</t></si>"
                          "<si><t>Thời hạn</t></si><si><t>Trạng thái</t></si>"
                          "<si><t>Ngày hẹn trả</t></si><si><t>LO-1</t></si>"
                          "<si><t>10 ngày làm việc</t></si><si><t>Đang xử lý</t></si></sst>";
  const std::string sheet =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet xmlns=\"" + ns +
      "\"><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
      "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
      "<c r=\"E1\" t=\"s\"><v>4</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>5</v></c><c r=\"B2\" s=\"1\"><v>46083.375</v></c>"
      "<c r=\"C2\" t=\"s\"><v>6</v></c><c r=\"D2\" t=\"s\"><v>7</v></c>"
      "<c r=\"E2\" s=\"2\"><v>46097</v></c></row></sheetData></worksheet>";
  const auto file = dir_.path() / "lo.xlsx";
  dunghan::testing::write_zip(
      file, dunghan::testing::workbook_parts(
                sheet, sst,
                "<numFmt numFmtId=\"164\" formatCode=\"[$-42A]DD/MM/YYYY\\ HH:MM\"/>"
                "<numFmt numFmtId=\"165\" formatCode=\"DD/MM/YYYY\"/>",
                "<xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"));
  const ImportResult r = dossiers_file(file);
  for (const ImportProblem& p : problems_)
    ADD_FAILURE() << p.line << " " << p.column << " " << p.reason;
  EXPECT_EQ(r.taken, 1);
  // 46083.375 = Mon 02/03/2026 09:00; 46097 = Mon 16/03/2026, an appointment → its close.
  const deadline::Dossier d = get("LO-1");
  EXPECT_EQ(d.received_at, local(2026, 3, 2, 9, 0));
  EXPECT_EQ(d.due_at, local(2026, 3, 16, 17, 0));
  EXPECT_EQ(d.status, Status::processing);
}

TEST_F(OfficeImport, AnXlsFileOrADamagedWorkbookIsAFileError) {
  const auto xls = dir_.write(
      "old.xls", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(512, '\0'));
  EXPECT_THROW(dossiers_file(xls), CsvError);
  const auto broken = dir_.write("broken.xlsx", std::string("PK\x03\x04", 4) + "garbage");
  try {
    dossiers_file(broken);
    FAIL() << "accepted";
  } catch (const CsvError& e) {
    EXPECT_THAT(e.what(), HasSubstr("Excel workbook"));
  }
}

}  // namespace
}  // namespace dunghan::store
