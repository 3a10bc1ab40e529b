#pragma once
// An in-memory Ledger for unit tests: the whole contract of alerting/ledger.h (it passes the same
// contract suite as the SQLite ledger, tests/alerting_ledger/ledger_contract_test.cpp), without a
// file, plus a hook to make any call fail the way a busy or full database would.

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "alerting/ledger.h"

namespace dunghan::testing {

class MemoryLedger final : public alerting::Ledger {
 public:
  using AlertRow = alerting::AlertRow;
  using AlertState = alerting::AlertState;
  using Instant = alerting::Instant;

  /// Called with the member's name ("insert", "claim", "record", …) before every call that writes,
  /// inside the "transaction": whatever it throws leaves the ledger unchanged, as a rolled-back
  /// transaction would (e.g. throw std::runtime_error("database is locked")).
  std::function<void(std::string_view)> before_write;

  bool insert(const AlertRow& row) override {
    std::lock_guard lock(mu_);
    write("insert");
    const std::string key = alerting::alert_key(row.id);
    alerting::check_insert(row, key);
    return insert_one(row, key);
  }

  std::size_t insert_all(const std::vector<AlertRow>& rows) override {
    std::lock_guard lock(mu_);
    write("insert_all");
    for (const AlertRow& r : rows) alerting::check_insert(r, alerting::alert_key(r.id));
    std::size_t n = 0;
    for (const AlertRow& r : rows) n += insert_one(r, alerting::alert_key(r.id)) ? 1 : 0;
    return n;
  }

  std::size_t restore(const std::vector<AlertRow>& rows) override {
    std::lock_guard lock(mu_);
    write("restore");
    std::size_t n = 0;
    for (const AlertRow& row : rows) {
      const std::string key = alerting::alert_key(row.id);
      if (!row.key.empty() && row.key != key) {
        throw std::invalid_argument("ledger: restore: key " + row.key + " does not match its id");
      }
      if (rows_.contains(key)) continue;
      AlertRow r = row;
      r.key = key;
      if (r.state == AlertState::sending) r.state = AlertState::pending;
      r.sending_until.reset();
      rows_.emplace(key, std::move(r));
      ++n;
    }
    return n;
  }

