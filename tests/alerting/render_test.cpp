// Messages: what a specialist reads. Clocks come from deadline::compute_clock on the real
// calendar; expected values are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <set>

#include "deadline/clock.h"
#include "fixtures.h"
#include "render/message.h"
#include "render/templates.h"
#include "render/vn_format.h"

namespace dunghan::render {
namespace {

using alerting::testing::local;
using alerting::testing::make_dossier;
using alerting::testing::wd;
using calendar::Instant;

const calendar::WorkCalendar& cal() {
  return *alerting::testing::real_calendar();
}
const Templates& templates() {
  static const Templates t = Templates::load(std::nullopt);
  return t;
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// Received Mon 17/02/2025 09:00, 5 working days: Tue 18 … Mon 24/02/2025, due 17:00.
deadline::Dossier feb_2025(std::string code = "000.00.01.H01-250217-0001") {
  deadline::Dossier d = make_dossier(std::move(code), local(2025, 2, 17, 9), wd(5));
  d.procedure_name = "Đăng ký thành lập doanh nghiệp";
  return d;
}

Rendered render_at(const deadline::Dossier& d, Instant at, const std::string& stage,
                   deadline::DossierClock* out = nullptr) {
  const deadline::DossierClock c =
      deadline::compute_clock(d, {}, cal(), deadline::DeadlineOptions{}, nullptr, at);
  EXPECT_TRUE(c.valid) << c.invalid_reason;
  if (out != nullptr) *out = c;
  return render_alert(templates(), cal(),
                      AlertView{&d, &c, "rule", deadline::parse_alert_stage(stage).value(), "cv1",
                                "Nguyễn Văn A", "akey"});
}

constexpr const char* kLastDayText = "Hôm nay là ngày cuối cùng để gửi văn bản xin lỗi";

// One Vietnamese label per enumerator, none missing, none shared.
TEST(VnFormat, EveryStageAndClockStateHasItsOwnLabel) {
  using deadline::AlertStage;
  using deadline::ClockState;
  std::set<std::string> stages;
  for (AlertStage s : {AlertStage::before_due, AlertStage::due_today, AlertStage::overdue,
                       AlertStage::waiting_applicant, AlertStage::received}) {
    EXPECT_FALSE(stage_label_vn(s, false).empty()) << deadline::to_string(s);
    stages.insert(stage_label_vn(s, false));
    EXPECT_EQ(deadline::parse_alert_stage(deadline::to_string(s)), s);
  }
  EXPECT_EQ(stages.size(), 5U);
  EXPECT_EQ(stage_label_vn(AlertStage::overdue, true), "Quá hạn sau gia hạn");
  EXPECT_FALSE(deadline::parse_alert_stage("Overdue"));
  std::set<std::string> states;
  for (ClockState s :
       {ClockState::waiting_applicant, ClockState::overdue, ClockState::due_today,
        ClockState::due_soon, ClockState::not_due, ClockState::early, ClockState::on_time,
        ClockState::late, ClockState::returned, ClockState::withdrawn}) {
    EXPECT_FALSE(state_vn(s).empty()) << deadline::to_string(s);
    states.insert(state_vn(s));
  }
  EXPECT_EQ(states.size(), 10U);
  EXPECT_EQ(state_vn(ClockState::overdue), "quá hạn");
}

TEST(VnFormat, DateWithWeekday) {
  EXPECT_EQ(date_with_weekday_vn(alerting::testing::ymd(2025, 2, 24)), "Thứ Hai, 24/02/2025");
  EXPECT_EQ(date_with_weekday_vn(alerting::testing::ymd(2026, 3, 8)), "Chủ Nhật, 08/03/2026");
}

TEST(VnFormat, WorkingTime) {
  EXPECT_EQ(working_time_vn(600, 8), "1 ngày 2 giờ làm việc");
  EXPECT_EQ(working_time_vn(45, 8), "45 phút làm việc");
  EXPECT_EQ(working_time_vn(0, 8), "0 phút làm việc");
  EXPECT_EQ(working_time_vn(-125, 8), "2 giờ 5 phút làm việc");
}

TEST(RenderAlert, SubjectNamesTheStateAndTheCodeAndTheDueDateWithWeekday) {
  const deadline::Dossier d = feb_2025();
  const Rendered r = render_at(d, local(2025, 2, 20, 7), "before_due");
  EXPECT_EQ(r.subject, "[Sắp đến hạn] Hồ sơ 000.00.01.H01-250217-0001 – hạn Thứ Hai, 24/02/2025");
  EXPECT_TRUE(contains(render_at(d, local(2025, 2, 24, 7), "due_today").subject,
                       "[Đến hạn hôm nay] Hồ sơ 000.00.01.H01-250217-0001"));
  EXPECT_TRUE(contains(render_at(d, local(2025, 2, 25, 9), "overdue").subject,
                       "[Quá hạn] Hồ sơ 000.00.01.H01-250217-0001"));
  EXPECT_EQ(r.subject.find('\n'), std::string::npos);
}

TEST(RenderAlert, BodiesGiveProcedureApplicantAndDueDateWithWeekday) {
  const deadline::Dossier d = feb_2025();
  const Rendered r = render_at(d, local(2025, 2, 20, 7), "before_due");
  for (const std::string* body : {&r.text, &r.html}) {
    EXPECT_TRUE(contains(*body, "Đăng ký thành lập doanh nghiệp")) << *body;
    EXPECT_TRUE(contains(*body, "Công ty TNHH Thử")) << *body;
    EXPECT_TRUE(contains(*body, "Thứ Hai, 24/02/2025 lúc 17:00")) << *body;
  }
  EXPECT_TRUE(contains(r.short_text, "Thứ Hai, 24/02/2025"));
  EXPECT_EQ(r.params.at("code"), d.code);
  EXPECT_EQ(r.params.at("due_date"), "24/02/2025");
}

TEST(RenderAlert, WorkingTimeLeftIsTodays) {
  // Fri 21/02/2025 10:00 → Mon 24 17:00: 1.5 h + 3.5 h on Friday, 8 h on Monday = 780 min
  // = 1 day 5 hours.
  const deadline::Dossier d = feb_2025();
  const Rendered r = render_at(d, local(2025, 2, 21, 10), "before_due");
  EXPECT_TRUE(contains(r.text, "Thời gian còn lại: 1 ngày 5 giờ làm việc")) << r.text;
  EXPECT_TRUE(contains(r.short_text, "còn 1 ngày 5 giờ làm việc")) << r.short_text;
  // Rendered a day later, the same alert tells the time left then (Mon 07:00: 8 h).
  const Rendered later = render_at(d, local(2025, 2, 24, 7), "before_due");
  EXPECT_TRUE(contains(later.text, "Thời gian còn lại: 1 ngày làm việc")) << later.text;
}

TEST(RenderAlert, OverdueByTellsHowLongPastTheDueInstant) {
  // Tue 25/02/2025 09:00: 07:00–09:00 past the due instant = 2 hours.
  const deadline::Dossier d = feb_2025();
  const Rendered r = render_at(d, local(2025, 2, 25, 9), "overdue");
  EXPECT_TRUE(contains(r.text, "Đã quá hạn:     2 giờ làm việc")) << r.text;
  EXPECT_TRUE(contains(r.html, "2 giờ làm việc"));
  EXPECT_TRUE(contains(r.short_text, "đã quá hạn 2 giờ làm việc")) << r.short_text;
  EXPECT_FALSE(contains(r.text, "Thời gian còn lại"));
}

TEST(RenderAlert, LastDayForAnExtensionAppearsExactlyOnTheWorkingDayBeforeTheDueDate) {
  // Due Mon 24/02/2025: the working day before is Fri 21/02 (Sat and Sun are days off).
  const deadline::Dossier d = feb_2025();
  for (int day = 17; day <= 24; ++day) {
    for (int hh : {7, 16}) {
      const Rendered r = render_at(d, local(2025, 2, static_cast<unsigned>(day), hh), "before_due");
      const bool expected = day == 21;
      EXPECT_EQ(contains(r.text, kLastDayText), expected) << "day " << day << " " << hh << "h";
      EXPECT_EQ(contains(r.html, kLastDayText), expected) << "day " << day;
    }
  }
  // The other stages never say it.
  EXPECT_FALSE(contains(render_at(d, local(2025, 2, 21, 9), "received").text, kLastDayText));
}

TEST(RenderAlert, LastDayForAnExtensionSkipsTet) {
  // Received Fri 24/01/2025 09:00, 1 working day: Tết 27–31/01 and the weekends are days off,
  // due Mon 03/02/2025; the last day to ask for an extension is Fri 24/01 itself.
  const deadline::Dossier d = make_dossier("TET", local(2025, 1, 24, 9), wd(1));
  EXPECT_TRUE(contains(render_at(d, local(2025, 1, 24, 10), "before_due").text, kLastDayText));
  EXPECT_TRUE(
      contains(render_at(d, local(2025, 1, 24, 10), "before_due").subject, "Thứ Hai, 03/02/2025"));
}

TEST(RenderAlert, HtmlBodyEscapesValuesAndTextBodyDoesNot) {
  deadline::Dossier d = feb_2025();
  d.applicant = "<script>alert(1)</script> & \"Co\"";
  const Rendered r = render_at(d, local(2025, 2, 20, 7), "before_due");
  EXPECT_TRUE(contains(r.html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"))
      << r.html;
  EXPECT_FALSE(contains(r.html, "<script>"));
  EXPECT_TRUE(contains(r.text, "<script>alert(1)</script> & \"Co\""));
  EXPECT_FALSE(contains(r.text, "&lt;"));
  EXPECT_FALSE(contains(r.subject, "&"));
}

TEST(RenderAlert, WebhookJsonCarriesTheKeyAndTheDue) {
  const deadline::Dossier d = feb_2025();
  const Rendered r = render_at(d, local(2025, 2, 20, 7), "before_due");
  const nlohmann::json j = nlohmann::json::parse(r.json);
  EXPECT_EQ(j["type"], "deadline.before_due");
  EXPECT_EQ(j["data"]["alert_id"], "akey");
  EXPECT_EQ(j["data"]["dossier"]["code"], d.code);
  EXPECT_EQ(j["data"]["due"]["due_date"], "2025-02-24");
}

TEST(RenderDigest, ListsEveryDossier) {
  std::vector<deadline::Dossier> ds;
  for (int i = 1; i <= 3; ++i) ds.push_back(feb_2025("CODE-" + std::to_string(i)));
  ds[1].applicant = "A & <B>";
  std::vector<deadline::DossierClock> clocks;
  for (const auto& d : ds) {
    clocks.push_back(deadline::compute_clock(d, {}, cal(), deadline::DeadlineOptions{}, nullptr,
                                             local(2025, 2, 24, 7, 30)));
  }
  std::vector<AlertView> views;
  for (std::size_t i = 0; i < ds.size(); ++i) {
    views.push_back(AlertView{&ds[i], &clocks[i], "den-han", deadline::AlertStage::due_today, "cv1",
                              "Nguyễn Văn A", "k" + std::to_string(i)});
  }
  const Rendered r = render_digest(templates(), cal(), views, "digestkey");
  EXPECT_TRUE(contains(r.subject, "3 hồ sơ")) << r.subject;
  for (const auto& d : ds) {
    EXPECT_TRUE(contains(r.text, d.code)) << d.code;
    EXPECT_TRUE(contains(r.html, "<td>" + d.code + "</td>")) << d.code;
    EXPECT_TRUE(contains(r.short_text, d.code)) << d.code;
  }
  EXPECT_TRUE(contains(r.html, "A &amp; &lt;B&gt;"));
  EXPECT_EQ(r.params.at("code"), "CODE-1, CODE-2, CODE-3");
  EXPECT_EQ(nlohmann::json::parse(r.json)["data"]["alerts"].size(), 3u);
}

TEST(VnFormat, LatenessInWorkingDaysAndHoursOnlyUnderADay) {
  EXPECT_EQ(lateness_vn(-3 * 480 - 200, 8), "quá hạn 3 ngày làm việc");
  EXPECT_EQ(lateness_vn(-479, 8), "quá hạn 7 giờ làm việc");
  EXPECT_EQ(lateness_vn(-45, 8), "quá hạn 45 phút làm việc");
  EXPECT_EQ(lateness_vn(960, 8), "còn 2 ngày làm việc");
  EXPECT_EQ(lateness_vn(0, 8), "còn 0 phút làm việc");
}

TEST(RenderAlert, NamesTheHandlerAndTellsAHeadToChaseThem) {
  deadline::Dossier d = feb_2025();
  d.handler = "cv1";
  d.department = "Phòng Đăng ký kinh doanh";
  const deadline::DossierClock c = deadline::compute_clock(
      d, {}, cal(), deadline::DeadlineOptions{}, nullptr, local(2025, 2, 25, 8));
  AlertView to_handler{&d,  &c, "qua-han", deadline::AlertStage::overdue, "cv1", "Nguyễn Văn A",
                       "k1"};
  to_handler.handler_name = "Nguyễn Văn A";
  to_handler.handler_department = "Phòng Đăng ký kinh doanh";
  const Rendered h = render_alert(templates(), cal(), to_handler);
  EXPECT_TRUE(contains(h.text, "Cán bộ xử lý:   Nguyễn Văn A – Phòng Đăng ký kinh doanh"))
      << h.text;
  EXPECT_TRUE(contains(h.text, "Việc cần làm: Khẩn trương giải quyết")) << h.text;
  EXPECT_TRUE(contains(h.html, "<td>Nguyễn Văn A – Phòng Đăng ký kinh doanh</td>")) << h.html;
  EXPECT_EQ(h.params.at("handler_name"), "Nguyễn Văn A");
  EXPECT_EQ(h.params.at("recipient_role"), "handler");

  AlertView to_head = to_handler;
  to_head.recipient_id = "tp1";
  to_head.recipient_name = "Trần Thị B";
  to_head.recipient_role = "head";
  const Rendered t = render_alert(templates(), cal(), to_head);
  EXPECT_TRUE(contains(t.text, "Kính gửi Trần Thị B")) << t.text;
  EXPECT_TRUE(contains(t.text, "Cán bộ xử lý:   Nguyễn Văn A")) << t.text;
  EXPECT_TRUE(contains(t.text, "Việc cần làm: Đôn đốc Nguyễn Văn A (Phòng Đăng ký kinh doanh)"))
      << t.text;
  EXPECT_FALSE(contains(t.text, "Khẩn trương giải quyết, báo cáo lãnh đạo")) << t.text;
  EXPECT_TRUE(contains(t.short_text, "Đôn đốc Nguyễn Văn A")) << t.short_text;
  EXPECT_EQ(nlohmann::json::parse(t.json)["data"]["recipient_role"], "head");
}

TEST(RenderDigest, ItemsCarryDepartmentAndHandlerMostLateFirst) {
  // Three dossiers due at 17:00 on different days; at Tue 25/02/2025 08:00 (one office hour in):
  std::vector<deadline::Dossier> ds = {
      make_dossier("LATE-1", local(2025, 2, 17, 9), wd(5)),   // due Mon 24/02: 1 hour late
      make_dossier("LATE-4", local(2025, 2, 12, 9), wd(5)),   // due Wed 19/02: 3 days 1 hour
      make_dossier("LATE-2", local(2025, 2, 14, 9), wd(5))};  // due Fri 21/02: 1 day 1 hour
  std::vector<deadline::DossierClock> clocks;
  for (auto& d : ds) {
    d.department = "Phòng " + d.code;
    clocks.push_back(deadline::compute_clock(d, {}, cal(), deadline::DeadlineOptions{}, nullptr,
                                             local(2025, 2, 25, 8)));
  }
  std::vector<AlertView> views;
  for (std::size_t i = 0; i < ds.size(); ++i) {
    AlertView v{&ds[i], &clocks[i], "qua-han", deadline::AlertStage::overdue,
                "ld1",  "Lê Văn C", "k"};
    v.handler_name = "Cán bộ " + ds[i].code;
    v.handler_department = ds[i].department;
    v.recipient_role = "leader";
    views.push_back(v);
  }
  const Rendered r = render_digest(templates(), cal(), views, "digestkey");
  const auto p4 = r.text.find("LATE-4"), p2 = r.text.find("LATE-2"), p1 = r.text.find("LATE-1");
  ASSERT_NE(p4, std::string::npos);
  EXPECT_LT(p4, p2);
  EXPECT_LT(p2, p1);
  EXPECT_TRUE(contains(r.text, "Phòng LATE-4, cán bộ xử lý Cán bộ LATE-4")) << r.text;
  EXPECT_TRUE(contains(r.text, "| quá hạn 3 ngày làm việc")) << r.text;
  EXPECT_TRUE(contains(r.text, "| quá hạn 1 ngày làm việc")) << r.text;
  EXPECT_TRUE(contains(r.text, "| quá hạn 1 giờ làm việc")) << r.text;
  EXPECT_TRUE(contains(r.html, "<td>Cán bộ LATE-2</td>")) << r.html;
  EXPECT_TRUE(contains(r.text, "Việc cần làm: Đôn đốc cán bộ xử lý các hồ sơ trên")) << r.text;
}

TEST(Templates, PerRulePrefixOverridesAndMissingTemplatesThrow) {
  alerting::testing::ScratchDir dir;
  { std::ofstream(dir.path() / "urgent.email_subject.mustache") << "KHẨN {{code}}"; }
  const Templates t = Templates::load(dir.path());
  Values v;
  v.text["code"] = "X1";
  EXPECT_EQ(t.render("email_subject", v, Escape::none, "urgent"), "KHẨN X1");
  EXPECT_NE(t.render("email_subject", v, Escape::none, "other"), "KHẨN X1");
  EXPECT_THROW(t.render("no_such_template", v, Escape::none), std::runtime_error);
  { std::ofstream(dir.path() / "broken.mustache") << "{{#open}} never closed"; }
  EXPECT_THROW(Templates::load(dir.path()), std::runtime_error);
}

}  // namespace
}  // namespace dunghan::render
