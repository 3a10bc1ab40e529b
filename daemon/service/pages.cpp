#include "service/pages.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "render/vn_format.h"
#include "text/html.h"

namespace dunghan::service {
namespace {

using calendar::Date;
using calendar::Instant;
using deadline::ClockState;
using text::html_escape;

/// How many dossiers a department's table lists before "… và N hồ sơ khác".
constexpr std::size_t kRowsPerDepartment = 200;

constexpr const char* kStyle =
    "body{font-family:Arial,Helvetica,sans-serif;margin:1.5em;color:#222;font-size:15px}"
    "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.2em 0 .4em}"
    "nav a{margin-right:1em}table{border-collapse:collapse;margin:.4em 0}"
    "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}.overdue{color:#b00;font-weight:bold}.due_today{color:#c60}"
    ".due_soon{color:#850}.muted{color:#777;font-size:.9em}.warn{background:#fff4e5;"
    "border:1px solid #f0b050;padding:.5em 1em;margin:.8em 0}.num{text-align:right}"
    "form.filter label{margin-right:1em}svg{margin:.3em 1.5em .3em 0}"
    ".charts{display:flex;flex-wrap:wrap}";

std::string vn_datetime(Instant t, calendar::UtcOffset off) {
  const calendar::LocalDateTime l = calendar::to_local(t, off);
  return calendar::format_date_vn(l.date) + " " +
         calendar::format_hh_mm(std::chrono::duration_cast<std::chrono::minutes>(l.time_of_day));
}

std::string head(const std::string& title, bool refresh) {
  std::string h = "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">";
  if (refresh) h += "<meta http-equiv=\"refresh\" content=\"60\">";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  h += "<title>" + html_escape(title) + " – dunghan</title><style>" + kStyle +
       "</style></head><body>";
  return h;
}

std::string nav(const Viewer& v) {
  std::string n =
      "<nav><a href=\"/\">Tình hình hồ sơ</a><a href=\"/outbox\">Cảnh báo đã gửi</a>"
      "<a href=\"/healthz\">Tình trạng dịch vụ</a>";
  if (v.user) {
    n += "<span class=\"muted\">Đăng nhập: " + html_escape(*v.user) +
         (v.admin ? " (quản trị)" : "") + "</span>";
  } else if (v.logins) {
    n += "<a href=\"/login\">Đăng nhập</a>";
  }
  return n + "</nav>";
}

std::string tail() {
  return "<p class=\"muted\">dunghan – cảnh báo hạn giải quyết hồ sơ thủ tục hành chính.</p>"
         "</body></html>";
}

std::string state_cell(const OfficeDossier& d, int hours_per_day) {
  if (!d.valid) return "<td>không tính được hạn</td>";
  if (d.state == ClockState::waiting_applicant) return "<td>chờ công dân bổ sung</td>";
  return "<td class=\"" + std::string(deadline::to_string(d.state)) + "\">" +
         html_escape(render::lateness_vn(d.minutes_left, hours_per_day)) + "</td>";
}

std::string handler_text(const std::string& id, const std::string& name) {
  if (id.empty()) return "<span class=\"overdue\">chưa phân công</span>";
  if (name.empty()) {
    return html_escape(id) +
           " <span class=\"overdue\">(không có trong danh sách người nhận)</span>";
  }
  return html_escape(name);
}

std::string dossier_link(const std::string& code) {
  return "<a href=\"/dossiers/" + html_escape(url_encode(code)) + "\">" + html_escape(code) +
         "</a>";
}

const std::vector<std::string>& open_states() {
  static const std::vector<std::string> k = {"overdue", "due_today", "due_soon", "not_due",
                                             "waiting_applicant"};
  return k;
}

/// The Vietnamese name of an open clock state given by its name ("overdue" → "quá hạn").
std::string state_name_vn(std::string_view name) {
  using S = ClockState;
  for (S s : {S::overdue, S::due_today, S::due_soon, S::not_due, S::waiting_applicant}) {
    if (deadline::to_string(s) == name) return render::state_vn(s);
  }
  return std::string(name);
}

}  // namespace

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string message_page(const std::string& title, const std::string& message) {
  return head(title, false) + "<h1>" + html_escape(title) + "</h1><p>" + html_escape(message) +
         "</p><p><a href=\"/\">Về trang chính</a></p>" + tail();
}

std::string history_chart(const std::vector<alerting::DepartmentDay>& history, Date today) {
  constexpr int kDays = 30;
  const Date first = today - std::chrono::days{kDays - 1};
  std::map<std::string, std::map<int, std::pair<std::int64_t, std::int64_t>>> by_dep;
  for (const alerting::DepartmentDay& d : history) {
    if (d.day < first || d.day > today) continue;
    by_dep[d.department][static_cast<int>((d.day - first).count())] = {d.open, d.overdue};
  }
  if (by_dep.empty()) {
    return "<p class=\"muted\">Chưa có số liệu theo ngày (dịch vụ ghi lại mỗi ngày một lần).</p>";
  }
  constexpr int kW = 300, kH = 110, kLeft = 34, kTop = 22, kPlotW = 256, kPlotH = 64;
  std::string out = "<div class=\"charts\">";
  // Plain references, not a structured binding: clang 14 (the fuzz build) does not let lambdas
  // capture structured bindings.
  for (const auto& entry : by_dep) {
    const std::string& dep = entry.first;
    const auto& days = entry.second;
    std::int64_t max = 1;
    for (const auto& [i, v] : days) max = std::max({max, v.first, v.second});
    auto x = [&](int i) { return kLeft + i * kPlotW / (kDays - 1); };
    auto y = [&](std::int64_t v) { return kTop + kPlotH - static_cast<int>(v * kPlotH / max); };
    // One polyline per run of consecutive recorded days: a missing day is a gap.
    auto lines = [&](bool overdue, const char* colour) {
      std::string s, pts;
      int prev = -2;
      auto flush = [&] {
        if (!pts.empty()) {
          s += "<polyline fill=\"none\" stroke=\"" + std::string(colour) +
               "\" stroke-width=\"2\" points=\"" + pts + "\"/>";
        }
        pts.clear();
      };
      for (const auto& [i, v] : days) {
        if (i != prev + 1) flush();
        const std::int64_t n = overdue ? v.second : v.first;
        pts += (pts.empty() ? "" : " ") + std::to_string(x(i)) + "," + std::to_string(y(n));
        if (days.size() == 1) {
          s += "<circle cx=\"" + std::to_string(x(i)) + "\" cy=\"" + std::to_string(y(n)) +
               "\" r=\"3\" fill=\"" + colour + "\"/>";
        }
        prev = i;
      }
      flush();
      return s;
    };
    const auto& last = days.rbegin()->second;
    const std::string label = dep.empty() ? "(chưa ghi đơn vị)" : dep;
    out += "<svg role=\"img\" width=\"" + std::to_string(kW) + "\" height=\"" + std::to_string(kH) +
           "\" viewBox=\"0 0 " + std::to_string(kW) + " " + std::to_string(kH) +
           "\" xmlns=\"http://www.w3.org/2000/svg\"><title>" + html_escape(label) +
           ": đang giải quyết " + std::to_string(last.first) + ", quá hạn " +
           std::to_string(last.second) + "</title>";
    out += "<text x=\"0\" y=\"13\" font-size=\"12\" font-weight=\"bold\">" + html_escape(label) +
           "</text>";
    out += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + std::to_string(kTop + kPlotH) +
           "\" x2=\"" + std::to_string(kLeft + kPlotW) + "\" y2=\"" +
           std::to_string(kTop + kPlotH) + "\" stroke=\"#999\"/>";
    out += "<text x=\"" + std::to_string(kLeft - 4) + "\" y=\"" + std::to_string(kTop + 8) +
           "\" font-size=\"10\" text-anchor=\"end\">" + std::to_string(max) + "</text>";
    out += "<text x=\"" + std::to_string(kLeft - 4) + "\" y=\"" + std::to_string(kTop + kPlotH) +
           "\" font-size=\"10\" text-anchor=\"end\">0</text>";
    out += lines(false, "#2a6fdb") + lines(true, "#c00");
    const std::string from = calendar::format_date_vn(first).substr(0, 5);
    const std::string to = calendar::format_date_vn(today).substr(0, 5);
    out += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(kH - 6) +
           "\" font-size=\"10\">" + from + "</text><text x=\"" + std::to_string(kLeft + kPlotW) +
           "\" y=\"" + std::to_string(kH - 6) + "\" font-size=\"10\" text-anchor=\"end\">" + to +
           "</text></svg>";
  }
  out +=
      "</div><p class=\"muted\"><span style=\"color:#2a6fdb\">━</span> đang giải quyết "
      "<span style=\"color:#c00\">━</span> quá hạn (30 ngày gần nhất)</p>";
  return out;
}

std::string dashboard_page(const OfficeSnapshot& snapshot,
                           const std::vector<alerting::DepartmentDay>& history, Date today,
                           const DashboardFilter& filter, const calendar::WorkCalendar& cal,
                           const Viewer& viewer) {
  const calendar::UtcOffset off = cal.offset();
  const int hpd = cal.spec().hours_per_day;
  std::string b = head("Tình hình hồ sơ", true) + nav(viewer);
  b += "<h1>Tình hình giải quyết hồ sơ</h1><p class=\"muted\">Số liệu lúc " +
       html_escape(vn_datetime(snapshot.taken_at, off)) + "; trang tự làm mới mỗi phút.</p>";

  // Filters (a plain GET form: works without JavaScript).
  std::set<std::string> departments;
  for (const OfficeDossier& d : snapshot.dossiers) departments.insert(d.department);
  b += "<form class=\"filter\" method=\"get\" action=\"/\"><label>Đơn vị <select "
       "name=\"department\"><option value=\"\">Tất cả</option>";
  for (const std::string& dep : departments) {
    if (dep.empty()) continue;
    b += "<option value=\"" + html_escape(dep) + "\"" +
         (dep == filter.department ? " selected" : "") + ">" + html_escape(dep) + "</option>";
  }
  b += "</select></label><label>Tình trạng <select name=\"state\"><option value=\"\">Cần chú ý "
       "(quá hạn, đến hạn, sắp đến hạn)</option>";
  for (const std::string& s : open_states()) {
    b += "<option value=\"" + s + "\"" + (s == filter.state ? " selected" : "") + ">" +
         html_escape(state_name_vn(s)) + "</option>";
  }
  b += "</select></label><button type=\"submit\">Lọc</button></form>";

  // Counts per state (of the filtered department).
  std::map<std::string, std::int64_t> counts;
  std::int64_t total = 0;
  for (const OfficeDossier& d : snapshot.dossiers) {
    if (!filter.department.empty() && d.department != filter.department) continue;
    ++counts[std::string(deadline::to_string(d.state))];
    ++total;
  }
  b += "<table><tr>";
  for (const std::string& s : open_states()) {
    b += "<th>" + html_escape(state_name_vn(s)) + "</th>";
  }
  b += "<th>Tổng số</th></tr><tr>";
  for (const std::string& s : open_states()) {
    b += "<td class=\"num" + std::string(s == "overdue" ? " overdue" : "") + "\">" +
         std::to_string(counts[s]) + "</td>";
  }
  b += "<td class=\"num\">" + std::to_string(total) + "</td></tr></table>";

  if (snapshot.unroutable > 0) {
    b += "<div class=\"warn\"><strong>" + std::to_string(snapshot.unroutable) +
         " hồ sơ có cảnh báo không tìm được người nhận.</strong> Kiểm tra danh sách người nhận "
         "([[recipient]]) hoặc dùng <code>dunghan alerts routes</code>.<ul>";
    std::size_t shown = 0;
    for (const std::string& p : snapshot.problems) {
      if (++shown > 10) break;
      b += "<li>" + html_escape(p) + "</li>";
    }
    b += "</ul></div>";
  }

  b += "<h2>Diễn biến 30 ngày</h2>" + history_chart(history, today);

  // Per department: the dossiers that need attention, most urgent first.
  auto wanted = [&](const OfficeDossier& d) {
    if (!filter.department.empty() && d.department != filter.department) return false;
    const std::string_view s = deadline::to_string(d.state);
    if (!filter.state.empty()) return s == filter.state;
    return s == "overdue" || s == "due_today" || s == "due_soon";
  };
  std::map<std::string, std::vector<const OfficeDossier*>> by_dep;
  for (const OfficeDossier& d : snapshot.dossiers) {
    if (wanted(d)) by_dep[d.department].push_back(&d);
  }
  if (by_dep.empty()) {
    b += "<p>Không có hồ sơ nào " +
         std::string(filter.state.empty() ? "cần chú ý"
                                          : "ở tình trạng " + state_name_vn(filter.state)) +
         ".</p>";
  }
  for (const auto& [dep, rows] : by_dep) {
    std::int64_t overdue = 0;
    for (const OfficeDossier* d : rows) overdue += d->state == ClockState::overdue ? 1 : 0;
    b += "<h2>" + html_escape(dep.empty() ? "(chưa ghi đơn vị)" : dep) + " – " +
         std::to_string(rows.size()) + " hồ sơ" +
         (overdue > 0 ? ", <span class=\"overdue\">" + std::to_string(overdue) + " quá hạn</span>"
                      : "") +
         "</h2>";
    b += "<table><tr><th>Mã hồ sơ</th><th>Thủ tục</th><th>Người nộp</th><th>Cán bộ xử lý</th>"
         "<th>Hạn trả kết quả</th><th>Tình trạng</th></tr>";
    std::size_t n = 0;
    for (const OfficeDossier* d : rows) {
      if (++n > kRowsPerDepartment) break;
      b += "<tr><td>" + dossier_link(d->code) +
           (d->routing_problems.empty()
                ? ""
                : " <span class=\"overdue\" title=\"" + html_escape(d->routing_problems.front()) +
                      "\">(!)</span>") +
           "</td><td>" +
           html_escape(d->procedure_name.empty() ? d->procedure_code : d->procedure_name) +
           "</td><td>" + html_escape(d->applicant) + "</td><td>" +
           handler_text(d->handler, d->handler_name) + "</td><td>" +
           (d->valid ? html_escape(render::date_with_weekday_vn(d->due_date)) : "") + "</td>" +
           state_cell(*d, hpd) + "</tr>";
    }
    b += "</table>";
    if (rows.size() > kRowsPerDepartment) {
      b +=
          "<p class=\"muted\">… và " + std::to_string(rows.size() - kRowsPerDepartment) +
          " hồ sơ khác (xem <a href=\"/api/v1/dossiers?department=" + html_escape(url_encode(dep)) +
          "\">danh sách đầy đủ</a>).</p>";
    }
  }
  return b + tail();
}

std::string dossier_page(const DossierDetail& detail, const calendar::WorkCalendar& cal,
                         const Viewer& viewer) {
  const deadline::Dossier& d = detail.stored->dossier;
  const deadline::DossierClock& c = *detail.clock;
  const calendar::UtcOffset off = cal.offset();
  const int hpd = cal.spec().hours_per_day;
  const alerting::Directory& dir = *detail.directory;
  auto person = [&](const std::string& id) {
    const alerting::Recipient* r = dir.find(id);
    return r == nullptr || r->name.empty() ? id : r->name + " (" + id + ")";
  };
  std::string b = head("Hồ sơ " + d.code, false) + nav(viewer);
  b += "<h1>Hồ sơ " + html_escape(d.code) + "</h1><table>";
  auto row = [&b](const std::string& k, const std::string& v_html) {
    b += "<tr><th>" + k + "</th><td>" + v_html + "</td></tr>";
  };
  row("Thủ tục", html_escape(d.procedure_name) +
                     (d.procedure_code.empty() ? "" : " (" + html_escape(d.procedure_code) + ")"));
  row("Lĩnh vực", html_escape(d.field));
  row("Đơn vị xử lý", html_escape(d.department));
  const alerting::Recipient* h = dir.find(d.handler);
  row("Cán bộ xử lý", handler_text(d.handler, h == nullptr ? "" : h->name));
  row("Người nộp", html_escape(d.applicant));
  row("Kênh tiếp nhận", html_escape(deadline::to_string(d.channel)));
  row("Tiếp nhận lúc",
      html_escape(render::date_with_weekday_vn(calendar::local_date(d.received_at, off)) + " " +
                  vn_datetime(d.received_at, off).substr(11)));
  row("Tình trạng", "<span class=\"" + std::string(deadline::to_string(c.state)) + "\">" +
                        html_escape(render::state_vn(c.state)) + "</span>");
  if (c.valid) {
    row("Bắt đầu tính hạn", html_escape(vn_datetime(c.counting_from, off)));
    row("Hạn trả kết quả", "<strong>" + html_escape(render::date_with_weekday_vn(c.due_date)) +
                               " lúc " + html_escape(vn_datetime(c.current_due, off).substr(11)) +
                               "</strong>" + (c.extended ? " (đã gia hạn)" : ""));
    if (c.extended) {
      row("Hạn ban đầu", html_escape(render::date_with_weekday_vn(c.original_due_date) + " lúc " +
                                     vn_datetime(c.original_due, off).substr(11)));
    }
    if (c.issued_due && c.computed_due &&
        calendar::local_date(*c.issued_due, off) != calendar::local_date(*c.computed_due, off)) {
      row("Hạn theo lịch làm việc", html_escape(vn_datetime(*c.computed_due, off)) +
                                        " <span class=\"muted\">(khác ngày hẹn đã in)</span>");
    }
    if (deadline::is_open(c.state)) {
      row(c.left.count < 0 ? "Đã quá hạn" : "Thời gian còn lại",
          html_escape(render::working_time_vn(c.left.count, hpd)));
    }
  } else {
    row("Hạn trả kết quả", "không tính được: " + html_escape(c.invalid_reason));
  }
  b += "</table>";

  b += "<h2>Diễn biến</h2>";
  if (detail.stored->events.empty()) {
    b += "<p class=\"muted\">Không có sự kiện (bổ sung, tạm dừng, gia hạn).</p>";
  } else {
    b += "<table><tr><th>Thời điểm</th><th>Sự kiện</th><th>Hẹn mới</th><th>Ghi chú</th></tr>";
    for (const deadline::Event& e : detail.stored->events) {
      static const std::map<std::string, std::string> kKinds = {
          {"supplement_requested", "Yêu cầu bổ sung"},
          {"supplement_received", "Nhận đủ hồ sơ bổ sung"},
          {"paused", "Tạm dừng"},
          {"resumed", "Tiếp tục"},
          {"extended", "Gia hạn (hẹn lại)"}};
      const std::string kind(deadline::to_string(e.kind));
      const auto k = kKinds.find(kind);
      b += "<tr><td>" + html_escape(vn_datetime(e.at, off)) + "</td><td>" +
           html_escape(k == kKinds.end() ? kind : k->second) + "</td><td>" +
           (e.new_due_at ? html_escape(vn_datetime(*e.new_due_at, off)) : "") + "</td><td>" +
           html_escape(e.note) + "</td></tr>";
    }
    b += "</table>";
  }
  if (!c.anomalies.empty()) {
    b += "<h2>Bất thường</h2><ul>";
    for (const deadline::Anomaly& a : c.anomalies) b += "<li>" + html_escape(a.message) + "</li>";
    b += "</ul>";
  }

  b += "<h2>Người nhận cảnh báo</h2>";
  if (detail.routes.empty()) {
    b += "<p class=\"muted\">Không có quy tắc cảnh báo nào áp dụng cho hồ sơ này.</p>";
  } else {
    b += "<table><tr><th>Quy tắc</th><th>Giai đoạn</th><th>Người nhận</th></tr>";
    for (const alerting::RouteCheck& rc : detail.routes) {
      std::string who;
      for (const alerting::Recipient* r : rc.recipients) {
        who += (who.empty() ? "" : ", ") + html_escape(r->name.empty() ? r->id : r->name);
      }
      for (const std::string& p : rc.problems) {
        who += "<br><span class=\"overdue\">! " + html_escape(p) + "</span>";
      }
      b += "<tr><td>" + html_escape(rc.rule->name) + "</td><td>" +
           html_escape(render::stage_label_vn(rc.rule->when, false)) + "</td><td>" +
           (who.empty() ? "<span class=\"overdue\">không ai</span>" : who) + "</td></tr>";
    }
    b += "</table>";
  }

  b += "<h2>Tạm dừng nhắc</h2>";
  const calendar::Instant now = c.at;
  if (detail.silences.empty()) {
    b += "<p class=\"muted\">Chưa có lần tạm dừng nhắc nào cho hồ sơ này.</p>";
  } else {
    b += "<table id=\"silences\"><tr><th>Số</th><th>Quy tắc</th><th>Đến</th><th>Trạng thái</th>"
         "<th>Người đặt</th><th>Lý do</th><th></th></tr>";
    for (const alerting::Silence& s : detail.silences) {
      std::string end_form;
      if (viewer.admin && s.active(now)) {
        end_form = "<form method=\"post\" action=\"/dossiers/" + html_escape(url_encode(d.code)) +
                   "/silences/" + std::to_string(s.id) +
                   "/expire\"><button type=\"submit\">Kết thúc</button></form>";
      }
      b += "<tr><td>#" + std::to_string(s.id) + "</td><td>" +
           html_escape(s.rule.empty() ? std::string("mọi quy tắc") : s.rule) + "</td><td>" +
           html_escape(vn_datetime(s.end(), off)) + "</td><td>" +
           html_escape(alerting::state_vn(s, now)) + "</td><td>" + html_escape(s.by) + " (" +
           html_escape(vn_datetime(s.created_at, off)) + ")</td><td>" + html_escape(s.reason) +
           "</td><td>" + end_form + "</td></tr>";
    }
    b += "</table>";
  }
  if (!detail.silence_error.empty()) {
    b += "<p class=\"overdue\" id=\"silence-error\">Không tạm dừng được: " +
         html_escape(detail.silence_error) + "</p>";
  }
  if (viewer.admin && deadline::is_open(c.state)) {
    b += "<form method=\"post\" id=\"silence-form\" action=\"/dossiers/" +
         html_escape(url_encode(d.code)) +
         "/silences\"><p>Tạm dừng nhắc hồ sơ này: quy tắc <select name=\"rule\">"
         "<option value=\"\">mọi quy tắc</option>";
    for (const alerting::RouteCheck& rc : detail.routes) {
      b += "<option value=\"" + html_escape(rc.rule->name) + "\">" + html_escape(rc.rule->name) +
           "</option>";
    }
    b += "</select> đến hết ngày <input name=\"until\" type=\"date\" required> lý do <input "
         "name=\"reason\" required size=\"40\"> <button type=\"submit\">Tạm dừng nhắc</button>"
         "</p></form>";
  } else if (!viewer.admin && deadline::is_open(c.state)) {
    b += "<p class=\"muted\">Tạm dừng nhắc cần đăng nhập bằng tài khoản quản trị (admin).</p>";
  }

  b += "<h2>Lịch sử cảnh báo</h2>";
  if (detail.alerts.empty()) {
    b += "<p class=\"muted\">Chưa có cảnh báo nào cho hồ sơ này.</p>";
  } else {
    b += "<table><tr><th>Ghi nhận lúc</th><th>Đến hạn gửi</th><th>Giai đoạn</th><th>Quy tắc</th>"
         "<th>Người nhận</th><th>Kênh</th><th>Trạng thái</th><th>Chi tiết</th></tr>";
    for (const alerting::AlertRow& a : detail.alerts) {
      const std::string state(alerting::to_string(a.state));
      b += "<tr><td>" + html_escape(vn_datetime(a.created_at, off)) + "</td><td>" +
           html_escape(vn_datetime(a.fire_at, off)) +
           (a.id.repeat > 0
                ? " <span class=\"muted\">(lần " + std::to_string(a.id.repeat + 1) + ")</span>"
                : "") +
           "</td><td>" + html_escape(render::stage_label_vn(a.stage, false)) + "</td><td>" +
           html_escape(a.id.rule) + "</td><td>" + html_escape(person(a.id.recipient)) +
           "</td><td>" + html_escape(a.id.channel) + "</td><td class=\"" +
           (state == "dead" || state == "unreachable" ? "overdue" : "") + "\">" +
           html_escape(render::alert_state_vn(state)) +
           (a.sent_at ? " " + html_escape(vn_datetime(*a.sent_at, off)) : "") + "</td><td>" +
           html_escape(render::alert_detail_vn(a.detail)) + "</td></tr>";
    }
    b += "</table>";
  }
  b += "<p class=\"muted\">Dữ liệu dạng JSON: <a href=\"/api/v1/dossiers/" +
       html_escape(url_encode(d.code)) + "\">/api/v1/dossiers/" + html_escape(d.code) + "</a></p>";
  return b + tail();
}

std::string outbox_page(const std::vector<alerting::AlertRow>& rows,
                        const std::optional<std::string>& state, const calendar::WorkCalendar& cal,
                        const alerting::Directory& directory, const Viewer& viewer) {
  const calendar::UtcOffset off = cal.offset();
  std::string b = head("Cảnh báo", false) + nav(viewer);
  b += "<h1>Cảnh báo (sổ gửi tin)</h1><p>Lọc theo trạng thái: <a href=\"/outbox\">tất cả</a>";
  for (const char* s :
       {"dead", "unreachable", "retry", "pending", "silenced", "sent", "skipped", "cancelled"}) {
    b += " · <a href=\"/outbox?state=" + std::string(s) + "\"" +
         (state && *state == s ? " class=\"overdue\"" : "") + ">" +
         html_escape(render::alert_state_vn(s)) + "</a>";
  }
  b += "</p>";
  if (!state) b += "<p class=\"muted\">Cảnh báo thất bại được liệt kê trước.</p>";
  if (rows.empty()) {
    b += "<p>Không có cảnh báo nào.</p>";
    return b + tail();
  }
  b += "<table><tr><th>Cập nhật</th><th>Trạng thái</th><th>Hồ sơ</th><th>Giai đoạn</th>"
       "<th>Quy tắc</th><th>Người nhận</th><th>Kênh</th><th>Số lần gửi</th><th>Chi tiết</th>"
       "</tr>";
  for (const alerting::AlertRow& a : rows) {
    const std::string st(alerting::to_string(a.state));
    const alerting::Recipient* r = directory.find(a.id.recipient);
    b += "<tr><td>" + html_escape(vn_datetime(a.updated_at, off)) + "</td><td class=\"" +
         (st == "dead" || st == "unreachable" ? "overdue" : "") + "\">" +
         html_escape(render::alert_state_vn(st)) + "</td><td>" + dossier_link(a.id.code) +
         "</td><td>" + html_escape(render::stage_label_vn(a.stage, false)) + "</td><td>" +
         html_escape(a.id.rule) + "</td><td>" +
         html_escape(r == nullptr || r->name.empty() ? a.id.recipient : r->name) + "</td><td>" +
         html_escape(a.id.channel) + "</td><td class=\"num\">" + std::to_string(a.attempts) +
         "</td><td>" + html_escape(render::alert_detail_vn(a.detail)) + "</td></tr>";
  }
  return b + "</table>" + tail();
}

}  // namespace dunghan::service
