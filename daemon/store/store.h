#pragma once
// The dossier store: where dossiers and their events live (docs/design.md "Modules").
//
// Two interfaces, narrow on purpose so that a PostgreSQL implementation is a new class, not a
// rewrite:
//  - DossierReader: everything the daemon, `status`, `report` and `audit` need (one dossier by
//    code, a count, a streaming walk with a filter, incremental reads since a cursor);
//  - DossierStore: a DossierReader that can also be written (upserts in one transaction).
// Implementations: SqliteStore (sqlite_store.h, dunghan's own file, read-write), MappedStore
// (mapped_store.h, an agency's own database — PostgreSQL, MySQL/MariaDB, ODBC or SQLite — through
// `[store.mapping]` queries, read-only) and CachedReader (cached_reader.h, a decorator that keeps
// the last copy of each open dossier so planned alerts still go out while that database is down).
//
// Times: every Instant is UTC. Stores keep them as local date-time text "YYYY-MM-DD HH:MM:SS" at
// the agency's UTC offset (StoreSettings::offset), so that SQL sees the same wall time as people.
//
// Streaming: for_each() and read_changed() call a visitor once per dossier with that dossier's
// events; memory does not grow with the number of rows read (only with the size of one dossier's
// history). The visitor must not call back into the same store.
//
// Bad rows: a row that cannot be decoded (empty code, unknown status, unparsable date, …) is never
// fatal: it is skipped and reported as a RowProblem in the ReadSummary; the other rows are read.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/civil.h"
#include "deadline/dossier.h"
#include "pg/connection.h"

