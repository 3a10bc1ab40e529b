#pragma once
// For the dispatch stages' unit tests: the in-memory store and ledger (tests/support), the real
// calendar, a rule set and directory, recording channels, and a batch built the way the engine
// builds one (rows planned, inserted and claimed from the ledger).

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alerting/batch.h"
#include "alerting/planner.h"
#include "alerting/revalidate.h"
#include "fixtures.h"
#include "support/memory_ledger.h"
#include "support/memory_store.h"

namespace dunghan::alerting::testing {

// Received Mon 02/03/2026 08:00, 6 working days: due Tue 10/03/2026 17:00.
inline deadline::Dossier march(std::string code, std::string handler = "cv1") {
  return make_dossier(std::move(code), local(2026, 3, 2, 8), wd(6), std::move(handler));
}

struct StageWorld {
  StageWorld() {
    spdlog::set_level(spdlog::level::off);
    directory = Directory(office_people());
    ctx.calendar = cal.get();
    ctx.rules = rules;
    ctx.directory = &directory;
  }

  /// Sets the rules (the context points at them).
  void set_rules(std::vector<Rule> r) {
    rules = std::move(r);
    ctx.rules = rules;
  }

  /// Plans every dossier of the store at `now` and inserts the rows into the ledger.
  void plan(Instant now) {
    store::DossierFilter all;
    store.for_each(all, [&](const deadline::Dossier& d, std::span<const deadline::Event> ev) {
      const deadline::DossierClock c =
          deadline::compute_clock(d, ev, *cal, deadline::DeadlineOptions{}, nullptr, now);
      ledger.insert_all(plan_dossier(d, c, rules, directory, *cal, now).rows);
    });
  }

  /// Claims every due row at `now` into a batch.
  Batch claim(Instant now, std::size_t limit = 1000) {
    Batch b;
    b.now = now;
    for (AlertRow& r : ledger.claim(now, limit, std::chrono::seconds{300})) {
      Candidate c;
      c.row = std::move(r);
      b.candidates.push_back(std::move(c));
    }
    return b;
  }

  RecordingChannel* add_channel(const std::string& name,
                                channels::SendWindow window = channels::SendWindow::always) {
    owned.push_back(std::make_unique<RecordingChannel>(name, window, clock));
    auto* raw = static_cast<RecordingChannel*>(owned.back().get());
    channels[name] = raw;
    return raw;
  }

  std::shared_ptr<const calendar::WorkCalendar> cal = real_calendar();
  calendar::ManualClock clock{local(2026, 3, 2, 8)};
  dunghan::testing::MemoryStore store;
  dunghan::testing::MemoryLedger ledger;
  std::vector<Rule> rules;
  Directory directory;
  RevalidateContext ctx;
  std::vector<std::unique_ptr<channels::Channel>> owned;
  std::map<std::string, channels::Channel*> channels;
};

}  // namespace dunghan::alerting::testing
