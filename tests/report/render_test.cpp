// Output forms of form 6a: the header block, the headings, the footer, and each format's rules.

#include "report/render.h"
#include "text/width.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "deadline/fixtures.h"

namespace dunghan::report {
namespace {

using testing::ymd;

Form6aCounters sample_counters(std::int64_t k) {
  Form6aCounters c;
  c.received_online = 3 * k;
  c.received_direct_post = 4 * k;
  c.carried_over = 2 * k;
  c.received_total = 9 * k;
  c.early = k;
  c.on_time = 3 * k;
  c.late = k;
  c.resolved_total = 5 * k;
  c.not_due = 3 * k;
  c.overdue = k;
  c.in_progress_total = 4 * k;
  c.returned_withdrawn = k;
  c.waiting_supplement = k;
  return c;
}

// Two rows with hand-set counters (the aggregation is tested elsewhere).
Form6a sample(std::string first_key = "Hộ tịch") {
  Form6a f;
  f.from = ymd(2019, 7, 1);
  f.to = ymd(2019, 9, 30);
  f.rows.push_back({std::move(first_key), sample_counters(1)});
  f.rows.push_back({"Đất đai", sample_counters(100)});
  f.total = sample_counters(101);
  return f;
}

FormMeta meta(FormHeading h = {}) {
  FormMeta m;
  m.heading = std::move(h);
  m.period = quarter_period(2019, 3, PeriodConvention::calendar);
  m.signed_on = ymd(2019, 10, 5);
  return m;
}

FormHeading heading() {
  return FormHeading{"UBND huyện Đông Anh", "Văn phòng UBND thành phố Hà Nội", "Đông Anh",
                     "CHỦ TỊCH", "Nguyễn Thị Lan"};
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// ---- the same content in every format -----------------------------------------------------------

class EveryTextFormat : public ::testing::TestWithParam<Format> {};

TEST_P(EveryTextFormat, CarriesTheHeaderBlock) {
  const std::string out = render(sample(), meta(heading()), GetParam());
  for (const char* s : {"Đơn vị báo cáo: UBND huyện Đông Anh",
                        "Đơn vị nhận báo cáo: Văn phòng UBND thành phố Hà Nội",
                        "Biểu II.06a/VPCP/KSTT", "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
                        "Kỳ báo cáo: Quý III năm 2019 (từ ngày 01/07/2019 đến ngày 30/09/2019)",
                        "Đơn vị tính: Số hồ sơ TTHC"}) {
    EXPECT_NE(out.find(s), std::string::npos) << to_string(GetParam()) << ": " << s;
  }
}

TEST_P(EveryTextFormat, CarriesTheGroupedHeadingsAndTheColumnNumbers) {
  const std::string out = render(sample(), meta(), GetParam());
  for (const char* h :
       {"STT", "Lĩnh vực", "Số hồ sơ nhận giải quyết", "Tổng số", "Trực tuyến",
        "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước", "Số hồ sơ đã giải quyết", "Trước hạn",
        "Đúng hạn", "Quá hạn", "Số lượng hồ sơ đang giải quyết", "Trong hạn", "Tổng cộng"}) {
    EXPECT_NE(out.find(h), std::string::npos) << to_string(GetParam()) << ": " << h;
  }
  for (int c = 1; c <= 13; ++c) {
    EXPECT_NE(out.find("(" + std::to_string(c) + ")"), std::string::npos)
        << to_string(GetParam()) << ": (" << c << ")";
  }
}

TEST_P(EveryTextFormat, CarriesTheFooter) {
  Form6a f = sample();
  f.dossiers_anomalous = 2;
  f.anomalies = 3;
  f.anomalies_by_kind = {{"extension_after_due", 1}, {"no_due", 2}};
  std::string out = render(f, meta(heading()), GetParam());
  if (GetParam() == Format::md) std::erase(out, '\\');  // Markdown escapes "_"
  for (const char* s :
       {"Cột (9) gồm 101 hồ sơ trả lại hoặc xin rút",
        "Số hồ sơ có bất thường về thời hạn hoặc dữ liệu: 2 (3 bất thường: Gia hạn sau khi đã "
        "quá hạn 1, Không xác định được thời hạn (thiếu thời hạn giải quyết và ngày hẹn trả) 2).",
        "Đông Anh, ngày 05 tháng 10 năm 2019", "Người lập biểu", "(Ký, ghi rõ họ tên)",
        "Nguyễn Thị Lan", "Thủ trưởng đơn vị", "CHỦ TỊCH", "(Ký, đóng dấu, ghi rõ họ tên)"}) {
    EXPECT_NE(out.find(s), std::string::npos) << to_string(GetParam()) << ": " << s;
  }
}

TEST_P(EveryTextFormat, LeavesADottedLineForWhatIsNotConfigured) {
  const std::string out = render(sample(), meta(), GetParam());
  EXPECT_NE(out.find("Đơn vị báo cáo: ………………"), std::string::npos);
  EXPECT_NE(out.find("Đơn vị nhận báo cáo: ………………"), std::string::npos);
  EXPECT_NE(out.find("………………, ngày 05 tháng 10 năm 2019"), std::string::npos);
  EXPECT_NE(out.find("Số hồ sơ có bất thường về thời hạn hoặc dữ liệu: 0."), std::string::npos);
}

TEST_P(EveryTextFormat, SaysARangeAsDates) {
  FormMeta m = meta();
  m.period = range_period(ymd(2019, 7, 1), ymd(2019, 8, 15), PeriodConvention::calendar);
  const std::string out = render(sample(), m, GetParam());
  EXPECT_NE(out.find("Kỳ báo cáo: Từ ngày 01/07/2019 đến ngày 15/08/2019"), std::string::npos);
  EXPECT_EQ(out.find("Quý"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Report, EveryTextFormat,
                         ::testing::Values(Format::text, Format::md, Format::csv, Format::json,
                                           Format::html),
                         [](const auto& p) { return std::string(to_string(p.param)); });

// ---- text ---------------------------------------------------------------------------------------

TEST(RenderText, TableLinesHaveTheSameDisplayWidth) {
  const std::vector<std::string> lines = lines_of(render_text(sample(), meta(heading())));
  std::vector<std::string> table;
  for (const std::string& l : lines) {
    if (!l.empty() && (l[0] == '|' || l[0] == '+')) table.push_back(l);
  }
  ASSERT_GE(table.size(), 10u);
  for (const std::string& l : table) {
    EXPECT_EQ(text::display_width(l), text::display_width(table.front())) << l;
  }
  // In bytes they differ (Vietnamese letters take 2–3 bytes), so the widths are not byte counts.
  EXPECT_NE(table[1].size(), table.back().size());
}

TEST(RenderText, TheFormCodeEndsTheFirstLineAtTheTablesRightEdge) {
  const std::vector<std::string> lines = lines_of(render_text(sample(), meta(heading())));
  std::size_t table_width = 0;
  for (const std::string& l : lines) {
    if (!l.empty() && l[0] == '+') table_width = text::display_width(l);
  }
  ASSERT_GT(table_width, 0u);
  EXPECT_EQ(lines.at(0).rfind("Biểu II.06a/VPCP/KSTT"),
            lines.at(0).size() - std::string("Biểu II.06a/VPCP/KSTT").size());
  EXPECT_EQ(text::display_width(lines.at(0)), table_width);
}

TEST(RenderText, NumbersAreRightAlignedUnderTheirHeadings) {
  const std::vector<std::string> lines = lines_of(render_text(sample(), meta()));
  std::string total;
  for (const std::string& l : lines) {
    if (l.find("Tổng cộng") != std::string::npos) total = l;
  }
  ASSERT_FALSE(total.empty());
  // The total row: 909 received, 202 carried over, 101 overdue, right-aligned before " |".
  EXPECT_NE(total.find(" 909 |"), std::string::npos) << total;
  EXPECT_NE(total.find(" 202 |"), std::string::npos) << total;
}

TEST(RenderText, DepartmentHeading) {
  Form6a f = sample();
  f.group_by = GroupBy::department;
  EXPECT_NE(render_text(f, meta()).find("Đơn vị"), std::string::npos);
}

TEST(RenderText, NotesSayProvisionalAndWithoutDue) {
  const std::string t = render_text(sample(), meta());
  EXPECT_EQ(t.find("tạm tính"), std::string::npos);
  EXPECT_EQ(t.find("không xác định được thời hạn"), std::string::npos);
  Form6a p = sample();
  p.provisional = true;
  p.total.without_due = 4;
  const std::string u = render_text(p, meta());
  EXPECT_NE(u.find("tạm tính"), std::string::npos);
  EXPECT_NE(u.find("4 hồ sơ không xác định được thời hạn"), std::string::npos);
}

// ---- HTML ---------------------------------------------------------------------------------------

TEST(RenderHtml, EscapesEveryText) {
  FormHeading h = heading();
  h.reporting_unit = "<b>UBND</b>";
  const std::string out = render_html(sample("<script>alert('x')</script>"), meta(h));
  EXPECT_EQ(out.find("<script>"), std::string::npos);
  EXPECT_EQ(out.find("<b>UBND"), std::string::npos);
  EXPECT_NE(out.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(out.find("&lt;b&gt;UBND&lt;/b&gt;"), std::string::npos);
}

TEST(RenderHtml, IsAStandaloneUtf8PageForA4Landscape) {
  const std::string h = render_html(sample(), meta());
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(h.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(h.find("@page{size:A4 landscape"), std::string::npos);
  EXPECT_NE(h.find("colspan=\"4\">Số hồ sơ nhận giải quyết"), std::string::npos);
  EXPECT_NE(h.find("colspan=\"3\">Số lượng hồ sơ đang giải quyết"), std::string::npos);
  EXPECT_NE(h.find("<th>(13)</th>"), std::string::npos);
  EXPECT_NE(h.find("</html>"), std::string::npos);
}

// ---- JSON ---------------------------------------------------------------------------------------

TEST(RenderJson, FiguresKeepTheirShape) {
  const nlohmann::json j = nlohmann::json::parse(render_json(sample(), meta()));
  EXPECT_EQ(j.at("from"), "2019-07-01");
  EXPECT_EQ(j.at("to"), "2019-09-30");
  EXPECT_EQ(j.at("group_by"), "field");
  ASSERT_EQ(j.at("rows").size(), 2u);
  EXPECT_EQ(j.at("rows")[0].at("stt"), 1);
  EXPECT_EQ(j.at("rows")[0].at("field"), "Hộ tịch");
  EXPECT_EQ(j.at("rows")[1].at("received_total"), 900);
  EXPECT_EQ(j.at("rows")[1].at("received_direct_post"), 400);
  EXPECT_EQ(j.at("total").at("overdue"), 101);
  EXPECT_EQ(j.at("total").at("returned_withdrawn"), 101);
  EXPECT_EQ(j.at("total").at("waiting_supplement"), 101);
  EXPECT_FALSE(j.at("total").contains("field"));
  // "total" comes last (scripts read the last "received_total").
  const std::string text = render_json(sample(), meta());
  EXPECT_GT(text.rfind("\"total\""), text.rfind("\"rows\""));
}

TEST(RenderJson, HeadingsAreStructuredMetadata) {
  const nlohmann::json j = nlohmann::json::parse(render_json(sample(), meta(heading())));
  EXPECT_EQ(j.at("form_code"), "Biểu II.06a/VPCP/KSTT");
  EXPECT_EQ(j.at("title"), "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH");
  const nlohmann::json& p = j.at("header").at("period");
  EXPECT_EQ(p.at("kind"), "quarter");
  EXPECT_EQ(p.at("convention"), "calendar");
  EXPECT_EQ(p.at("year"), 2019);
  EXPECT_EQ(p.at("number"), 3);
  EXPECT_EQ(p.at("words"), "Quý III năm 2019");
  EXPECT_EQ(j.at("header").at("reporting_unit"), "UBND huyện Đông Anh");
  const nlohmann::json& cols = j.at("columns");
  ASSERT_EQ(cols.size(), 13u);
  for (std::size_t i = 0; i < cols.size(); ++i) EXPECT_EQ(cols[i].at("number"), i + 1);
  EXPECT_EQ(cols[1].at("heading"), "Lĩnh vực");
  EXPECT_EQ(cols[4].at("key"), "received_direct_post");
  EXPECT_EQ(cols[4].at("heading"), "Trực tiếp, dịch vụ bưu chính");
  EXPECT_EQ(cols[4].at("group"), "Số hồ sơ nhận giải quyết");
  EXPECT_EQ(cols[12].at("group"), "Số lượng hồ sơ đang giải quyết");
  EXPECT_TRUE(cols[0].at("group").is_null());
  ASSERT_EQ(j.at("groups").size(), 3u);
  EXPECT_EQ(j.at("groups")[1].at("first"), 7);
  EXPECT_EQ(j.at("groups")[1].at("last"), 10);
  EXPECT_EQ(j.at("footer").at("date"), "2019-10-05");
  EXPECT_EQ(j.at("footer").at("signatures")[1].at("title"), "CHỦ TỊCH");
  EXPECT_EQ(j.at("anomalies").at("total"), 0);
}

TEST(RenderJson, DepartmentRowsUseTheDepartmentKey) {
  Form6a f = sample();
  f.group_by = GroupBy::department;
  const nlohmann::json j = nlohmann::json::parse(render_json(f, meta()));
  EXPECT_EQ(j.at("group_by"), "department");
  EXPECT_EQ(j.at("rows")[0].at("department"), "Hộ tịch");
  EXPECT_FALSE(j.at("rows")[0].contains("field"));
  EXPECT_EQ(j.at("columns")[1].at("heading"), "Đơn vị");
}

// ---- CSV ----------------------------------------------------------------------------------------

TEST(RenderCsv, StartsWithABomThenTheHeadingRowsThenTheData) {
  const std::string csv = render_csv(sample(), meta());
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u);
  const std::vector<std::string> lines = lines_of(csv.substr(3));
  ASSERT_GE(lines.size(), 6u);
  EXPECT_EQ(lines[0],
            "STT,Lĩnh vực,Số hồ sơ nhận giải quyết,,,,Số hồ sơ đã giải quyết,,,,"
            "Số lượng hồ sơ đang giải quyết,,\r");
  EXPECT_EQ(lines[1],
            ",,Tổng số,Trực tuyến,\"Trực tiếp, dịch vụ bưu chính\",Từ kỳ trước,Tổng số,Trước hạn,"
            "Đúng hạn,Quá hạn,Tổng số,Trong hạn,Quá hạn\r");
  EXPECT_EQ(lines[2], "(1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12),(13)\r");
  EXPECT_EQ(lines[3], "1,Hộ tịch,9,3,4,2,5,1,3,1,4,3,1\r");
  EXPECT_EQ(lines[4], "2,Đất đai,900,300,400,200,500,100,300,100,400,300,100\r");
  EXPECT_EQ(lines[5], ",Tổng cộng,909,303,404,202,505,101,303,101,404,303,101\r");
}

TEST(RenderCsv, EveryRecordEndsWithCrlfAndHasThirteenFields) {
  // CRLF, as RFC 4180 and Excel itself write CSV; no bare LF or CR anywhere (no field holds a
  // line break).
  const std::string csv = render_csv(sample(), meta(heading())).substr(3);
  ASSERT_GE(csv.size(), 2u);
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
  std::size_t records = 0;
  for (std::size_t i = 0; i < csv.size(); ++i) {
    if (csv[i] == '\n') {
      EXPECT_EQ(csv[i - 1], '\r') << "bare LF at " << i;
      ++records;
    }
    if (csv[i] == '\r') {
      EXPECT_EQ(csv.at(i + 1), '\n') << "bare CR at " << i;
    }
  }
  EXPECT_GT(records, 15u);
  for (const std::string& line : lines_of(csv)) {
    std::size_t fields = 1;
    bool quoted = false;
    for (char ch : line) {
      if (ch == '"') quoted = !quoted;
      if (ch == ',' && !quoted) ++fields;
    }
    EXPECT_EQ(fields, 13u) << line;
  }
}

TEST(RenderCsv, QuotesFieldsWithCommasAndQuotes) {
  const std::string csv = render_csv(sample("Đất, \"nhà\""), meta());
  EXPECT_NE(csv.find("1,\"Đất, \"\"nhà\"\"\",9,"), std::string::npos) << csv;
}

// ---- Markdown -----------------------------------------------------------------------------------

TEST(RenderMarkdown, GroupHeadingsAreTheHeaderRowAndPipesAreEscaped) {
  const std::string md = render_markdown(sample("A|B"), meta());
  EXPECT_NE(
      md.find("| STT | Lĩnh vực | Số hồ sơ nhận giải quyết |  |  |  | Số hồ sơ đã giải quyết |"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("|  |  | Tổng số | Trực tuyến | Trực tiếp, dịch vụ bưu chính |"),
            std::string::npos);
  EXPECT_NE(md.find("| (1) | (2) | (3) |"), std::string::npos);
  EXPECT_NE(md.find("| 1 | A\\|B | 9 | 3 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| **Tổng cộng** |"), std::string::npos);
}

TEST(RenderFormat, NamesRoundTripAndDispatch) {
  for (Format f :
       {Format::text, Format::md, Format::csv, Format::json, Format::html, Format::xlsx}) {
    EXPECT_EQ(parse_format(to_string(f)), f);
  }
  EXPECT_EQ(parse_format("markdown"), Format::md);
  EXPECT_FALSE(parse_format("pdf").has_value());
  EXPECT_TRUE(is_binary(Format::xlsx));
  EXPECT_FALSE(is_binary(Format::csv));
  EXPECT_EQ(render(sample(), meta(), Format::csv), render_csv(sample(), meta()));
  EXPECT_THROW(render(sample(), meta(), Format::xlsx), std::invalid_argument);
  EXPECT_EQ(parse_group_by("department"), GroupBy::department);
  EXPECT_FALSE(parse_group_by("lĩnh vực").has_value());
}

}  // namespace
}  // namespace dunghan::report
