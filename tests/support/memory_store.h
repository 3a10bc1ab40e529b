#pragma once
// An in-memory DossierReader for unit tests: dossiers and their events in a map, a change version
// per write (read_changed() works as with SqliteStore's cursor), and a count of get() calls so a
// test can see how often the dispatcher went back to the store.

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"

namespace dunghan::testing {

class MemoryStore final : public store::DossierReader {
 public:
  /// Adds or replaces `dossier` (by code) with `events`, as a new change.
  void put(const deadline::Dossier& dossier, std::vector<deadline::Event> events = {}) {
    std::lock_guard lock(mu_);
    std::stable_sort(
        events.begin(), events.end(),
        [](const deadline::Event& a, const deadline::Event& b) { return a.at < b.at; });
    rows_[dossier.code] = Row{store::StoredDossier{dossier, std::move(events)}, ++version_};
  }
  /// Removes the dossier with `code` (as if deleted from the store).
  void erase(const std::string& code) {
    std::lock_guard lock(mu_);
    rows_.erase(code);
  }
  /// How many times get() was called.
  std::size_t gets() const {
    std::lock_guard lock(mu_);
    return gets_;
  }

  std::optional<store::StoredDossier> get(std::string_view code) override {
    std::lock_guard lock(mu_);
    ++gets_;
    auto it = rows_.find(std::string(code));
    if (it == rows_.end()) return std::nullopt;
    return it->second.stored;
  }

  std::int64_t count() override {
    std::lock_guard lock(mu_);
    return static_cast<std::int64_t>(rows_.size());
  }

  store::ReadSummary for_each(const store::DossierFilter& filter,
                              const store::DossierVisitor& visit) override {
    const store::DossierFilter f = store::composed(filter);
    store::ReadSummary summary;
    for (const store::StoredDossier& s : snapshot()) {
      if (!store::matches(f, s.dossier)) continue;
      ++summary.dossiers;
      summary.events += static_cast<std::int64_t>(s.events.size());
      visit(s.dossier, s.events);
    }
    return summary;
  }

  store::ChangedRead read_changed(const store::ChangeCursor& since,
                                  std::span<const std::string> also_codes,
                                  const store::DossierVisitor& visit) override {
    std::vector<std::pair<std::int64_t, store::StoredDossier>> changed;
    std::vector<store::StoredDossier> also;
    store::ChangedRead read;
    {
      std::lock_guard lock(mu_);
      read.next.version = version_;
      for (const auto& [code, row] : rows_) {
        if (row.version > since.version) changed.emplace_back(row.version, row.stored);
      }
      for (const std::string& code : also_codes) {
        auto it = rows_.find(code);
        if (it != rows_.end() && it->second.version <= since.version) {
          also.push_back(it->second.stored);
        }
      }
    }
    std::sort(changed.begin(), changed.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [v, s] : changed) {
      ++read.summary.dossiers;
      visit(s.dossier, s.events);
    }
    for (const store::StoredDossier& s : also) {
      ++read.summary.dossiers;
      visit(s.dossier, s.events);
    }
    return read;
  }

  bool read_only() const override { return true; }

  /// The identity set_identity() gave (default: one fixed id, no location).
  store::StoreIdentity identity() override {
    std::lock_guard lock(mu_);
    return identity_;
  }
  /// Makes the store look replaced (another identity) to the engine's next cycle.
  void set_identity(store::StoreIdentity identity) {
    std::lock_guard lock(mu_);
    identity_ = std::move(identity);
  }

 private:
  struct Row {
    store::StoredDossier stored;
    std::int64_t version = 0;
  };

  std::vector<store::StoredDossier> snapshot() const {
    std::lock_guard lock(mu_);
    std::vector<store::StoredDossier> out;
    for (const auto& [code, row] : rows_) out.push_back(row.stored);
    return out;
  }

  mutable std::mutex mu_;
  std::map<std::string, Row> rows_;
  std::int64_t version_ = 0;
  std::size_t gets_ = 0;
  store::StoreIdentity identity_{"memory", ""};
};

}  // namespace dunghan::testing
