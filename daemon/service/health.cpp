#include "service/health.h"

#include <sstream>

#include <nlohmann/json.hpp>

namespace dunghan::service {
namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Health::cycle_done(calendar::Instant started, std::chrono::duration<double> took,
                        const alerting::CycleReport& report, const alerting::StateCounts& ledger) {
  std::lock_guard lock(mutex_);
  last_cycle_at_ = started;
  last_cycle_seconds_ = took.count();
  // A store that could not be read (the alerts already planned went out from the last copies):
  // unhealthy, with the reason, until a cycle reads it again.
  last_cycle_ok_ = !report.store_unavailable;
  any_cycle_ended_ = true;
  store_reachable_ = !report.store_unavailable;
  state_db_writable_ = true;
  if (report.store_replaced) ++store_replaced_;
  last_error_ = report.store_unavailable.value_or("");
  if (report.store_unavailable) ++cycle_failures_;
  store_rows_read_ += report.store_rows_read;
  ++cycles_;
  cycle_seconds_sum_ += took.count();
  for (std::size_t i = 0; i < kCycleBuckets.size(); ++i) {
    if (took.count() <= kCycleBuckets[i]) ++bucket_counts_[i];
  }
  for (const auto& [channel, outcomes] : report.outcomes) {
    for (const auto& [outcome, n] : outcomes) outcomes_[channel][outcome] += n;
  }
  rows_rejected_ = report.rows_rejected;
  circuits_ = report.circuits;
  ledger_ = ledger;
}

void Health::cycle_failed(calendar::Instant at, Fault fault, const std::string& error) {
  std::lock_guard lock(mutex_);
  last_cycle_at_ = at;
  last_cycle_ok_ = false;
  any_cycle_ended_ = true;
  if (fault == Fault::store) store_reachable_ = false;
  if (fault == Fault::state_db) state_db_writable_ = false;
  last_error_ = error;
  ++cycle_failures_;
}

void Health::state_dir_free(std::optional<std::uint64_t> bytes) {
  std::lock_guard lock(mutex_);
  state_dir_free_ = bytes;
}

void Health::instance(InstanceStatus status) {
  std::lock_guard lock(mutex_);
  instance_ = std::move(status);
}

void Health::open_dossiers(const std::map<std::string, std::int64_t>& by_state) {
  std::lock_guard lock(mutex_);
  open_ = by_state;
}

void Health::reload_result(bool ok, calendar::Instant at, const std::string& error) {
  std::lock_guard lock(mutex_);
  reload_ok_ = ok;
  reload_at_ = at;
  if (ok) reload_success_at_ = at;
  reload_error_ = error;
}

void Health::provisional_warning(std::optional<std::string> warning) {
  std::lock_guard lock(mutex_);
  provisional_ = std::move(warning);
}

void Health::routing(std::int64_t unroutable_dossiers, std::int64_t problems) {
  std::lock_guard lock(mutex_);
  unroutable_ = unroutable_dossiers;
  routing_problems_ = problems;
}

void Health::set_phase(const std::string& phase, calendar::Instant at) {
  std::lock_guard lock(mutex_);
  phase_ = phase;
  phase_since_ = at;
}

bool Health::healthy(calendar::Instant now, std::chrono::seconds max_age) const {
  std::lock_guard lock(mutex_);
  if (phase_ != "running") return false;
  if (!any_cycle_ended_) return now - phase_since_ <= max_age;  // the first cycle runs
  return last_cycle_ok_ && last_cycle_at_ && now - *last_cycle_at_ <= max_age;
}

bool Health::starting() const {
  std::lock_guard lock(mutex_);
  return (phase_ == "starting" || phase_ == "running") && !any_cycle_ended_;
}

std::string Health::healthz_json(calendar::Instant now, std::chrono::seconds max_age,
                                 calendar::UtcOffset offset) const {
  const bool ok = healthy(now, max_age);
  const bool first = starting();
  std::lock_guard lock(mutex_);
  const auto optional_bool = [](const std::optional<bool>& b) {
    return b ? nlohmann::json(*b) : nlohmann::json(nullptr);
  };
  const auto iso = [offset](const std::optional<calendar::Instant>& t) {
    return t ? nlohmann::json(calendar::format_iso(*t, offset)) : nlohmann::json(nullptr);
  };
  nlohmann::json j;
  j["status"] = !ok ? "unhealthy" : first ? "starting" : "ok";
  j["phase"] = phase_;
  j["last_cycle"] = iso(last_cycle_at_);
  j["last_cycle_seconds"] = last_cycle_seconds_;
  j["store_reachable"] = optional_bool(store_reachable_);
  j["state_db"] = {
      {"writable", optional_bool(state_db_writable_)},
      {"free_bytes", state_dir_free_ ? nlohmann::json(*state_dir_free_) : nlohmann::json(nullptr)}};
  if (!last_cycle_ok_ && !last_error_.empty()) j["last_error"] = last_error_;
  nlohmann::json backlog = nlohmann::json::object();
  for (const auto& [state, n] : ledger_) backlog[std::string(alerting::to_string(state))] = n;
  j["ledger"] = backlog;
  // Channels whose circuit breaker is open: their alerts wait (no attempt used) until a probe
  // succeeds.
  nlohmann::json down = nlohmann::json::object();
  for (const auto& [channel, probe] : circuits_) {
    if (probe) down[channel] = {{"next_probe", calendar::format_iso(*probe, offset)}};
  }
  j["channels_down"] = down;
  j["instance"] = {
      {"id", instance_.id},
      {"planner", instance_.planner},
      {"leased_rows",
       instance_.leased_rows < 0 ? nlohmann::json(nullptr) : nlohmann::json(instance_.leased_rows)},
      {"state", instance_.state}};
  j["open_dossiers"] = open_;
  j["routing"] = {{"unroutable_dossiers", unroutable_}, {"problems", routing_problems_}};
  j["last_reload"] = {{"successful", reload_ok_},
                      {"at", iso(reload_at_)},
                      {"last_success_at", iso(reload_success_at_)}};
  if (!reload_error_.empty()) j["last_reload"]["error"] = reload_error_;
  j["provisional_calendar_warning"] =
      provisional_ ? nlohmann::json(*provisional_) : nlohmann::json(nullptr);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Health::metrics_text(const std::string& version) const {
  std::lock_guard lock(mutex_);
  std::ostringstream m;
  m << "# HELP dunghan_build_info Build information.\n# TYPE dunghan_build_info gauge\n"
    << "dunghan_build_info{version=\"" << escape_label(version) << "\"} 1\n";
  if (!instance_.id.empty()) {
    const std::string label = "{instance=\"" + escape_label(instance_.id) + "\"} ";
    m << "# HELP dunghan_instance_info This instance (several may share one state database).\n"
         "# TYPE dunghan_instance_info gauge\n"
      << "dunghan_instance_info" << label << "1\n"
      << "# HELP dunghan_instance_planner Whether this instance holds the planning lock (it "
         "walks the store).\n# TYPE dunghan_instance_planner gauge\n"
      << "dunghan_instance_planner" << label << (instance_.planner ? 1 : 0) << '\n';
    if (instance_.leased_rows >= 0) {
      m << "# HELP dunghan_instance_leased_rows Ledger rows this instance holds in sending under "
           "a lease.\n# TYPE dunghan_instance_leased_rows gauge\n"
        << "dunghan_instance_leased_rows" << label << instance_.leased_rows << '\n';
    }
  }
  m << "# HELP dunghan_open_dossiers Open dossiers by clock state.\n"
       "# TYPE dunghan_open_dossiers gauge\n";
  for (const char* s : {"not_due", "due_soon", "due_today", "overdue", "waiting_applicant"}) {
    auto it = open_.find(s);
    m << "dunghan_open_dossiers{state=\"" << s << "\"} " << (it == open_.end() ? 0 : it->second)
      << '\n';
  }
  m << "# HELP dunghan_unroutable_dossiers Open dossiers with a stage no recipient can be found "
       "for.\n# TYPE dunghan_unroutable_dossiers gauge\ndunghan_unroutable_dossiers "
    << unroutable_ << '\n';
  m << "# HELP dunghan_alerts_total Send attempts by channel and outcome (sent, retry, dead: the "
       "last attempt before giving up, unreachable, failed), and alerts held back by a silence "
       "(silenced, no attempt).\n"
       "# TYPE dunghan_alerts_total counter\n";
  for (const auto& [channel, outcomes] : outcomes_) {
    for (const auto& [outcome, n] : outcomes) {
      m << "dunghan_alerts_total{channel=\"" << escape_label(channel) << "\",outcome=\"" << outcome
        << "\"} " << n << '\n';
    }
  }
  m << "# HELP dunghan_channel_down Whether the channel's circuit breaker is open (its server "
       "cannot be reached; its alerts wait).\n# TYPE dunghan_channel_down gauge\n";
  for (const auto& [channel, probe] : circuits_) {
    m << "dunghan_channel_down{channel=\"" << escape_label(channel) << "\"} " << (probe ? 1 : 0)
      << '\n';
  }
  m << "# HELP dunghan_ledger_alerts Alerts in the ledger by state.\n"
       "# TYPE dunghan_ledger_alerts gauge\n";
  for (alerting::AlertState s :
       {alerting::AlertState::pending, alerting::AlertState::sending, alerting::AlertState::sent,
        alerting::AlertState::retry, alerting::AlertState::dead, alerting::AlertState::cancelled,
        alerting::AlertState::skipped, alerting::AlertState::unreachable,
        alerting::AlertState::silenced}) {
    auto it = ledger_.find(s);
    m << "dunghan_ledger_alerts{state=\"" << alerting::to_string(s) << "\"} "
      << (it == ledger_.end() ? 0 : it->second) << '\n';
  }
  auto count = [this](alerting::AlertState s) {
    auto it = ledger_.find(s);
    return it == ledger_.end() ? 0 : it->second;
  };
  m << "# HELP dunghan_ledger_backlog Alerts waiting to be sent (pending, retry, sending).\n"
       "# TYPE dunghan_ledger_backlog gauge\n"
    << "dunghan_ledger_backlog "
    << count(alerting::AlertState::pending) + count(alerting::AlertState::retry) +
           count(alerting::AlertState::sending)
    << '\n';
  m << "# HELP dunghan_dead_alerts Alerts given up (dead letters; see `dunghan outbox list "
       "--state dead`).\n# TYPE dunghan_dead_alerts gauge\n"
    << "dunghan_dead_alerts " << count(alerting::AlertState::dead) << '\n';
  m << "# HELP dunghan_cycle_duration_seconds Duration of a daemon cycle.\n"
       "# TYPE dunghan_cycle_duration_seconds histogram\n";
  for (std::size_t i = 0; i < kCycleBuckets.size(); ++i) {
    m << "dunghan_cycle_duration_seconds_bucket{le=\"" << kCycleBuckets[i] << "\"} "
      << bucket_counts_[i] << '\n';
  }
  m << "dunghan_cycle_duration_seconds_bucket{le=\"+Inf\"} " << cycles_ << '\n'
    << "dunghan_cycle_duration_seconds_sum " << cycle_seconds_sum_ << '\n'
    << "dunghan_cycle_duration_seconds_count " << cycles_ << '\n';
  m << "# HELP dunghan_cycle_failures_total Cycles that failed (store unreachable, …).\n"
       "# TYPE dunghan_cycle_failures_total counter\n"
    << "dunghan_cycle_failures_total " << cycle_failures_ << '\n';
  // Unknown before the first cycle: absent rather than a false alarm.
  if (store_reachable_) {
    m << "# HELP dunghan_store_reachable Whether the last cycle could read the dossier store.\n"
         "# TYPE dunghan_store_reachable gauge\n"
      << "dunghan_store_reachable " << (*store_reachable_ ? 1 : 0) << '\n';
  }
  if (state_db_writable_) {
    m << "# HELP dunghan_state_db_writable Whether the last cycle could write the state database "
         "(the alert ledger).\n# TYPE dunghan_state_db_writable gauge\n"
      << "dunghan_state_db_writable " << (*state_db_writable_ ? 1 : 0) << '\n';
  }
  if (state_dir_free_) {
    m << "# HELP dunghan_state_dir_free_bytes Free space on the state directory's file system.\n"
         "# TYPE dunghan_state_dir_free_bytes gauge\n"
      << "dunghan_state_dir_free_bytes " << *state_dir_free_ << '\n';
  }
  m << "# HELP dunghan_store_replaced_total Times the store was found replaced, re-created or "
       "restored (change cursor reset, open dossiers re-planned).\n"
       "# TYPE dunghan_store_replaced_total counter\n"
    << "dunghan_store_replaced_total " << store_replaced_ << '\n';
  m << "# HELP dunghan_store_rows_rejected Store rows rejected in the last cycle.\n"
       "# TYPE dunghan_store_rows_rejected gauge\n"
    << "dunghan_store_rows_rejected " << rows_rejected_ << '\n';
  m << "# HELP dunghan_store_rows_read_total Rows read from the dossier store's database by the "
       "cycles (dossier and event rows).\n# TYPE dunghan_store_rows_read_total counter\n"
    << "dunghan_store_rows_read_total " << store_rows_read_ << '\n';
  m << "# HELP dunghan_config_last_reload_successful Whether the last configuration reload "
       "succeeded.\n# TYPE dunghan_config_last_reload_successful gauge\n"
    << "dunghan_config_last_reload_successful " << (reload_ok_ ? 1 : 0) << '\n';
  m << "# HELP dunghan_config_last_reload_success_timestamp_seconds Time of the last successful "
       "reload (or start).\n# TYPE dunghan_config_last_reload_success_timestamp_seconds gauge\n"
    << "dunghan_config_last_reload_success_timestamp_seconds "
    << (reload_success_at_ ? reload_success_at_->time_since_epoch().count() : 0) << '\n';
  m << "# HELP dunghan_calendar_provisional Whether next year's calendar is still provisional.\n"
       "# TYPE dunghan_calendar_provisional gauge\n"
    << "dunghan_calendar_provisional " << (provisional_ ? 1 : 0) << '\n';
  return m.str();
}

std::string Health::status_line() const {
  std::lock_guard lock(mutex_);
  std::int64_t open = 0;
  for (const auto& [s, n] : open_) open += n;
  auto get = [this](const std::string& s) {
    auto it = open_.find(s);
    return it == open_.end() ? 0 : it->second;
  };
  auto led = [this](alerting::AlertState s) {
    auto it = ledger_.find(s);
    return it == ledger_.end() ? 0 : it->second;
  };
  std::ostringstream out;
  out << "open=" << open << " overdue=" << get("overdue") << " due_today=" << get("due_today")
      << " pending=" << led(alerting::AlertState::pending) + led(alerting::AlertState::retry)
      << " dead=" << led(alerting::AlertState::dead);
  if (!last_cycle_ok_ && !last_error_.empty()) out << " last_cycle=failed";
  if (store_reachable_ == false) out << " store=unreachable";
  if (state_db_writable_ == false) out << " state_db=failing";
  if (!reload_ok_) out << " reload=failed";
  return out.str();
}

std::map<std::string, std::int64_t> Health::open_by_state() const {
  std::lock_guard lock(mutex_);
  return open_;
}

}  // namespace dunghan::service
