#pragma once
// MappedStore: an agency's own database — PostgreSQL, MySQL/MariaDB, anything with an ODBC driver
// (SQL Server, Oracle, …) or an SQLite file — read through the `[store.mapping]` queries, which
// return dunghan's canonical columns (store.h, Mapping). One implementation over SOCI for every
// engine; what differs between engines is confined to db_session.h. Read-only by construction
// (see db_session.h); nothing is ever written, not even a schema or a journal.
//
// How the queries are used (Q = the mapping's dossiers query, E = its events query; both are
// wrapped as `SELECT <canonical columns> FROM (Q) dunghan_q …`, so a query must not end with
// ORDER BY or LIMIT):
//  - full walk (for_each, the first read_changed, and every read_changed when Q has no :since):
//    Q and E each run once; their rows go through a SortedSpool (bounded memory, temporary files)
//    and come back grouped by code, in byte order of the code. The filter is applied after
//    decoding (the foreign schema's indexes are unknown).
//  - incremental read_changed: Q with :since = the cursor (the highest updated_at read so far)
//    gives the changed dossiers; E with :since = the events cursor (when E uses :since) gives the
//    dossiers with new events; their events, and the `also_codes`, are then fetched by code, 500
//    codes at a time (`… WHERE code IN (…)`, :since bound to 1900-01-01 00:00:00). Nothing else is
//    read: with `> :since` a poll after one change reads that row and its events.
//  - get: Q and E restricted to one code the same way; count: `SELECT COUNT(*) FROM (Q) …`.
// Timestamps: the database's own types (timestamp, timestamptz, DATETIME, DATETIME2, DATE, …) or
// text in the forms import accepts, with or without fractional seconds and a zone suffix. Wall
// times are at Mapping::timezone; zoned values are converted. Vietnamese text arrives as UTF-8 NFC
// (row_codec); a column that is not UTF-8 is counted and shown with U+FFFD (ReadSummary::not_utf8).
//
// A server that cannot be reached: the constructor does not connect (the first read does); every
// read throws StoreUnavailable until the server answers again, reconnecting each time.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "store/row_codec.h"
#include "store/store.h"

namespace dunghan::store {

/// What `dunghan store check` prints: one run of the mapping.
struct MappingCheck {
  std::string database;  // described as in errors: engine, host, database (never a password)
  std::string identity;  // to_string(DossierReader::identity())
  bool dossiers_since = false, events_since = false;  // whether each query uses :since
  bool has_events = false;                            // an events query is configured
  std::int64_t dossier_rows = 0, event_rows = 0;      // rows each query returned (full read)
  std::int64_t dossiers_ok = 0, events_ok = 0;        // rows that decoded
  /// Columns the queries return that are no canonical column (ignored by dunghan; a typo such as
  /// `recieved_at` shows up here).
  std::vector<std::string> unmapped_dossier_columns, unmapped_event_columns;
  /// Optional canonical columns the dossiers query does not return.
  std::vector<std::string> absent_dossier_columns;
  /// The first rows of the dossiers query: their canonical fields as read (after timestamp
  /// conversion), and the decoded dossier or why the row is refused.
  struct Sample {
    std::int64_t row = 0;
    std::array<std::optional<std::string>, kDossierColumnCount> fields;
    std::variant<deadline::Dossier, FieldError> decoded;
  };
  std::vector<Sample> samples;
  /// Timestamp values that could not be read (code, row, column, reason quoting the value); the
  /// first 100 of each query.
  std::vector<RowProblem> bad_times;
  std::int64_t bad_time_count = 0;
  /// Every other refused row (first 100; `rejected` counts them all, bad timestamps included).
  std::vector<RowProblem> problems;
  std::int64_t rejected = 0;
  std::int64_t not_utf8 = 0;  // dossier rows with a text that is not UTF-8
  std::chrono::milliseconds connect_time{0}, dossiers_time{0}, events_time{0};
};

class MappedStore final : public DossierReader {
 public:
  /// Opens the database of `settings.mapping` (Mapping::url, or the SQLite file settings.path)
  /// read-only and checks the mapping queries. Throws StoreError when the url is not valid, and
  /// for an SQLite file when it does not exist or cannot be opened, when a query does not compile,
  /// or when a query lacks a required column (dossiers: code, received_at, status; events: code,
  /// at, kind). A server database is connected to (and the queries checked, with the same errors)
  /// at the first read or connect(): opening never waits for the network.
  explicit MappedStore(const StoreSettings& settings);
  ~MappedStore() override;
  MappedStore(const MappedStore&) = delete;
  MappedStore& operator=(const MappedStore&) = delete;

  std::optional<StoredDossier> get(std::string_view code) override;
  std::int64_t count() override;
  ReadSummary for_each(const DossierFilter& filter, const DossierVisitor& visit) override;
  ChangedRead read_changed(const ChangeCursor& since, std::span<const std::string> also_codes,
                           const DossierVisitor& visit) override;
  bool read_only() const override { return true; }
  /// id: empty (dunghan never writes into the database); location: what the server calls the
  /// cluster and the database (DbSession::identity(), blanks as '_'): "postgresql:SYSTEM_ID:OID",
  /// "mysql:SERVER_UUID/DB", "mariadb:HOST:PORT/DB@OLDEST_TABLE_CREATE_TIME", "odbc:DBMS:SERVER/DB"
  /// or "file:DEVICE:INODE" (SQLite). A restore into a new database changes it. Connects (again)
  /// when needed; throws StoreUnavailable when the database cannot be reached. SQLite: another
  /// file at the path is opened and its queries checked again; a file no longer there throws
  /// StoreError.
  StoreIdentity identity() override;

  /// The database as shown in messages ("postgresql db:5432/motcua (user dunghan_ro)").
  const std::string& description() const;

  /// Connects now (when not connected) and checks the mapping. Throws like a read.
  void connect();

  /// Runs both queries in full once and reports what they returned (`sample_rows` first dossier
  /// rows in detail). Throws StoreError / StoreUnavailable like a read.
  MappingCheck check(std::size_t sample_rows);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Advice about a mapping that is valid but costly, one English sentence each (check-config
/// prints them): a dossiers query without :since is read in full at every poll.
std::vector<std::string> mapping_warnings(const Mapping& mapping);

/// True when `sql` uses the named parameter :since (outside string literals, quoted identifiers
/// and comments).
bool uses_since(std::string_view sql);

}  // namespace dunghan::store
