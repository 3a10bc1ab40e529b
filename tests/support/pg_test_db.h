#pragma once
// dunghan's own database on the test program's PostgreSQL server (db_servers.h, one server per
// test program): a login role `dunghan` with a password (scram-sha-256 over TCP on 127.0.0.1, as
// in production) owning a database `dunghan`. Each test takes a fresh schema in it
// (fresh_schema()), so tests never see each other's tables and one server serves them all; the
// connection's search_path selects the schema (libpq `options`), as an operator would with
// `?options=-csearch_path%3DNAME` in the url.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "pg/connection.h"
#include "support/db_servers.h"

namespace dunghan::testing {

class PgTestDb {
 public:
  /// The database on the shared server, created on first use. Throws (the test fails) when the
  /// server cannot start.
  static PgTestDb& shared() {
    static PgTestDb db;
    return db;
  }

  PostgresServer& server() { return server_; }
  const std::string& password() const { return password_; }

  /// A new, empty schema owned by `dunghan`; its name ("t1", "t2", …, unique in this program).
  std::string fresh_schema() {
    const std::string name = "t" + std::to_string(++schemas_);
    server_.sql("CREATE SCHEMA " + name + " AUTHORIZATION dunghan", "dunghan");
    return name;
  }

  /// The server pids of the connections whose application_name is `name`.
  std::vector<int> backends(const std::string& name) {
    const std::string out = server_.sql(
        "SELECT pid FROM pg_stat_activity WHERE application_name = '" + name + "'", "dunghan");
    std::vector<int> pids;
    std::size_t at = 0;
    while (at < out.size()) {
      const std::size_t nl = std::min(out.find('\n', at), out.size());
      if (nl > at) pids.push_back(std::stoi(out.substr(at, nl - at)));
      at = nl + 1;
    }
    return pids;
  }

  /// Ends the server process of a connection, as a crash or a network cut would, and waits
  /// until it is gone (its locks with it): pg_terminate_backend only signals.
  void terminate(int pid) {
    server_.sql("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
    for (int i = 0; i < 1000; ++i) {
      const std::string left = server_.sql(
          "SELECT count(*) FROM pg_stat_activity WHERE pid = " + std::to_string(pid), "dunghan");
      if (left.starts_with("0")) return;
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
  }

  /// Connection settings for `schema` as user dunghan over TCP.
  pg::ConnectSpec spec(const std::string& schema) const {
    pg::ConnectSpec s;
    s.host = server_.host();
    s.port = server_.port();
    s.database = "dunghan";
    s.user = "dunghan";
    s.password = password_;
    s.params.emplace_back("options", "-c search_path=" + schema);
    s.application_name = "dunghan-test";
    return s;
  }

  /// The url of `schema` as a configuration names it (the password is not part of it).
  std::string url(const std::string& schema) const {
    return "postgresql://dunghan@" + server_.host() + ":" + std::to_string(server_.port()) +
           "/dunghan?options=-c%20search_path%3D" + schema;
  }

 private:
  PgTestDb() : server_(shared_postgres()) {
    std::string quoted;
    for (const char c : password_) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    server_.sql("CREATE ROLE dunghan LOGIN PASSWORD '" + quoted +
                "'; CREATE DATABASE dunghan OWNER dunghan;");
  }

  PostgresServer& server_;
  std::string password_ = "mật-khẩu-thử 'pg'";
  std::atomic<int> schemas_{0};
};

}  // namespace dunghan::testing
