// run --once, alerts preview | explain | test: the alert pipeline from the command line.
#include <iostream>
#include <map>
#include <set>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "alerting/planner.h"
#include "alerting/silences.h"
#include "app/app.h"
#include "channels/options.h"
#include "deadline/clock.h"
#include "log/logging.h"
#include "log/redact.h"
#include "render/vn_format.h"
#include "service/daemon.h"
#include "service/runtime.h"
#include "service/state_lock.h"
#include "store/as_of.h"
#include "text/normalize.h"

namespace dunghan::app {
namespace {

using calendar::Instant;
using nlohmann::json;

struct AlertArgs {
  bool once = false;
  std::optional<std::string> start_clock_at;
  std::optional<int> stall_after;
  std::optional<std::string> at;
  std::string format = "table";
  std::string code;
  std::string channel;
  std::string to;
  std::optional<std::string> department;
  std::optional<std::string> route_code;
};

std::optional<Instant> instant_arg(const std::optional<std::string>& text,
                                   const calendar::UtcOffset offset, const calendar::Clock& clock) {
  if (!text) return clock.now();
  auto t = calendar::parse_instant(*text, offset);
  if (!t) std::cerr << "error: --at: \"" << *text << "\" is not a date-time (YYYY-MM-DDTHH:MM)\n";
  return t;
}

/// `--start-clock-at` (local time at the configured offset, or with an explicit Z / ±HH:MM
/// suffix). Prints the error and returns nullopt when it is not a date-time.
std::optional<Instant> start_clock_arg(const std::string& text, calendar::UtcOffset offset) {
  const std::optional<Instant> t = calendar::parse_instant(text, offset);
  if (!t) {
    std::cerr << "error: --start-clock-at: \"" << text
              << "\" is not a date-time (YYYY-MM-DDTHH:MM)\n";
  }
  return t;
}

int run_once(const GlobalOptions& g, const AlertArgs& a) {
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return kUsageOrConfig;
  setup_logging(g, &*cfg);
  std::unique_ptr<calendar::Clock> clock;
  if (a.start_clock_at) {
    const auto start = start_clock_arg(*a.start_clock_at, cfg->calendar.offset);
    if (!start) return kUsageOrConfig;
    clock = std::make_unique<calendar::OffsetClock>(*start);
    spdlog::warn("event=testing_clock start={} note=\"--start-clock-at is a testing option\"",
                 calendar::format_iso(*start, cfg->calendar.offset));
  } else {
    clock = std::make_unique<calendar::SystemClock>();
  }
  std::optional<service::StateDirLock> lock;
  std::unique_ptr<service::Runtime> rt;
  try {
    // Never beside a running daemon: its in-flight sends would be recovered and sent twice.
    lock.emplace(service::StateDirLock::acquire(cfg->service.state_dir));
    rt = service::build_runtime(std::move(*cfg), *clock);
  } catch (const std::exception& e) {
    std::cerr << "error: " << log::redact(e.what()) << '\n';
    return kUsageOrConfig;
  }
  alerting::CycleReport r;
  try {
    // A shared state's `sending` rows may be other instances' sends in flight: leave them to their
    // leases (run_cycle recovers the expired ones).
    if (!rt->coordination) rt->engine->recover();
    r = rt->engine->run_cycle();
    rt->ledger->checkpoint();
  } catch (const store::StoreError& e) {
    std::cerr << "error: " << log::redact(e.what()) << '\n';
    return kUsageOrConfig;
  } catch (const std::exception& e) {
    // A shared state's errors name the server already; SQLite's get the file and the free space.
    std::cerr << "error: "
              << log::redact(rt->coordination ? std::string(e.what())
                                              : service::state_db_error_text(
                                                    service::state_db_path(rt->config), e.what()))
              << '\n';
    return kUsageOrConfig;
  }
  for (const std::string& p : r.problems)
    spdlog::warn("event=cycle_problem detail={}", log::kv_value(p));
  std::cout << "cycle: dossiers_read=" << r.dossiers_read << " planned=" << r.planned
            << " sent=" << r.sent << " retry=" << r.retried << " dead=" << r.dead
            << " unreachable=" << r.unreachable << " cancelled=" << r.cancelled
            << " skipped=" << r.skipped << " postponed=" << r.postponed
            << " rejected_rows=" << r.rows_rejected << " store_rows_read=" << r.store_rows_read
            << '\n';
  if (r.store_unavailable) {
    std::cerr << "error: the dossier store could not be read: " << log::redact(*r.store_unavailable)
              << "\n  (alerts already planned were sent from the last copies read)\n";
    return kUsageOrConfig;
  }
  return r.rows_rejected > 0 ? kPartial : kOk;
}

/// Opens what preview and explain need without writing anything: calendar and store; the ledger
/// when it exists (read to leave out what was already sent): state.db, or the PostgreSQL state.
struct ReadOnlyView {
  config::Config cfg;
  std::shared_ptr<const calendar::WorkCalendar> cal;
  std::unique_ptr<store::DossierReader> store;
  std::unique_ptr<alerting::Ledger> ledger;
  std::unique_ptr<alerting::SilenceStore> silences;  // with the ledger
};

std::optional<ReadOnlyView> open_view(const GlobalOptions& g) {
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return std::nullopt;
  try {
    ReadOnlyView v;
    v.cal = config::build_calendar(*cfg);
    v.store = store::open_reader(service::store_settings(*cfg));
    v.ledger = service::open_tool_ledger(*cfg);
    v.silences = service::open_state_silences(*cfg, false);
    v.cfg = std::move(*cfg);
    return v;
  } catch (const std::exception& e) {
    std::cerr << "error: " << log::redact(e.what()) << '\n';
  }
  return std::nullopt;
}

int run_preview(const GlobalOptions& g, const AlertArgs& a) {
  auto v = open_view(g);
  if (!v) return kUsageOrConfig;
  calendar::SystemClock clock;
  const Instant now = clock.now();  // before `at`, which defaults to the (later) present
  auto at = instant_arg(a.at, v->cal->offset(), clock);
  if (!at) return kUsageOrConfig;
  const alerting::EngineSettings s = service::engine_settings(v->cfg);
  std::vector<alerting::AlertRow> rows;
  std::map<std::string, std::vector<std::string>> unroutable;  // code → problems
  // The office as of `at` (store/as_of.h): a dossier closed since was open then.
  store::for_each_open_at(
      *v->store, *at, {}, {*v->cal, s.deadline, s.catalogue},
      [&](const deadline::Dossier& d, std::span<const deadline::Event>,
          const deadline::DossierClock& c) {
        for (auto& rc : alerting::check_routes(d, c.extended, s.rules, s.directory)) {
          for (std::string& p : rc.problems) unroutable[d.code].push_back(std::move(p));
        }
        alerting::DossierPlan p = alerting::plan_dossier(d, c, s.rules, s.directory, *v->cal, *at);
        for (alerting::AlertRow& r : p.rows) {
          if (r.state != alerting::AlertState::pending) continue;
          if (v->ledger) {
            auto existing = v->ledger->get(r.key);
            if (existing && existing->state != alerting::AlertState::pending &&
                existing->state != alerting::AlertState::retry) {
              continue;  // already sent, or ended otherwise
            }
          }
          rows.push_back(std::move(r));
        }
      },
      now);
  std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
    return std::tie(x.fire_at, x.id.code, x.id.rule, x.id.recipient) <
           std::tie(y.fire_at, y.id.code, y.id.rule, y.id.recipient);
  });
  const calendar::UtcOffset off = v->cal->offset();
  if (a.format == "json") {
    json out = json::array();
    for (const auto& r : rows) {
      out.push_back({{"code", r.id.code},
                     {"rule", r.id.rule},
                     {"recipient", r.id.recipient},
                     {"channel", r.id.channel},
                     {"fire_at", calendar::format_iso(r.fire_at, off)},
                     {"message", r.digest_key.empty() ? r.key : r.digest_key},
                     {"digest", !r.digest_key.empty()}});
    }
    json unr = json::object();
    for (const auto& [code, problems] : unroutable) unr[code] = problems;
    std::cout << json{{"alerts", out}, {"unroutable", unr}}.dump(
                     2, ' ', false, nlohmann::json::error_handler_t::replace)
              << '\n';
    return unroutable.empty() ? kOk : kPartial;
  }
  // One message per row, except rows of one digest (rule, recipient, channel, slot): one message.
  std::map<std::string, std::vector<const alerting::AlertRow*>> digests;
  std::size_t messages = 0;
  for (const auto& r : rows) {
    if (r.digest_key.empty()) {
      ++messages;
    } else if (digests[r.digest_key].empty()) {
      ++messages;
    }
    if (!r.digest_key.empty()) digests[r.digest_key].push_back(&r);
  }
  std::cout << "Cảnh báo sẽ gửi lúc " << calendar::format_iso(*at, off) << ": " << rows.size()
            << " cảnh báo trong " << messages << " tin\n";
  for (const auto& r : rows) {
    if (!r.digest_key.empty()) continue;
    std::cout << "  " << calendar::format_local_minutes(r.fire_at, off) << "  " << r.id.code << "  "
              << r.id.rule << "  → " << r.id.recipient << " (" << r.id.channel << ")\n";
  }
  for (const auto& [key, group] : digests) {
    const alerting::AlertRow& f = *group.front();
    std::cout << "  " << calendar::format_local_minutes(f.fire_at, off) << "  [tin tổng hợp, "
              << group.size() << " hồ sơ] " << f.id.rule << "  → " << f.id.recipient << " ("
              << f.id.channel << "):";
    for (const auto* r : group) std::cout << ' ' << r->id.code;
    std::cout << '\n';
  }
  if (!unroutable.empty()) {
    std::cout << "\n(!) " << unroutable.size() << " hồ sơ có cảnh báo không tìm được người nhận:\n";
    for (const auto& [code, problems] : unroutable) {
      for (const std::string& p : problems) std::cout << "  ! " << code << ": " << p << '\n';
    }
  }
  return unroutable.empty() ? kOk : kPartial;
}

