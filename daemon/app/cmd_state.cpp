// state copy: moves an agency's dossier store and alert ledger from one configuration to another
// (SQLite files → PostgreSQL, or back), so that it can move up without losing its history.
#if defined(DUNGHAN_HAVE_service) && defined(DUNGHAN_HAVE_store)

#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alerting/ledger.h"
#include "alerting/office_history.h"
#include "app/app.h"
#include "app/store_tool.h"
#include "calendar/civil.h"
#include "log/redact.h"
#include "service/runtime.h"
#include "store/store.h"

namespace dunghan::app {
namespace {

constexpr std::size_t kBatch = 2000;

struct CopyCounts {
  std::int64_t dossiers = 0, events = 0;
  std::size_t alerts = 0, were_sending = 0, office_days = 0;
};

/// Copies every dossier of `from` into `to` in batches of kBatch (dossiers with their events).
void copy_store(store::DossierReader& from, store::DossierStore& to, CopyCounts& n) {
  std::vector<deadline::Dossier> dossiers;
  std::vector<deadline::Event> events;
  const auto flush = [&] {
    if (dossiers.empty()) return;
    const store::WriteResult w = to.upsert(dossiers, events);
    n.dossiers += static_cast<std::int64_t>(dossiers.size());
    n.events += static_cast<std::int64_t>(events.size() - w.events_without_dossier.size());
    dossiers.clear();
    events.clear();
  };
  const store::ReadSummary s =
      from.for_each({}, [&](const deadline::Dossier& d, std::span<const deadline::Event> ev) {
        dossiers.push_back(d);
        events.insert(events.end(), ev.begin(), ev.end());
        if (dossiers.size() >= kBatch) flush();
      });
  flush();
  report_read_problems(s);
}

/// Copies every ledger row (state copy keeps states, attempts and times) and the office's daily
/// counts.
void copy_state(const config::Config& from_cfg, const config::Config& to_cfg, CopyCounts& n) {
  std::unique_ptr<alerting::Ledger> from = service::open_tool_ledger(from_cfg);
  if (!from) return;  // a SQLite state that was never created: nothing to copy
  std::unique_ptr<alerting::Ledger> to = service::open_state_ledger(to_cfg);
  if (const alerting::StateCounts c = to->counts(); !c.empty()) {
    throw std::runtime_error("the destination's alert ledger (" +
                             service::state_description(to_cfg) +
                             ") is not empty: state copy only fills an empty one");
  }
  const std::vector<alerting::AlertRow> rows =
      from->list(std::nullopt, std::numeric_limits<std::size_t>::max());
  for (std::size_t i = 0; i < rows.size(); i += kBatch) {
    const std::vector<alerting::AlertRow> part(
        rows.begin() + static_cast<std::ptrdiff_t>(i),
        rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), i + kBatch)));
    n.alerts += to->restore(part);
  }
  for (const alerting::AlertRow& r : rows) {
    if (r.state == alerting::AlertState::sending) ++n.were_sending;
  }
  auto from_days = service::open_office_history(from_cfg);
  auto to_days = service::open_office_history(to_cfg);
  std::map<calendar::Date, std::vector<alerting::DepartmentDay>> by_day;
  using namespace std::chrono;
  for (alerting::DepartmentDay& d : from_days->between(calendar::Date{1900y / January / 1},
                                                       calendar::Date{2200y / December / 31})) {
    by_day[d.day].push_back(std::move(d));
  }
  for (const auto& [day, counts] : by_day) to_days->record(day, counts);
  n.office_days = by_day.size();
}

int run_copy(const GlobalOptions& g, const std::string& to_config) {
  const std::optional<StoreTool> from = open_store_tool(g);
  if (!from) return kUsageOrConfig;
  GlobalOptions to_g = g;
  to_g.config = to_config;
  const std::optional<StoreTool> to = open_store_tool(to_g);
  if (!to) return kUsageOrConfig;
  CopyCounts n;
  try {
    std::filesystem::create_directories(to->cfg.service.state_dir);
    const bool mapped = from->settings.mapping || to->settings.mapping;
    if (!mapped) {
      std::unique_ptr<store::DossierReader> src = store::open_reader(from->settings);
      std::unique_ptr<store::DossierStore> dst = store::open_store(to->settings);
      if (const std::int64_t there = dst->count(); there > 0) {
        std::cerr << "error: the destination store already holds " << there
                  << " dossiers: state copy only fills an empty one\n";
        return kUsageOrConfig;
      }
      copy_store(*src, *dst, n);
    }
    copy_state(from->cfg, to->cfg, n);
    std::cout << "Copied to " << to_config << ": ";
    if (mapped) {
      std::cout << "no dossiers (a mapped agency database is read where it is), ";
    } else {
      std::cout << n.dossiers << " dossiers, " << n.events << " events, ";
    }
    std::cout << n.alerts << " alert rows";
    if (n.were_sending > 0) {
      std::cout << " (" << n.were_sending
                << " were being sent: due again, same key, so a receiver may see them twice)";
    }
    std::cout << ", " << n.office_days << " days of office counts.\n"
              << "The first cycle on the new configuration reads the whole store again; alerts "
                 "already in the ledger are not planned again.\n";
    return kOk;
  } catch (const std::exception& e) {
    std::cerr << "error: state copy: " << log::redact(e.what()) << '\n';
    return kUsageOrConfig;
  }
}

}  // namespace

void add_state_commands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  CLI::App* st = app.add_subcommand("state", "the store and ledger as a whole");
  st->require_subcommand(1);
  CLI::App* copy = st->add_subcommand(
      "copy",
      "copy the dossier store and the alert ledger of --config into the (empty) store and state "
      "of --to-config: SQLite to PostgreSQL or back");
  add_config_option(copy, g);
  auto to = std::make_shared<std::string>();
  copy->add_option("--to-config", *to, "the configuration to copy into (TOML)")
      ->option_text("FILE")
      ->required();
  copy->callback([&g, &exit_code, to] { exit_code = run_copy(g, *to); });
}

}  // namespace dunghan::app

#else

#include "app/app.h"

namespace dunghan::app {
void add_state_commands(CLI::App&, GlobalOptions&, int&) {}
}  // namespace dunghan::app

#endif
