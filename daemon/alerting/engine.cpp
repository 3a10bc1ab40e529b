#include "alerting/engine.h"

#include <algorithm>
#include <set>
#include <sstream>

#include <spdlog/spdlog.h>

#include "alerting/message_view.h"
#include "alerting/store_watch.h"
#include "log/logging.h"
#include "render/message.h"

namespace dunghan::alerting {
namespace {

using calendar::Instant;
using channels::Outcome;

constexpr std::size_t kMaxProblems = 100;
constexpr std::size_t kPlanBatch = 5000;

std::string cursor_text(const store::ChangeCursor& c) {
  std::string s = std::to_string(c.version);
  if (c.updated_since) s += " " + std::to_string(c.updated_since->time_since_epoch().count());
  return s;
}

store::ChangeCursor parse_cursor(const std::optional<std::string>& text) {
  store::ChangeCursor c;
  if (!text) return c;
  std::istringstream in(*text);
  std::int64_t since = 0;
  in >> c.version;
  if (in >> since) c.updated_since = Instant{std::chrono::seconds{since}};
  return c;
}

void add_problem(std::vector<std::string>& problems, std::string text) {
  if (problems.size() >= kMaxProblems) return;
  if (std::find(problems.begin(), problems.end(), text) == problems.end()) {
    problems.push_back(std::move(text));
  }
}

}  // namespace

struct Engine::Loaded {
  store::StoredDossier stored;
  deadline::DossierClock clock;
};

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
      rng_(seed) {}

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

const Rule* Engine::find_rule(const std::string& name) const {
  for (const Rule& r : settings_.rules) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

CycleReport Engine::plan() {
  CycleReport report;
  const Instant now = clock_.now();
  // A store replaced, re-created or restored: the cursor belongs to the old one (store_watch.h).
  const StoreCheck store_check = check_store(store_, ledger_);
  report.store_replaced = store_check.replaced_from.has_value();
  const store::ChangeCursor cursor = report.store_replaced
                                         ? store::ChangeCursor{}
                                         : parse_cursor(ledger_.get_meta("store_cursor"));
  const std::vector<std::string> due_codes = schedule_.due(now);
  std::vector<AlertRow> rows;
  std::vector<std::pair<std::string, std::optional<Instant>>> fires;
  auto flush = [&] {
    report.planned += static_cast<std::int64_t>(ledger_.insert_all(rows));
    rows.clear();
    schedule_.set_all(fires);
    fires.clear();
  };
  auto visit = [&](const deadline::Dossier& d, std::span<const deadline::Event> events) {
    ++report.dossiers_read;
    const deadline::DossierClock c =
        deadline::compute_clock(d, events, *cal_, settings_.deadline, settings_.catalogue, now);
    if (!c.valid) {
      add_problem(report.problems, "dossier " + d.code + ": " + c.invalid_reason);
      fires.emplace_back(d.code, std::nullopt);
    } else if (!deadline::is_open(c.state)) {
      fires.emplace_back(d.code, std::nullopt);
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
  if (replan_all && !report.store_replaced) {  // (an empty cursor reads every dossier anyway)
    store::DossierFilter open;
    open.open_only = true;
    store_.for_each(open, visit);
  }
  const store::ChangedRead read = store_.read_changed(cursor, due_codes, visit);
  flush();
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
  ledger_.set_meta("store_cursor", cursor_text(read.next));
  record_store(ledger_, store_check);
  if (replan_all) ledger_.set_meta("plan_fingerprint", settings_.fingerprint);
  return report;
}

Engine::Loaded* Engine::load(const std::string& code,
                             std::map<std::string, std::unique_ptr<Loaded>>& cache, Instant now) {
  auto it = cache.find(code);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<Loaded> l;
  if (std::optional<store::StoredDossier> sd = store_.get(code)) {
    l = std::make_unique<Loaded>();
    l->stored = std::move(*sd);
    l->clock = deadline::compute_clock(l->stored.dossier, l->stored.events, *cal_,
                                       settings_.deadline, settings_.catalogue, now);
  }
  Loaded* raw = l.get();
  cache.emplace(code, std::move(l));
  return raw;
}

std::chrono::seconds Engine::backoff(int attempts) {
  double base = static_cast<double>(settings_.retry_initial.count());
  for (int i = 1; i < attempts && base < static_cast<double>(settings_.retry_max.count()); ++i) {
    base *= 2;
  }
  base = std::min(base, static_cast<double>(settings_.retry_max.count()));
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return std::chrono::seconds{static_cast<std::int64_t>(base * jitter(rng_)) + 1};
}

void Engine::record(const std::string& channel, Outcome::Kind kind, CycleReport& report) {
  ++report.outcomes[channel][std::string(channels::to_string(kind))];
}

void Engine::fallback(const AlertRow& row, Instant now, RecordBatch& batch, CycleReport& report) {
  const Rule* rule = find_rule(row.id.rule);
  if (rule == nullptr) return;
  auto it = std::find(rule->channels.begin(), rule->channels.end(), row.id.channel);
  if (it == rule->channels.end() || std::next(it) == rule->channels.end()) {
    add_problem(report.problems, "alert " + row.key + " to " + row.id.recipient +
                                     ": no channel left to fall back to");
    return;
  }
  AlertRow next = row;
  next.id.channel = *std::next(it);
  next.key = alert_key(next.id);
  next.state = AlertState::pending;
  next.attempts = 0;
  next.next_attempt_at = now;
  next.detail = "fallback from channel " + row.id.channel;
  next.created_at = now;
  next.updated_at = now;
  next.sent_at.reset();
  if (!row.digest_key.empty()) {
    next.digest_key = digest_key(rule->name, row.id.recipient, next.id.channel, row.fire_at);
  }
  batch.new_rows.push_back(std::move(next));
}

CycleReport Engine::dispatch(const std::function<bool()>& keep_going) {
  CycleReport report;
  const Instant now = clock_.now();
  std::map<std::string, std::unique_ptr<Loaded>> cache;
  std::set<channels::Channel*> used;
  std::size_t taken = 0;
  while (taken < settings_.dispatch_limit && keep_going()) {
    const std::vector<AlertRow> due =
        ledger_.claim(now, std::min(settings_.batch_size, settings_.dispatch_limit - taken),
                      settings_.sending_lease);
    if (due.empty()) break;
    taken += due.size();
    dispatch_batch(due, now, keep_going, cache, used, report);
  }
  for (channels::Channel* ch : used) ch->end_batch();
  return report;
}

void Engine::dispatch_batch(const std::vector<AlertRow>& due, Instant now,
                            const std::function<bool()>& keep_going,
                            std::map<std::string, std::unique_ptr<Loaded>>& cache,
                            std::set<channels::Channel*>& used, CycleReport& report) {
  std::map<std::string, std::vector<std::pair<AlertRow, Loaded*>>> digests;
  RecordBatch batch;
  std::set<std::string> decided;
  // What to count for each outcome once the ledger has applied it.
  std::vector<std::int64_t CycleReport::*> counters;

  auto settle = [&](const AlertRow& row, AlertState state, std::string detail, bool attempted,
                    std::int64_t CycleReport::*counter = nullptr,
                    std::optional<Instant> next = std::nullopt) {
    decided.insert(row.key);
    batch.outcomes.push_back(RowOutcome{row.key, row.sending_until.value_or(Instant{}), state,
                                        std::move(detail), next, attempted});
    counters.push_back(counter);
  };
  auto finish = [&](const AlertRow& row, AlertState state, std::string detail, bool attempted) {
    spdlog::info("event=alert_{} key={} code={} rule={} recipient={} channel={} reason={}",
                 to_string(state), row.key, log::kv_value(row.id.code), row.id.rule,
                 row.id.recipient, row.id.channel, log::kv_value(detail));
    std::int64_t CycleReport::*counter = nullptr;
    if (state == AlertState::cancelled) counter = &CycleReport::cancelled;
    if (state == AlertState::skipped) counter = &CycleReport::skipped;
    if (state == AlertState::dead) counter = &CycleReport::dead;
    settle(row, state, std::move(detail), attempted, counter);
  };
  // Rows go back to waiting without using up an attempt (closed window, shutdown).
  auto release = [&](const AlertRow& row, Instant next, std::string detail,
                     std::int64_t CycleReport::*counter) {
    settle(row, row.attempts > 1 ? AlertState::retry : AlertState::pending, std::move(detail),
           false, counter, next);
  };

  // Applies a channel's outcome to one row (several for a digest). `retry_at`: the next attempt
  // chosen for the whole digest, so that its rows come due together and go out as one message.
  auto apply = [&](const AlertRow& row, const Outcome& o,
                   std::optional<Instant> retry_at = std::nullopt) {
    switch (o.kind) {
      case Outcome::Kind::sent:
        record(row.id.channel, o.kind, report);
        settle(row, AlertState::sent, o.detail, true, &CycleReport::sent);
        spdlog::info("event=alert_sent key={} code={} rule={} recipient={} channel={}", row.key,
                     log::kv_value(row.id.code), row.id.rule, row.id.recipient, row.id.channel);
        return;
      case Outcome::Kind::retry: {
        const int attempts = row.attempts;
        if (attempts >= settings_.max_attempts) {
          ++report.outcomes[row.id.channel]["dead"];
          finish(row, AlertState::dead,
                 "gave up after " + std::to_string(attempts) + " attempts: " + o.detail, true);
          return;
        }
        record(row.id.channel, o.kind, report);
        Instant next = retry_at ? *retry_at : now + backoff(attempts);
        if (o.not_before && *o.not_before > next) next = *o.not_before;
        settle(row, AlertState::retry, o.detail, true, &CycleReport::retried, next);
        spdlog::warn("event=alert_retry key={} channel={} attempt={} next={} detail={}", row.key,
                     row.id.channel, attempts, calendar::format_iso(next, cal_->offset()),
                     log::kv_value(o.detail));
        return;
      }
      case Outcome::Kind::unreachable:
        record(row.id.channel, o.kind, report);
        settle(row, AlertState::unreachable, o.detail, true, &CycleReport::unreachable);
        spdlog::warn("event=alert_unreachable key={} recipient={} channel={} detail={}", row.key,
                     row.id.recipient, row.id.channel, log::kv_value(o.detail));
        fallback(row, now, batch, report);
        return;
      case Outcome::Kind::failed:
        record(row.id.channel, o.kind, report);
        finish(row, AlertState::dead, o.detail, true);
        if (o.operator_error) {
          spdlog::error("event=channel_operator_error channel={} detail={}", row.id.channel,
                        log::kv_value(o.detail));
        }
        fallback(row, now, batch, report);
        return;
    }
  };

  for (const AlertRow& row : due) {
    if (!keep_going()) break;
    Loaded* l = load(row.id.code, cache, now);
    if (l == nullptr) {
      finish(row, AlertState::cancelled, "the dossier is no longer in the store", false);
      continue;
    }
    const deadline::DossierClock& c = l->clock;
    const deadline::Dossier& d = l->stored.dossier;
    if (!c.valid) {
      finish(row, AlertState::cancelled, "the dossier's clock is invalid: " + c.invalid_reason,
             false);
      continue;
    }
    if (!deadline::is_open(c.state)) {
      finish(row, AlertState::cancelled,
             "the dossier is closed (" + std::string(deadline::to_string(c.state)) + ")", false);
      continue;
    }
    if (row.id.due_version != c.due_version) {
      finish(row, AlertState::cancelled,
             "the appointment changed (due version " + std::to_string(c.due_version) + ")", false);
      continue;
    }
    const Rule* rule = find_rule(row.id.rule);
    if (rule == nullptr || !matches(*rule, d, c.extended)) {
      finish(row, AlertState::cancelled, "the rule no longer applies to the dossier", false);
      continue;
    }
    const std::vector<const Recipient*> to = settings_.directory.resolve(*rule, d);
    const auto recipient = std::find_if(
        to.begin(), to.end(), [&](const Recipient* r) { return r->id == row.id.recipient; });
    if (recipient == to.end()) {
      finish(row, AlertState::cancelled, "the rule no longer addresses this recipient", false);
      continue;
    }
    if (rule->repeat) {
      if (auto later = fire_time(*rule, c, *cal_, row.id.repeat + 1); later && *later <= now) {
        finish(row, AlertState::skipped, "a later repetition came due", false);
        continue;
      }
    }
    if (!stage_holds(rule->when, c, row.fire_at, *cal_)) {
      finish(row, AlertState::skipped,
             "the stage no longer holds (state " + std::string(deadline::to_string(c.state)) + ")",
             false);
      continue;
    }
    auto ch = channels_.find(row.id.channel);
    // Age counts from when the alert could first go out: time spent waiting for a closed send
    // window (a night, a weekend, Tết) is not age — such an alert waits for the next opening, it
    // is not dropped (issue "Alerts", dispatcher).
    const bool office_window = ch != channels_.end() && ch->second != nullptr &&
                               ch->second->send_window() == channels::SendWindow::office;
    const Instant age_from =
        office_window ? cal_->roll_to_office_time(row.created_at) : row.created_at;
    if (now - age_from > settings_.max_age) {
      finish(row, AlertState::dead, "undelivered for longer than the maximum age", false);
      continue;
    }
    if (ch == channels_.end() || ch->second == nullptr) {
      finish(row, AlertState::dead, "channel " + row.id.channel + " is not configured", false);
      fallback(row, now, batch, report);
      continue;
    }
    if (ch->second->send_window() == channels::SendWindow::office) {
      const Instant open = cal_->roll_to_office_time(now);
      if (open != now) {
        release(row, open, "outside office hours; waits for the next opening",
                &CycleReport::postponed);
        continue;
      }
    }
    if (!row.digest_key.empty()) {
      digests[row.digest_key].emplace_back(row, l);
      continue;
    }
    render::AlertView view{&d,     &c, rule->name, row.stage, row.id.recipient, (*recipient)->name,
                           row.key};
    describe_people(view, settings_.directory, d, **recipient);
    const render::Rendered r = render::render_alert(templates_, *cal_, view, rule->template_prefix);
    channels::Message m{row.key, r.subject, r.text, r.html, r.short_text, r.params, r.json};
    m.params["rule"] = rule->name;
    m.params["fire_at"] = calendar::format_iso(row.fire_at, cal_->offset());
    const channels::Address a{(*recipient)->id, (*recipient)->name, (*recipient)->email,
                              (*recipient)->zalo_user_id, (*recipient)->phone};
    used.insert(ch->second);
    apply(row, ch->second->send(m, a));
  }

  for (auto& [key, group] : digests) {
    if (!keep_going()) break;
    const AlertRow& first = group.front().first;
    const Rule* rule = find_rule(first.id.rule);
    const Recipient* recipient = settings_.directory.find(first.id.recipient);
    channels::Channel* ch = channels_.at(first.id.channel);
    std::vector<render::AlertView> views;
    for (auto& [row, l] : group) {
      views.push_back(render::AlertView{&l->stored.dossier, &l->clock, rule->name, row.stage,
                                        row.id.recipient, recipient->name, row.key});
      describe_people(views.back(), settings_.directory, l->stored.dossier, *recipient);
    }
    const render::Rendered r =
        render::render_digest(templates_, *cal_, views, key, rule->template_prefix);
    channels::Message m{key, r.subject, r.text, r.html, r.short_text, r.params, r.json};
    m.params["rule"] = rule->name;
    m.params["fire_at"] = calendar::format_iso(first.fire_at, cal_->offset());
    const channels::Address a{recipient->id, recipient->name, recipient->email,
                              recipient->zalo_user_id, recipient->phone};
    used.insert(ch);
    const Outcome o = ch->send(m, a);
    std::optional<Instant> retry_at;
    if (o.kind == Outcome::Kind::retry) {
      int attempts = 0;
      for (const auto& [row, l] : group) attempts = std::max(attempts, row.attempts);
      retry_at = now + backoff(attempts);  // one jitter for the digest, not one per row
    }
    for (const auto& [row, l] : group) apply(row, o, retry_at);
  }
  // What was claimed and not decided (a stop was asked for) waits again, attempt given back.
  for (const AlertRow& row : due) {
    if (!decided.contains(row.key)) {
      release(row, now, "not sent before the daemon stopped; waits", nullptr);
    }
  }

  const RecordResult done = ledger_.record(batch, now);
  for (std::size_t i = 0; i < done.transitions.size(); ++i) {
    if (done.transitions[i] == Transition::applied) {
      if (counters[i] != nullptr) ++(report.*counters[i]);
    } else {
      spdlog::warn("event=alert_changed_meanwhile key={} wanted={}", batch.outcomes[i].key,
                   to_string(batch.outcomes[i].state));
    }
  }
  for (std::size_t i = 0; i < done.inserted.size(); ++i) {
    if (done.inserted[i]) {
      spdlog::info("event=alert_fallback next_key={} to={}", batch.new_rows[i].key,
                   batch.new_rows[i].id.channel);
    }
  }
}

namespace {

bool did_anything(const CycleReport& r) {
  return r.sent + r.retried + r.dead + r.unreachable + r.cancelled + r.skipped + r.postponed > 0;
}

/// Adds the dispatch counts of `more` to `into`.
void merge_dispatch(CycleReport& into, CycleReport&& more) {
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
  CycleReport planned = plan();
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
