#pragma once
// Internal to store/: one read-only connection to an agency database through SOCI, whatever the
// engine. Everything that differs between engines lives here (MappedStore is written once):
//  - read-only by construction: PostgreSQL `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`
//    (= default_transaction_read_only) and every read in `BEGIN … READ ONLY`; MySQL/MariaDB
//    `SET SESSION TRANSACTION READ ONLY` and every read in `START TRANSACTION READ ONLY`; ODBC
//    SQL_ATTR_ACCESS_MODE = SQL_MODE_READ_ONLY (plus the native statements above when the ODBC
//    driver's DBMS is PostgreSQL or MySQL/MariaDB); SQLite opened read-only with query_only;
//  - the session's time zone is the mapping's `timezone`, so that zoned timestamps (timestamptz,
//    MySQL TIMESTAMP) arrive, and :since is compared, as wall times at that offset;
//  - the query timeout (PostgreSQL statement_timeout, MariaDB max_statement_time, MySQL
//    max_execution_time, ODBC SQL_ATTR_QUERY_TIMEOUT) and the connection timeout;
//  - MySQL text arrives as the column stores it (character_set_results = NULL), so that a latin1
//    column holding TCVN3 shows up as "not UTF-8" instead of being re-encoded into mojibake;
//  - the database's identity (a replaced or restored database is noticed).

#include <soci/soci.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "calendar/civil.h"
#include "store/db_url.h"
#include "store/store.h"

namespace dunghan::store::detail {

/// The SQL dialect a session speaks (ODBC: from the driver's DBMS name).
enum class Dialect { sqlite, postgresql, mysql, mariadb, other };

struct SessionSpec {
  DbUrl url;                                     // engine and server; for sqlite, `file` is unused
  std::filesystem::path sqlite_file;             // DbEngine::sqlite: the file (resolved)
  std::optional<std::string> password;           // never logged
  calendar::UtcOffset zone;                      // wall times of the database are at this offset
  std::chrono::seconds query_timeout{30};        // also the connection timeout
  std::chrono::milliseconds busy_timeout{5000};  // sqlite: wait for another writer's lock
};

class DbSession {
 public:
  /// Connects and makes the session read-only. Throws StoreUnavailable when the database cannot
  /// be reached or refuses the login (a missing SQLite file included), StoreError when the session
  /// cannot be set up. Messages name the database as describe() does, never the password.
  explicit DbSession(const SessionSpec& spec);
  ~DbSession();
  DbSession(const DbSession&) = delete;
  DbSession& operator=(const DbSession&) = delete;

  soci::session& sql() { return *sql_; }
  Dialect dialect() const { return dialect_; }
  /// The database as shown to people: "postgresql 127.0.0.1:5432/motcua (user dunghan_ro)".
  const std::string& description() const { return description_; }

  /// Applies per-statement settings (ODBC query timeout) to a statement between prepare() and
  /// execute().
  void configure(soci::statement& st);

  /// Starts and ends a read-only transaction (a consistent snapshot where the engine gives one).
  void begin_read();
  void end_read(bool commit) noexcept;

  /// See DossierReader::identity(): PostgreSQL "postgresql:SYSTEM_ID:DATABASE_OID"; MySQL
  /// "mysql:SERVER_UUID/DATABASE"; MariaDB "mariadb:HOST:PORT/DATABASE@OLDEST_TABLE_CREATE_TIME"
  /// (MariaDB has no server UUID; a dump restored into a fresh database re-creates its tables);
  /// SQLite "file:DEVICE:INODE"; other ODBC DBMS "odbc:DBMS:SERVER/DATABASE".
  /// Throws soci::soci_error.
  std::string identity();

  /// Throws the error a failure `e` of this session means: StoreUnavailable when the connection
  /// is gone (then alive() is false), the query ran out of time or the file is locked; StoreError
  /// otherwise (a query the database refuses). `context` says what was being done ("reading the
  /// dossiers query"). The message names the database, never the password.
  [[noreturn]] void fail(const std::exception& e, const std::string& context);
  /// False once classify() found the connection gone: open a new session.
  bool alive() const { return alive_; }

 private:
  void setup();
  std::unique_ptr<soci::session> sql_;
  Dialect dialect_ = Dialect::other;
  DbEngine engine_ = DbEngine::sqlite;
  std::string description_;
  std::optional<std::string> password_;
  std::chrono::seconds query_timeout_;
  calendar::UtcOffset zone_;
  std::filesystem::path file_;
  bool alive_ = true;
};

/// `message` with every occurrence of `secret` (and its percent-encoded and escaped forms)
/// replaced by "***".
std::string scrub(std::string message, const std::optional<std::string>& secret);

}  // namespace dunghan::store::detail
