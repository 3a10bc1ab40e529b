#pragma once
// Everything a cycle needs, built from one validated Config: the calendar, the dossier store, the
// ledger and fire schedule (state.db in the state directory), the channels, the templates and the
// engine. `dunghan run`, `run --once`, `alerts …` and `outbox …` share it.

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "alerting/engine.h"
#include "alerting/fire_schedule.h"
#include "alerting/ledger.h"
#include "calendar/clock.h"
#include "channels/channel.h"
#include "config/config.h"
#include "render/templates.h"
#include "store/store.h"

namespace dunghan::service {

struct Runtime {
  config::Config config;
  std::shared_ptr<const calendar::WorkCalendar> calendar;
  std::unique_ptr<store::DossierReader> store;
  std::unique_ptr<alerting::Ledger> ledger;
  std::unique_ptr<alerting::FireSchedule> schedule;
  std::map<std::string, std::unique_ptr<channels::Channel>> channels;
  std::unique_ptr<render::Templates> templates;
  std::unique_ptr<alerting::Engine> engine;
};

/// The store settings of `config` (path resolved: [store] path, else state_dir/dossiers.db).
store::StoreSettings store_settings(const config::Config& config);
/// The state database: state_dir/state.db.
std::filesystem::path state_db_path(const config::Config& config);
/// The last copies of an agency database's open dossiers (store::CachedReader), used when
/// `[store.mapping]` is set: state_dir/dossier-cache.db.
std::filesystem::path dossier_cache_path(const config::Config& config);

/// Builds the runtime: creates the state directory when missing, opens the store (creating the
/// embedded SQLite store), the ledger and the channels, loads the templates. Throws
/// std::runtime_error (or a subclass) with a message that names what failed (never a secret).
std::unique_ptr<Runtime> build_runtime(config::Config config, const calendar::Clock& clock);

/// The engine's settings from `config` (rules, recipients, limits); `catalogue` must outlive it.
alerting::EngineSettings engine_settings(const config::Config& config);

}  // namespace dunghan::service
