// `dunghan report` as a process: the period options (calendar and Decree 09 cut-off), the printed
// form's header and footer from [report], --format xlsx with --output, and the exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

#include "support/cli.h"
#include "support/temp_dir.h"

namespace dunghan {
namespace {

using nlohmann::json;
using testing::dunghan;
using ::testing::HasSubstr;
using testing::ProcessResult;
using testing::read_file;
using ::testing::StartsWith;
using testing::TempDir;

// Around the Decree 09 boundaries of Q1/2026 (15/12/2025 – 14/03/2026) and the calendar quarter.
const std::string kDossiers =
    "code,field,channel,received_at,duration,status,resolved_at\n"
    "D1,Lao động,direct,2025-12-14 09:00,3 working days,resolved,2025-12-14 10:00\n"
    "D2,Đầu tư,online,2025-12-15 09:00,3 working days,resolved,2025-12-16 10:00\n"
    "D3,Doanh nghiệp,direct,2026-01-05 09:00,5 working days,processing,\n"
    "D4,Đầu tư,direct,2026-03-14 09:00,3 working days,processing,\n"
    "D5,Lao động,post,2026-03-15 09:00,3 working days,processing,\n"
    "D6,Doanh nghiệp,online,2026-03-31 09:00,3 working days,processing,\n";

/// A store with kDossiers, configured by `report_section` (a [report] table or "").
std::string setup(const TempDir& dir, const std::string& report_section = "") {
  const std::string cfg =
      dir.write("dunghan.toml", "[service]\nstate_dir = \"state\"\n" + report_section).string();
  const auto csv = dir.write("d.csv", kDossiers);
  const ProcessResult imp = dunghan({"import", "--config", cfg, "--dossiers", csv.string()});
  EXPECT_EQ(imp.exit_code, 0) << imp.err;
  return cfg;
}

json report_json(const std::string& cfg, std::vector<std::string> period) {
  std::vector<std::string> args{"report", "--config", cfg, "--format", "json"};
  args.insert(args.end(), period.begin(), period.end());
  const ProcessResult r = dunghan(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

std::vector<std::string> fields_of(const json& j) {
  std::vector<std::string> out;
  for (const json& r : j.at("rows")) out.push_back(r.at("field"));
  return out;
}

TEST(ReportCli, CalendarQuarterMonthYearAndDates) {
  TempDir dir;
  const std::string cfg = setup(dir);
  json q = report_json(cfg, {"--quarter", "2026-Q1"});
  EXPECT_EQ(q.at("from"), "2026-01-01");
  EXPECT_EQ(q.at("to"), "2026-03-31");
  EXPECT_EQ(q.at("header").at("period").at("words"), "Quý I năm 2026");
  EXPECT_EQ(q.at("total").at("received_total"), 4);  // D3–D6
  // Vietnamese order: Doanh nghiệp, Đầu tư, Lao động (bytewise Đầu tư would come last).
  EXPECT_EQ(fields_of(q), (std::vector<std::string>{"Doanh nghiệp", "Đầu tư", "Lao động"}));

  json m = report_json(cfg, {"--month", "2026-03"});
  EXPECT_EQ(m.at("from"), "2026-03-01");
  EXPECT_EQ(m.at("header").at("period").at("words"), "Tháng 3 năm 2026");
  EXPECT_EQ(m.at("total").at("received_total"), 4);  // D4–D6 and D3 carried over

  json y = report_json(cfg, {"--year", "2025"});
  EXPECT_EQ(y.at("to"), "2025-12-31");
  EXPECT_EQ(y.at("header").at("period").at("words"), "Năm 2025");
  EXPECT_EQ(y.at("total").at("received_total"), 2);

  // Dates that are exactly a month are named as one; others are said as dates.
  json r = report_json(cfg, {"--from", "2026-03-01", "--to", "31/03/2026"});
  EXPECT_EQ(r.at("header").at("period").at("kind"), "month");
  json d = report_json(cfg, {"--from", "2026-03-01", "--to", "2026-03-20"});
  EXPECT_EQ(d.at("header").at("period").at("kind"), "range");
  EXPECT_EQ(d.at("header").at("period").at("words"), "Từ ngày 01/03/2026 đến ngày 20/03/2026");
}

TEST(ReportCli, Decree09CutsTheQuarterFrom15DecemberTo14March) {
  TempDir dir;
  const std::string cfg = setup(dir, "[report]\nperiod = \"decree09\"\n");
  const json q = report_json(cfg, {"--quarter", "2026-Q1"});
  EXPECT_EQ(q.at("from"), "2025-12-15");
  EXPECT_EQ(q.at("to"), "2026-03-14");
  EXPECT_EQ(q.at("header").at("period").at("convention"), "decree09");
  // D1 (14/12) is before, D5 (15/03) and D6 after; D2, D3, D4 are in.
  EXPECT_EQ(q.at("total").at("received_total"), 3);
  EXPECT_EQ(q.at("total").at("received_online"), 1);  // D2
  const json q2 = report_json(cfg, {"--quarter", "2026-Q2"});
  EXPECT_EQ(q2.at("from"), "2026-03-15");
  EXPECT_EQ(q2.at("total").at("received_total"), 4);  // D5, D6, and D3, D4 carried over (open)
  EXPECT_EQ(q2.at("total").at("carried_over"), 2);
  const json y = report_json(cfg, {"--year", "2026"});
  EXPECT_EQ(y.at("from"), "2025-12-15");
  EXPECT_EQ(y.at("to"), "2026-12-14");
  const ProcessResult text =
      dunghan({"report", "--config", cfg, "--quarter", "2026-Q1", "--date", "2026-03-16"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out,
              HasSubstr("Kỳ báo cáo: Quý I năm 2026 (từ ngày 15/12/2025 đến ngày 14/03/2026)"));
}

TEST(ReportCli, TheHeaderAndFooterComeFromTheReportSection) {
  TempDir dir;
  const std::string cfg = setup(dir,
                                "[report]\nreporting_unit = \"UBND huyện Đông Anh\"\n"
                                "receiving_unit = \"Văn phòng UBND thành phố Hà Nội\"\n"
                                "place = \"Đông Anh\"\nsigner_title = \"CHỦ TỊCH\"\n"
                                "preparer = \"Nguyễn Thị Lan\"\n");
  for (const char* format : {"text", "md", "csv", "html"}) {
    const ProcessResult r = dunghan({"report", "--config", cfg, "--quarter", "2026-Q1", "--format",
                                     format, "--date", "2026-04-03"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* s : {"Đơn vị báo cáo: UBND huyện Đông Anh",
                          "Đơn vị nhận báo cáo: Văn phòng UBND thành phố Hà Nội",
                          "Biểu II.06a/VPCP/KSTT", "Đông Anh, ngày 03 tháng 4 năm 2026", "CHỦ TỊCH",
                          "Nguyễn Thị Lan", "Người lập biểu", "Thủ trưởng đơn vị"}) {
      EXPECT_THAT(r.out, HasSubstr(s)) << format;
    }
  }
}

TEST(ReportCli, XlsxNeedsAnOutputFile) {
  TempDir dir;
  const std::string cfg = setup(dir);
  ProcessResult r =
      dunghan({"report", "--config", cfg, "--quarter", "2026-Q1", "--format", "xlsx"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("give --output FILE.xlsx"));
  EXPECT_TRUE(r.out.empty());

  const auto file = dir.path() / "bieu-6a.xlsx";
  r = dunghan({"report", "--config", cfg, "--quarter", "2026-Q1", "--format", "xlsx", "--output",
               file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_THAT(r.err, HasSubstr(file.string()));
  EXPECT_THAT(read_file(file), StartsWith("PK\x03\x04"));
  // The workbook's figures are the JSON's.
  const ProcessResult dump = testing::run_process(
      "/usr/bin/python3",
      {std::string(DUNGHAN_SOURCE_DIR) + "/tests/report/xlsx_dump.py", file.string()});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  const json cells = json::parse(dump.out).at("cells");
  const json j = report_json(cfg, {"--quarter", "2026-Q1"});
  EXPECT_EQ(cells.at("B14").at("v"), "Tổng cộng");  // three rows from row 11
  EXPECT_EQ(cells.at("C14").at("v"), j.at("total").at("received_total"));
  EXPECT_EQ(cells.at("K14").at("v"), j.at("total").at("in_progress_total"));
  // Nothing else was left in the folder (the workbook is written beside it, then renamed).
  std::size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 4u);  // dunghan.toml, d.csv, state/, bieu-6a.xlsx

  // "-" sends it to standard output when that is no terminal (a file here).
  r = dunghan(
      {"report", "--config", cfg, "--quarter", "2026-Q1", "--format", "xlsx", "--output", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("PK\x03\x04"));
}

TEST(ReportCli, CsvToAFileStartsWithTheBom) {
  TempDir dir;
  const std::string cfg = setup(dir);
  const auto file = dir.path() / "bieu.csv";
  const ProcessResult r = dunghan({"report", "--config", cfg, "--quarter", "2026-Q1", "--format",
                                   "csv", "--output", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(read_file(file), StartsWith("\xEF\xBB\xBFSTT,Lĩnh vực,Số hồ sơ nhận giải quyết"));
}

TEST(ReportCli, OnePeriodExactly) {
  TempDir dir;
  const std::string cfg = setup(dir);
  ProcessResult r = dunghan({"report", "--config", cfg});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("give one period"));
  r = dunghan({"report", "--config", cfg, "--quarter", "2026-Q1", "--year", "2026"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("give one period"));
  r = dunghan({"report", "--config", cfg, "--from", "2026-01-01"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--from and --to go together"));
  r = dunghan({"report", "--config", cfg, "--quarter", "2026-Q5"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--quarter: \"2026-Q5\" is not a quarter YYYY-Qn"));
  r = dunghan({"report", "--config", cfg, "--month", "2026-13"});
  EXPECT_EQ(r.exit_code, 1);
  r = dunghan({"report", "--config", cfg, "--from", "2026-03-02", "--to", "2026-03-01"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--to is before --from"));
}

TEST(ReportCli, AnOutputFolderThatDoesNotExistIsAnError) {
  TempDir dir;
  const std::string cfg = setup(dir);
  for (const char* format : {"csv", "xlsx"}) {
    const auto file = dir.path() / "missing" / (std::string("bieu.") + format);
    const ProcessResult r = dunghan({"report", "--config", cfg, "--quarter", "2026-Q1", "--format",
                                     format, "--output", file.string()});
    EXPECT_EQ(r.exit_code, 1) << format;
    EXPECT_THAT(r.err, HasSubstr("cannot write")) << format;
    EXPECT_FALSE(std::filesystem::exists(file));
  }
}

}  // namespace
}  // namespace dunghan