int run_explain(const GlobalOptions& g, const AlertArgs& a) {
  auto v = open_view(g);
  if (!v) return kUsageOrConfig;
  calendar::SystemClock clock;
  auto at = instant_arg(a.at, v->cal->offset(), clock);
  if (!at) return kUsageOrConfig;
  auto sd = v->store->get(a.code);
  if (!sd) {
    std::cerr << "error: no dossier with code " << a.code << " in the store\n";
    return kUsageOrConfig;
  }
  const alerting::EngineSettings s = service::engine_settings(v->cfg);
  const calendar::UtcOffset off = v->cal->offset();
  const deadline::DossierClock c =
      deadline::compute_clock(sd->dossier, sd->events, *v->cal, s.deadline, s.catalogue, *at);
  json j;
  j["code"] = a.code;
  j["at"] = calendar::format_iso(*at, off);
  j["valid"] = c.valid;
  j["state"] = std::string(deadline::to_string(c.state));
  if (c.valid) {
    j["counting_from"] = calendar::format_iso(c.counting_from, off);
    j["due_at"] = calendar::format_iso(c.current_due, off);
    j["original_due_at"] = calendar::format_iso(c.original_due, off);
    j["judged_due_at"] = calendar::format_iso(c.judged_due, off);
    j["due_version"] = c.due_version;
    j["extended"] = c.extended;
    j["working_minutes_used"] = c.used.count;
    j["working_minutes_left"] = c.left.count;
  } else {
    j["invalid_reason"] = c.invalid_reason;
  }
  json anomalies = json::array();
  for (const auto& an : c.anomalies) {
    json o = {{"kind", std::string(deadline::to_string(an.kind))},
              {"lateness", deadline::is_lateness(an.kind)},
              {"message", an.message}};
    o["at"] = an.at ? json(calendar::format_iso(*an.at, off)) : json(nullptr);
    if (deadline::is_lateness(an.kind)) o["label"] = std::string(deadline::label_vn(an.kind));
    anomalies.push_back(std::move(o));
  }
  j["anomalies"] = anomalies;
  json rules = json::array();
  for (const alerting::Rule& rule : s.rules) {
    json r = {{"rule", rule.name}, {"when", std::string(deadline::to_string(rule.when))}};
    const bool match = alerting::matches(rule, sd->dossier, c.extended);
    r["matches"] = match;
    if (match && c.valid && deadline::is_open(c.state)) {
      std::vector<std::string> problems;
      json to = json::array();
      for (const auto* rec : s.directory.resolve(rule, sd->dossier, &problems))
        to.push_back(rec->id);
      r["recipients"] = to;
      r["problems"] = problems;
      json firings = json::array();
      for (int k = 0; k < 1000; ++k) {
        auto t = alerting::fire_time(rule, c, *v->cal, k);
        if (!t) break;
        json f = {{"repeat", k}, {"fire_at", calendar::format_iso(*t, off)}};
        if (v->ledger && !to.empty()) {
          const alerting::AlertId id{
              a.code, rule.name, c.due_version, k, to[0].get<std::string>(), rule.channels.front()};
          if (auto row = v->ledger->get(alerting::alert_key(id))) {
            f["ledger_state"] = std::string(alerting::to_string(row->state));
          }
        }
        firings.push_back(f);
        if (*t > *at || !rule.repeat) break;
      }
      r["firings"] = firings;
    }
    rules.push_back(r);
  }
  j["rules"] = rules;
  std::vector<alerting::Silence> silences;
  if (v->silences) silences = v->silences->for_dossier(a.code);
  json sj = json::array();
  for (const alerting::Silence& si : silences) {
    sj.push_back({{"id", si.id},
                  {"rule", si.rule},
                  {"until", calendar::format_iso(si.end(), off)},
                  {"reason", si.reason},
                  {"by", si.by},
                  {"active", si.active(*at)},
                  {"state", alerting::state_vn(si, *at)}});
  }
  j["silences"] = sj;
  if (a.format == "json") {
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return kOk;
  }
  std::cout << "Hồ sơ " << a.code << " lúc " << j["at"].get<std::string>() << ": "
            << render::state_vn(c.state) << '\n';
  if (c.valid) {
    std::cout << "  Hạn trả kết quả: " << render::date_with_weekday_vn(c.due_date) << " ("
              << j["due_at"].get<std::string>() << ")" << (c.extended ? ", đã gia hạn" : "") << '\n'
              << "  Thời gian " << (c.left.count < 0 ? "quá hạn: " : "còn lại: ")
              << render::working_time_vn(c.left.count, v->cal->spec().hours_per_day) << '\n';
  } else {
    std::cout << "  Không tính được hạn: " << c.invalid_reason << '\n';
  }
  if (c.valid && c.judged_due != c.current_due) {
    std::cout << "  Đánh giá đúng/trễ hạn theo hạn ban đầu: "
              << render::date_with_weekday_vn(c.judged_due_date) << " ("
              << j["judged_due_at"].get<std::string>() << ")\n";
  }
  for (const auto& an : c.anomalies) {
    std::cout << "  ! ";
    if (deadline::is_lateness(an.kind)) std::cout << deadline::label_vn(an.kind) << ": ";
    std::cout << an.message << '\n';
  }
  for (const alerting::Silence& si : silences) {
    std::cout << "  Tạm dừng nhắc " << alerting::describe_vn(si, off, *at) << '\n';
  }
  for (const json& r : rules) {
    std::cout << "  rule " << r["rule"].get<std::string>() << " (" << r["when"].get<std::string>()
              << "): ";
    if (!r["matches"].get<bool>()) {
      std::cout << "does not match\n";
      continue;
    }
    if (!r.contains("firings")) {
      std::cout << "nothing to fire (dossier closed or clock invalid)\n";
      continue;
    }
    std::cout << "to";
    for (const json& t : r["recipients"]) std::cout << ' ' << t.get<std::string>();
    std::cout << '\n';
    for (const json& f : r["firings"]) {
      std::cout << "      #" << f["repeat"].get<int>() << " " << f["fire_at"].get<std::string>();
      if (f.contains("ledger_state"))
        std::cout << " [" << f["ledger_state"].get<std::string>() << "]";
      std::cout << '\n';
    }
    for (const json& p : r["problems"]) std::cout << "      ! " << p.get<std::string>() << '\n';
  }
  return kOk;
}

