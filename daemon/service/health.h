#pragma once
// What the daemon knows about itself, shared between the worker (cycles), the event loop and the
// HTTP endpoint: /healthz (JSON) and /metrics (Prometheus text format, names prefixed dunghan_).

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "alerting/engine.h"
#include "alerting/ledger.h"
#include "calendar/civil.h"

namespace dunghan::service {

/// Upper bounds (seconds) of the cycle-duration histogram buckets.
inline constexpr std::array<double, 10> kCycleBuckets = {0.01, 0.025, 0.05, 0.1, 0.25,
                                                         0.5,  1,     2.5,  5,   10};

class Health {
 public:
  /// After each cycle: its start, duration and report; the ledger's counts. A report with
  /// store_unavailable makes the daemon unhealthy (store_reachable false, 503) with that reason.
  void cycle_done(calendar::Instant started, std::chrono::duration<double> took,
                  const alerting::CycleReport& report, const alerting::StateCounts& ledger);
  /// A cycle failed (e.g. the store was unreachable).
  void cycle_failed(calendar::Instant at, const std::string& error);
  /// Counts of open dossiers by clock state (from a periodic scan).
  void open_dossiers(const std::map<std::string, std::int64_t>& by_state);
  void reload_result(bool ok, calendar::Instant at, const std::string& error);
  void provisional_warning(std::optional<std::string> warning);
  /// From the last walk of the open dossiers: how many have a stage that some intended recipient
  /// cannot be found for, and how many distinct routing problems there are.
  void routing(std::int64_t unroutable_dossiers, std::int64_t problems);
  void set_phase(const std::string& phase);  // "starting", "running", "stopping"

  /// True when the last cycle succeeded and is not older than `max_age` (and one has run).
  bool healthy(calendar::Instant now, std::chrono::seconds max_age) const;
  /// The /healthz body.
  std::string healthz_json(calendar::Instant now, std::chrono::seconds max_age,
                           calendar::UtcOffset offset) const;
  /// The /metrics body.
  std::string metrics_text(const std::string& version) const;
  /// One line for systemd STATUS=.
  std::string status_line() const;
  /// Counts of open dossiers by state (for the local page).
  std::map<std::string, std::int64_t> open_by_state() const;

 private:
  mutable std::mutex mutex_;
  std::string phase_ = "starting";
  std::optional<calendar::Instant> last_cycle_at_;
  double last_cycle_seconds_ = 0;
  bool last_cycle_ok_ = false;
  std::string last_error_;
  std::int64_t cycles_ = 0, cycle_failures_ = 0;
  std::array<std::int64_t, kCycleBuckets.size()> bucket_counts_{};
  double cycle_seconds_sum_ = 0;
  std::map<std::string, std::map<std::string, std::int64_t>> outcomes_;  // channel → outcome
  std::map<std::string, std::optional<calendar::Instant>> circuits_;     // channel → next probe
  alerting::StateCounts ledger_;
  std::map<std::string, std::int64_t> open_;
  bool reload_ok_ = true;
  std::optional<calendar::Instant> reload_at_;
  std::string reload_error_;
  std::optional<std::string> provisional_;
  std::int64_t rows_rejected_ = 0;
  std::int64_t unroutable_ = 0, routing_problems_ = 0;
  std::int64_t store_rows_read_ = 0;
};

}  // namespace dunghan::service
