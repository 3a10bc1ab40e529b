#include "render/message.h"

#include <algorithm>
#include <tuple>

#include <nlohmann/json.hpp>

#include "render/vn_format.h"

namespace dunghan::render {
namespace {

using calendar::WorkCalendar;
using deadline::ClockState;

std::string hh_mm(calendar::Instant t, calendar::UtcOffset offset) {
  const calendar::LocalDateTime l = calendar::to_local(t, offset);
  return calendar::format_hh_mm(std::chrono::duration_cast<std::chrono::minutes>(l.time_of_day));
}

using deadline::AlertStage;

std::string state_sentence(AlertStage stage, const deadline::DossierClock& c) {
  if (stage == AlertStage::overdue || c.state == ClockState::overdue) {
    return c.extended ? "đã quá hạn trả kết quả, kể cả sau khi đã gia hạn"
                      : "đã quá hạn trả kết quả";
  }
  if (stage == AlertStage::due_today || c.state == ClockState::due_today) {
    return "đến hạn trả kết quả hôm nay";
  }
  switch (stage) {
    case AlertStage::waiting_applicant:
      return "đang chờ công dân, tổ chức bổ sung hồ sơ";
    case AlertStage::received:
      return "vừa được tiếp nhận";
    default:
      return "sắp đến hạn trả kết quả";
  }
}

/// True when the query date is the last working day before the due date: the last day to send
/// the apology and extension request (Decree 61/2018 art. 19(9)).
bool last_day_for_extension(const WorkCalendar& cal, const deadline::DossierClock& c) {
  const calendar::Date today = calendar::local_date(c.at, cal.offset());
  if (today >= c.due_date || !cal.is_working_day(today)) return false;
  return cal.add_working_days(today, calendar::WorkingDays{1}) >= c.due_date;
}

/// Who the dossier's handler is, for the supervisors' actions: "Nguyễn Văn A (Phòng X)".
std::string handler_words(const AlertView& a) {
  const std::string name = a.handler_name.empty() ? "cán bộ xử lý" : a.handler_name;
  return a.handler_department.empty() ? name : name + " (" + a.handler_department + ")";
}

std::string action(const AlertView& a, const WorkCalendar& cal, const deadline::DossierClock& c) {
  const AlertStage stage = a.stage;
  if (a.recipient_role != "handler") {
    // Heads and leaders do not handle the dossier: they chase whoever does.
    const std::string who = handler_words(a);
    if (stage == AlertStage::overdue) {
      return c.extended ? "Đôn đốc " + who +
                              " giải quyết dứt điểm hồ sơ đã hẹn lại một lần mà vẫn quá hạn; "
                              "thông báo cho công dân, tổ chức."
                        : "Đôn đốc " + who +
                              " khẩn trương giải quyết; chỉ đạo gửi văn bản xin lỗi và hẹn lại "
                              "ngày trả kết quả cho công dân, tổ chức (Nghị định 61/2018/NĐ-CP, "
                              "Điều 19 khoản 9).";
    }
    if (stage == AlertStage::due_today) {
      return "Đôn đốc " + who + " hoàn thành và chuyển kết quả cho Bộ phận Một cửa trong ngày.";
    }
    if (stage == AlertStage::waiting_applicant) {
      return "Theo dõi việc bổ sung hồ sơ do " + who + " phụ trách.";
    }
    if (stage == AlertStage::received) return "Phân công cán bộ xử lý hồ sơ.";
    if (last_day_for_extension(cal, c)) {
      return "Đôn đốc " + who +
             ": hôm nay là ngày cuối cùng để gửi văn bản xin lỗi và đề nghị gia hạn nếu không "
             "thể trả kết quả đúng hạn (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 9).";
    }
    return "Đôn đốc " + who +
           " hoàn thành trước hạn; nếu không kịp, chỉ đạo gửi văn bản xin lỗi và đề nghị gia hạn "
           "chậm nhất 01 ngày trước ngày hết hạn (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 9).";
  }
  if (stage == AlertStage::overdue) {
    return c.extended
               ? "Hồ sơ đã được hẹn lại một lần và vẫn quá hạn: báo cáo lãnh đạo ngay, giải quyết "
                 "dứt điểm và thông báo cho công dân, tổ chức."
               : "Khẩn trương giải quyết, báo cáo lãnh đạo đơn vị; gửi văn bản xin lỗi và hẹn lại "
                 "ngày trả kết quả cho công dân, tổ chức (Nghị định 61/2018/NĐ-CP, Điều 19 "
                 "khoản 9).";
  }
  if (stage == AlertStage::due_today) {
    return "Hôm nay là hạn cuối: hoàn thành và chuyển kết quả cho Bộ phận Một cửa trong ngày.";
  }
  if (stage == AlertStage::waiting_applicant) {
    return "Theo dõi việc bổ sung hồ sơ; thời hạn giải quyết tính lại khi nhận đủ hồ sơ.";
  }
  if (stage == AlertStage::received) return "Tiếp nhận và phân công xử lý hồ sơ.";
  if (last_day_for_extension(cal, c)) {
    return "Hôm nay là ngày cuối cùng để gửi văn bản xin lỗi và đề nghị gia hạn nếu không thể trả "
           "kết quả đúng hạn (chậm nhất 01 ngày trước ngày hết hạn, Nghị định 61/2018/NĐ-CP, "
           "Điều 19 khoản 9).";
  }
  return "Hoàn thành và trả kết quả trước hạn. Nếu không kịp, gửi văn bản xin lỗi và đề nghị "
         "gia hạn chậm nhất 01 ngày trước ngày hết hạn (Nghị định 61/2018/NĐ-CP, Điều 19 khoản 9).";
}

std::string action_short(const AlertView& a, const WorkCalendar& cal,
                         const deadline::DossierClock& c) {
  const AlertStage stage = a.stage;
  if (a.recipient_role != "handler") {
    const std::string who = a.handler_name.empty() ? "cán bộ xử lý" : a.handler_name;
    if (stage == AlertStage::overdue) return "Đôn đốc " + who + " khẩn trương giải quyết.";
    if (stage == AlertStage::due_today) return "Đôn đốc " + who + " trả kết quả trong ngày.";
    if (stage == AlertStage::waiting_applicant) return "Theo dõi việc bổ sung hồ sơ.";
    if (stage == AlertStage::received) return "Phân công xử lý.";
    return "Đôn đốc " + who + " hoàn thành trước hạn.";
  }
  if (stage == AlertStage::overdue) return "Khẩn trương giải quyết, báo cáo lãnh đạo.";
  if (stage == AlertStage::due_today) return "Trả kết quả trong ngày hôm nay.";
  if (stage == AlertStage::waiting_applicant) return "Theo dõi việc bổ sung hồ sơ.";
  if (stage == AlertStage::received) return "Phân công xử lý.";
  if (last_day_for_extension(cal, c)) return "Hôm nay là hạn chót đề nghị gia hạn (NĐ 61/2018).";
  return "Hoàn thành trước hạn.";
}

Values values_for(const WorkCalendar& cal, const AlertView& a) {
  const deadline::Dossier& d = *a.dossier;
  const deadline::DossierClock& c = *a.clock;
  const calendar::UtcOffset off = cal.offset();
  const int hpd = cal.spec().hours_per_day;
  Values v;
  v.text["key"] = a.key;
  v.text["code"] = d.code;
  v.text["procedure_code"] = d.procedure_code;
  v.text["procedure_name"] = d.procedure_name.empty() ? d.procedure_code : d.procedure_name;
  v.text["field"] = d.field;
  v.text["department"] = d.department;
  v.text["applicant"] = d.applicant;
  v.text["recipient_name"] = a.recipient_name.empty() ? a.recipient_id : a.recipient_name;
  v.text["rule"] = a.rule;
  v.text["stage"] = std::string(deadline::to_string(a.stage));
  v.text["stage_label"] = stage_label_vn(a.stage, c.extended);
  v.text["state"] = std::string(deadline::to_string(c.state));
  v.text["state_vn"] = state_vn(c.state);
  v.text["state_sentence"] = state_sentence(a.stage, c);
  const calendar::LocalDateTime rec = calendar::to_local(d.received_at, off);
  v.text["received"] = date_with_weekday_vn(rec.date) + " " + hh_mm(d.received_at, off);
  v.text["due_weekday"] = std::string(calendar::weekday_name_vn(c.due_date));
  v.text["due_date"] = calendar::format_date_vn(c.due_date);
  v.text["due_time"] = hh_mm(c.current_due, off);
  v.text["due_full"] = date_with_weekday_vn(c.due_date) + " lúc " + hh_mm(c.current_due, off);
  v.text["original_due_full"] =
      date_with_weekday_vn(c.original_due_date) + " lúc " + hh_mm(c.original_due, off);
  v.text["time_left"] = working_time_vn(c.left.count, hpd);
  v.text["overdue_by"] = working_time_vn(c.left.count, hpd);
  v.text["status_text"] = c.left.count < 0 ? "quá hạn " + working_time_vn(c.left.count, hpd)
                                           : "còn " + working_time_vn(c.left.count, hpd);
  v.text["action"] = action(a, cal, c);
  v.text["action_short"] = action_short(a, cal, c);
  v.text["handler"] = d.handler;
  v.text["handler_name"] = a.handler_name.empty() ? d.handler : a.handler_name;
  v.text["handler_department"] = a.handler_department.empty() ? d.department : a.handler_department;
  v.text["recipient_role"] = a.recipient_role;
  v.text["lateness"] = lateness_vn(c.left.count, hpd);
  v.flags["to_handler"] = a.recipient_role == "handler";
  v.flags["overdue"] = c.state == ClockState::overdue;
  v.flags["extended"] = c.extended;
  return v;
}

std::string webhook_json(const WorkCalendar& cal, const AlertView& a) {
  const deadline::Dossier& d = *a.dossier;
  const deadline::DossierClock& c = *a.clock;
  const calendar::UtcOffset off = cal.offset();
  nlohmann::json j = {
      {"type", "deadline." + std::string(deadline::to_string(a.stage))},
      {"timestamp", calendar::format_iso(c.at, calendar::UtcOffset{std::chrono::minutes{0}})},
      {"data",
       {{"alert_id", a.key},
        {"dossier",
         {{"code", d.code},
          {"procedure_code", d.procedure_code},
          {"procedure_name", d.procedure_name},
          {"field", d.field},
          {"department", d.department},
          {"handler", d.handler},
          {"applicant", d.applicant},
          {"received_at", calendar::format_iso(d.received_at, off)}}},
        {"rule", a.rule},
        {"stage", deadline::to_string(a.stage)},
        {"state", std::string(deadline::to_string(c.state))},
        {"due",
         {{"due_at", calendar::format_iso(c.current_due, off)},
          {"due_date", calendar::format_date(c.due_date)},
          {"original_due_at", calendar::format_iso(c.original_due, off)},
          {"extended", c.extended},
          {"working_minutes_left", c.left.count}}},
        {"recipient", a.recipient_id},
        {"recipient_role", a.recipient_role},
        {"handler_name", a.handler_name},
        {"handler_department", a.handler_department}}}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Rendered render_alert(const Templates& templates, const WorkCalendar& cal, const AlertView& alert,
                      std::string_view prefix) {
  const Values v = values_for(cal, alert);
  Rendered r;
  r.subject = templates.render("email_subject", v, Escape::none, prefix);
  while (!r.subject.empty() && (r.subject.back() == '\n' || r.subject.back() == '\r')) {
    r.subject.pop_back();
  }
  r.text = templates.render("email_text", v, Escape::none, prefix);
  r.html = templates.render("email_html", v, Escape::html, prefix);
  r.short_text = templates.render("zalo_text", v, Escape::none, prefix);
  while (!r.short_text.empty() && r.short_text.back() == '\n') r.short_text.pop_back();
  for (const char* k :
       {"code", "procedure_code", "procedure_name", "applicant", "department", "due_date",
        "due_time", "due_weekday", "status_text", "stage_label", "recipient_name", "rule", "stage",
        "state", "handler_name", "handler_department", "recipient_role"}) {
    r.params[k] = v.text.at(k);
  }
  r.json = webhook_json(cal, alert);
  return r;
}

Rendered render_digest(const Templates& templates, const WorkCalendar& cal,
                       const std::vector<AlertView>& unsorted, const std::string& key,
                       std::string_view prefix) {
  std::vector<AlertView> alerts = unsorted;
  std::stable_sort(alerts.begin(), alerts.end(), [](const AlertView& a, const AlertView& b) {
    return std::tie(a.clock->left.count, a.dossier->code) <
           std::tie(b.clock->left.count, b.dossier->code);
  });
  Values v;
  const AlertView& first = alerts.front();
  v.text["key"] = key;
  v.text["count"] = std::to_string(alerts.size());
  v.text["rule"] = first.rule;
  v.text["rule_label"] = stage_label_vn(first.stage, false);
  v.text["recipient_name"] =
      first.recipient_name.empty() ? first.recipient_id : first.recipient_name;
  v.text["recipient_role"] = first.recipient_role;
  v.flags["to_handler"] = first.recipient_role == "handler";
  if (first.recipient_role == "handler") {
    v.text["action"] = action(first, cal, *first.clock);
  } else {
    // Items have different handlers: the digest's action names none of them.
    AlertView generic = first;
    generic.handler_name = "cán bộ xử lý các hồ sơ trên";
    generic.handler_department.clear();
    v.text["action"] = action(generic, cal, *first.clock);
  }
  nlohmann::json items = nlohmann::json::array();
  for (const AlertView& a : alerts) {
    Values item = values_for(cal, a);
    items.push_back(nlohmann::json::parse(webhook_json(cal, a)));
    v.lists["items"].push_back(std::move(item));
  }
  Rendered r;
  r.subject = templates.render("digest_subject", v, Escape::none, prefix);
  while (!r.subject.empty() && r.subject.back() == '\n') r.subject.pop_back();
  r.text = templates.render("digest_text", v, Escape::none, prefix);
  r.html = templates.render("digest_html", v, Escape::html, prefix);
  r.short_text = templates.render("digest_zalo", v, Escape::none, prefix);
  while (!r.short_text.empty() && r.short_text.back() == '\n') r.short_text.pop_back();
  r.params["count"] = v.text["count"];
  r.params["rule"] = first.rule;
  r.params["stage"] = std::string(deadline::to_string(first.stage));
  r.params["recipient_name"] = v.text["recipient_name"];
  std::string codes;
  for (const AlertView& a : alerts) codes += (codes.empty() ? "" : ", ") + a.dossier->code;
  r.params["code"] = codes;
  r.json =
      nlohmann::json{
          {"type", "deadline.digest"},
          {"timestamp",
           calendar::format_iso(first.clock->at, calendar::UtcOffset{std::chrono::minutes{0}})},
          {"data",
           {{"alert_id", key},
            {"rule", first.rule},
            {"stage", deadline::to_string(first.stage)},
            {"recipient", first.recipient_id},
            {"alerts", items}}}}
          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace dunghan::render