/// One rule's targets for a dossier of `department` (handler: any), for `alerts routes`.
std::string describe_targets(const alerting::Rule& rule, const std::string& department,
                             const alerting::Directory& dir, int& problems) {
  std::string out;
  for (const alerting::Target& t : rule.to) {
    out += "\n      ";
    switch (t.kind) {
      case alerting::Target::Kind::handler:
        out += "handler: cán bộ xử lý của từng hồ sơ (mã người nhận ghi trong kho hồ sơ)";
        break;
      case alerting::Target::Kind::department_head: {
        std::string heads;
        for (const alerting::Recipient& r : dir.all()) {
          if (r.has_role("head") && r.department == department) {
            heads += (heads.empty() ? "" : ", ") + r.id + " (" + r.name + ")";
          }
        }
        if (heads.empty()) {
          ++problems;
          out += "department_head: ! KHÔNG AI — no recipient with role head in department \"" +
                 department + "\"";
        } else {
          out += "department_head: " + heads;
        }
        break;
      }
      case alerting::Target::Kind::role: {
        std::string who;
        for (const alerting::Recipient& r : dir.all()) {
          if (r.has_role(t.value)) who += (who.empty() ? "" : ", ") + r.id + " (" + r.name + ")";
        }
        if (who.empty()) {
          ++problems;
          out += "role:" + t.value + ": ! KHÔNG AI — no recipient with role " + t.value;
        } else {
          out += "role:" + t.value + ": " + who;
        }
        break;
      }
      case alerting::Target::Kind::recipient:
        if (const alerting::Recipient* r = dir.find(t.value)) {
          out += r->id + " (" + r->name + ")";
        } else {
          ++problems;
          out += t.value + ": ! recipient not configured";
        }
        break;
    }
  }
  return out;
}