namespace dunghan::store {

using calendar::Instant;

/// Thrown for failures of the store itself: a file that cannot be opened or created, a schema
/// newer than this program, a mapping query that does not compile or lacks a required column,
/// an SQLite error while reading or writing. what() is one English line naming the file or query.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown when the database could not be reached or stopped answering (refused or lost
/// connection, failed login, timeout): a condition that goes away by itself, unlike a mapping
/// error. what() names the engine, host and database, never a password.
class StoreUnavailable : public StoreError {
 public:
  using StoreError::StoreError;
};

/// `[store.mapping]`: SQL over someone else's schema returning dunghan's canonical columns.
struct Mapping {
  /// Returns the dossier columns by their canonical names (any order; see kDossierColumns):
  /// `code`, `received_at` and `status` are required, the others optional. May use the named
  /// parameter :since, bound as a timestamp (local wall time at `timezone`, in the database's
  /// own timestamp type; SQLite: text "YYYY-MM-DD HH:MM:SS"): to 1900-01-01 00:00:00 for a full
  /// read and to the cursor for an incremental read (write `WHERE updated_at > :since`).
  std::string dossiers;
  /// Optional. Returns `code`, `at`, `kind` (required) and `new_due_at`, `note` (optional). If it
  /// uses :since, an incremental read also runs it with the cursor to find the dossiers that have
  /// new events; a dossier's events themselves are always read in full (its clock needs them all).
  std::string events;
  /// Where the database is: "postgresql://user@host:port/db", "mysql://user@host:port/db" or
  /// "odbc:CONNECTION-STRING" (db_url.h). Empty: the SQLite file StoreSettings::path.
  std::string url;
  /// The password of a server database (from password_file or env:NAME). Never logged; it appears
  /// in no error message.
  std::optional<std::string> password;
  /// The zone of the database's timestamps that carry none (wall times). Unset: the settings'
  /// offset (the calendar's).
  std::optional<calendar::UtcOffset> timezone;
  /// Longest a query may run, and how long a connection attempt may take.
  std::chrono::seconds query_timeout{30};
};

/// What a store needs to open (the caller maps config::StoreOptions onto this).
struct StoreSettings {
  std::filesystem::path path;  // the SQLite file (see resolve_store_path)
  calendar::UtcOffset offset;  // the agency's zone: stored local date-times are at this offset
  /// How long to wait for a lock held by another connection or program.
  std::chrono::milliseconds busy_timeout{5000};
  /// Set: open `path` read-only and read it through these queries (MappedStore).
  std::optional<Mapping> mapping;
  /// Set: dunghan's own store on this PostgreSQL server (`[store] kind = "postgresql"`, PgStore);
  /// `path` is then unused.
  std::optional<pg::ConnectSpec> server;
};

/// The store file: `configured` when not empty (already absolute, or resolved by the caller
/// against the config file's folder; a relative path is taken as is), else
/// `state_dir / "dossiers.db"`.
std::filesystem::path resolve_store_path(const std::filesystem::path& configured,
                                         const std::filesystem::path& state_dir);

/// A row that could not be read, reported as a value.
struct RowProblem {
  std::string code;      // the dossier's code when it could be read, else empty
  std::int64_t row = 0;  // 1-based position of the row in its query's result (0 if unknown)
  std::string column;    // the canonical column at fault ("" for the row as a whole)
  std::string reason;    // English, one line
  friend bool operator==(const RowProblem&, const RowProblem&) = default;
};

/// What a read did.
struct ReadSummary {
  std::int64_t dossiers = 0;  // dossiers passed to the visitor
  std::int64_t events = 0;    // events passed to the visitor (with their dossiers)
  std::int64_t rejected = 0;  // rows (dossier or event) skipped as bad
  /// The first kMaxKeptProblems bad rows, in reading order (`rejected` counts them all).
  std::vector<RowProblem> problems;
  static constexpr std::size_t kMaxKeptProblems = 100;
  /// Rows fetched from the database (dossier rows and event rows, every query of the read).
  std::int64_t rows_fetched = 0;
  /// Set when the database could not be read and the visits came from the copies a CachedReader
  /// kept: why (engine, host and database, never a password). The cursor is then unchanged.
  std::optional<std::string> unavailable;
  /// Dossiers visited although a text field is not UTF-8 (an agency database in a legacy
  /// encoding such as TCVN3 or Windows-1258). They are kept, so their alerts still go out, with
  /// U+FFFD for each such byte (a code that is not UTF-8 makes the row bad instead: an identifier
  /// is never altered); `first_not_utf8` names the first.
  std::int64_t not_utf8 = 0;
  std::optional<RowProblem> first_not_utf8;
};

/// Called once per dossier with its events ordered by `at` (ties: in recording order).
using DossierVisitor =
    std::function<void(const deadline::Dossier&, std::span<const deadline::Event>)>;

/// Which dossiers a walk visits. Every condition set must hold. The conditions let the store skip
/// rows in SQL; they never drop a row that matches.
struct DossierFilter {
  /// Only open dossiers (status processing, waiting_supplement or paused).
  bool open_only = false;
  /// Only dossiers received at or before this instant.
  std::optional<Instant> received_at_or_before;
  /// Only dossiers still open at this instant: open now, or closed (deadline::closed_at) at or
  /// after it.
  std::optional<Instant> not_closed_before;
  /// Only this department: exact match after both sides are composed (NFC), so either spelling
  /// of Vietnamese matches; the stores compose the filter themselves.
  std::optional<std::string> department;
};

/// `filter` with its texts composed (NFC) as the stores keep dossier texts; every store's read
/// applies it once before comparing.
DossierFilter composed(DossierFilter filter);

/// True when `d` passes `filter` (the conditions above, evaluated in memory; pass a composed
/// filter).
bool matches(const DossierFilter& filter, const deadline::Dossier& d);

/// Where an incremental read stopped. Opaque to callers: start from ChangeCursor{} (which reads
/// everything) and pass back the value the previous read returned.
struct ChangeCursor {
  std::int64_t version = 0;              // SqliteStore: the highest row version seen
  std::optional<Instant> updated_since;  // MappedStore: the highest updated_at seen
  std::optional<Instant> events_since;   // MappedStore: the highest event `at` seen
  friend bool operator==(const ChangeCursor&, const ChangeCursor&) = default;
};

/// The cursor as one line of text, for the state database ("VERSION [UPDATED [EVENTS]]", instants
/// as Unix seconds, "-" for an unset one).
std::string to_text(const ChangeCursor& c);
/// Parses to_text()'s form (and the older "VERSION [UPDATED]"); anything unreadable gives
/// ChangeCursor{} (a full read: safe).
ChangeCursor parse_cursor(std::string_view text);

struct ChangedRead {
  ChangeCursor next;  // pass to the next read_changed()
  ReadSummary summary;
  /// True when `since` cannot belong to this store (it is ahead of everything the store ever
  /// handed out: the file was restored in place from an older backup, or re-created): the read
  /// started again from ChangeCursor{}, every dossier was visited.
  bool restarted = false;
};

/// Which store a DossierReader reads. It changes when the store is replaced, deleted and
/// re-created, or restored from a backup; the daemon compares it every cycle with the one it
/// recorded (DossierReader::identity()).
struct StoreIdentity {
  /// A random id the store keeps inside itself from its creation on (a copy or a backup keeps
  /// it; a store created anew has another). Empty for a store dunghan cannot write one into (a
  /// mapped agency database).
  std::string id;
  /// Where the store's data lives now, without spaces, e.g. "file:2049:1835017" (the device and
  /// inode of an SQLite file); empty where there is no such thing.
  std::string location;
  friend bool operator==(const StoreIdentity&, const StoreIdentity&) = default;
};

/// "id=… location=…", one line, safe for logs (no secret) and for the ledger's meta table.
std::string to_string(const StoreIdentity& identity);

/// One dossier with its events ordered by `at`.
struct StoredDossier {
  deadline::Dossier dossier;
  std::vector<deadline::Event> events;
};

class DossierReader {
 public:
  virtual ~DossierReader() = default;

