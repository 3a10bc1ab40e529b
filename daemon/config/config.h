#pragma once
// The typed, validated configuration of dunghan (one TOML file; see config/dunghan.toml for the
// annotated sample). Relative paths inside the file resolve against the file's own folder.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alerting/rules.h"
#include "calendar/work_calendar.h"
#include "channels/options.h"
#include "config/diagnostics.h"
#include "config/secret.h"
#include "deadline/dossier.h"
#include "deadline/options.h"
#include "report/options.h"

namespace dunghan::config {

struct LogOptions {
  std::string level = "info";                 // trace | debug | info | warn | error | off
  std::optional<std::filesystem::path> file;  // optional rotating file
  std::size_t max_size_mb = 10;
  std::size_t max_files = 5;
};

struct ServiceOptions {
  std::filesystem::path state_dir;  // the ledger and tokens live here (with [state] kind = sqlite)
  std::chrono::seconds poll_interval{60};
  std::string listen = "127.0.0.1:9464";  // health and metrics endpoint, the office pages
  std::optional<Secret> reload_token;     // bearer token for POST /-/reload
  /// HTTPS for the endpoint: both or neither (PEM files). Required off loopback.
  std::optional<std::filesystem::path> tls_cert_file;
  std::optional<std::filesystem::path> tls_key_file;
  /// The users of the pages (`name:argon2id-hash:role` lines, `dunghan user add`). Required off
  /// loopback; on loopback it only enables logins (and with them the page's writes).
  std::optional<std::filesystem::path> users_file;
  /// `instance_id`: this instance among several sharing one [state] (in the ledger's claims,
  /// pg_stat_activity, /healthz, /metrics). Empty: "<host name>:<listen port>"
  /// (service_instance_id).
  std::string instance_id;
};

/// A PostgreSQL database that dunghan owns (`[store]` or `[state]` with kind = "postgresql").
struct ServerDatabase {
  /// "postgresql://USER@HOST[:PORT]/DATABASE[?PARAM=VALUE&…]"; never holds the password.
  std::string url;
  /// `password`, `password = "env:NAME"` or `password_file`. Never logged or shown.
  std::optional<Secret> password;
};

/// The host part of a `[service] listen` value ("127.0.0.1:9464" → "127.0.0.1", "[::1]:9464" →
/// "::1"); the whole text when it has no port.
std::string listen_host(std::string_view listen);
/// True when `listen` binds a loopback address only (127.0.0.0/8, ::1, localhost): the pages are
/// then reachable from this machine alone.
bool listen_is_loopback(std::string_view listen);

/// `[store]`: where the dossiers live.
struct StoreOptions {
  std::string kind = "sqlite";  // "sqlite" | "postgresql"
  /// kind = "postgresql": dunghan's own store on this server (`url`, `password…`).
  std::optional<ServerDatabase> server;
  /// The SQLite file. Empty: `dossiers.db` in the state directory (resolved by the store).
  std::filesystem::path path;
  /// Milliseconds to wait for a lock held by another program.
  std::chrono::milliseconds busy_timeout{5000};
  /// `[store.mapping]`: SQL that returns the canonical columns from someone else's schema. When
  /// set, the database is opened read-only and never written.
  struct Mapping {
    /// Returns the canonical dossier columns (code, procedure_code, …, updated_at); may use the
    /// named parameter :since (a timestamp) for incremental reads.
    std::string dossiers;
    /// Returns code, at, kind, new_due_at, note; may use :since like `dossiers`. Optional.
    std::string events;
    /// The agency's server database: "postgresql://…", "mysql://…" or "odbc:…" (store/db_url.h).
    /// Empty: the SQLite file `path` (a `sqlite:` url is read into `path`).
    std::string url;
    /// `password`, `password = "env:NAME"` or `password_file`: the server database's password.
    std::optional<Secret> password;
    /// `timezone`: the offset of the database's timestamps without a zone. Unset: the calendar's.
    std::optional<calendar::UtcOffset> timezone;
    /// `query_timeout`, seconds: longest query (and connection attempt).
    std::chrono::seconds query_timeout{30};
  };
  std::optional<Mapping> mapping;
};

/// `[state]`: where what several instances share lives — the ledger, the fire schedule, the store
/// cursor and plan fingerprint, the Zalo token.
struct StateOptions {
  std::string kind = "sqlite";           // "sqlite": state.db in [service] state_dir | "postgresql"
  std::optional<ServerDatabase> server;  // kind = "postgresql"
};

/// `[alerts]`: the dispatcher's limits and the message templates.
struct AlertOptions {
  int max_attempts = 8;                    // then `dead`
  std::chrono::seconds retry_initial{60};  // first backoff; doubles each attempt, with jitter
  std::chrono::seconds retry_max{3600};    // backoff cap
  std::chrono::hours max_age{72};          // an alert older than this is `dead`, not retried
  /// How long a row may stay in `sending` (claimed by a dispatch pass) before a later cycle puts
  /// it back to `pending` and it is resent with the same key.
  std::chrono::seconds sending_lease{300};
  /// Rows claimed and recorded per ledger transaction; 1: one at a time (slower, per-row mode).
  int batch_size = 64;
  /// Single messages to one recipient on one channel per local day; the rest of the day's go out
  /// as one digest per batch (the flood guard). 0: no limit.
  int max_messages_per_recipient = 10;
  std::optional<std::filesystem::path> templates_dir;  // overrides of config/templates/*.mustache
};

struct Config {
  /// The file this was loaded from; empty for the built-in defaults.
  std::filesystem::path source;
  LogOptions log;
  ServiceOptions service;
  calendar::CalendarSpec calendar;
  StoreOptions store;
  StateOptions state;
  deadline::DeadlineOptions deadline;
  deadline::ProcedureCatalogue procedures;
  std::vector<alerting::Recipient> recipients;
  std::vector<alerting::Rule> rules;
  AlertOptions alerts;
  /// `[report]`: the printed form 6a's header and footer, and how periods are cut.
  report::ReportOptions report;
  /// [channel.NAME] tables, in file order.
  std::vector<channels::ChannelOptions> channels;
  /// Where each of calendar.schedules came from (a path or "builtin:vn"), for the summary.
  std::vector<std::string> schedule_origins;
  /// The calendar built from `calendar` while validating (set by load_config); null otherwise.
  std::shared_ptr<const calendar::WorkCalendar> work_calendar;
};

/// The default configuration path: /etc/dunghan/dunghan.toml on Linux,
/// %ProgramData%\dunghan\dunghan.toml on Windows.
std::filesystem::path default_config_path();
/// The default state directory: /var/lib/dunghan on Linux, %ProgramData%\dunghan\state on Windows.
std::filesystem::path default_state_dir();

/// Which file to use: `cli` (from --config) if given, else $DUNGHAN_CONFIG if set and non-empty,
/// else default_config_path(). `explicit_choice` tells whether the user named the file.
struct ConfigChoice {
  std::filesystem::path path;
  bool explicit_choice = false;
};
ConfigChoice choose_config_path(const std::optional<std::string>& cli);

/// The built-in defaults (docs/rules.md defaults and the shipped schedules), as if an empty file
/// was read.
Config default_config();

/// What an empty file (nothing but whitespace) means to load_config.
enum class EmptyFile {
  defaults,  ///< the built-in defaults, as for a file of comments (commands, first start)
  reject,    ///< an error: a running daemon reloading an empty file is far more likely reading a
           ///< file being written (truncated, not yet filled) than meaning "no rules, no channels"
};

/// Loads and validates `path`. Throws ConfigError listing every problem found (file:line:column,
/// key, reason, and a suggestion for unknown keys), including unreadable files and secrets, and
/// an empty file when `empty` is EmptyFile::reject.
Config load_config(const std::filesystem::path& path, EmptyFile empty = EmptyFile::defaults);

/// Loads `choice.path`; when it does not exist and the choice was not explicit, returns
/// default_config() instead. Throws ConfigError otherwise.
Config load_or_default(const ConfigChoice& choice);

/// The working calendar of `config` (the one built at load time, else built now).
/// Throws calendar::CalendarError.
std::shared_ptr<const calendar::WorkCalendar> build_calendar(const Config& config);

/// A one-paragraph English summary of what was loaded (for check-config); never a secret.
std::string summary(const Config& config, const calendar::WorkCalendar* cal);

}  // namespace dunghan::config
