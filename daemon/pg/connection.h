#pragma once
// One connection to a PostgreSQL server through libpq, for dunghan's own tables (the dossier store
// and the state database when `kind = "postgresql"`). Thin on purpose: the callers write their
// SQL and hold their transactions; this layer connects with the right settings, runs statements
// with text parameters, prepares each named statement once per connection, and turns every
// failure into one of two exceptions whose message names the server and the database — never the
// password:
//  - Unavailable: the server cannot be reached, refused the login, shut down, or the connection
//    was lost (SQLSTATE classes 08, 28 and 57P0x, or a connection libpq reports bad). It goes away
//    by itself or when ops fix it: callers keep running and try again later (Session reconnects).
//  - Error: anything else (a statement the server refused: a constraint, a timeout, a bug).
//
// Settings of every connection: connect_timeout (ConnectSpec), TCP keepalives and
// tcp_user_timeout (a dead server is noticed within about 20 s, not after the kernel's 15 min),
// client_encoding UTF8, application_name (the instance id, seen in pg_stat_activity),
// DateStyle ISO (timestamps read back as "YYYY-MM-DD HH:MM:SS"), statement_timeout, and
// idle_in_transaction_session_timeout (a hung client never holds row locks for long).
//
// Threads: a Connection is used by one thread at a time (the owners serialise with a mutex).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct pg_conn;
struct pg_result;

namespace dunghan::pg {

/// Where and how to connect. Build it from a `postgresql://` url (store/db_url.h) and a secret.
struct ConnectSpec {
  std::string host;         // host name or address; empty: libpq's default (a Unix socket)
  std::optional<int> port;  // empty: 5432
  std::string database;
  std::string user;                     // empty: libpq's default (the OS user)
  std::optional<std::string> password;  // never logged, never in a message
  /// More libpq connection keywords from the url's query (sslmode, sslrootcert, options, …).
  std::vector<std::pair<std::string, std::string>> params;
  /// Shown in pg_stat_activity: "dunghan INSTANCE".
  std::string application_name = "dunghan";
  std::chrono::seconds connect_timeout{5};
  /// Longest a statement may run (0: no limit).
  std::chrono::seconds statement_timeout{120};
};

/// "postgresql HOST:PORT/DATABASE (user USER)", safe for logs and messages (no password, no
/// parameter values).
std::string describe(const ConnectSpec& spec);

/// A statement failed. what(): "<describe(spec)>: <the server's or libpq's message>".
class Error : public std::runtime_error {
 public:
  Error(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  /// The five-character SQLSTATE, or "" when libpq gave none (a lost connection).
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

/// The server is unreachable, refused the login, is shutting down, or the connection was lost.
class Unavailable : public Error {
 public:
  using Error::Error;
};

/// A text parameter; nullopt binds SQL NULL.
using Param = std::optional<std::string>;
using Params = std::vector<Param>;

/// The rows of one statement (text format). Views returned by text() live as long as the Result.
class Result {
 public:
  Result() = default;
  explicit Result(pg_result* r);
  ~Result();
  Result(Result&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
  Result& operator=(Result&& o) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  int rows() const;
  int columns() const;
  bool null(int row, int col) const;
  /// The value as text ("" for NULL).
  std::string_view text(int row, int col) const;
  std::string str(int row, int col) const { return std::string(text(row, col)); }
  /// The value as an integer. Throws Error when it is NULL or not an integer.
  std::int64_t int64(int row, int col) const;
  std::optional<std::int64_t> opt_int64(int row, int col) const;
  /// Rows changed by an INSERT, UPDATE or DELETE (0 for other statements).
  std::int64_t affected() const;
  /// The index of a column by name, or -1.
  int column(const char* name) const;

 private:
  pg_result* r_ = nullptr;
};

class Connection {
 public:
  /// Connects and applies the settings above. Throws Unavailable (unreachable, timeout, login
  /// refused, server starting or stopping) or Error (a setting refused), naming describe(spec).
  explicit Connection(const ConnectSpec& spec);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs `sql` (one statement when `params` is not empty; several separated by ';' otherwise)
  /// and returns its rows. Throws Unavailable or Error; after Unavailable, usable() is false.
  Result exec(std::string_view sql, const Params& params = {});
  /// Runs `sql` as the prepared statement `name` (prepared on first use on this connection; the
  /// same name must always carry the same SQL).
  Result exec_prepared(const std::string& name, std::string_view sql, const Params& params);

  /// False once the connection was found lost: open a new one.
  bool usable() const;
  /// describe() of the spec this connection was opened with.
  const std::string& description() const { return description_; }
  /// The server's version number (150004 for 15.4).
  int server_version() const;
  /// The server process id of this session (pg_backend_pid()).
  int backend_pid() const;

 private:
  [[noreturn]] void fail(pg_result* r, std::string_view context);
  pg_conn* conn_ = nullptr;
  std::string description_;
  std::map<std::string, bool> prepared_;
  bool lost_ = false;
};

/// BEGIN … COMMIT, rolled back when it leaves scope without commit(). `begin_sql` may name an
/// isolation level ("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").
class Transaction {
 public:
  explicit Transaction(Connection& c, std::string_view begin_sql = "BEGIN");
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  /// Commits. Throws like Connection::exec (Unavailable when the connection dropped: whether the
  /// transaction committed is then unknown).
  void commit();

 private:
  Connection& c_;
  bool open_ = true;
};

/// True when `e` (thrown by this layer) is a deadlock or serialization failure worth retrying.
bool retryable(const Error& e);

/// True for the SQLSTATEs that mean "the server cannot be used now" (classes 08 and 28, 57P01–
/// 57P03, 53300 too many connections).
bool unavailable_state(std::string_view sqlstate);

}  // namespace dunghan::pg