std::string rule_heading(const alerting::Rule& rule) {
  std::string h = "  " + rule.name + " [" + std::string(deadline::to_string(rule.when));
  if (rule.offset && rule.offset->duration) {
    h += " " + calendar::format_duration(*rule.offset->duration);
  } else if (rule.offset) {
    h += " " + std::to_string(rule.offset->percent) + "%";
  }
  h += "] via";
  for (const std::string& c : rule.channels) h += " " + c;
  if (rule.digest) h += " (digest)";
  return h;
}

int run_routes(const GlobalOptions& g, const AlertArgs& a) {
  auto v = open_view(g);
  if (!v) return kUsageOrConfig;
  const alerting::EngineSettings s = service::engine_settings(v->cfg);
  int problems = 0;
  if (a.route_code) {
    auto sd = v->store->get(*a.route_code);
    if (!sd) {
      std::cerr << "error: no dossier with code " << *a.route_code << " in the store\n";
      return kUsageOrConfig;
    }
    calendar::SystemClock clock;
    const deadline::DossierClock c = deadline::compute_clock(sd->dossier, sd->events, *v->cal,
                                                             s.deadline, s.catalogue, clock.now());
    const deadline::Dossier& d = sd->dossier;
    std::cout << "Hồ sơ " << d.code << " — đơn vị \"" << d.department << "\", cán bộ xử lý "
              << (d.handler.empty() ? "(chưa phân công)" : d.handler) << '\n';
    const auto checks = alerting::check_routes(d, c.extended, s.rules, s.directory);
    if (checks.empty()) std::cout << "  no rule matches this dossier\n";
    for (const alerting::RouteCheck& rc : checks) {
      std::cout << rule_heading(*rc.rule) << "\n      →";
      for (const alerting::Recipient* r : rc.recipients) {
        std::cout << ' ' << r->id << " (" << r->name << ", " << alerting::recipient_role(*r, d)
                  << ")";
      }
      if (rc.recipients.empty()) std::cout << " ! KHÔNG AI";
      std::cout << '\n';
      for (const std::string& p : rc.problems) {
        ++problems;
        std::cout << "      ! " << p << '\n';
      }
    }
    return problems > 0 ? kPartial : kOk;
  }
  std::set<std::string> departments;
  if (a.department) {
    departments.insert(text::to_nfc(*a.department));
  } else {
    for (const alerting::Recipient& r : s.directory.all()) {
      if (!r.department.empty() && !r.has_role("leader")) departments.insert(r.department);
    }
    store::DossierFilter open;
    open.open_only = true;
    v->store->for_each(open, [&](const deadline::Dossier& d, std::span<const deadline::Event>) {
      departments.insert(d.department);
    });
  }
  for (const std::string& dep : departments) {
    std::cout << "Đơn vị \"" << dep << "\"";
    bool any_member = false;
    for (const alerting::Recipient& r : s.directory.all()) any_member |= r.department == dep;
    if (!any_member) {
      std::cout << "  ! no recipient belongs to this department";
      ++problems;
    }
    std::cout << '\n';
    for (const alerting::Rule& rule : s.rules) {
      if (!rule.match.department.empty() &&
          std::find(rule.match.department.begin(), rule.match.department.end(), dep) ==
              rule.match.department.end()) {
        continue;
      }
      std::cout << rule_heading(rule);
      if (!rule.match.procedure.empty() || !rule.match.field.empty() || rule.match.extended) {
        std::cout << " (only some dossiers: match on procedure, field or extension)";
      }
      std::cout << describe_targets(rule, dep, s.directory, problems) << '\n';
    }
  }
  if (problems > 0) std::cout << "\n" << problems << " problem(s): see the lines marked !\n";
  return problems > 0 ? kPartial : kOk;
}

