#include "pg/connection.h"

#include <libpq-fe.h>

#include <charconv>

namespace dunghan::pg {
namespace {

/// The first line of a libpq message, without the "FATAL:  " / "ERROR:  " prefix and trailing
/// newlines: one line for a log.
std::string first_line(const char* message) {
  std::string s = message == nullptr ? "" : message;
  if (s.starts_with("FATAL:  ")) s.erase(0, 8);
  if (s.starts_with("ERROR:  ")) s.erase(0, 8);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  // libpq reports "connection to server at "…" failed: Connection refused\n\tIs the server…":
  // keep the reason, drop the hint lines.
  if (const auto nl = s.find('\n'); nl != std::string::npos) {
    std::string rest = s.substr(nl + 1);
    s.erase(nl);
    if (s.ends_with(':') || s.ends_with("failed")) {
      while (!rest.empty() && (rest.front() == '\t' || rest.front() == ' ')) rest.erase(0, 1);
      const auto nl2 = rest.find('\n');
      s += " " + rest.substr(0, nl2);
    }
  }
  return s;
}

std::string millis(std::chrono::seconds s) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(s).count());
}

}  // namespace

std::string describe(const ConnectSpec& spec) {
  std::string s = "postgresql ";
  s += spec.host.empty() ? "localhost" : spec.host;
  s += ":" + std::to_string(spec.port.value_or(5432));
  s += "/" + spec.database;
  if (!spec.user.empty()) s += " (user " + spec.user + ")";
  return s;
}

bool unavailable_state(std::string_view st) {
  if (st.size() != 5) return false;
  return st.starts_with("08") || st.starts_with("28") || st == "57P01" || st == "57P02" ||
         st == "57P03" || st == "53300";
}

bool retryable(const Error& e) {
  return e.sqlstate() == "40001" || e.sqlstate() == "40P01";
}

// ---- Result ---------------------------------------------------------------------------------

Result::Result(pg_result* r) : r_(r) {}
Result::~Result() {
  if (r_ != nullptr) PQclear(r_);
}
Result& Result::operator=(Result&& o) noexcept {
  if (this != &o) {
    if (r_ != nullptr) PQclear(r_);
    r_ = std::exchange(o.r_, nullptr);
  }
  return *this;
}
int Result::rows() const {
  return r_ == nullptr ? 0 : PQntuples(r_);
}
int Result::columns() const {
  return r_ == nullptr ? 0 : PQnfields(r_);
}
bool Result::null(int row, int col) const {
  return PQgetisnull(r_, row, col) != 0;
}
std::string_view Result::text(int row, int col) const {
  return std::string_view(PQgetvalue(r_, row, col),
                          static_cast<std::size_t>(PQgetlength(r_, row, col)));
}
std::int64_t Result::int64(int row, int col) const {
  const std::string_view t = text(row, col);
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (null(row, col) || ec != std::errc() || ptr != t.data() + t.size()) {
    throw Error("postgresql: column " + std::to_string(col) + " of row " + std::to_string(row) +
                    " is not an integer: \"" + std::string(t) + "\"",
                "");
  }
  return v;
}
std::optional<std::int64_t> Result::opt_int64(int row, int col) const {
  if (null(row, col)) return std::nullopt;
  return int64(row, col);
}
std::int64_t Result::affected() const {
  const char* n = r_ == nullptr ? "" : PQcmdTuples(r_);
  std::int64_t v = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}
int Result::column(const char* name) const {
  return r_ == nullptr ? -1 : PQfnumber(r_, name);
}

// ---- Connection -----------------------------------------------------------------------------

Connection::Connection(const ConnectSpec& spec) : description_(describe(spec)) {
  std::vector<std::pair<std::string, std::string>> kv;
  if (!spec.host.empty()) kv.emplace_back("host", spec.host);
  if (spec.port) kv.emplace_back("port", std::to_string(*spec.port));
  kv.emplace_back("dbname", spec.database);
  if (!spec.user.empty()) kv.emplace_back("user", spec.user);
  if (spec.password) kv.emplace_back("password", *spec.password);
  kv.emplace_back("connect_timeout",
                  std::to_string(std::max<std::int64_t>(
                      2, static_cast<std::int64_t>(spec.connect_timeout.count()))));
  kv.emplace_back("application_name", spec.application_name);
  kv.emplace_back("client_encoding", "UTF8");
  kv.emplace_back("keepalives", "1");
  kv.emplace_back("keepalives_idle", "10");
  kv.emplace_back("keepalives_interval", "3");
  kv.emplace_back("keepalives_count", "3");
  kv.emplace_back("tcp_user_timeout", "20000");
  for (const auto& [k, v] : spec.params) kv.emplace_back(k, v);
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [k, v] : kv) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
  if (conn_ == nullptr) throw Unavailable(description_ + ": out of memory", "");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = first_line(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    // A wrong password names the user, never the password itself (libpq never echoes it).
    throw Unavailable(description_ + ": cannot connect: " + why, "08001");
  }
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);  // NOTICEs (e.g. "already exists") are noise
  std::string settings =
      "SET DateStyle = 'ISO, YMD'; SET statement_timeout = " + millis(spec.statement_timeout) +
      "; SET idle_in_transaction_session_timeout = 300000";
  exec(settings);
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

