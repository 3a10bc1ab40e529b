#pragma once
// Silences for unit tests: the tests' usual silence (make_silence), and an in-memory SilenceStore
// with the contract of alerting/silences.h without a file (the SQLite and PostgreSQL
// implementations are tested against the same expectations in
// tests/alerting_ledger/silences_test.cpp).

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "alerting/silences.h"

namespace dunghan::testing {

/// A silence of `code` (every rule when `rule` is empty) until `until`, set at `created_at` by
/// "lan" with a reason in Vietnamese; not stored (id 0).
inline alerting::Silence make_silence(std::string code, std::string rule, alerting::Instant until,
                                      alerting::Instant created_at) {
  alerting::Silence s;
  s.code = std::move(code);
  s.rule = std::move(rule);
  s.until = until;
  s.reason = "đang trình ký gia hạn";
  s.by = "lan";
  s.created_at = created_at;
  return s;
}

class MemorySilences final : public alerting::SilenceStore {
 public:
  using Silence = alerting::Silence;
  using Instant = alerting::Instant;

  Silence add(Silence s) override {
    std::lock_guard lock(mu_);
    if (s.code.empty()) throw std::invalid_argument("a silence needs a dossier code");
    if (s.reason.empty()) throw std::invalid_argument("a silence needs a reason");
    if (s.until <= s.created_at) throw std::invalid_argument("a silence must end after it starts");
    s.id = static_cast<std::int64_t>(all_.size()) + 1;
    s.ended_at.reset();
    s.ended_by.clear();
    all_.push_back(s);
    return s;
  }

  std::vector<Silence> for_dossier(const std::string& code) override {
    std::lock_guard lock(mu_);
    std::vector<Silence> out;
    for (auto it = all_.rbegin(); it != all_.rend(); ++it) {
      if (it->code == code) out.push_back(*it);
    }
    return out;
  }

  std::vector<Silence> list(bool include_ended, Instant now, std::size_t limit) override {
    std::lock_guard lock(mu_);
    std::vector<Silence> out;
    for (auto it = all_.rbegin(); it != all_.rend() && out.size() < limit; ++it) {
      if (include_ended || it->active(now)) out.push_back(*it);
    }
    return out;
  }

  std::optional<Silence> get(std::int64_t id) override {
    std::lock_guard lock(mu_);
    if (id < 1 || id > static_cast<std::int64_t>(all_.size())) return std::nullopt;
    return all_[static_cast<std::size_t>(id - 1)];
  }

  bool expire(std::int64_t id, Instant now, const std::string& by) override {
    std::lock_guard lock(mu_);
    if (id < 1 || id > static_cast<std::int64_t>(all_.size())) return false;
    Silence& s = all_[static_cast<std::size_t>(id - 1)];
    if (!s.active(now)) return false;
    s.ended_at = now;
    s.ended_by = by;
    return true;
  }

  std::size_t end_for_dossiers(std::span<const std::string> codes, Instant now) override {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (Silence& s : all_) {
      if (s.active(now) && std::find(codes.begin(), codes.end(), s.code) != codes.end()) {
        s.ended_at = now;
        s.ended_by = "resolved";
        ++n;
      }
    }
    return n;
  }

 private:
  std::mutex mu_;
  std::vector<Silence> all_;
};

}  // namespace dunghan::testing