int run_test(const GlobalOptions& g, const AlertArgs& a) {
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return kUsageOrConfig;
  setup_logging(g, &*cfg);
  const channels::ChannelOptions* opt = nullptr;
  for (const auto& o : cfg->channels) {
    if (o.name == a.channel) opt = &o;
  }
  if (opt == nullptr) {
    std::cerr << "error: no channel named " << a.channel << " in the configuration\n";
    return kUsageOrConfig;
  }
  const alerting::Recipient* rec = nullptr;
  for (const auto& r : cfg->recipients) {
    if (r.id == a.to) rec = &r;
  }
  if (rec == nullptr) {
    std::cerr << "error: no recipient with id " << a.to << " in the configuration\n";
    return kUsageOrConfig;
  }
  calendar::SystemClock clock;
  try {
    auto ch = channels::make_channel(*opt, clock, cfg->service.state_dir,
                                     service::zalo_vault_factory(*cfg));
    const Instant now = clock.now();
    channels::Message m;
    m.key = "test" + std::to_string(now.time_since_epoch().count());
    m.subject = "[Thử nghiệm] dunghan gửi thử qua kênh " + a.channel;
    m.text = "Kính gửi " + (rec->name.empty() ? rec->id : rec->name) +
             ",\n\nĐây là tin nhắn thử của dunghan qua kênh " + a.channel +
             ". Nếu nhận được tin này, kênh đã được cấu hình đúng.\n";
    m.html = "<p>Đây là tin nhắn thử của dunghan qua kênh " + a.channel + ".</p>";
    m.short_text = "dunghan: tin nhắn thử qua kênh " + a.channel;
    m.params = {{"code", "TEST"},
                {"rule", "test"},
                {"fire_at", calendar::format_iso(now, cfg->calendar.offset)},
                {"recipient_name", rec->name},
                {"stage", "test"}};
    const channels::Outcome o = ch->send(
        m, channels::Address{rec->id, rec->name, rec->email, rec->zalo_user_id, rec->phone});
    ch->end_batch();
    std::cout << "outcome: " << channels::to_string(o.kind);
    if (!o.detail.empty()) std::cout << " (" << log::redact(o.detail) << ")";
    std::cout << '\n';
    return o.kind == channels::Outcome::Kind::sent ? kOk : kUsageOrConfig;
  } catch (const std::exception& e) {
    std::cerr << "error: " << log::redact(e.what()) << '\n';
    return kUsageOrConfig;
  }
}

