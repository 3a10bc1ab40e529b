// Output forms of form 6a.

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
  f.from = ymd(2026, 1, 1);
  f.to = ymd(2026, 3, 31);
  f.rows.push_back({std::move(first_key), sample_counters(1)});
  f.rows.push_back({"Đất đai", sample_counters(100)});
  f.total = sample_counters(101);
  return f;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(RenderText, HasTheOfficialTitlePeriodAndUnit) {
  const std::string t = render_text(sample());
  EXPECT_NE(t.find("Biểu II.06a/VPCP/KSTT — TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"),
            std::string::npos);
  EXPECT_NE(t.find("Kỳ báo cáo: Từ ngày 01/01/2026 đến ngày 31/03/2026"), std::string::npos);
  EXPECT_NE(t.find("Đơn vị tính: Số hồ sơ TTHC"), std::string::npos);
}

TEST(RenderText, HasTheVietnameseColumnHeadings) {
  const std::string t = render_text(sample());
  for (const char* h :
       {"STT", "Lĩnh vực", "Số hồ sơ nhận giải quyết", "Tổng số", "Trực tuyến",
        "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước", "Số hồ sơ đã giải quyết", "Trước hạn",
        "Đúng hạn", "Quá hạn", "Số lượng hồ sơ đang giải quyết", "Trong hạn", "Tổng cộng"}) {
    EXPECT_NE(t.find(h), std::string::npos) << h;
  }
  for (int c = 1; c <= 13; ++c) {
    EXPECT_NE(t.find("(" + std::to_string(c) + ")"), std::string::npos) << c;
  }
}

TEST(RenderText, TableLinesHaveTheSameDisplayWidth) {
  const std::vector<std::string> lines = lines_of(render_text(sample()));
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

TEST(RenderText, NumbersAreRightAlignedUnderTheirHeadings) {
  const std::vector<std::string> lines = lines_of(render_text(sample()));
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
  EXPECT_NE(render_text(f).find("Đơn vị"), std::string::npos);
}

TEST(RenderText, NotesCountReturnedAndWaiting) {
  const std::string t = render_text(sample());
  EXPECT_NE(t.find("Cột (9) gồm 101 hồ sơ trả lại hoặc xin rút"), std::string::npos) << t;
  EXPECT_EQ(t.find("tạm tính"), std::string::npos);
  Form6a p = sample();
  p.provisional = true;
  EXPECT_NE(render_text(p).find("tạm tính"), std::string::npos);
}

TEST(RenderHtml, EscapesFieldNames) {
  const std::string h = render_html(sample("<script>alert('x')</script>"));
  EXPECT_EQ(h.find("<script>"), std::string::npos);
  EXPECT_NE(h.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
}

TEST(RenderHtml, IsAStandaloneUtf8PageWithTheHeadings) {
  const std::string h = render_html(sample());
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(h.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(h.find("colspan=\"4\">Số hồ sơ nhận giải quyết"), std::string::npos);
  EXPECT_NE(h.find("<th>(13)</th>"), std::string::npos);
  EXPECT_NE(h.find("Tổng cộng"), std::string::npos);
  EXPECT_NE(h.find("</html>"), std::string::npos);
}

TEST(RenderJson, ShapeAndValues) {
  const nlohmann::json j = nlohmann::json::parse(render_json(sample()));
  EXPECT_EQ(j.at("from"), "2026-01-01");
  EXPECT_EQ(j.at("to"), "2026-03-31");
  EXPECT_EQ(j.at("group_by"), "field");
  ASSERT_EQ(j.at("rows").size(), 2u);
  EXPECT_EQ(j.at("rows")[0].at("field"), "Hộ tịch");
  EXPECT_EQ(j.at("rows")[1].at("received_total"), 900);
  EXPECT_EQ(j.at("rows")[1].at("received_direct_post"), 400);
  EXPECT_EQ(j.at("total").at("overdue"), 101);
  EXPECT_EQ(j.at("total").at("returned_withdrawn"), 101);
  EXPECT_EQ(j.at("total").at("waiting_supplement"), 101);
  EXPECT_FALSE(j.at("total").contains("field"));
}

TEST(RenderJson, DepartmentRowsUseTheDepartmentKey) {
  Form6a f = sample();
  f.group_by = GroupBy::department;
  const nlohmann::json j = nlohmann::json::parse(render_json(f));
  EXPECT_EQ(j.at("group_by"), "department");
  EXPECT_EQ(j.at("rows")[0].at("department"), "Hộ tịch");
  EXPECT_FALSE(j.at("rows")[0].contains("field"));
}

TEST(RenderCsv, HeaderRowsAndTotal) {
  const std::vector<std::string> lines = lines_of(render_csv(sample()));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("stt,field,received_total,received_online,received_direct_post,"
                           "carried_over,resolved_total,early,on_time,late,in_progress_total,"
                           "not_due,overdue,returned_withdrawn,waiting_supplement,without_due\r",
                           0),
            0u);
  EXPECT_EQ(lines[1], "1,Hộ tịch,9,3,4,2,5,1,3,1,4,3,1,1,1,0\r");
  EXPECT_EQ(lines[3].rfind(",Tổng cộng,909,", 0), 0u);
}

TEST(RenderCsv, QuotesFieldsWithCommasAndQuotes) {
  const std::string csv = render_csv(sample("Đất, \"nhà\""));
  EXPECT_NE(csv.find("1,\"Đất, \"\"nhà\"\"\",9,"), std::string::npos) << csv;
}

TEST(RenderMarkdown, TableWithHeadingsAndEscapedPipes) {
  const std::string md = render_markdown(sample("A|B"));
  EXPECT_NE(md.find("| STT | Lĩnh vực |"), std::string::npos);
  EXPECT_NE(md.find("Số hồ sơ nhận giải quyết: Tổng số (3)"), std::string::npos);
  EXPECT_NE(md.find("Quá hạn (13)"), std::string::npos);
  EXPECT_NE(md.find("| 1 | A\\|B | 9 | 3 |"), std::string::npos) << md;
  EXPECT_NE(md.find("**Tổng cộng**"), std::string::npos);
}

TEST(RenderFormat, NamesRoundTripAndDispatch) {
  for (Format f : {Format::text, Format::md, Format::csv, Format::json, Format::html}) {
    EXPECT_EQ(parse_format(to_string(f)), f);
  }
  EXPECT_EQ(parse_format("markdown"), Format::md);
  EXPECT_FALSE(parse_format("pdf").has_value());
  EXPECT_EQ(render(sample(), Format::csv), render_csv(sample()));
  EXPECT_EQ(parse_group_by("department"), GroupBy::department);
  EXPECT_FALSE(parse_group_by("lĩnh vực").has_value());
}

}  // namespace
}  // namespace dunghan::report
