// load_config: the whole file in one pass, every problem collected before anything throws.
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "config/config.h"
#include "config/schedule_file.h"
#include "config/sections.h"
#include "config/table_reader.h"
#include "log/logging.h"
#include "text/normalize.h"

namespace dunghan::config {
namespace {

using calendar::MinuteOfDay;
using calendar::Session;

std::optional<Session> parse_session(std::string_view s) {
  const auto dash = s.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto a = calendar::parse_hh_mm(s.substr(0, dash));
  auto b = calendar::parse_hh_mm(s.substr(dash + 1));
  if (!a || !b) return std::nullopt;
  return Session{*a, *b};
}

/// Reads `key` as a list of "HH:MM-HH:MM" sessions, sorted and not overlapping.
std::optional<std::vector<Session>> read_sessions(TableReader& r, std::string_view key,
                                                  bool required) {
  auto texts = r.string_array(key, required);
  if (!texts) return std::nullopt;
  std::vector<Session> out;
  bool ok = true;
  for (std::size_t i = 0; i < texts->size(); ++i) {
    auto s = parse_session((*texts)[i]);
    if (!s) {
      r.element_error(key, i, "\"" + (*texts)[i] + "\" is not a time range HH:MM-HH:MM");
      ok = false;
      continue;
    }
    if (s->start >= s->end) {
      r.element_error(key, i, "session \"" + (*texts)[i] + "\" ends before it starts");
      ok = false;
      continue;
    }
    if (!out.empty() && s->start < out.back().end) {
      r.element_error(key, i,
                      "session \"" + (*texts)[i] + "\" overlaps or precedes the one before it");
      ok = false;
      continue;
    }
    out.push_back(*s);
  }
  if (ok && out.empty()) {
    r.error(key, "at least one session is needed");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::chrono::month_day> parse_month_day(std::string_view s) {
  // "MM-DD"
  if (s.size() != 5 || s[2] != '-') return std::nullopt;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!digit(s[0]) || !digit(s[1]) || !digit(s[3]) || !digit(s[4])) return std::nullopt;
  const unsigned m = static_cast<unsigned>((s[0] - '0') * 10 + (s[1] - '0'));
  const unsigned d = static_cast<unsigned>((s[3] - '0') * 10 + (s[4] - '0'));
  std::chrono::month_day md{std::chrono::month{m}, std::chrono::day{d}};
  if (!md.ok()) return std::nullopt;
  return md;
}

std::optional<calendar::Date> to_date(const toml::date& d) {
  const std::chrono::year_month_day ymd{std::chrono::year{d.year}, std::chrono::month{d.month},
                                        std::chrono::day{d.day}};
  if (!ymd.ok()) return std::nullopt;
  return calendar::Date{ymd};
}

void read_day_overrides(TableReader& cal, std::string_view key,
                        std::vector<calendar::DayOverride>& out) {
  for (TableReader& entry : cal.array_of_tables(key)) {
    auto date = entry.date("date", true);
    auto name = entry.string("name");
    entry.string("source");
    entry.finish();
    if (!date) continue;
    auto d = to_date(*date);
    if (!d || !calendar::in_supported_range(*d)) {
      entry.error("date", "not a valid date within 1900..2199");
      continue;
    }
    out.push_back(calendar::DayOverride{*d, name.value_or("")});
  }
}

void read_calendar(TableReader& cal, Config& config) {
  calendar::CalendarSpec& spec = config.calendar;
  if (auto off = cal.string("utc_offset")) {
    if (auto o = calendar::parse_utc_offset(*off)) {
      spec.offset = *o;
    } else {
      cal.error("utc_offset", "\"" + *off + "\" is not a UTC offset like \"+07:00\"");
    }
  }
  if (auto days = cal.string_array("rest_days")) {
    static const std::vector<std::string> kDays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    calendar::WeekdaySet set;
    for (std::size_t i = 0; i < days->size(); ++i) {
      std::string d = (*days)[i];
      for (char& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto it = std::find(kDays.begin(), kDays.end(), d.substr(0, 3));
      if (d.size() < 3 || it == kDays.end()) {
        cal.element_error("rest_days", i,
                          "\"" + (*days)[i] + "\" is not a weekday (mon, tue, … sun)");
        continue;
      }
      set.add(std::chrono::weekday{static_cast<unsigned>(it - kDays.begin())});
    }
    spec.rest_days = set;
  }
  if (auto s = read_sessions(cal, "sessions", false)) spec.sessions = *s;
  if (auto rules = cal.one_of("statutory_rules", {"vn", "none"})) {
    spec.statutory_rules = *rules == "vn";
  }
  if (auto h = cal.integer("hours_per_day", 1, 24)) spec.hours_per_day = static_cast<int>(*h);

  if (auto list = cal.string_array("schedules")) {
    spec.schedules.clear();
    config.schedule_origins.clear();
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string& item = (*list)[i];
      try {
        if (item == kBuiltinScheduleName) {
          spec.schedules.push_back(builtin_schedule());
          config.schedule_origins.push_back(item);
        } else {
          std::filesystem::path p(item);
          if (p.is_relative()) p = cal.context().base_dir / p;
          p = p.lexically_normal();
          std::error_code ec;
          if (!std::filesystem::exists(p, ec)) {
            cal.element_error("schedules", i, "schedule file " + p.string() + " does not exist");
            continue;
          }
          spec.schedules.push_back(load_schedule_file(p));
          config.schedule_origins.push_back(p.string());
        }
      } catch (const ConfigError& e) {
        for (const Diagnostic& d : e.diagnostics()) cal.context().diagnostics.push_back(d);
      }
    }
  }

  for (TableReader& season : cal.array_of_tables("season")) {
    calendar::Season s;
    bool ok = true;
    for (const char* k : {"from", "to"}) {
      auto text = season.string(k, true);
      if (!text) {
        ok = false;
        continue;
      }
      auto md = parse_month_day(*text);
      if (!md) {
        season.error(k, "\"" + *text + "\" is not a day of the year MM-DD");
        ok = false;
        continue;
      }
      (std::string_view(k) == "from" ? s.from : s.to) = *md;
    }
    auto sessions = read_sessions(season, "sessions", true);
    season.string("name");
    season.finish();
    if (!sessions) ok = false;
    if (ok) {
      s.sessions = *sessions;
      spec.seasons.push_back(std::move(s));
    }
  }
  read_day_overrides(cal, "day_off", spec.days_off);
  read_day_overrides(cal, "working_day", spec.working_days);
  cal.finish();
}

void read_service(TableReader& svc, Config& config) {
  if (auto dir = svc.path_value("state_dir")) config.service.state_dir = *dir;
  if (auto p = svc.integer("poll_interval", 1, 86400)) {
    config.service.poll_interval = std::chrono::seconds{*p};
  }
  if (auto l = svc.string("listen")) config.service.listen = *l;
  config.service.reload_token = read_secret(svc, "reload_token");
  config.service.tls_cert_file = svc.path_value("tls_cert_file");
  config.service.tls_key_file = svc.path_value("tls_key_file");
  config.service.users_file = svc.path_value("users_file");
  if (auto id = svc.string("instance_id")) {
    if (id->empty() || id->size() > 60 || id->find_first_of(" \t\r\n\"'\\") != std::string::npos) {
      svc.error("instance_id",
                "must be 1 to 60 characters without blanks or quotes (e.g. \"may-1\")");
    } else {
      config.service.instance_id = *id;
    }
  }
  svc.finish();
  ServiceOptions& o = config.service;
  for (const auto& [key, file] :
       {std::pair{"tls_cert_file", &o.tls_cert_file}, std::pair{"tls_key_file", &o.tls_key_file},
        std::pair{"users_file", &o.users_file}}) {
    std::error_code ec;
    if (*file && !std::filesystem::is_regular_file(**file, ec)) {
      svc.error(key, (*file)->string() + " does not exist or is not a file");
    }
  }
  if (o.tls_cert_file.has_value() != o.tls_key_file.has_value()) {
    svc.error(o.tls_cert_file ? "tls_key_file" : "tls_cert_file",
              "TLS needs both tls_cert_file and tls_key_file");
  }
  if (!listen_is_loopback(o.listen)) {
    // Off loopback the pages show personal data (applicants' names) and take writes (silences):
    // never without TLS and logins.
    if (!o.tls_cert_file || !o.tls_key_file) {
      svc.error("listen", "\"" + o.listen +
                              "\" is not a loopback address: the pages would be reachable from "
                              "the network; set tls_cert_file and tls_key_file (HTTPS)");
    }
    if (!o.users_file) {
      svc.error("listen", "\"" + o.listen +
                              "\" is not a loopback address: set users_file (logins; create "
                              "users with `dunghan user add NAME`)");
    }
  }
}

void read_log(TableReader& lg, Config& config) {
  if (auto level = lg.one_of("level", {"trace", "debug", "info", "warn", "error", "off"})) {
    config.log.level = *level;
  }
  config.log.file = lg.path_value("file");
  if (auto m = lg.integer("max_size_mb", 1, 10240))
    config.log.max_size_mb = static_cast<std::size_t>(*m);
  if (auto m = lg.integer("max_files", 1, 100)) config.log.max_files = static_cast<std::size_t>(*m);
  lg.finish();
}

/// `url` and `password…` of a section whose kind is "postgresql" (`section` names it in messages).
/// The url's scheme is checked here; the whole url is parsed (and a password in it refused) by
/// the code that connects (service/server_db.h), which check-config runs too.
std::optional<ServerDatabase> read_server_database(TableReader& t, const std::string& kind) {
  if (kind != "postgresql") {
    for (const char* key : {"url", "password", "password_file"}) {
      if (!t.has(key)) continue;
      t.accept(key);
      t.error(key, std::string("`") + key + "` is for kind = \"postgresql\"");
    }
    return std::nullopt;
  }
  std::optional<std::string> url = t.string("url", true);
  std::optional<Secret> password = read_secret(t, "password");
  if (!url) return std::nullopt;
  if (!url->starts_with("postgresql://") && !url->starts_with("postgres://")) {
    t.error("url", "expected a url like \"postgresql://dunghan@db.example:5432/dunghan\"");
    return std::nullopt;
  }
  return ServerDatabase{*url, std::move(password)};
}

void read_state(TableReader& st, Config& config) {
  if (auto kind = st.one_of("kind", {"sqlite", "postgresql"})) config.state.kind = *kind;
  config.state.server = read_server_database(st, config.state.kind);
  st.finish();
}

void read_store(TableReader& st, Config& config) {
  if (auto kind = st.one_of("kind", {"sqlite", "postgresql"})) config.store.kind = *kind;
  config.store.server = read_server_database(st, config.store.kind);
  if (config.store.kind == "postgresql") {
    for (const char* key : {"path", "busy_timeout_ms", "mapping"}) {
      if (!st.has(key)) continue;
      st.accept(key);
      st.error(key, std::string("`") + key + "` is for kind = \"sqlite\"");
    }
    st.finish();
    return;
  }
  if (auto p = st.path_value("path")) config.store.path = *p;
  if (auto ms = st.integer("busy_timeout_ms", 0, 600000)) {
    config.store.busy_timeout = std::chrono::milliseconds{*ms};
  }
  if (auto m = st.subtable("mapping")) {
    StoreOptions::Mapping mapping;
    if (auto q = m->string("dossiers", true)) mapping.dossiers = *q;
    if (auto q = m->string("events")) mapping.events = *q;
    if (auto url = m->string("url")) {
      // The url is parsed (and a password in it refused) where it is used, store/db_url.h; the
      // scheme is checked here so that a typo is an error with its line.
      const auto starts = [&](std::string_view prefix) {
        if (url->size() < prefix.size()) return false;
        for (std::size_t i = 0; i < prefix.size(); ++i) {
          if (std::tolower(static_cast<unsigned char>((*url)[i])) != prefix[i]) return false;
        }
        return true;
      };
      if (starts("sqlite:")) {
        std::string file = url->substr(7);
        if (file.starts_with("//")) file.erase(0, 2);
        if (file.empty()) {
          m->error("url", "the sqlite: url names no file");
        } else if (!config.store.path.empty()) {
          m->error("url", "give either [store] path or a sqlite: url, not both");
        } else {
          config.store.path = m->resolve(file);
        }
      } else if (starts("postgresql://") || starts("postgres://") || starts("mysql://") ||
                 starts("mariadb://") || starts("odbc:")) {
        if (!config.store.path.empty()) {
          m->error("url",
                   "[store] path names an SQLite file, but the url names a server "
                   "database: remove one of them");
        }
        mapping.url = *url;
      } else {
        m->error("url", "not a database url: expected postgresql://, mysql://, odbc: or sqlite:");
      }
    }
    mapping.password = read_secret(*m, "password");
    if (mapping.password && mapping.url.empty()) {
      m->error(mapping.password->origin().starts_with("file") ? "password_file" : "password",
               "a password is only used with a server database (`url`)");
    }
    if (auto tz = m->string("timezone")) {
      if (auto o = calendar::parse_utc_offset(*tz)) {
        mapping.timezone = *o;
      } else {
        m->error("timezone", "\"" + *tz + "\" is not a UTC offset like \"+07:00\"");
      }
    }
    if (auto t = m->integer("query_timeout", 1, 3600)) {
      mapping.query_timeout = std::chrono::seconds{*t};
    }
    m->finish();
    config.store.mapping = std::move(mapping);
  }
  st.finish();
}

/// Reads a duration key ("15 working days", "15 ngày làm việc", …).
std::optional<calendar::Duration> read_duration(TableReader& r, std::string_view key,
                                                bool required) {
  auto text = r.string(key, required);
  if (!text) return std::nullopt;
  auto d = calendar::parse_duration(*text);
  if (!d) {
    r.error(key, "\"" + *text +
                     "\" is not a duration (e.g. \"15 working days\", \"15 ngày làm việc\", "
                     "\"4 giờ làm việc\", \"30 ngày\")");
  }
  return d;
}

void read_deadline(TableReader& dl, Config& config) {
  deadline::DeadlineOptions& o = config.deadline;
  if (auto v = dl.one_of("working_days_as", {"days", "hours"})) {
    o.working_days_as = *deadline::parse_working_days_as(*v);
  }
  if (auto v = dl.one_of("supplement", {"restart", "pause"})) {
    o.supplement = *deadline::parse_supplement_mode(*v);
  }
  if (auto v = dl.one_of("compare", {"date", "instant"}))
    o.compare = *deadline::parse_compare_mode(*v);
  if (auto v = dl.one_of("judge_against", {"current", "original"})) {
    o.judge_against = *deadline::parse_judge_against(*v);
  }
  if (auto d = read_duration(dl, "due_soon", false)) o.due_soon = *d;
  if (auto d = read_duration(dl, "supplement_request_within", false)) {
    o.supplement_request_within = *d;
  }
  dl.finish();
}

void read_report(TableReader& rp, Config& config) {
  report::ReportOptions& o = config.report;
  // Texts printed on the form: one line each, kept in NFC like every text dunghan compares or
  // prints.
  const auto line = [&rp](std::string_view key, std::string& out) {
    auto v = rp.string(key);
    if (!v) return;
    if (v->find_first_of("\r\n") != std::string::npos) {
      rp.error(key, "must be one line (it is printed on one line of the form)");
      return;
    }
    out = text::to_nfc(*v);
  };
  line("reporting_unit", o.heading.reporting_unit);
  line("receiving_unit", o.heading.receiving_unit);
  line("place", o.heading.place);
  line("signer_title", o.heading.signer_title);
  line("preparer", o.heading.preparer);
  if (auto p = rp.one_of("period", {"calendar", "decree09"})) {
    o.period =
        *p == "decree09" ? report::PeriodConvention::decree09 : report::PeriodConvention::calendar;
  }
  rp.finish();
}

void read_procedures(TableReader& top, Config& config) {
  std::map<std::string, std::string> seen;  // code → key path of its first entry
  for (TableReader& p : top.array_of_tables("procedure")) {
    deadline::Procedure proc;
    auto code = p.string("code", true);
    auto name = p.string("name");
    auto field = p.string("field");
    auto duration = read_duration(p, "duration", true);
    std::optional<calendar::MinuteOfDay> cutoff;
    if (auto c = p.string("cutoff")) {
      cutoff = calendar::parse_hh_mm(*c);
      if (!cutoff) p.error("cutoff", "\"" + *c + "\" is not a time HH:MM");
    }
    p.finish();
    if (!code || !duration) continue;
    if (auto it = seen.find(*code); it != seen.end()) {
      p.error("code", "procedure " + *code + " is already defined by " + it->second);
      continue;
    }
    seen.emplace(*code, p.path());
    // Names compared with dossier texts are kept in NFC, as the stores keep them.
    config.procedures.add(deadline::Procedure{*code, text::to_nfc(name.value_or("")),
                                              text::to_nfc(field.value_or("")), *duration, cutoff});
  }
}

}  // namespace

Config load_config(const std::filesystem::path& path, EmptyFile empty) {
  const std::string shown = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    throw ConfigError({Diagnostic{shown, 0, 0, "",
                                  exists ? "cannot read the configuration file (permission?)"
                                         : "configuration file does not exist"}});
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (empty == EmptyFile::reject && buf.str().find_first_not_of(" \t\r\n") == std::string::npos) {
    throw ConfigError(
        {Diagnostic{shown, 0, 0, "", "the configuration file is empty (still being written?)"}});
  }
  toml::table root;
  try {
    root = toml::parse(buf.str(), shown);
  } catch (const toml::parse_error& e) {
    throw ConfigError({Diagnostic{shown, static_cast<int>(e.source().begin.line),
                                  static_cast<int>(e.source().begin.column), "",
                                  "TOML syntax error: " + std::string(e.description())}});
  }

  Config config = default_config();
  config.source = path;
  std::filesystem::path base = path.parent_path();
  if (base.empty()) base = ".";
  ReadContext ctx{shown, std::filesystem::absolute(base).lexically_normal(), {}};
  TableReader top(root, "", ctx);
  if (auto svc = top.subtable("service")) read_service(*svc, config);
  if (auto lg = top.subtable("log")) read_log(*lg, config);
  if (auto cal = top.subtable("calendar")) read_calendar(*cal, config);
  if (auto st = top.subtable("store")) read_store(*st, config);
  if (auto st = top.subtable("state")) read_state(*st, config);
  if (auto dl = top.subtable("deadline")) read_deadline(*dl, config);
  if (auto rp = top.subtable("report")) read_report(*rp, config);
  read_procedures(top, config);
  read_channels(top, config);
  {
    std::vector<std::string> channel_names;
    if (const toml::table* ch = root.get_as<toml::table>("channel")) {
      for (const auto& [k, v] : *ch) channel_names.emplace_back(k.str());
    }
    read_alerting(top, config, channel_names);
  }
  top.finish();

  if (ctx.diagnostics.empty()) {
    // Cross-checks that need the whole calendar: build it once to surface its errors now.
    try {
      config.work_calendar = calendar::WorkCalendar::build(config.calendar);
    } catch (const calendar::CalendarError& e) {
      ctx.diagnostics.push_back(Diagnostic{shown, 0, 0, "calendar", e.what()});
    }
  }
  if (!ctx.diagnostics.empty()) {
    // The file's own problems first, in reading order; then those of the files it names.
    std::stable_sort(ctx.diagnostics.begin(), ctx.diagnostics.end(),
                     [&shown](const Diagnostic& a, const Diagnostic& b) {
                       return std::tuple(a.file != shown, a.file, a.line, a.column) <
                              std::tuple(b.file != shown, b.file, b.line, b.column);
                     });
    throw ConfigError(std::move(ctx.diagnostics));
  }
  return config;
}

}  // namespace dunghan::config