/// The platform's way to run the daemon: on Windows the SCM-or-console dual mode.
int run_daemon_platform(const service::DaemonOptions& opts) {
#ifdef _WIN32
  return run_service_or_console(opts);
#else
  return service::run_daemon(opts);
#endif
}

}  // namespace

void add_alert_commands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto a = std::make_shared<AlertArgs>();
  auto config_opt = [&g](CLI::App* cmd) { add_config_option(cmd, g); };

  CLI::App* run = app.add_subcommand("run", "run the alert daemon (--once: one cycle, then exit)");
  run->add_flag("--once", a->once, "run one cycle: read the store, plan, send what is due, exit");
  run->add_option("--start-clock-at", a->start_clock_at,
                  "TESTING ONLY: run the clock from this local instant (normal speed); with "
                  "--once, the cycle runs at that instant");
  run->add_option("--test-stall-loop-after", a->stall_after,
                  "TESTING ONLY: block the event loop after N seconds (watchdog tests)")
      ->group("");
  config_opt(run);
  run->callback([&g, &exit_code, a] {
    if (a->once) {
      exit_code = run_once(g, *a);
      return;
    }
    service::DaemonOptions opts;
    opts.config_path = g.config;
    opts.log_level = g.log_level;
    opts.test_stall_loop_after = a->stall_after;
    if (a->start_clock_at) {
      calendar::UtcOffset offset{};
      if (auto cfg = load_for_tool(g, std::cerr)) offset = cfg->calendar.offset;
      opts.start_clock_at = start_clock_arg(*a->start_clock_at, offset);
      if (!opts.start_clock_at) {
        exit_code = kUsageOrConfig;
        return;
      }
    }
    exit_code = run_daemon_platform(opts);
  });

  CLI::App* alerts = app.add_subcommand("alerts", "inspect and test the alert pipeline");
  alerts->require_subcommand(1);
  CLI::App* preview = alerts->add_subcommand("preview", "what would be sent at an instant");
  preview->add_option("--at", a->at, "instant, local time YYYY-MM-DDTHH:MM (default: now)");
  preview->add_option("--format", a->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  config_opt(preview);
  preview->callback([&g, &exit_code, a] { exit_code = run_preview(g, *a); });

  CLI::App* explain =
      alerts->add_subcommand("explain", "one dossier's clock and every rule's firings");
  explain->add_option("code", a->code, "dossier code")->required();
  explain->add_option("--at", a->at, "instant, local time YYYY-MM-DDTHH:MM (default: now)");
  explain->add_option("--format", a->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  config_opt(explain);
  explain->callback([&g, &exit_code, a] { exit_code = run_explain(g, *a); });

  CLI::App* routes = alerts->add_subcommand(
      "routes", "who would receive each rule's stage, per department or for one dossier");
  routes->add_option("--department", a->department, "only this department");
  routes->add_option("--code", a->route_code, "for this dossier of the store");
  config_opt(routes);
  routes->callback([&g, &exit_code, a] { exit_code = run_routes(g, *a); });

  CLI::App* test = alerts->add_subcommand("test", "send one test message now");
  test->add_option("--channel", a->channel, "channel name")->required();
  test->add_option("--to", a->to, "recipient id")->required();
  config_opt(test);
  test->callback([&g, &exit_code, a] { exit_code = run_test(g, *a); });
}

}  // namespace dunghan::app
