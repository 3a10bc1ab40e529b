// `dunghan import` the way offices export, as a process: a workbook, an Excel CSV, a file in the
// wrong encoding (one error, exit 1 when nothing was imported), --map, and the help text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xlsxwriter.h>
#include <nlohmann/json.hpp>

#include <string>

#include "support/cli.h"
#include "support/temp_dir.h"

namespace dunghan {
namespace {

using nlohmann::json;
using testing::dunghan;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ProcessResult;
using testing::TempDir;

std::string write_config(const TempDir& dir) {
  return dir.write("dunghan.toml", "[service]\nstate_dir = \"state\"\n").string();
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(ImportCli, AWorkbookIsImportedFromItsFirstSheet) {
  TempDir dir;
  const std::string cfg = write_config(dir);
  const auto file = dir.path() / "hoso.xlsx";
  lxw_workbook* wb = workbook_new(file.string().c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Hồ sơ");
  lxw_worksheet* other = workbook_add_worksheet(wb, "Khác");
  worksheet_write_string(other, 0, 0, "not read", nullptr);
  lxw_format* dt = workbook_add_format(wb);
  format_set_num_format(dt, "dd/mm/yyyy hh:mm");
  const char* headings[] = {"Mã hồ sơ", "Ngày tiếp nhận", "Thời hạn", "Trạng thái"};
  for (lxw_col_t c = 0; c < 4; ++c) worksheet_write_string(ws, 0, c, headings[c], nullptr);
  worksheet_write_string(ws, 1, 0, "X-1", nullptr);
  lxw_datetime received{2026, 3, 2, 9, 0, 0};
  worksheet_write_datetime(ws, 1, 1, &received, dt);
  worksheet_write_string(ws, 1, 2, "10 ngày làm việc", nullptr);
  worksheet_write_string(ws, 1, 3, "Đang xử lý", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);

  ProcessResult r = dunghan({"import", "--config", cfg, "--dossiers", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("1 dossier rows, 1 imported"));
  r = dunghan({"status", "--config", cfg, "--at", "2026-03-03T09:00", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["code"], "X-1");
  EXPECT_EQ(j[0]["due_at"], "2026-03-16T17:00:00+07:00");
}

// Windows-1258 with Vietnamese headings (what Excel's plain "CSV" writes on a Vietnamese Windows):
// one error with the hint, not one per row; exit 1 because nothing was imported.
TEST(ImportCli, AFileInTheWrongEncodingIsOneErrorAndExitOne) {
  TempDir dir;
  std::string cp1258 =
      "M\xE3 h\xF4\xCC s\xF5,Ng\xE0y ti\xEA\xD2p nh\xE2\xF2n,Th\xF5\xCC i h\xE3n,"
      "Tr\xE3ng th\xE1i\r\n";
  for (int i = 0; i < 50; ++i) {
    cp1258 += "HS-" + std::to_string(i) + ",20/11/2026 8:00,5 ng\xE0y,\xD0\xE2ng x\xFD l\xFD\r\n";
  }
  const auto file = dir.write("hoso.csv", cp1258);
  ProcessResult r = dunghan({"import", "--config", write_config(dir), "--dossiers", file.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count(r.err, "error:"), 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("the header is not UTF-8 text"));
  EXPECT_THAT(r.err, HasSubstr("Windows-1258"));
  EXPECT_THAT(r.err, HasSubstr("CSV UTF-8"));
  EXPECT_THAT(r.err, HasSubstr("nothing imported"));

  // Canonical headings, every row in the legacy code page: still one error, exit 1.
  std::string rows = "code,received_at,duration,status,department\r\n";
  for (int i = 0; i < 50; ++i) {
    rows += "HS-" + std::to_string(i) + ",2026-11-20 08:00,5 working days,processing,Ph\xF2ng\r\n";
  }
  r = dunghan({"import", "--config", write_config(dir), "--dossiers",
               dir.write("rows.csv", rows).string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count(r.err, "not UTF-8"), 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("50 row(s) are not UTF-8 text"));
  EXPECT_THAT(r.err, HasSubstr("nothing was imported"));
  EXPECT_THAT(r.out, HasSubstr("0 imported"));
}

TEST(ImportCli, MapNamesTheAdminsOwnHeadings) {
  TempDir dir;
  const std::string cfg = write_config(dir);
  const auto file = dir.write("d.csv",
                              "\xEF\xBB\xBFSố phiếu,Nhận lúc,Thời hạn,Tình trạng\r\n"
                              "P-1,02/03/2026 9:00,10 ngày làm việc,Đang giải quyết\r\n");
  ProcessResult r = dunghan({"import", "--config", cfg, "--dossiers", file.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--map"));
  r = dunghan({"import", "--config", cfg, "--dossiers", file.string(), "--map", "Số phiếu=code",
               "--map", "nhan luc = received_at"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("1 imported"));
  r = dunghan({"import", "--config", cfg, "--dossiers", file.string(), "--map", "Số phiếu=ma"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("\"ma\" is no column"));
}

TEST(ImportCli, HelpDocumentsColumnsHeadingsWordsAndDates) {
  const ProcessResult r = dunghan({"import", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* s :
       {"Mã hồ sơ",       "Mã TTHC",      "Tên TTHC",     "Lĩnh vực",         "Phòng ban",
        "Đơn vị",         "Cán bộ xử lý", "Người nộp",    "Tổ chức, cá nhân", "Hình thức nộp",
        "Ngày tiếp nhận", "Thời hạn",     "Ngày hẹn trả", "Trạng thái",       "Ngày trả kết quả",
        "Ngày cập nhật",  "Đang xử lý",   "Chờ bổ sung",  "Tạm dừng",         "Đã trả kết quả",
        "Đã giải quyết",  "Trả lại",      "Rút hồ sơ",    "20/11/2026 8:00",  ".xlsx",
        "--map",          "Example"}) {
    EXPECT_THAT(r.out, HasSubstr(s));
  }
}

}  // namespace
}  // namespace dunghan