  /// The dossier with `code` and its events; nullopt when there is none (or its row is bad).
  /// Throws StoreError.
  virtual std::optional<StoredDossier> get(std::string_view code) = 0;

  /// The number of dossier rows (bad rows included). Throws StoreError.
  virtual std::int64_t count() = 0;

  /// Visits every dossier matching `filter`, each once, with its events. Order: unspecified but
  /// stable for an unchanged store. Throws StoreError, and whatever `visit` throws (the walk then
  /// stops).
  virtual ReadSummary for_each(const DossierFilter& filter, const DossierVisitor& visit) = 0;

  /// The incremental read of one daemon cycle. Visits:
  ///  1. every dossier changed since `since` (written, or one of its events written, after the
  ///     read that returned `since`; ChangeCursor{}: every dossier), then
  ///  2. every dossier whose code is in `also_codes` and was not visited in step 1 — the caller
  ///     passes the open dossiers whose next alert time has come (it knows those instants from
  ///     its clocks; the store does not compute deadlines). Unknown codes are ignored.
  /// A dossier changed again while this read runs may be visited again by the next read.
  /// Throws StoreError, and whatever `visit` throws.
  virtual ChangedRead read_changed(const ChangeCursor& since,
                                   std::span<const std::string> also_codes,
                                   const DossierVisitor& visit) = 0;

  /// True for a store that can never be written (MappedStore).
  virtual bool read_only() const = 0;

  /// The identity of the store now at the configured location. When that is no longer the store
  /// this reader has open (the file was replaced, deleted and re-created, or restored from a
  /// backup; a database server's connection was lost), the reader reopens it first, so that
  /// every later read sees the store that is there now. Cheap enough to call every cycle (SQLite
  /// file: one stat(2)). Throws StoreError naming the store when it cannot be reached (the file
  /// no longer exists, cannot be opened, is not a database); the reader keeps its previous
  /// connection and every later call tries again.
  virtual StoreIdentity identity() = 0;
};

/// The result of one write.
struct WriteResult {
  std::int64_t dossiers_changed = 0;  // inserted or changed (an identical upsert is no change)
  std::int64_t events_changed = 0;
  /// Indices into the `events` argument of events whose dossier code is not in the store: not
  /// written.
  std::vector<std::size_t> events_without_dossier;
};

class DossierStore : public DossierReader {
 public:
  /// Upserts `dossiers` by code (all fields replaced), then `events` by (code, at, kind)
  /// (new_due_at and note replaced), in one transaction: all or nothing. Writing a dossier or one
  /// of its events makes it "changed" for read_changed(); an identical upsert does not. The values
  /// must be valid (non-empty code); they are stored as given. Throws StoreError (nothing written).
  virtual WriteResult upsert(std::span<const deadline::Dossier> dossiers,
                             std::span<const deadline::Event> events) = 0;
};

/// Opens the store described by `settings`: a MappedStore (read-only) when `mapping` is set (over a
/// server database that cannot be reached yet it opens without throwing and connects at its first
/// read), a PgStore when `server` is set (connecting at its first use), else a SqliteStore,
/// creating the file, its folder and the schema when missing. Throws StoreError.
std::unique_ptr<DossierReader> open_reader(const StoreSettings& settings);

/// Opens dunghan's own store for writing: PgStore when `server` is set, else the SQLite file
/// (created and migrated when needed). Throws StoreError, also when `settings.mapping` is set (a
/// mapped database is never written).
std::unique_ptr<DossierStore> open_store(const StoreSettings& settings);

}  // namespace dunghan::store
