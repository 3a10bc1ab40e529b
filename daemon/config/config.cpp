#include "config/config.h"

#include <cstdlib>
#include <system_error>

#include "channels/target_policy.h"
#include "config/schedule_file.h"

namespace dunghan::config {

std::string listen_host(std::string_view listen) {
  if (!listen.empty() && listen.front() == '[') {
    const auto close = listen.find(']');
    return std::string(listen.substr(1, close == std::string_view::npos ? close : close - 1));
  }
  const auto colon = listen.rfind(':');
  return std::string(colon == std::string_view::npos ? listen : listen.substr(0, colon));
}

bool listen_is_loopback(std::string_view listen) {
  return channels::is_loopback_host(listen_host(listen));
}

std::filesystem::path default_config_path() {
#ifdef _WIN32
  const char* pd = std::getenv("ProgramData");
  return std::filesystem::path(pd != nullptr ? pd : "C:\\ProgramData") / "dunghan" / "dunghan.toml";
#else
  return "/etc/dunghan/dunghan.toml";
#endif
}

std::filesystem::path default_state_dir() {
#ifdef _WIN32
  const char* pd = std::getenv("ProgramData");
  return std::filesystem::path(pd != nullptr ? pd : "C:\\ProgramData") / "dunghan" / "state";
#else
  return "/var/lib/dunghan";
#endif
}

ConfigChoice choose_config_path(const std::optional<std::string>& cli) {
  if (cli && !cli->empty()) return {*cli, true};
  if (const char* env = std::getenv("DUNGHAN_CONFIG"); env != nullptr && *env != '\0') {
    return {env, true};
  }
  return {default_config_path(), false};
}

Config default_config() {
  Config c;
  c.service.state_dir = default_state_dir();
  c.calendar.schedules.push_back(builtin_schedule());
  c.schedule_origins.emplace_back(kBuiltinScheduleName);
  return c;
}

Config load_or_default(const ConfigChoice& choice) {
  std::error_code ec;
  if (!choice.explicit_choice && !std::filesystem::exists(choice.path, ec)) {
    return default_config();
  }
  return load_config(choice.path);
}

std::shared_ptr<const calendar::WorkCalendar> build_calendar(const Config& config) {
  if (config.work_calendar) return config.work_calendar;
  return calendar::WorkCalendar::build(config.calendar);
}

namespace {
std::string weekday_list(calendar::WeekdaySet set) {
  static constexpr const char* kNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  std::string out;
  for (unsigned i = 1; i <= 7; ++i) {
    const unsigned wd = i % 7;  // Monday first
    if (set.contains(std::chrono::weekday{wd}))
      out += (out.empty() ? "" : ",") + std::string(kNames[wd]);
  }
  return out.empty() ? "none" : out;
}
}  // namespace

std::string summary(const Config& config, const calendar::WorkCalendar* cal) {
  std::string s;
  s += config.source.empty() ? "Built-in defaults" : "Configuration " + config.source.string();
  s += " is valid. Calendar: UTC" + calendar::format_utc_offset(config.calendar.offset);
  s += ", rest days " + weekday_list(config.calendar.rest_days) + ", sessions ";
  for (std::size_t i = 0; i < config.calendar.sessions.size(); ++i) {
    const auto& ss = config.calendar.sessions[i];
    s += (i ? "," : "") + calendar::format_hh_mm(ss.start) + "-" + calendar::format_hh_mm(ss.end);
  }
  s += ", " + std::to_string(config.calendar.seasons.size()) + " season(s), " +
       std::to_string(config.calendar.schedules.size()) + " schedule(s) (";
  for (std::size_t i = 0; i < config.schedule_origins.size(); ++i) {
    s += (i ? ", " : "") + config.schedule_origins[i];
  }
  s += "), statutory rules " + std::string(config.calendar.statutory_rules ? "on" : "off") + ", " +
       std::to_string(config.calendar.days_off.size()) + " admin day(s) off and " +
       std::to_string(config.calendar.working_days.size()) + " admin working day(s)";
  if (cal != nullptr) {
    int first_provisional = 0;
    for (int y = calendar::kFirstSupportedYear; y <= calendar::kLastSupportedYear; ++y) {
      bool declared = !cal->is_provisional(y);
      if (declared)
        first_provisional = 0;
      else if (first_provisional == 0)
        first_provisional = y;
    }
    if (first_provisional != 0) {
      s += "; official schedules end before " + std::to_string(first_provisional) +
           " (later years are provisional)";
    }
  }
  s += ". Alerts: " + std::to_string(config.rules.size()) + " rule(s), " +
       std::to_string(config.recipients.size()) + " recipient(s), " +
       std::to_string(config.channels.size()) + " channel(s)";
  if (!config.channels.empty()) {
    s += " (";
    for (std::size_t i = 0; i < config.channels.size(); ++i) {
      s += (i ? ", " : "") + config.channels[i].name + ": " + config.channels[i].type;
    }
    s += ")";
  }
  s += "; " + std::to_string(config.procedures.size()) + " procedure(s) in the catalogue";
  s += ". Form 6a: ";
  s += config.report.period == report::PeriodConvention::decree09
           ? "periods cut 15th-14th (Decree 09/2019)"
           : "calendar periods";
  s += config.report.heading.reporting_unit.empty()
           ? ", no reporting unit ([report] reporting_unit)"
           : ", reporting unit " + config.report.heading.reporting_unit;
  s += ". State directory " + config.service.state_dir.string() + ", poll every " +
       std::to_string(config.service.poll_interval.count()) + " s, endpoint " +
       config.service.listen + ", log level " + config.log.level;
  if (config.log.file) s += " (also to " + config.log.file->string() + ")";
  if (config.service.tls_cert_file) s += ", HTTPS";
  if (config.service.users_file) s += ", users from " + config.service.users_file->string();
  if (config.service.reload_token) {
    s += ", reload token from " + config.service.reload_token->origin();
  }
  s += ".";
  return s;
}

}  // namespace dunghan::config
