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

/// What a failed cycle (or a failed start-up) could not reach.
enum class Fault {
  store,     // the dossier store: missing, unreadable, locked, corrupt
  state_db,  // the state database (ledger, fire schedule): full disk, I/O error, corrupt
  other,     // anything else (a bug, a template that throws, …)
};

/// This instance of dunghan: with a shared state (several instances on one PostgreSQL), which one
/// it is, whether it walks the store, and the rows it holds; with a state of its own (SQLite), the
/// same with planner always true.
struct InstanceStatus {
  std::string id;                 // [service] instance_id
  bool planner = false;           // holds the planning lock (walks the store)
  std::int64_t leased_rows = -1;  // ledger rows it holds in `sending` (-1: unknown)
  std::string state;              // where the state lives: "sqlite FILE" | describe(server)
};

class Health {
 public:
  /// After each cycle (also a failed one): this instance's status.
  void instance(InstanceStatus status);
  /// After each cycle: its start, duration and report; the ledger's counts. The state database
  /// was written. A report with store_unavailable (a mapped database read from the last copies)
  /// makes the daemon unhealthy (store_reachable false, 503) with that reason; otherwise the store
  /// was read.
  void cycle_done(calendar::Instant started, std::chrono::duration<double> took,
                  const alerting::CycleReport& report, const alerting::StateCounts& ledger);
  /// A cycle failed, or the runtime could not be built (start-up on a full disk, a store that is
  /// not there): `fault` says which part, `error` is shown as is (never a secret).
  void cycle_failed(calendar::Instant at, Fault fault, const std::string& error);
  /// Free bytes on the state directory's file system (nullopt: unknown).
  void state_dir_free(std::optional<std::uint64_t> bytes);
  /// Counts of open dossiers by clock state (from a periodic scan).
  void open_dossiers(const std::map<std::string, std::int64_t>& by_state);
  /// A reload (or the start) at `at`: ok, or refused with `error`. The success time (metric
  /// dunghan_config_last_reload_success_timestamp_seconds) moves only when `ok`.
  void reload_result(bool ok, calendar::Instant at, const std::string& error);
  void provisional_warning(std::optional<std::string> warning);
  /// From the last walk of the open dossiers: how many have a stage that some intended recipient
  /// cannot be found for, and how many distinct routing problems there are.
  void routing(std::int64_t unroutable_dossiers, std::int64_t problems);
  /// "starting", "running", "stopping", entered at `at`.
  void set_phase(const std::string& phase, calendar::Instant at);

  /// True when the daemon runs and either its last cycle succeeded and is not older than
  /// `max_age`, or its first cycle is still running and started less than `max_age` ago (a long
  /// first read of a large store: nothing is wrong, alerts are going out).
  bool healthy(calendar::Instant now, std::chrono::seconds max_age) const;
  /// True while the daemon runs but its first cycle has neither ended nor failed: /healthz says
  /// "starting" (HTTP 200 while healthy()) rather than blaming the store.
  bool starting() const;
  /// The /healthz body: {"status": "ok" | "starting" | "unhealthy", "phase", "last_cycle",
  /// "last_cycle_seconds", "store_reachable" (true, false, or null before the first cycle),
  /// "state_db": {"writable", "free_bytes"}, "last_error" (when the last cycle failed), "ledger",
  /// "open_dossiers", "last_reload": {"successful", "at", "last_success_at", "error"},
  /// "provisional_calendar_warning"}. Times are ISO 8601 at `offset`.
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
  calendar::Instant phase_since_{};
  std::optional<calendar::Instant> last_cycle_at_;
  double last_cycle_seconds_ = 0;
  bool last_cycle_ok_ = false;
  bool any_cycle_ended_ = false;  // succeeded or failed
  std::optional<bool> store_reachable_, state_db_writable_;
  std::optional<std::uint64_t> state_dir_free_;
  std::int64_t store_replaced_ = 0;
  std::string last_error_;
  std::int64_t cycles_ = 0, cycle_failures_ = 0;
  std::array<std::int64_t, kCycleBuckets.size()> bucket_counts_{};
  double cycle_seconds_sum_ = 0;
  std::map<std::string, std::map<std::string, std::int64_t>> outcomes_;  // channel → outcome
  std::map<std::string, std::optional<calendar::Instant>> circuits_;     // channel → next probe
  alerting::StateCounts ledger_;
  std::map<std::string, std::int64_t> open_;
  bool reload_ok_ = true;
  std::optional<calendar::Instant> reload_at_, reload_success_at_;
  std::string reload_error_;
  std::optional<std::string> provisional_;
  std::int64_t rows_rejected_ = 0;
  std::int64_t unroutable_ = 0, routing_problems_ = 0;
  InstanceStatus instance_;
  std::int64_t store_rows_read_ = 0;
};

}  // namespace dunghan::service
