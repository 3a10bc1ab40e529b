#pragma once
// One cycle of the alert pipeline (DESIGN.md): read changed and due dossiers from the store →
// clocks → rules → ledger → dispatch what is due now through the channels. The engine owns no
// thread and reads no clock of its own: `now` comes from the injected Clock.
//
// Dispatch stages, in order, for each ledger row that is due (pending or retry, next attempt
// reached):
//  1. reload the dossier and compute its clock now; cancel when the dossier is gone or closed,
//     the appointment changed (another due version), or the rule or recipient no longer applies;
//  2. skip when a later repetition of the stage has come due, or the stage's condition no longer
//     holds (stages that come due late);
//  3. dead when it has waited in the ledger longer than max_age (a stage that comes due late
//     is judged by its condition in step 2, not by its age);
//  4. postpone to the next opening when the channel's send window is closed;
//  5. group digest rows (same digest key) into one message;
//  6. render at send time, mark sending, send, record the outcome: sent; retry with bounded
//     exponential backoff and jitter (honouring the channel's "not before"), dead after
//     max_attempts; unreachable or failed → the next channel of the rule gets a new pending row.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "alerting/fire_schedule.h"
#include "alerting/ledger.h"
#include "alerting/planner.h"
#include "alerting/rules.h"
#include "calendar/clock.h"
#include "calendar/work_calendar.h"
#include "channels/channel.h"
#include "deadline/clock.h"
#include "render/templates.h"
#include "store/store.h"

namespace dunghan::alerting {

struct EngineSettings {
  deadline::DeadlineOptions deadline;
  const deadline::ProcedureCatalogue* catalogue = nullptr;
  std::vector<Rule> rules;
  Directory directory;
  int max_attempts = 8;
  std::chrono::seconds retry_initial{60};
  std::chrono::seconds retry_max{3600};
  std::chrono::hours max_age{72};
  std::size_t dispatch_limit = 1000;  // rows taken from the ledger per dispatch pass
  std::size_t batch_size = 1;         // rows claimed (and recorded) per ledger transaction
  /// How long a claimed row may stay in `sending` before any cycle puts it back to pending
  /// ([alerts] sending_lease).
  std::chrono::seconds sending_lease{300};
  /// Identifies the rules, calendar and deadline settings in force. When it differs from the one
  /// recorded in the ledger (first start, a reload with new rules), the next plan() re-plans every
  /// open dossier, not only the changed ones, so new rules reach existing dossiers.
  std::string fingerprint;
};

/// What one cycle did.
struct CycleReport {
  std::int64_t dossiers_read = 0;
  std::int64_t rows_rejected = 0;  // bad store rows (reported in problems)
  std::int64_t planned = 0;        // new ledger rows (pending or skipped)
  std::int64_t sent = 0, retried = 0, dead = 0, unreachable = 0, cancelled = 0, skipped = 0,
               postponed = 0;
  /// plan() found the store replaced, re-created or restored (event=store_replaced): it read it
  /// from an empty cursor and re-planned every open dossier.
  bool store_replaced = false;
  std::map<std::string, std::map<std::string, std::int64_t>> outcomes;  // channel → outcome → n
  std::vector<std::string> problems;  // routing problems and bad rows (deduplicated, capped)
  std::optional<calendar::Instant> next_wake;  // earliest next firing or retry
};

/// Dispatch passes in one run_cycle at most (a fallback chain is as long as a rule's channel
/// list; more rows than dispatch_limit take one pass per limit).
inline constexpr int kMaxDispatchPasses = 8;

class Engine {
 public:
  /// `channels` maps channel names to channels; all pointers must outlive the engine.
  Engine(EngineSettings settings, std::shared_ptr<const calendar::WorkCalendar> calendar,
         store::DossierReader& store, Ledger& ledger, FireSchedule& schedule,
         std::map<std::string, channels::Channel*> channels, const render::Templates& templates,
         const calendar::Clock& clock, std::uint64_t seed = std::random_device{}());

  /// Puts rows caught in `sending` by a crash back to pending. Call once at start-up, holding the
  /// state directory (no other process may be sending from the ledger).
  std::size_t recover();
  /// Puts rows in `sending` whose lease has run out back to pending (logged). run_cycle() calls it
  /// first.
  std::size_t recover_expired();
  /// Checks the store's identity (a store replaced, re-created or restored is read again from an
  /// empty cursor, every open dossier re-planned: store_watch.h), reads what changed, plans,
  /// writes new rows. Returns the counts (planned, dossiers_read, store_replaced). Throws
  /// store::StoreError when the store cannot be reached.
  CycleReport plan();
  /// Sends what is due now. `keep_going` is polled between sends (false: stop taking new work,
  /// e.g. on SIGTERM; what is left stays pending).
  CycleReport dispatch(const std::function<bool()>& keep_going = [] { return true; });
  /// plan() then dispatch(), with next_wake filled in. Rows that come due during a dispatch pass
  /// (fallbacks) or did not fit in it are dispatched again in the same cycle, up to
  /// kMaxDispatchPasses passes in all.
  CycleReport run_cycle(const std::function<bool()>& keep_going = [] { return true; });

  /// The earliest instant something is due: next firing or next retry.
  std::optional<calendar::Instant> next_wake();

 private:
  struct Loaded;
  Loaded* load(const std::string& code, std::map<std::string, std::unique_ptr<Loaded>>& cache,
               calendar::Instant now);
  const Rule* find_rule(const std::string& name) const;
  std::chrono::seconds backoff(int attempts);
  void fallback(const AlertRow& row, calendar::Instant now, RecordBatch& batch,
                CycleReport& report);
  void dispatch_batch(const std::vector<AlertRow>& due, calendar::Instant now,
                      const std::function<bool()>& keep_going,
                      std::map<std::string, std::unique_ptr<Loaded>>& cache,
                      std::set<channels::Channel*>& used, CycleReport& report);
  void record(const std::string& channel, channels::Outcome::Kind kind, CycleReport& report);

  EngineSettings settings_;
  std::shared_ptr<const calendar::WorkCalendar> cal_;
  store::DossierReader& store_;
  Ledger& ledger_;
  FireSchedule& schedule_;
  std::map<std::string, channels::Channel*> channels_;
  const render::Templates& templates_;
  const calendar::Clock& clock_;
  std::mt19937_64 rng_;
};

}  // namespace dunghan::alerting
