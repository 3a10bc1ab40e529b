#include "alerting/recorder.h"

#include <spdlog/spdlog.h>

#include "log/logging.h"

namespace dunghan::alerting {
namespace {

std::int64_t CycleReport::*counter(Tally t) {
  switch (t) {
    case Tally::sent:
      return &CycleReport::sent;
    case Tally::retried:
      return &CycleReport::retried;
    case Tally::dead:
      return &CycleReport::dead;
    case Tally::unreachable:
      return &CycleReport::unreachable;
    case Tally::cancelled:
      return &CycleReport::cancelled;
    case Tally::skipped:
      return &CycleReport::skipped;
    case Tally::postponed:
      return &CycleReport::postponed;
    case Tally::held:
      return &CycleReport::held;
    case Tally::released:
      return &CycleReport::released;
    case Tally::silenced:
      return &CycleReport::silenced;
    case Tally::none:
      break;
  }
  return nullptr;
}

void log_applied(const Candidate& c, calendar::UtcOffset offset) {
  const Verdict& v = *c.verdict;
  const AlertRow& row = c.row;
  switch (v.tally) {
    case Tally::sent:
      spdlog::info("event=alert_sent key={} code={} rule={} recipient={} channel={}", row.key,
                   log::kv_value(row.id.code), row.id.rule, row.id.recipient, row.id.channel);
      return;
    case Tally::retried:
      spdlog::warn("event=alert_retry key={} channel={} attempt={} next={} detail={}", row.key,
                   row.id.channel, row.attempts,
                   calendar::format_iso(v.next_attempt_at.value_or(Instant{}), offset),
                   log::kv_value(v.detail));
      return;
    case Tally::unreachable:
      spdlog::warn("event=alert_unreachable key={} recipient={} channel={} detail={}", row.key,
                   row.id.recipient, row.id.channel, log::kv_value(v.detail));
      return;
    case Tally::postponed:
    case Tally::held:
      spdlog::debug("event=alert_waits key={} channel={} until={} reason={}", row.key,
                    row.id.channel,
                    calendar::format_iso(v.next_attempt_at.value_or(Instant{}), offset),
                    log::kv_value(v.detail));
      return;
    default:
      spdlog::info("event=alert_{} key={} code={} rule={} recipient={} channel={} reason={}",
                   v.tally == Tally::released ? "released" : to_string(v.state), row.key,
                   log::kv_value(row.id.code), row.id.rule, row.id.recipient, row.id.channel,
                   log::kv_value(v.detail));
      return;
  }
}

}  // namespace

Recorder::Recorder(Ledger& ledger, CycleReport& report, calendar::UtcOffset offset)
    : ledger_(ledger), report_(report), offset_(offset) {}

bool Recorder::commit(Batch& batch) noexcept {
  try {
    std::vector<Candidate*> pending;
    RecordBatch rb;
    std::vector<std::size_t> fallback_of;  // index in `pending` of each new row
    for (Candidate& c : batch.candidates) {
      if (!c.decided() || c.recorded) continue;
      const Verdict& v = *c.verdict;
      rb.outcomes.push_back(RowOutcome{c.row.key, c.row.sending_until.value_or(Instant{}), v.state,
                                       v.detail, v.next_attempt_at, v.attempted});
      if (v.fallback) {
        rb.new_rows.push_back(*v.fallback);
        fallback_of.push_back(pending.size());
      }
      pending.push_back(&c);
    }
    if (pending.empty()) {
      last_error_.reset();
      return true;
    }
    const RecordResult done = ledger_.record(rb, batch.now);
    last_error_.reset();
    for (std::size_t i = 0; i < pending.size(); ++i) {
      Candidate& c = *pending[i];
      c.recorded = true;
      const Verdict& v = *c.verdict;
      if (i < done.transitions.size() && done.transitions[i] == Transition::applied) {
        if (std::int64_t CycleReport::*field = counter(v.tally)) ++(report_.*field);
        if (!v.metric.empty()) ++report_.outcomes[c.row.id.channel][v.metric];
        log_applied(c, offset_);
        if (v.operator_error) {
          spdlog::error("event=channel_operator_error channel={} detail={}", c.row.id.channel,
                        log::kv_value(v.detail));
        }
      } else {
        spdlog::warn(
            "event=alert_changed_meanwhile key={} wanted={} note=\"the ledger row was "
            "no longer this claim's; left as it is\"",
            c.row.key, to_string(v.state));
      }
    }
    for (std::size_t i = 0; i < rb.new_rows.size() && i < done.inserted.size(); ++i) {
      if (!done.inserted[i]) continue;
      const Candidate& from = *pending[fallback_of[i]];
      spdlog::info("event=alert_fallback key={} next_key={} from={} to={}", from.row.key,
                   alert_key(rb.new_rows[i].id), from.row.id.channel, rb.new_rows[i].id.channel);
    }
    return true;
  } catch (const std::exception& e) {
    last_error_ = e.what();
  } catch (...) {
    last_error_ = "unknown error";
  }
  spdlog::error(
      "event=ledger_record_failed error={} note=\"retried; the rows stay in sending "
      "until recorded or their lease runs out\"",
      log::kv_value(last_error_.value_or("")));
  return false;
}

void Recorder::flush(Batch& batch) {
  if (commit(batch) || commit(batch)) return;
  throw std::runtime_error("the ledger could not record the outcomes of a dispatch batch: " +
                           last_error_.value_or("unknown error"));
}

}  // namespace dunghan::alerting