  std::vector<AlertRow> due(Instant now, std::size_t limit) override {
    std::lock_guard lock(mu_);
    std::vector<AlertRow> out = waiting(now);
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  std::optional<Instant> next_attempt() override {
    std::lock_guard lock(mu_);
    std::optional<Instant> best;
    for (const auto& [key, r] : rows_) {
      if (is_waiting(r) && (!best || r.next_attempt_at < *best)) best = r.next_attempt_at;
    }
    return best;
  }

  std::vector<AlertRow> claim(Instant now, std::size_t limit, std::chrono::seconds lease) override {
    if (lease <= std::chrono::seconds::zero()) {
      throw std::invalid_argument("ledger: claim: the lease must be positive");
    }
    if (limit == 0) return {};
    std::lock_guard lock(mu_);
    write("claim");
    const std::vector<AlertRow> all = waiting(now);
    std::set<std::string> digests;
    std::set<std::string> keys;
    for (std::size_t i = 0; i < all.size() && i < limit; ++i) {
      keys.insert(all[i].key);
      if (!all[i].digest_key.empty()) digests.insert(all[i].digest_key);
    }
    std::vector<AlertRow> out;
    for (const AlertRow& r : all) {
      if (!keys.contains(r.key) && !digests.contains(r.digest_key)) continue;
      AlertRow& stored = rows_.at(r.key);
      stored.state = AlertState::sending;
      ++stored.attempts;
      stored.updated_at = now;
      stored.sending_until = now + lease;
      out.push_back(stored);
    }
    return out;
  }

  alerting::RecordResult record(const alerting::RecordBatch& batch, Instant now) override {
    for (const alerting::RowOutcome& o : batch.outcomes) alerting::check_outcome(o);
    for (const AlertRow& r : batch.new_rows) alerting::check_insert(r, alerting::alert_key(r.id));
    std::lock_guard lock(mu_);
    write("record");
    alerting::RecordResult result;
    for (const alerting::RowOutcome& o : batch.outcomes) {
      auto it = rows_.find(o.key);
      if (it == rows_.end() || it->second.state != AlertState::sending ||
          it->second.sending_until != o.lease) {
        result.transitions.push_back(alerting::Transition::changed_meanwhile);
        continue;
      }
      AlertRow& r = it->second;
      r.state = o.state;
      r.detail = o.detail;
      r.updated_at = now;
      if (alerting::is_waiting_state(o.state)) {
        r.next_attempt_at = *o.next_attempt_at;
      }
      if (o.state == AlertState::sent) r.sent_at = now;
      if (!o.attempted) r.attempts = std::max(0, r.attempts - 1);
      r.sending_until.reset();
      result.transitions.push_back(alerting::Transition::applied);
    }
    for (const AlertRow& r : batch.new_rows) {
      result.inserted.push_back(insert_one(r, alerting::alert_key(r.id)));
    }
    return result;
  }

  std::size_t recover_expired(Instant now) override {
    std::lock_guard lock(mu_);
    write("recover_expired");
    return requeue_sending(
        [now](const AlertRow& r) { return !r.sending_until || *r.sending_until <= now; }, now);
  }

  std::size_t recover(Instant now) override {
    std::lock_guard lock(mu_);
    write("recover");
    return requeue_sending([](const AlertRow&) { return true; }, now);
  }

  std::size_t retry(const std::string& key, Instant now) override {
    std::lock_guard lock(mu_);
    write("retry");
    auto it = rows_.find(key);
    if (it == rows_.end()) return 0;
    const AlertState s = it->second.state;
    if (s != AlertState::dead && s != AlertState::unreachable && s != AlertState::retry &&
        s != AlertState::cancelled && s != AlertState::skipped) {
      return 0;
    }
    requeue(it->second, now);
    return 1;
  }

  std::size_t retry_all_dead(Instant now) override {
    std::lock_guard lock(mu_);
    write("retry_all_dead");
    std::size_t n = 0;
    for (auto& [key, r] : rows_) {
      if (r.state == AlertState::dead) {
        requeue(r, now);
        ++n;
      }
    }
    return n;
  }

  std::size_t cancel(const std::string& key, Instant now, std::string reason) override {
    std::lock_guard lock(mu_);
    write("cancel");
    auto it = rows_.find(key);
    if (it == rows_.end() || !is_waiting(it->second)) return 0;
    it->second.state = AlertState::cancelled;
    it->second.detail = std::move(reason);
    it->second.updated_at = now;
    return 1;
  }

  std::size_t release_silenced(const std::string& code, Instant now) override {
    std::lock_guard lock(mu_);
    write("release_silenced");
    std::size_t n = 0;
    for (auto& [key, r] : rows_) {
      if (r.id.code == code && r.state == AlertState::silenced && r.next_attempt_at > now) {
        r.next_attempt_at = now;
        r.updated_at = now;
        ++n;
      }
    }
    return n;
  }

  std::optional<AlertRow> get(const std::string& key) override {
    std::lock_guard lock(mu_);
    auto it = rows_.find(key);
    if (it == rows_.end()) return std::nullopt;
    return it->second;
  }

  std::vector<AlertRow> list(std::optional<AlertState> state, std::size_t limit) override {
    std::lock_guard lock(mu_);
    std::vector<AlertRow> out;
    for (const auto& [key, r] : rows_) {
      if (!state || r.state == *state) out.push_back(r);
    }
    std::sort(out.begin(), out.end(), [](const AlertRow& a, const AlertRow& b) {
      if (a.updated_at != b.updated_at) return a.updated_at > b.updated_at;
      return a.key < b.key;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  alerting::StateCounts counts() override {
    std::lock_guard lock(mu_);
    alerting::StateCounts c;
    for (const auto& [key, r] : rows_) ++c[r.state];
    return c;
  }

  std::optional<std::string> get_meta(const std::string& name) override {
    std::lock_guard lock(mu_);
    auto it = meta_.find(name);
    if (it == meta_.end()) return std::nullopt;
    return it->second;
  }

  void set_meta(const std::string& name, const std::string& value) override {
    std::lock_guard lock(mu_);
    write("set_meta");
    meta_[name] = value;
  }

 private:
  static bool is_waiting(const AlertRow& r) { return alerting::is_waiting_state(r.state); }

  void write(std::string_view op) {
    if (before_write) before_write(op);
  }

  /// Waiting rows due at `now`, in the ledger's order (next_attempt_at, fire_at, key).
  std::vector<AlertRow> waiting(Instant now) const {
    std::vector<AlertRow> out;
    for (const auto& [key, r] : rows_) {
      if (is_waiting(r) && r.next_attempt_at <= now) out.push_back(r);
    }
    std::sort(out.begin(), out.end(), [](const AlertRow& a, const AlertRow& b) {
      return std::tie(a.next_attempt_at, a.fire_at, a.key) <
             std::tie(b.next_attempt_at, b.fire_at, b.key);
    });
    return out;
  }

  bool insert_one(const AlertRow& row, const std::string& key) {
    if (rows_.contains(key)) return false;
    AlertRow r = row;
    r.key = key;
    r.created_at = row.created_at == Instant{} ? row.fire_at : row.created_at;
    r.updated_at = r.created_at;
    r.next_attempt_at = row.next_attempt_at == Instant{} ? row.fire_at : row.next_attempt_at;
    r.attempts = 0;
    r.sent_at.reset();
    r.sending_until.reset();
    rows_.emplace(key, std::move(r));
    return true;
  }

  static void requeue(AlertRow& r, Instant now) {
    r.state = AlertState::pending;
    r.attempts = 0;
    r.next_attempt_at = now;
    r.updated_at = now;
    r.detail = "requeued by an operator";
  }

  template <typename Pred>
  std::size_t requeue_sending(Pred pred, Instant now) {
    std::size_t n = 0;
    for (auto& [key, r] : rows_) {
      if (r.state != AlertState::sending || !pred(r)) continue;
      r.state = AlertState::pending;
      r.next_attempt_at = now;
      r.updated_at = now;
      r.sending_until.reset();
      r.detail = "interrupted while sending; resent with the same key";
      ++n;
    }
    return n;
  }

  std::mutex mu_;
  std::map<std::string, AlertRow> rows_;
  std::map<std::string, std::string> meta_;
};

}  // namespace dunghan::testing
