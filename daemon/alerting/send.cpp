#include "alerting/send.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "log/logging.h"

namespace dunghan::alerting {
namespace {

using channels::Outcome;

/// One channel's envelopes of the batch and its senders' shared state.
struct Queue {
  channels::Channel* channel;
  CircuitBreaker* breaker;
  std::vector<Envelope*>* envelopes;
  std::atomic<std::size_t> next{0};
  std::size_t window = 1;      // unrecorded_window(channel)
  std::size_t unrecorded = 0;  // answered and not yet passed to `progress` (guarded by mu)
};
/// What a worker hands back for one envelope.
struct Done {
  Envelope* envelope = nullptr;
  enum class Kind { answered, held, stopped } kind = Kind::answered;
  Outcome outcome;
  std::optional<Instant> held_until;
  CircuitBreaker::Change change = CircuitBreaker::Change::none;
  Queue* queue = nullptr;  // the sender's queue when a send was made (its window to release)
};

std::string iso(std::optional<Instant> t) {
  return t ? calendar::format_iso(*t, calendar::UtcOffset{}) : std::string("-");
}

bool has_undecided(const Envelope& e) {
  return std::any_of(e.rows.begin(), e.rows.end(),
                     [](const Candidate* c) { return !c->decided(); });
}

}  // namespace

std::size_t unrecorded_window(const channels::Channel& channel) {
  const std::size_t n = channel.max_concurrent_sends();
  return n <= 1 ? 1 : kUnrecordedPerConnection * n;
}

namespace {

Outcome send_guarded(channels::Channel& ch, const Envelope& e) {
  try {
    return ch.send(e.message, e.to);
  } catch (const std::exception& ex) {
    return Outcome::retry_later("the channel failed: " + std::string(ex.what()));
  } catch (...) {
    return Outcome::retry_later("the channel failed with an unknown exception");
  }
}

}  // namespace

SendStage::SendStage(Settler& settler, std::function<CircuitBreaker*(const std::string&)> breakers)
    : settler_(settler), breakers_(std::move(breakers)) {}

std::set<channels::Channel*> SendStage::take_used() {
  std::set<channels::Channel*> out;
  out.swap(used_);
  return out;
}

void SendStage::run(Batch& batch, const Progress& progress) {
  std::map<channels::Channel*, std::vector<Envelope*>> by_channel;
  std::size_t outstanding = 0;
  for (Envelope& e : batch.envelopes) {
    if (!e.rendered || e.channel == nullptr || !has_undecided(e)) continue;
    by_channel[e.channel].push_back(&e);
    ++outstanding;
  }
  if (outstanding == 0) return;

  std::mutex mu;
  std::condition_variable ready;
  std::deque<Done> done;
  const Instant now = batch.now;
  auto push = [&](Done d) {
    {
      std::lock_guard lock(mu);
      done.push_back(std::move(d));
    }
    ready.notify_one();
  };

  std::condition_variable recorded;
  std::vector<std::unique_ptr<Queue>> queues;
  for (auto& [ch, list] : by_channel) {
    used_.insert(ch);
    auto q = std::make_unique<Queue>();
    q->channel = ch;
    q->breaker = breakers_(ch->name());
    q->envelopes = &list;
    q->window = unrecorded_window(*ch);
    queues.push_back(std::move(q));
  }

  auto worker = [&](Queue& q) {
    for (;;) {
      const std::size_t i = q.next.fetch_add(1);
      if (i >= q.envelopes->size()) return;
      Envelope* e = (*q.envelopes)[i];
      Done d;
      d.envelope = e;
      if (!batch.keep_going()) {
        d.kind = Done::Kind::stopped;
        push(std::move(d));
        continue;
      }
      const CircuitBreaker::Permit permit =
          q.breaker != nullptr ? q.breaker->acquire(now) : CircuitBreaker::Permit::send;
      if (permit == CircuitBreaker::Permit::hold) {
        d.kind = Done::Kind::held;
        d.held_until = q.breaker->next_probe().value_or(now);
        push(std::move(d));
        continue;
      }
      {
        // Keep at most `window` answers of this channel ahead of the ledger: what a crash could
        // make us send again.
        std::unique_lock lock(mu);
        recorded.wait(lock, [&q] { return q.unrecorded < q.window; });
        ++q.unrecorded;
      }
      d.outcome = send_guarded(*q.channel, *e);
      if (q.breaker != nullptr) d.change = q.breaker->report(permit, d.outcome.channel_down, now);
      d.queue = &q;
      push(std::move(d));
    }
  };

  {
    std::vector<std::jthread> threads;
    for (auto& q : queues) {
      const std::size_t n =
          std::clamp<std::size_t>(q->channel->max_concurrent_sends(), 1, kMaxSendersPerChannel);
      for (std::size_t k = 0; k < std::min(n, q->envelopes->size()); ++k) {
        threads.emplace_back([&worker, &q = *q] { worker(q); });
      }
    }
    while (outstanding > 0) {
      std::deque<Done> got;
      {
        std::unique_lock lock(mu);
        ready.wait(lock, [&] { return !done.empty(); });
        got.swap(done);
      }
      for (Done& d : got) {
        --outstanding;
        Envelope& e = *d.envelope;
        const std::string& channel = e.channel->name();
        switch (d.kind) {
          case Done::Kind::stopped:
            for (Candidate* c : e.rows) {
              if (!c->decided()) {
                c->verdict = Settler::wait(c->row, now, "not sent before the daemon stopped; waits",
                                           Tally::released);
              }
            }
            break;
          case Done::Kind::held:
            for (Candidate* c : e.rows) {
              if (!c->decided()) {
                c->verdict = Settler::wait(
                    c->row, *d.held_until,
                    "channel " + channel + " is down; waits for it without using an attempt",
                    Tally::held);
              }
            }
            break;
          case Done::Kind::answered:
            settler_.settle(e, d.outcome, now, batch.problems);
            break;
        }
        const CircuitBreaker* b = breakers_(channel);
        switch (d.change) {
          case CircuitBreaker::Change::opened:
            spdlog::warn("event=channel_down channel={} next_probe={} detail={}", channel,
                         iso(b->next_probe()), log::kv_value(d.outcome.detail));
            break;
          case CircuitBreaker::Change::still_open:
            spdlog::warn(
                "event=channel_probe_failed channel={} failed_probes={} next_probe={} "
                "detail={}",
                channel, b->failed_probes(), iso(b->next_probe()), log::kv_value(d.outcome.detail));
            break;
          case CircuitBreaker::Change::closed:
            spdlog::info("event=channel_up channel={}", channel);
            break;
          case CircuitBreaker::Change::none:
            break;
        }
      }
      if (progress) progress();
      {
        std::lock_guard lock(mu);
        for (const Done& d : got) {
          if (d.queue != nullptr) --d.queue->unrecorded;
        }
      }
      recorded.notify_all();
    }
  }
}

}  // namespace dunghan::alerting
