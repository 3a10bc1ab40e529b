#include "alerting/engine.h"

#include <algorithm>
#include <sstream>

#include <spdlog/spdlog.h>

#include "alerting/flood.h"
#include "alerting/group.h"
#include "alerting/latest_stage.h"
#include "alerting/recorder.h"
#include "alerting/render_stage.h"
#include "alerting/silence_gate.h"
#include "alerting/store_watch.h"
#include "log/logging.h"

namespace dunghan::alerting {
namespace {

using calendar::Instant;

constexpr std::size_t kMaxProblems = 100;
constexpr std::size_t kPlanBatch = 5000;

void add_problem(std::vector<std::string>& problems, std::string text) {
  if (problems.size() >= kMaxProblems) return;
  if (std::find(problems.begin(), problems.end(), text) == problems.end()) {
    problems.push_back(std::move(text));
  }
}

/// Logs each lateness anomaly (docs/rules.md §2 "Lateness is not cured afterwards") of a dossier
/// the cycle read, once per process: a late step is a fact about the dossier, not a state to repeat
/// each cycle. `logged` remembers what was logged (bounded: forgotten past 100 000 entries).
void log_lateness(std::set<std::string>& logged, const deadline::Dossier& d,
                  const deadline::DossierClock& c, calendar::UtcOffset offset) {
  for (const deadline::Anomaly& a : c.anomalies) {
    if (!deadline::is_lateness(a.kind)) continue;
    const std::string at = a.at ? calendar::format_iso(*a.at, offset) : std::string("-");
    std::string key = d.code + '\x1f' + std::string(deadline::to_string(a.kind)) + '\x1f' + at;
    if (logged.size() >= 100000) logged.clear();
    if (!logged.insert(std::move(key)).second) continue;
    const bool warning = deadline::is_lateness_warning(a.kind);
    spdlog::log(warning ? spdlog::level::info : spdlog::level::warn,
                "event=dossier_lateness code={} kind={} severity={} at={} detail={}",
                log::kv_value(d.code), deadline::to_string(a.kind), warning ? "warning" : "anomaly",
                at, log::kv_value(a.message));
  }
}

}  // namespace

Engine::Engine(EngineSettings settings, std::shared_ptr<const calendar::WorkCalendar> calendar,
               store::DossierReader& store, Ledger& ledger, FireSchedule& schedule,
               std::map<std::string, channels::Channel*> channels,
               const render::Templates& templates, const calendar::Clock& clock, std::uint64_t seed)
    : settings_(std::move(settings)),
      cal_(std::move(calendar)),
      store_(store),
      ledger_(ledger),
      schedule_(schedule),
      channels_(std::move(channels)),
      templates_(templates),
      clock_(clock),
      rng_(seed),
      settler_(RetryPolicy{settings_.max_attempts, settings_.retry_initial, settings_.retry_max},
               rng_) {
  revalidate_ctx_.calendar = cal_.get();
  revalidate_ctx_.deadline = settings_.deadline;
  revalidate_ctx_.catalogue = settings_.catalogue;
  revalidate_ctx_.rules = settings_.rules;
  revalidate_ctx_.directory = &settings_.directory;
  for (const auto& [name, ch] : channels_) {
    breakers_[name] = std::make_unique<CircuitBreaker>(
        CircuitBreaker::Policy{settings_.retry_initial, settings_.retry_max});
  }
  auto breakers = [this](const std::string& name) { return breaker_of(name); };
  pipeline_.add(std::make_unique<RevalidateStage>(store_, revalidate_ctx_, channels_));
  auto gates = std::make_unique<GateStage>();
  gates->add(std::make_unique<AgeGate>(settings_.max_age, *cal_));
  gates->add(std::make_unique<ConfiguredChannelGate>());
  gates->add(std::make_unique<SendWindowGate>(*cal_));
  gates->add(std::make_unique<CircuitGate>(breakers));
  gate_stage_ = gates.get();
  pipeline_.add(std::move(gates));
  pipeline_.add(std::make_unique<LatestStageOnly>(ledger_));
  pipeline_.add(std::make_unique<GroupStage>());
  pipeline_.add(std::make_unique<FloodGuardStage>(settings_.max_messages_per_recipient, ledger_,
                                                  cal_->offset()));
  pipeline_.add(std::make_unique<RenderStage>(templates_, *cal_, settings_.directory, settler_));
  auto send = std::make_unique<SendStage>(settler_, breakers);
  send_stage_ = send.get();
  pipeline_.add(std::move(send));
}

void Engine::set_silences(SilenceStore* silences) {
  silences_ = silences;
  if (silences != nullptr) gates().add(std::make_unique<SilenceGate>(*silences, cal_->offset()));
}

CircuitBreaker* Engine::breaker_of(const std::string& name) {
  auto it = breakers_.find(name);
  return it == breakers_.end() ? nullptr : it->second.get();
}

const CircuitBreaker* Engine::breaker(const std::string& name) const {
  auto it = breakers_.find(name);
  return it == breakers_.end() ? nullptr : it->second.get();
}

std::size_t Engine::recover() {
  const std::size_t n = ledger_.recover(clock_.now());
  if (n > 0) spdlog::warn("event=ledger_recovered rows={} reason=sending_at_crash", n);
  return n;
}

std::size_t Engine::recover_expired() {
  const std::size_t n = ledger_.recover_expired(clock_.now());
  if (n > 0) {
    spdlog::warn(
        "event=ledger_lease_expired rows={} lease_seconds={} note=\"resent with the same "
        "key\"",
        n, settings_.sending_lease.count());
  }
  return n;
}

CycleReport Engine::plan() {
  CycleReport report;
  const Instant now = clock_.now();
  // A store replaced, re-created or restored: the cursor belongs to the old one (store_watch.h).
  // (Behind a CachedReader, a database that cannot be reached keeps the identity it had.)
  const StoreCheck store_check = check_store(store_, ledger_);
  report.store_replaced = store_check.replaced_from.has_value();
  const store::ChangeCursor cursor =
      report.store_replaced ? store::ChangeCursor{}
                            : store::parse_cursor(ledger_.get_meta("store_cursor").value_or(""));
  const std::vector<std::string> due_codes = schedule_.due(now);
  std::vector<AlertRow> rows;
  std::vector<std::pair<std::string, std::optional<Instant>>> fires;
  std::vector<std::string> closed;  // dossiers read closed: their silences end
  auto flush = [&] {
    report.planned += static_cast<std::int64_t>(ledger_.insert_all(rows));
    rows.clear();
    if (silences_ != nullptr && !closed.empty()) {
      if (const std::size_t n = silences_->end_for_dossiers(closed, now); n > 0) {
        spdlog::info("event=silences_ended reason=dossier_resolved silences={}", n);
      }
    }
    closed.clear();
    schedule_.set_all(fires);
    fires.clear();
  };
  auto visit = [&](const deadline::Dossier& d, std::span<const deadline::Event> events) {
    ++report.dossiers_read;
    const deadline::DossierClock c =
        deadline::compute_clock(d, events, *cal_, settings_.deadline, settings_.catalogue, now);
    if (c.has_lateness()) log_lateness(lateness_logged_, d, c, cal_->offset());
    if (!c.valid) {
      add_problem(report.problems, "dossier " + d.code + ": " + c.invalid_reason);
      fires.emplace_back(d.code, std::nullopt);
    } else if (!deadline::is_open(c.state)) {
      fires.emplace_back(d.code, std::nullopt);
      closed.push_back(d.code);
    } else {
      DossierPlan p = plan_dossier(d, c, settings_.rules, settings_.directory, *cal_, now);
      for (AlertRow& r : p.rows) rows.push_back(std::move(r));
      for (std::string& pr : p.problems) add_problem(report.problems, std::move(pr));
      fires.emplace_back(d.code, p.next_fire);
    }
    if (rows.size() >= kPlanBatch) flush();
  };
  const bool replan_all =
      report.store_replaced || ledger_.get_meta("plan_fingerprint") != settings_.fingerprint;
  // From an empty cursor read_changed visits every dossier anyway: a separate walk over the open
  // ones would read the whole store twice in the first cycle (or after a replaced store).
  if (replan_all && cursor != store::ChangeCursor{}) {
    store::DossierFilter open;
    open.open_only = true;
    const store::ReadSummary all = store_.for_each(open, visit);
    report.store_rows_read += all.rows_fetched;
    if (all.unavailable) report.store_unavailable = all.unavailable;
  }
  const store::ChangedRead read = store_.read_changed(cursor, due_codes, visit);
  flush();
  report.store_rows_read += read.summary.rows_fetched;
  if (read.summary.unavailable) report.store_unavailable = read.summary.unavailable;
  report.rows_rejected = read.summary.rejected;
  for (const store::RowProblem& p : read.summary.problems) {
    add_problem(report.problems, "store row " + std::to_string(p.row) +
                                     (p.code.empty() ? "" : " (dossier " + p.code + ")") +
                                     (p.column.empty() ? "" : ", column " + p.column) + ": " +
                                     p.reason);
  }
  if (const auto& f = read.summary.first_not_utf8) {
    add_problem(report.problems,
                std::to_string(read.summary.not_utf8) +
                    " dossier row(s) hold text that is not UTF-8 (first: store row " +
                    std::to_string(f->row) + (f->code.empty() ? "" : ", dossier " + f->code) +
                    ", column " + f->column +
                    "): the database seems to use a legacy encoding (TCVN3, Windows-1258); their "
                    "alerts go out, but these texts will not display");
  }
  if (read.restarted) {
    report.store_replaced = true;
    spdlog::warn(
        "event=store_replaced reason=cursor_ahead note=\"the store holds older changes "
        "than the ones read before (restored from a backup?): read it all again\"");
  }
  ledger_.set_meta("store_cursor", store::to_text(read.next));
  // Re-planned from the last copies only: check and re-plan again from the database when it is
  // back.
  if (!report.store_unavailable) {
    record_store(ledger_, store_check);
    if (replan_all) ledger_.set_meta("plan_fingerprint", settings_.fingerprint);
  }
  return report;
}

CycleReport Engine::dispatch(const std::function<bool()>& keep_going) {
  CycleReport report;
  // Close the connections the pass reused, however it ends.
  struct EndBatches {
    SendStage& send;
    ~EndBatches() {
      for (channels::Channel* ch : send.take_used()) ch->end_batch();
    }
  } end_batches{*send_stage_};
  std::size_t taken = 0;
  while (taken < settings_.dispatch_limit && keep_going()) {
    // Each claim's lease runs from the clock now, not from the start of the pass: a lease taken
    // late in a long pass must not have run out already (another instance would take the row
    // back while it is being sent).
    const Instant now = clock_.now();
    // With a shared state the rows of an instance that died come back when their lease runs out;
    // a pass that keeps finding work must not wait for the next cycle to take them back.
    if (coordination_ != nullptr && now >= next_recover_) {
      recover_expired();
      next_recover_ = now + std::chrono::seconds{1};
    }
    std::vector<AlertRow> rows = ledger_.claim(
        now,
        std::min(std::max<std::size_t>(settings_.batch_size, 1), settings_.dispatch_limit - taken),
        settings_.sending_lease);
    if (rows.empty()) break;
    taken += rows.size();
    dispatch_batch(std::move(rows), now, keep_going, report);
  }
  for (const auto& [name, b] : breakers_) report.circuits[name] = b->next_probe();
  return report;
}

void Engine::dispatch_batch(std::vector<AlertRow> rows, Instant now,
                            const std::function<bool()>& keep_going, CycleReport& report) {
  Batch batch;
  batch.now = now;
  batch.keep_going = keep_going;
  batch.candidates.reserve(rows.size());
  for (AlertRow& r : rows) {
    Candidate c;
    c.row = std::move(r);
    batch.candidates.push_back(std::move(c));
  }
  Recorder recorder(ledger_, report, cal_->offset());
  try {
    pipeline_.run(batch, [&] { recorder.commit(batch); });
  } catch (const std::exception& e) {
    if (!batch.error) batch.error = e.what();
    spdlog::error(
        "event=dispatch_batch_failed error={} note=\"what was decided is recorded; the "
        "rest waits again\"",
        log::kv_value(e.what()));
  }
  // Every claimed row leaves the batch decided: what no stage decided (a stage threw) waits again
  // without using an attempt.
  for (Candidate* c : batch.open()) {
    c->verdict = Settler::wait(
        c->row, now,
        "the dispatch stopped before sending it: " + batch.error.value_or("no stage decided"),
        Tally::released);
  }
  recorder.flush(batch);
  for (std::string& p : batch.problems) add_problem(report.problems, std::move(p));
  if (batch.error) throw std::runtime_error("dispatch stopped: " + *batch.error);
}

namespace {

bool did_anything(const CycleReport& r) {
  return r.sent + r.retried + r.dead + r.unreachable + r.cancelled + r.skipped + r.postponed > 0;
}

/// Adds the dispatch counts of `more` to `into`.
void merge_dispatch(CycleReport& into, CycleReport&& more) {
  into.held += more.held;
  into.released += more.released;
  into.silenced += more.silenced;
  into.circuits = std::move(more.circuits);
  into.sent += more.sent;
  into.retried += more.retried;
  into.dead += more.dead;
  into.unreachable += more.unreachable;
  into.cancelled += more.cancelled;
  into.skipped += more.skipped;
  into.postponed += more.postponed;
  for (const auto& [channel, by_outcome] : more.outcomes) {
    for (const auto& [outcome, n] : by_outcome) into.outcomes[channel][outcome] += n;
  }
  for (std::string& p : more.problems) add_problem(into.problems, std::move(p));
}

}  // namespace

CycleReport Engine::run_cycle(const std::function<bool()>& keep_going) {
  recover_expired();
  // Of several instances on one state, one walks the store at a time; the others only dispatch.
  CycleReport planned =
      coordination_ == nullptr || coordination_->try_lead() ? plan() : CycleReport{};
  CycleReport sent = dispatch(keep_going);
  // Rows that became due during the pass (a fallback to the rule's next channel) or that did not
  // fit in it (dispatch_limit) go out in this cycle, not the next one: `run --once` has no next
  // one. Bounded, and stops as soon as a pass changes nothing.
  for (int pass = 1; pass < kMaxDispatchPasses && keep_going(); ++pass) {
    const std::optional<Instant> next = ledger_.next_attempt();
    if (!next || *next > clock_.now()) break;
    CycleReport more = dispatch(keep_going);
    const bool progressed = did_anything(more);
    merge_dispatch(sent, std::move(more));
    if (!progressed) break;
  }
  sent.dossiers_read = planned.dossiers_read;
  sent.store_replaced = planned.store_replaced;
  sent.store_rows_read = planned.store_rows_read;
  sent.store_unavailable = std::move(planned.store_unavailable);
  sent.rows_rejected = planned.rows_rejected;
  sent.planned = planned.planned;
  for (std::string& p : planned.problems) add_problem(sent.problems, std::move(p));
  sent.next_wake = next_wake();
  return sent;
}

std::optional<Instant> Engine::next_wake() {
  std::optional<Instant> a = ledger_.next_attempt();
  std::optional<Instant> b = schedule_.earliest();
  if (a && b) return std::min(*a, *b);
  return a ? a : b;
}

}  // namespace dunghan::alerting
