#pragma once
// Where an agency database is (`[store.mapping] url`), and the connection strings SOCI's backends
// take for it. Pure: no I/O.
//
// Accepted forms:
//   postgresql://USER@HOST[:PORT]/DATABASE[?PARAM=VALUE&…]   (also postgres://; PARAMs go to libpq,
//                                                             e.g. sslmode=verify-full)
//   mysql://USER@HOST[:PORT]/DATABASE[?PARAM=VALUE&…]        (also mariadb://; PARAMs: sslca,
//                                                             sslcert, sslkey, unix_socket)
//   odbc:CONNECTION-STRING                                   (e.g. Driver={ODBC Driver 18 for SQL
//                                                             Server};Server=db;Database=MotCua)
//   sqlite:///ABSOLUTE/PATH  or  sqlite:RELATIVE/PATH         (a file; the caller resolves it)
// USER, DATABASE and PARAM values may be percent-encoded. A password is never part of the url:
// it comes from `password_file` or `password = "env:NAME"` (a url holding one is refused, so it
// cannot end up in a log line or an error message).
//
// Contract for every user of this header (the agency-database reader, and the PostgreSQL store
// and ledger of issue 13):
//  - parse_db_url() REFUSES, with an English message that never repeats the secret: a password in
//    the userinfo (`user:pw@`), a `password`/`pwd` query parameter, a `PWD=`/`Password=` key in an
//    ODBC string; an unknown scheme (oracle://, http://); a server url without a database; a port
//    outside 1..65535; a postgresql/mysql parameter SOCI's backend would not take (mysql: only
//    sslca, sslcert, sslkey, unix_socket; postgresql: anything, passed to libpq as given);
//    malformed percent-encoding; `odbc:` or `sqlite:` with nothing after it.
//  - So a DbUrl holds no secret, and neither does describe(): that is the only text about a
//    database to put in logs, errors, /healthz or `store check`. What is redacted is therefore
//    everything that soci_connect_string() adds (the password); never log that string.
//  - Nothing here resolves names, opens files or connects.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace dunghan::store {

enum class DbEngine { sqlite, postgresql, mysql, odbc };

/// "sqlite" | "postgresql" | "mysql" | "odbc".
std::string_view to_string(DbEngine e);

struct DbUrl {
  DbEngine engine = DbEngine::sqlite;
  std::string user;         // postgresql, mysql (may be empty: the client's default)
  std::string host;         // postgresql, mysql (empty: the client's default, a socket)
  std::optional<int> port;  // postgresql, mysql
  std::string database;     // postgresql, mysql
  std::vector<std::pair<std::string, std::string>> params;  // postgresql, mysql: decoded
  std::string odbc;                                         // odbc: the connection string as given
  std::string file;  // sqlite: the path as given (not resolved)
  friend bool operator==(const DbUrl&, const DbUrl&) = default;
};

/// Parses `url`. Returns the parsed url, or an English message saying what is wrong (never
/// repeating a password it may hold).
struct DbUrlError {
  std::string message;
};
std::variant<DbUrl, DbUrlError> parse_db_url(std::string_view url);

/// A safe one-line description for logs, errors and /healthz: "postgresql
/// db.motcua.local:5432/motcua (user dunghan_ro)", "odbc Driver={…};Server=db;Database=MotCua".
std::string describe(const DbUrl& url);

/// Connection settings that are not part of the url.
struct ConnectOptions {
  std::optional<std::string> password;
  std::chrono::seconds connect_timeout{30};
  std::chrono::seconds query_timeout{30};  // mysql: network reads wait this long plus 30 s
};

/// The connection string of SOCI's backend for `url` (postgresql: a libpq URI with
/// connect_timeout and TCP keepalives; mysql: SOCI's key='value' form with charset utf8mb4 and
/// the timeouts; odbc: the string with PWD={…} appended). It holds the password: never log it or
/// put it in a message. Not for DbEngine::sqlite.
std::string soci_connect_string(const DbUrl& url, const ConnectOptions& options);

/// `s` with every character outside RFC 3986's unreserved set percent-encoded.
std::string percent_encode(std::string_view s);

}  // namespace dunghan::store