bool Connection::usable() const {
  return conn_ != nullptr && !lost_ && PQstatus(conn_) == CONNECTION_OK;
}

int Connection::server_version() const {
  return conn_ == nullptr ? 0 : PQserverVersion(conn_);
}

int Connection::backend_pid() const {
  return conn_ == nullptr ? 0 : PQbackendPID(conn_);
}

void Connection::fail(pg_result* r, std::string_view context) {
  std::string state;
  std::string message;
  if (r != nullptr) {
    if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
    const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    message = primary != nullptr ? primary : first_line(PQresultErrorMessage(r));
    if (const char* detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL)) {
      message += " (" + std::string(detail) + ")";
    }
    PQclear(r);
  }
  if (message.empty()) message = first_line(PQerrorMessage(conn_));
  if (message.empty()) message = "the connection failed";
  const bool gone = PQstatus(conn_) != CONNECTION_OK || unavailable_state(state);
  std::string text = description_ + ": " + message;
  if (!context.empty()) text += " (while " + std::string(context) + ")";
  if (gone) {
    lost_ = true;
    throw Unavailable(text, state);
  }
  throw Error(text, state);
}

namespace {

struct ParamArrays {
  std::vector<const char*> values;
  explicit ParamArrays(const Params& params) {
    values.reserve(params.size());
    for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  }
};

bool succeeded(pg_result* r) {
  const ExecStatusType s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
}

/// The first words of a statement, for an error message ("while running INSERT INTO alerts").
std::string head_of(std::string_view sql) {
  while (!sql.empty() && (sql.front() == ' ' || sql.front() == '\n')) sql.remove_prefix(1);
  std::string h(sql.substr(0, std::min<std::size_t>(sql.size(), 40)));
  for (char& c : h) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return "running " + h + (sql.size() > 40 ? "…" : "");
}

}  // namespace

Result Connection::exec(std::string_view sql, const Params& params) {
  if (!usable()) throw Unavailable(description_ + ": the connection was lost", "08003");
  const std::string text(sql);
  pg_result* r = nullptr;
  if (params.empty()) {
    r = PQexec(conn_, text.c_str());
  } else {
    const ParamArrays p(params);
    r = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr, p.values.data(),
                     nullptr, nullptr, 0);
  }
  if (r == nullptr || !succeeded(r)) fail(r, head_of(sql));
  return Result(r);
}

Result Connection::exec_prepared(const std::string& name, std::string_view sql,
                                 const Params& params) {
  if (!usable()) throw Unavailable(description_ + ": the connection was lost", "08003");
  if (!prepared_.contains(name)) {
    const std::string text(sql);
    pg_result* r =
        PQprepare(conn_, name.c_str(), text.c_str(), static_cast<int>(params.size()), nullptr);
    if (r == nullptr || !succeeded(r)) fail(r, "preparing " + name);
    PQclear(r);
    prepared_[name] = true;
  }
  const ParamArrays p(params);
  pg_result* r = PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                p.values.data(), nullptr, nullptr, 0);
  if (r == nullptr || !succeeded(r)) fail(r, name);
  return Result(r);
}

// ---- Transaction ----------------------------------------------------------------------------

Transaction::Transaction(Connection& c, std::string_view begin_sql) : c_(c) {
  c_.exec(begin_sql);
}

Transaction::~Transaction() {
  if (!open_ || !c_.usable()) return;
  try {
    c_.exec("ROLLBACK");
  } catch (...) {  // nothing sensible to do in a destructor; the server rolls back on disconnect
  }
}

void Transaction::commit() {
  open_ = false;
  c_.exec("COMMIT");
}

}  // namespace dunghan::pg
