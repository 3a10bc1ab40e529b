#include "service/office.h"

#include <cctype>

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include "log/logging.h"

#include "alerting/silence_ops.h"
#include "service/api.h"
#include "service/pages.h"
#include "service/runtime.h"

namespace dunghan::service {

struct Office::Context {
  config::Config config;
  std::shared_ptr<const calendar::WorkCalendar> cal;
  alerting::Directory directory;
  bool login_required = false;  // listen off loopback
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<store::DossierReader> store;  // the event loop's own connection
  std::unique_ptr<alerting::Ledger> ledger;
  std::unique_ptr<alerting::OfficeHistory> history;
  std::unique_ptr<alerting::SilenceStore> silences;  // in the state database
};

namespace {

/// False for a browser's request from another site. Browsers that send Sec-Fetch-Site (all
/// current ones) are trusted by it: only "same-origin" and "none" (typed by the user) pass.
/// Otherwise an Origin header must name this server: "null" (a sandboxed page) or a
/// scheme://host[:port] whose host[:port] differs from the Host header fails. A request with
/// neither header (curl, scripts) passes.
bool same_origin(const HttpRequest& req) {
  if (!req.fetch_site.empty()) return req.fetch_site == "same-origin" || req.fetch_site == "none";
  if (req.origin.empty()) return true;
  const auto sep = req.origin.find("://");
  if (sep == std::string::npos) return false;
  std::string_view authority = std::string_view(req.origin).substr(sep + 3);
  if (const auto slash = authority.find('/'); slash != std::string_view::npos) {
    authority = authority.substr(0, slash);
  }
  const auto lower = [](std::string_view v) {
    std::string out(v);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  return !req.host.empty() && lower(authority) == lower(req.host);
}

constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kJson = "application/json";
constexpr std::size_t kOutboxRows = 500;
constexpr std::size_t kHistoryRows = 500;

HttpResponse with_security_headers(HttpResponse r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                         "form-action 'self'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // Other sites get no referrer (URLs name dossiers); the pages' own forms keep their Origin.
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  return r;
}

HttpResponse html(int status, std::string body) {
  return with_security_headers(HttpResponse{status, kHtml, std::move(body)});
}

HttpResponse json_response(int status, std::string body) {
  return with_security_headers(HttpResponse{status, kJson, std::move(body)});
}

HttpResponse challenge(bool api) {
  HttpResponse r =
      api ? json_response(401, api_error("login required (HTTP Basic)"))
          : html(401, message_page("Cần đăng nhập",
                                   "Trang này cần đăng nhập bằng tài khoản do quản trị viên cấp "
                                   "(dunghan user add)."));
  r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"dunghan\", charset=\"UTF-8\"");
  return r;
}

bool is_state(const std::string& s) {
  for (const char* k : {"overdue", "due_today", "due_soon", "not_due", "waiting_applicant"}) {
    if (s == k) return true;
  }
  return false;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() + 0 && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    std::string name = percent_decode(part.substr(0, eq), true);
    std::string value =
        eq == std::string_view::npos ? std::string() : percent_decode(part.substr(eq + 1), true);
    out.emplace(std::move(name), std::move(value));
  }
  return out;
}

Office::Office(const calendar::Clock& clock) : clock_(clock) {}
Office::~Office() = default;

void Office::configure(const config::Config& config,
                       std::shared_ptr<const calendar::WorkCalendar> cal) {
  auto c = std::make_shared<Context>();
  c->config = config;
  c->cal = std::move(cal);
  c->directory = alerting::Directory(config.recipients);
  c->login_required = !config::listen_is_loopback(config.service.listen);
  c->auth = std::make_unique<Authenticator>(config.service.users_file);
  c->store = store::open_reader(store_settings(config));
  c->ledger = open_state_ledger(config);
  c->history = open_office_history(config);
  c->silences = open_state_silences(config, true);
  std::lock_guard lock(mutex_);
  context_ = std::move(c);
}

std::shared_ptr<Office::Context> Office::context() const {
  std::lock_guard lock(mutex_);
  return context_;
}

std::shared_ptr<const OfficeSnapshot> Office::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

std::shared_ptr<const OfficeSnapshot> Office::refresh(store::DossierReader& store,
                                                      const config::Config& config,
                                                      const calendar::WorkCalendar& cal) {
  const calendar::Instant now = clock_.now();
  auto snap = std::make_shared<OfficeSnapshot>(take_snapshot(store, config, cal, now));
  const calendar::Date today = calendar::local_date(now, cal.offset());
  if (auto c = context()) c->history->record(today, department_counts(*snap, today));
  // Each routing problem once a day in the log, not every cycle (the pages and /healthz show
  // them all the time).
  for (const std::string& p : snap->problems) {
    auto [it, fresh] = problem_logged_.try_emplace(p, today);
    if (fresh || it->second != today) {
      it->second = today;
      spdlog::warn("event=routing_problem detail={}", log::kv_value(p));
    }
  }
  std::erase_if(problem_logged_,
                [&](const auto& e) { return e.second < today - std::chrono::days{1}; });
  {
    std::lock_guard lock(mutex_);
    snapshot_ = snap;
  }
  return snap;
}

HttpResponse Office::handle_write(Context& ctx, const HttpRequest& req, const Viewer& viewer,
                                  calendar::Instant now) {
  const bool api = req.path.starts_with("/api/");
  const calendar::WorkCalendar& cal = *ctx.cal;
  if (!same_origin(req)) {
    // A form of another site posting with the admin's remembered Basic login (CSRF): browsers
    // send Origin with every cross-site POST; scripts and curl send none.
    return api ? json_response(403, api_error("cross-site request refused (Origin is not this "
                                              "server)"))
               : html(403, message_page("Yêu cầu bị từ chối",
                                        "Yêu cầu gửi từ trang web khác bị từ chối."));
  }
  if (!viewer.user) return challenge(api);
  if (!viewer.admin) {
    return api ? json_response(403, api_error("silences need a user with the admin role"))
               : html(403, message_page("Không có quyền",
                                        "Tạm dừng nhắc cần tài khoản quản trị (admin)."));
  }
  // Adds a silence from either door (the API, the dossier page's form) and logs it.
  auto add_logged = [&](const alerting::SilenceRequest& r) {
    const alerting::Silence s =
        alerting::add_silence(*ctx.silences, *ctx.store, ctx.config.rules, r, now, cal.offset());
    spdlog::info("event=silence_added id={} code={} rule={} by={} until={}", s.id,
                 log::kv_value(s.code), log::kv_value(s.rule), log::kv_value(s.by),
                 calendar::format_iso(s.until, cal.offset()));
    return s;
  };
  // POST /api/v1/silences {"code", "rule", "until", "reason"}
  if (req.path == "/api/v1/silences") {
    alerting::SilenceRequest r;
    try {
      const nlohmann::json j = nlohmann::json::parse(req.body);
      r.code = j.value("code", "");
      r.rule = j.value("rule", "");
      r.until_text = j.value("until", "");
      r.reason = j.value("reason", "");
    } catch (const nlohmann::json::exception&) {
      return json_response(400, api_error("the body must be a JSON object with code, until, "
                                          "reason and optionally rule (strings)"));
    }
    r.by = *viewer.user;
    try {
      const alerting::Silence s = add_logged(r);
      return json_response(201, api_silence(s, now, cal));
    } catch (const std::invalid_argument& e) {
      return json_response(400, api_error(e.what()));
    }
  }
  // POST /api/v1/silences/ID/expire, /dossiers/CODE/silences/ID/expire
  const std::string_view path = req.path;
  if (path.ends_with("/expire") &&
      (path.starts_with("/api/v1/silences/") || path.starts_with("/dossiers/"))) {
    const std::string_view head = path.substr(0, path.size() - 7);
    const auto slash = head.rfind('/');
    std::int64_t id = 0;
    try {
      id = std::stoll(std::string(head.substr(slash + 1)));
    } catch (const std::exception&) {
      return api ? json_response(404, api_error("not found"))
                 : html(404, message_page("Không tìm thấy", "Không có trang này."));
    }
    const std::optional<alerting::Silence> s =
        alerting::expire_silence(*ctx.silences, *ctx.ledger, id, now, *viewer.user);
    if (!s) {
      return api ? json_response(404, api_error("no silence #" + std::to_string(id) + " holds now"))
                 : html(404,
                        message_page("Không tìm thấy",
                                     "Không có lần tạm dừng nhắc nào đang hiệu lực với số này."));
    }
    spdlog::info("event=silence_expired id={} code={} by={}", s->id, log::kv_value(s->code),
                 log::kv_value(*viewer.user));
    if (api) return json_response(200, api_silence(*s, now, cal));
    HttpResponse r = html(303, message_page("Đã kết thúc tạm dừng nhắc", "Đã kết thúc."));
    r.headers.emplace_back("Location", "/dossiers/" + url_encode(s->code));
    return r;
  }
  // POST /dossiers/CODE/silences (the page's form, application/x-www-form-urlencoded)
  if (path.starts_with("/dossiers/") && path.ends_with("/silences")) {
    const std::string code =
        percent_decode(path.substr(std::string_view("/dossiers/").size(),
                                   path.size() - std::string_view("/dossiers/").size() -
                                       std::string_view("/silences").size()),
                       false);
    const auto form = parse_query(req.body);
    auto field = [&form](const char* name) {
      auto it = form.find(name);
      return it == form.end() ? std::string() : it->second;
    };
    const alerting::SilenceRequest r{code, field("rule"), field("until"), field("reason"),
                                     *viewer.user};
    try {
      const alerting::Silence s = add_logged(r);
      HttpResponse ok = html(303, message_page("Đã tạm dừng nhắc", "Đã tạm dừng nhắc."));
      ok.headers.emplace_back("Location", "/dossiers/" + url_encode(code));
      return ok;
    } catch (const std::invalid_argument& e) {
      return html(400, message_page("Không tạm dừng được", e.what()));
    }
  }
  return api ? json_response(405, api_error("method not allowed"))
             : html(405, message_page("Không hỗ trợ", "Phương thức không được hỗ trợ."));
}

HttpResponse Office::handle(const HttpRequest& req) {
  const std::shared_ptr<Context> ctx = context();
  if (!ctx) return html(503, message_page("Chưa sẵn sàng", "Dịch vụ đang khởi động."));
  const bool api = req.path.starts_with("/api/");
  const calendar::Instant now = clock_.now();
  const Authenticator::Result who = ctx->auth->check(req.authorization, now);
  using Kind = Authenticator::Result::Kind;
  if (who.kind == Kind::throttled) {
    return api ? json_response(429, api_error("too many failed logins; wait a minute"))
               : html(429, message_page("Tạm khoá đăng nhập",
                                        "Quá nhiều lần đăng nhập sai; thử lại sau một phút."));
  }
  if (who.kind == Kind::bad) return challenge(api);
  if (ctx->login_required && who.kind != Kind::ok) return challenge(api);
  Viewer viewer;
  if (who.kind == Kind::ok) {
    viewer.user = who.user;
    viewer.admin = who.role == Role::admin;
  }
  viewer.logins = ctx->auth->configured();
  const calendar::WorkCalendar& cal = *ctx->cal;

  if (req.path == "/login") {
    if (!viewer.logins) {
      return html(404, message_page("Không có đăng nhập",
                                    "Chưa cấu hình người dùng ([service] users_file)."));
    }
    if (!viewer.user) return challenge(false);
    HttpResponse r = html(303, message_page("Đã đăng nhập", "Đã đăng nhập."));
    r.headers.emplace_back("Location", "/");
    return r;
  }
  if (req.method == "POST") return handle_write(*ctx, req, viewer, now);
  if (req.method != "GET") {
    return api ? json_response(405, api_error("method not allowed"))
               : html(405, message_page("Không hỗ trợ", "Phương thức không được hỗ trợ."));
  }
  const auto q = parse_query(req.query);
  auto param = [&q](const char* name) {
    auto it = q.find(name);
    return it == q.end() ? std::string() : it->second;
  };
  const std::string state = param("state");

  auto dossier_detail = [&](const std::string& code, store::StoredDossier& stored,
                            deadline::DossierClock& clock) -> std::optional<DossierDetail> {
    auto sd = ctx->store->get(code);
    if (!sd) return std::nullopt;
    stored = std::move(*sd);
    clock = deadline::compute_clock(stored.dossier, stored.events, cal, ctx->config.deadline,
                                    &ctx->config.procedures, now);
    DossierDetail d;
    d.stored = &stored;
    d.clock = &clock;
    d.directory = &ctx->directory;
    d.routes =
        alerting::check_routes(stored.dossier, clock.extended, ctx->config.rules, ctx->directory);
    d.alerts = ctx->ledger->for_dossier(code, kHistoryRows);
    d.silences = ctx->silences->for_dossier(code);
    return d;
  };
  auto outbox_rows = [&]() {
    if (!state.empty()) {
      const auto s = alerting::parse_alert_state(state);
      if (!s) return std::vector<alerting::AlertRow>{};
      return ctx->ledger->list(*s, kOutboxRows);
    }
    std::vector<alerting::AlertRow> rows = ctx->ledger->list(alerting::AlertState::dead, 200);
    for (alerting::AlertRow& r : ctx->ledger->list(std::nullopt, kOutboxRows)) {
      if (r.state != alerting::AlertState::dead) rows.push_back(std::move(r));
    }
    return rows;
  };

  if (req.path == "/" || req.path == "/index.html") {
    const auto snap = snapshot();
    if (!snap) {
      HttpResponse r = html(503, message_page("Đang tải số liệu",
                                              "Số liệu hồ sơ sẽ có sau chu kỳ đầu tiên; trang "
                                              "tự làm mới sau 5 giây."));
      r.headers.emplace_back("Refresh", "5");
      return r;
    }
    const calendar::Date today = calendar::local_date(snap->taken_at, cal.offset());
    const auto history = ctx->history->between(today - std::chrono::days{29}, today);
    DashboardFilter f{param("department"), is_state(state) ? state : std::string()};
    return html(200, dashboard_page(*snap, history, today, f, cal, viewer));
  }
  if (req.path.starts_with("/dossiers/") || req.path.starts_with("/api/v1/dossiers/")) {
    const std::string code =
        percent_decode(req.path.substr(api ? std::string_view("/api/v1/dossiers/").size()
                                           : std::string_view("/dossiers/").size()),
                       false);
    store::StoredDossier stored;
    deadline::DossierClock clock;
    const auto detail = dossier_detail(code, stored, clock);
    if (!detail) {
      return api ? json_response(404, api_error("no dossier with code " + code))
                 : html(404, message_page("Không tìm thấy hồ sơ",
                                          "Không có hồ sơ mã " + code + " trong kho hồ sơ."));
    }
    return api ? json_response(200, api_dossier(*detail, cal))
               : html(200, dossier_page(*detail, cal, viewer));
  }
  if (req.path == "/outbox") {
    return html(200, outbox_page(outbox_rows(),
                                 state.empty() ? std::nullopt : std::optional<std::string>(state),
                                 cal, ctx->directory, viewer));
  }
  if (req.path == "/api/v1/outbox") return json_response(200, api_outbox(outbox_rows(), cal));
  if (req.path == "/api/v1/silences") {
    std::vector<alerting::Silence> all;
    all = ctx->silences->list(!param("all").empty(), now, 10000);
    return json_response(200, api_silences(all, now, cal));
  }
  if (req.path == "/api/v1/dossiers") {
    const auto snap = snapshot();
    if (!snap) return json_response(503, api_error("no snapshot yet; retry after the first cycle"));
    if (!state.empty() && !is_state(state)) {
      return json_response(400, api_error("state must be one of overdue, due_today, due_soon, "
                                          "not_due, waiting_applicant"));
    }
    return json_response(200, api_dossiers(*snap, state, param("department"), cal));
  }
  return api ? json_response(404, api_error("not found"))
             : html(404, message_page("Không tìm thấy", "Không có trang này."));
}

}  // namespace dunghan::service
