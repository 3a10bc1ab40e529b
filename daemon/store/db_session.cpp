#include "store/db_session.h"

#include <soci/mysql/soci-mysql.h>
#include <soci/odbc/soci-odbc.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "store/file_identity.h"

namespace dunghan::store::detail {
namespace {

/// One line: newlines and tabs of driver messages become single blanks.
std::string one_line(std::string_view s) {
  std::string out;
  bool blank = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

void replace_all(std::string& s, const std::string& what, std::string_view with) {
  if (what.empty()) return;
  for (std::size_t at = s.find(what); at != std::string::npos;
       at = s.find(what, at + with.size())) {
    s.replace(at, what.size(), with);
  }
}

/// "+07:00" for an offset.
std::string offset_text(calendar::UtcOffset o) {
  const long long m = o.east.count();
  const long long a = m < 0 ? -m : m;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", m < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

std::string odbc_info(SQLHDBC hdbc, SQLUSMALLINT what) {
  SQLCHAR buf[256] = {};
  SQLSMALLINT len = 0;
  if (!SQL_SUCCEEDED(SQLGetInfo(hdbc, what, buf, sizeof buf, &len))) return {};
  return std::string(reinterpret_cast<const char*>(buf));
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    bool same = true;
    for (std::size_t k = 0; k < needle.size() && same; ++k) {
      same = std::tolower(static_cast<unsigned char>(haystack[i + k])) ==
             std::tolower(static_cast<unsigned char>(needle[k]));
    }
    if (same) return true;
  }
  return false;
}

}  // namespace

std::string scrub(std::string message, const std::optional<std::string>& secret) {
  if (!secret || secret->empty()) return message;
  replace_all(message, percent_encode(*secret), "***");
  replace_all(message, *secret, "***");
  return message;
}

DbSession::DbSession(const SessionSpec& spec)
    : engine_(spec.url.engine),
      password_(spec.password),
      query_timeout_(spec.query_timeout),
      zone_(spec.zone),
      file_(spec.sqlite_file) {
  if (engine_ == DbEngine::sqlite) {
    description_ = "sqlite " + spec.sqlite_file.string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(spec.sqlite_file, ec)) {
      throw StoreUnavailable(spec.sqlite_file.string() +
                             ": no such database file (a mapped database is opened read-only and "
                             "never created)");
    }
    if (spec.sqlite_file.string().find('"') != std::string::npos) {
      throw StoreError(spec.sqlite_file.string() +
                       ": a mapped SQLite file's path must not contain a double quote");
    }
  } else {
    description_ = describe(spec.url);
  }
  try {
    switch (engine_) {
      case DbEngine::sqlite:
        sql_ = std::make_unique<soci::session>(
            soci::sqlite3, "db=\"" + spec.sqlite_file.string() + "\" readonly=true");
        break;
      case DbEngine::postgresql:
      case DbEngine::mysql:
      case DbEngine::odbc: {
        ConnectOptions o;
        o.password = spec.password;
        o.connect_timeout = spec.query_timeout;
        o.query_timeout = spec.query_timeout;
        const std::string cs = soci_connect_string(spec.url, o);
        if (engine_ == DbEngine::postgresql) {
          sql_ = std::make_unique<soci::session>(soci::postgresql, cs);
        } else if (engine_ == DbEngine::mysql) {
          sql_ = std::make_unique<soci::session>(soci::mysql, cs);
        } else {
          sql_ = std::make_unique<soci::session>(soci::odbc, cs);
        }
        break;
      }
    }
  } catch (const std::exception& e) {
    throw StoreUnavailable(description_ +
                           ": cannot connect: " + one_line(scrub(e.what(), password_)));
  }
  try {
    setup();
  } catch (const std::exception& e) {
    throw StoreError(description_ + ": cannot set the session up read-only: " +
                     one_line(scrub(e.what(), password_)));
  }
  if (engine_ == DbEngine::sqlite) {
    *sql_ << "PRAGMA busy_timeout = " + std::to_string(spec.busy_timeout.count());
  }
}

DbSession::~DbSession() = default;

void DbSession::setup() {
  soci::session& sql = *sql_;
  const std::string zone = offset_text(zone_);
  const long long timeout_s = std::max<long long>(1, query_timeout_.count());
  switch (engine_) {
    case DbEngine::sqlite:
      dialect_ = Dialect::sqlite;
      sql << "PRAGMA query_only = 1";
      return;
    case DbEngine::postgresql:
      dialect_ = Dialect::postgresql;
      break;
    case DbEngine::mysql: {
      std::string version;
      sql << "SELECT VERSION()", soci::into(version);
      dialect_ = contains_ci(version, "mariadb") ? Dialect::mariadb : Dialect::mysql;
      // Bytes as the column stores them: a legacy latin1 column is then seen as not UTF-8.
      sql << "SET character_set_results = NULL";
      break;
    }
    case DbEngine::odbc: {
      auto* be = static_cast<soci::odbc_session_backend*>(sql.get_backend());
      const SQLRETURN rc = SQLSetConnectAttr(
          be->hdbc_, SQL_ATTR_ACCESS_MODE,
          reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(SQL_MODE_READ_ONLY)), 0);
      (void)rc;  // drivers that cannot honour it still get the native statements below
      const std::string dbms = odbc_info(be->hdbc_, SQL_DBMS_NAME);
      if (contains_ci(dbms, "postgres")) {
        dialect_ = Dialect::postgresql;
      } else if (contains_ci(dbms, "mariadb")) {
        dialect_ = Dialect::mariadb;
      } else if (contains_ci(dbms, "mysql")) {
        std::string version;
        sql << "SELECT VERSION()", soci::into(version);
        dialect_ = contains_ci(version, "mariadb") ? Dialect::mariadb : Dialect::mysql;
      } else {
        dialect_ = Dialect::other;
      }
      break;
    }
  }
  switch (dialect_) {
    case Dialect::postgresql:
      sql << "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
      sql << "SET TIME ZONE INTERVAL '" + zone + "' HOUR TO MINUTE";
      sql << "SET DateStyle = ISO";
      sql << "SET statement_timeout = " + std::to_string(timeout_s * 1000);
      break;
    case Dialect::mysql:
    case Dialect::mariadb:
      sql << "SET SESSION TRANSACTION READ ONLY";
      sql << "SET time_zone = '" + zone + "'";
      if (dialect_ == Dialect::mariadb) {
        sql << "SET SESSION max_statement_time = " + std::to_string(timeout_s);
      } else {
        sql << "SET SESSION max_execution_time = " + std::to_string(timeout_s * 1000);
      }
      break;
    case Dialect::sqlite:
    case Dialect::other:
      break;
  }
}

