#pragma once
// Everything a cycle needs, built from one validated Config: the calendar, the dossier store, the
// ledger and fire schedule (state.db in the state directory, or PostgreSQL with [state] kind =
// "postgresql", shared by several instances through `coordination`), the channels, the templates
// and the engine. `dunghan run`, `run --once`, `alerts …` and `outbox …` share it.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "alerting/coordination.h"
#include "alerting/engine.h"
#include "alerting/fire_schedule.h"
#include "alerting/ledger.h"
#include "alerting/office_history.h"
#include "calendar/clock.h"
#include "channels/channel.h"
#include "channels/options.h"
#include "channels/zalo_vault.h"
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
  /// Set with a shared state ([state] kind = "postgresql"): several instances work from it, so
  /// this one must never recover() every `sending` row at start. Null with a state of its own.
  std::unique_ptr<alerting::Coordination> coordination;
  /// This instance's id (service_instance_id) and where its state lives, for logs and /healthz.
  std::string instance_id;
  std::string state_description;
  /// The silences (null with a PostgreSQL state: not supported there yet), applied by engine.
  std::unique_ptr<alerting::SilenceStore> silences;
  std::map<std::string, std::unique_ptr<channels::Channel>> channels;
  std::unique_ptr<render::Templates> templates;
  std::unique_ptr<alerting::Engine> engine;
};

/// The state database (ledger, fire schedule, silences) could not be opened, read or written: a
/// full disk, an I/O error, a schema from a newer dunghan. what() names the file and the free space
/// on its file system.
class StateDbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Free bytes (for an unprivileged process) on the file system holding `dir`; nullopt when they
/// cannot be read.
std::optional<std::uint64_t> free_bytes(const std::filesystem::path& dir);

/// `what` (an SQLite error about the state database `db`), made to name the file (when it does
/// not already) and the free space, e.g. "state database /var/lib/dunghan/state.db: database or
/// disk is full (12 KiB free on /var/lib/dunghan)".
std::string state_db_error_text(const std::filesystem::path& db, const std::string& what);

/// The store settings of `config` (path resolved: [store] path, else state_dir/dossiers.db).
store::StoreSettings store_settings(const config::Config& config);
/// The state database: state_dir/state.db.
std::filesystem::path state_db_path(const config::Config& config);
/// Where the state lives, for messages: "sqlite FILE" or "postgresql HOST:PORT/DB (user U)".
/// Throws std::runtime_error for a [state] url that cannot be used.
std::string state_description(const config::Config& config);

/// The ledger of `config` for a command (outbox, alerts preview and explain): the SQLite
/// state.db when it exists (nullptr when it does not yet), or the PostgreSQL state (connected and
/// migrated now). Throws std::runtime_error naming the file or the server (never a password).
std::unique_ptr<alerting::Ledger> open_tool_ledger(const config::Config& config);

/// Another connection to the ledger of `config` (the office pages read on the event loop): the
/// SQLite state.db, or the PostgreSQL state connecting at first use. Throws like build_runtime.
std::unique_ptr<alerting::Ledger> open_state_ledger(const config::Config& config);
/// The silences of `config`'s state (alerting/silences.h): the SQLite state.db, or the PostgreSQL
/// state (connected at first use); nullptr only when `create` is false and state.db does not
/// exist yet. Throws std::runtime_error naming the file.
std::unique_ptr<alerting::SilenceStore> open_state_silences(const config::Config& config,
                                                            bool create);
/// The office pages' daily counts, beside the ledger (SQLite state.db or PostgreSQL).
std::unique_ptr<alerting::OfficeHistory> open_office_history(const config::Config& config);

/// How the Zalo channels of `config` keep their token pair: empty (each its token file in the
/// state directory) with an SQLite state; with [state] kind = "postgresql", a row of table
/// zalo_token shared by every instance (alerting/pg_zalo_vault.h; the token file, when present,
/// is imported once). Throws std::runtime_error for a [state] url that cannot be used.
channels::ZaloVaultFactory zalo_vault_factory(const config::Config& config);

/// The token vault of the Zalo channel `channel` of `config` (`dunghan zalo set-token`): the
/// factory's vault, or the token file. Does not connect yet.
std::unique_ptr<channels::ZaloTokenVault> open_zalo_vault(const config::Config& config,
                                                          const std::string& channel,
                                                          const channels::ZaloOptions& zalo);

/// The last copies of an agency database's open dossiers (store::CachedReader), used when
/// `[store.mapping]` is set: state_dir/dossier-cache.db.
std::filesystem::path dossier_cache_path(const config::Config& config);

/// Builds the runtime: creates the state directory when missing, opens the store (creating the
/// embedded SQLite store), the ledger and the channels, loads the templates; a token file in the
/// state directory that others may read is made 0600 (and logged). The caller holds the state
/// directory's lock (state_lock.h) when it will send. Throws store::StoreError (the store),
/// StateDbError (the state database) or another std::runtime_error, each with a message that
/// names what failed (never a secret).
std::unique_ptr<Runtime> build_runtime(config::Config config, const calendar::Clock& clock);

/// The engine's settings from `config` (rules, recipients, limits); `catalogue` must outlive it.
alerting::EngineSettings engine_settings(const config::Config& config);

}  // namespace dunghan::service
