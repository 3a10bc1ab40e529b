#pragma once
// One cycle of the alert pipeline (docs/design.md): read changed and due dossiers from the store →
// clocks → rules → ledger → dispatch what is due now through the channels. The engine reads no
// clock of its own (`now` comes from the injected Clock); its only threads are the send stage's
// bounded workers, which live within one batch.
//
// A cycle: recover_expired (rows whose `sending` lease ran out go back to pending) → plan →
// dispatch passes. A dispatch pass claims due rows in batches (Ledger::claim: ONE transaction
// moves up to batch_size rows to `sending`, a digest whole) and runs each batch through the
// stages (pipeline.h), each in its own file with its own result type:
//  1. revalidate (revalidate.h): reload the dossier, compute its clock now; cancel when the
//     dossier is gone, invalid or closed, the appointment changed (another due version), or the
//     rule or recipient no longer applies; skip when a later repetition has come due or the
//     stage's condition no longer holds (stages that come due late);
//  2. gate (gate.h): dead when it waited longer than max_age (time outside the send window is
//     not age); dead with a fallback when its channel is not configured; postpone to the next
//     opening when the channel's send window is closed; hold while the channel's circuit breaker
//     is open (breaker.h); then any gate added with gates().add — the silence gate
//     (silence_gate.h, set_silences): silenced until the silence ends;
//  3. latest (latest_stage.h): of several stages of one dossier due for one recipient on one
//     channel, only the
//     latest goes on; the others are skipped ("a later stage came due");
//  4. group (group.h): one message per row, one digest message per digest key;
//  5. flood (flood.h): beyond max_messages_per_recipient single messages to one recipient on one
//     channel in the agency's day, the rest go out as one digest;
//  6. render (render_stage.h): the message at send time from today's clock;
//  7. send (send.h): a bounded pool of workers per channel, the circuit breaker asked before
//     each send; the answer becomes the rows' verdicts (settle.h): sent; retry with bounded
//     exponential backoff and jitter (honouring the channel's "not before"); dead at
//     max_attempts; unreachable or failed → a fallback row for the rule's next channel;
//  8. record (recorder.h): verdicts go to the ledger in group commits (Ledger::record, ONE
//     transaction each) while the next messages are in flight.
// Waiting (closed window, open breaker, a stop) never uses up an attempt. Every row a batch
// claims ends the batch recorded in a final or waiting state — also when a step throws (a throw
// while rendering or sending is that message's failed attempt; a store that cannot be read gives
// the rows back); only when the ledger itself cannot be written do rows stay in `sending`, until
// their lease runs out.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "alerting/breaker.h"
#include "alerting/coordination.h"
#include "alerting/cycle_report.h"
#include "alerting/fire_schedule.h"
#include "alerting/gate.h"
#include "alerting/ledger.h"
#include "alerting/pipeline.h"
#include "alerting/planner.h"
#include "alerting/revalidate.h"
#include "alerting/rules.h"
#include "alerting/send.h"
#include "alerting/settle.h"
#include "alerting/silences.h"
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
  /// Rows claimed per ledger transaction ([alerts] batch_size); 1 is the per-row mode: one row
  /// claimed, sent and recorded at a time.
  std::size_t batch_size = 64;
  /// How long a claimed row may stay in `sending` before any cycle puts it back to pending
  /// ([alerts] sending_lease).
  std::chrono::seconds sending_lease{300};
  /// Single messages to one recipient on one channel per local day before the rest of the day's
  /// go out as one digest ([alerts] max_messages_per_recipient; 0: no limit).
  std::size_t max_messages_per_recipient = 10;
  /// Identifies the rules, calendar and deadline settings in force. When it differs from the one
  /// recorded in the ledger (first start, a reload with new rules), the next plan() re-plans every
  /// open dossier, not only the changed ones, so new rules reach existing dossiers.
  std::string fingerprint;
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
  /// Several instances on one shared state (coordination.h): run_cycle() then plans only while
  /// this instance holds the planning lock, and dispatches in any case. Null (the default, a
  /// state of its own): it plans every cycle. `c` must outlive the engine.
  void set_coordination(Coordination* c) { coordination_ = c; }
  /// Checks the store's identity (a store replaced, re-created or restored is read again from an
  /// empty cursor, every open dossier re-planned: store_watch.h), reads what changed, plans,
  /// writes new rows. Returns the counts (planned, dossiers_read, store_replaced). Throws
  /// store::StoreError when the store cannot be reached.
  CycleReport plan();
  /// Sends what is due now: at most dispatch_limit rows, claimed batch_size at a time. `keep_going`
  /// is polled before each batch and each send, also from the send workers (false: stop taking
  /// new work, e.g. on SIGTERM; what was claimed and not sent waits again, no attempt used).
  /// Throws when a batch could not be finished (the store could not be read, the ledger could
  /// not be written), after recording what it could.
  CycleReport dispatch(const std::function<bool()>& keep_going = [] { return true; });
  /// plan() (when this instance plans: set_coordination) then dispatch(), with next_wake filled
  /// in. Rows that come due during a dispatch pass
  /// (fallbacks) or did not fit in it are dispatched again in the same cycle, up to
  /// kMaxDispatchPasses passes in all.
  CycleReport run_cycle(const std::function<bool()>& keep_going = [] { return true; });

  /// The earliest instant something is due: next firing or next retry.
  std::optional<calendar::Instant> next_wake();

  /// Applies `silences` (must outlive the engine): adds the silence gate (silence_gate.h) and
  /// makes plan() end the silences of dossiers it reads closed (a silence never outlives the
  /// dossier's resolution). Call once, before the first cycle.
  void set_silences(SilenceStore* silences);

  /// The dispatch stages, in order (names: revalidate, gate, latest, group, flood, render, send);
  /// a stage added
  /// later goes in with Pipeline::insert_before (e.g. before "group").
  Pipeline& pipeline() { return pipeline_; }
  /// The gate stage: add() appends a gate asked after the built-in ones (a silence).
  GateStage& gates() { return *gate_stage_; }
  /// The circuit breaker of channel `name`, or nullptr for an unknown channel.
  const CircuitBreaker* breaker(const std::string& name) const;

 private:
  CircuitBreaker* breaker_of(const std::string& name);
  /// Runs one claimed batch through the stages and records it; throws after recording when the
  /// batch met an error that should fail the cycle (the store could not be read).
  void dispatch_batch(std::vector<AlertRow> rows, calendar::Instant now,
                      const std::function<bool()>& keep_going, CycleReport& report);

  EngineSettings settings_;
  std::shared_ptr<const calendar::WorkCalendar> cal_;
  store::DossierReader& store_;
  Ledger& ledger_;
  FireSchedule& schedule_;
  Coordination* coordination_ = nullptr;
  calendar::Instant next_recover_{};  // shared state: when a dispatch pass recovers leases again
  std::map<std::string, channels::Channel*> channels_;
  const render::Templates& templates_;
  const calendar::Clock& clock_;
  std::mt19937_64 rng_;
  RevalidateContext revalidate_ctx_;
  Settler settler_;
  std::map<std::string, std::unique_ptr<CircuitBreaker>> breakers_;  // one per channel
  Pipeline pipeline_;
  GateStage* gate_stage_ = nullptr;  // owned by pipeline_
  SendStage* send_stage_ = nullptr;  // owned by pipeline_
  SilenceStore* silences_ = nullptr;
  /// Lateness anomalies (docs/rules.md §2) already logged by this process: "code\x1fkind\x1fat".
  std::set<std::string> lateness_logged_;
};

}  // namespace dunghan::alerting