void DbSession::configure(soci::statement& st) {
  if (engine_ != DbEngine::odbc) return;
  auto* be = static_cast<soci::odbc_statement_backend*>(st.get_backend());
  const auto seconds = static_cast<SQLULEN>(std::max<long long>(1, query_timeout_.count()));
  SQLSetStmtAttr(be->hstmt_, SQL_ATTR_QUERY_TIMEOUT, reinterpret_cast<SQLPOINTER>(seconds), 0);
}

void DbSession::begin_read() {
  switch (engine_) {
    case DbEngine::odbc:
      sql_->begin();
      return;
    case DbEngine::sqlite:
      *sql_ << "BEGIN";
      return;
    case DbEngine::postgresql:
      *sql_ << "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
      return;
    case DbEngine::mysql:
      *sql_ << "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";
      return;
  }
}

void DbSession::end_read(bool commit) noexcept {
  try {
    if (engine_ == DbEngine::odbc) {
      if (commit) {
        sql_->commit();
      } else {
        sql_->rollback();
      }
    } else {
      *sql_ << (commit ? "COMMIT" : "ROLLBACK");
    }
  } catch (...) {  // a connection that is gone: the next read notices and reconnects
  }
}

std::string DbSession::identity() {
  std::string id;
  switch (dialect_) {
    case Dialect::postgresql:
      *sql_ << "SELECT CAST(c.system_identifier AS TEXT) || ':' || CAST(d.oid AS TEXT) "
               "FROM pg_control_system() c, pg_database d WHERE d.datname = current_database()",
          soci::into(id);
      return "postgresql:" + id;
    case Dialect::mysql:
      *sql_ << "SELECT CONCAT(@@server_uuid, '/', DATABASE())", soci::into(id);
      return "mysql:" + id;
    case Dialect::mariadb:
      *sql_ << "SELECT CONCAT(@@hostname, ':', @@port, '/', DATABASE(), '@', "
               "COALESCE(CAST((SELECT MIN(CREATE_TIME) FROM information_schema.TABLES "
               "WHERE TABLE_SCHEMA = DATABASE()) AS CHAR), ''))",
          soci::into(id);
      return "mariadb:" + id;
    case Dialect::sqlite: {
      const std::optional<FileIdentity> file = file_identity(file_);
      return "file:" + (file ? to_string(*file) : file_.string());
    }
    case Dialect::other:
      break;
  }
  auto* be = static_cast<soci::odbc_session_backend*>(sql_->get_backend());
  return "odbc:" + odbc_info(be->hdbc_, SQL_DBMS_NAME) + ":" +
         odbc_info(be->hdbc_, SQL_SERVER_NAME) + "/" + odbc_info(be->hdbc_, SQL_DATABASE_NAME);
}

void DbSession::fail(const std::exception& e, const std::string& context) {
  const std::string message =
      description_ + ": " + context + ": " + one_line(scrub(e.what(), password_));
  bool timeout = false;
  bool busy = false;
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    timeout = pg->sqlstate() == "57014";  // query_canceled (statement_timeout)
  } else if (const auto* my = dynamic_cast<const soci::mysql_soci_error*>(&e)) {
    timeout = my->err_num_ == 1969 || my->err_num_ == 3024;  // max_statement/execution_time
  } else if (const auto* od = dynamic_cast<const soci::odbc_soci_error*>(&e)) {
    // HYT00/HYT01: the driver's timeout; what the server says through the driver: PostgreSQL
    // 57014 (statement_timeout), MariaDB HY018 / 1969 (max_statement_time), MySQL 3024.
    const std::string state(reinterpret_cast<const char*>(od->odbc_error_code()));
    const auto native = od->native_error_code();
    timeout = state.starts_with("HYT") || state == "57014" || state == "HY018" || native == 1969 ||
              native == 3024;
  } else if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    busy = lite->result() == SQLITE_BUSY || lite->result() == SQLITE_LOCKED;
  }
  if (!sql_->is_connected()) {
    alive_ = false;
    throw StoreUnavailable(message);
  }
  if (timeout) {
    throw StoreUnavailable(message + " (longer than query_timeout = " +
                           std::to_string(query_timeout_.count()) + " s)");
  }
  if (busy) throw StoreUnavailable(message);
  throw StoreError(message);
}

}  // namespace dunghan::store::detail
