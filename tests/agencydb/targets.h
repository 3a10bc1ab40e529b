#pragma once
// The ways the agency-database tests reach a real server: PostgreSQL and MariaDB natively, and
// both again through ODBC (unixODBC with the Debian drivers, named by library path in a DSN-less
// connection string). One server of each kind for the whole test program (db_servers.h); each
// test database holds the agency schema and data of agency_data.h.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "agencydb/agency_data.h"
#include "support/db_servers.h"

namespace dunghan::agencydb {

/// The password of the test users: blanks, quotes, braces, a semicolon, '%', '@' and Vietnamese,
/// so that every connection-string form is really exercised.
inline const std::string kPassword = "Mật khẩu 'bí' \"mật\" {x};%40@y";
/// dunghan's read-only user, and a user that may write (to show that dunghan cannot, whatever
/// the grants).
inline const std::string kReader = "dunghan_ro";
inline const std::string kWriter = "motcua_rw";

/// An ODBC driver library of the Debian packages odbc-postgresql / odbc-mariadb.
inline std::string odbc_driver(const std::string& file) {
  for (const char* dir : {"/usr/lib/x86_64-linux-gnu/odbc", "/usr/lib/aarch64-linux-gnu/odbc",
                          "/usr/lib/odbc", "/usr/lib64"}) {
    const std::filesystem::path p = std::filesystem::path(dir) / file;
    if (std::filesystem::exists(p)) return p.string();
  }
  throw std::runtime_error("ODBC driver " + file +
                           " not found (packages odbc-postgresql, "
                           "odbc-mariadb)");
}

struct Target {
  std::string name;  // postgresql, mariadb, odbc_postgresql, odbc_mariadb
  Sql sql;
  bool odbc;

  testing::DbServer& server() const {
    if (sql == Sql::postgresql) return testing::shared_postgres();
    return testing::shared_mariadb();
  }

  /// Runs SQL as the server's superuser in `db` ("" for none).
  std::string admin(const std::string& statements, const std::string& db = "") const {
    if (sql == Sql::postgresql) {
      return testing::shared_postgres().sql(statements, db.empty() ? "postgres" : db);
    }
    return testing::shared_mariadb().sql(statements, db);
  }

  /// Creates database `db` holding `data` (dropping an older one), readable by kReader and
  /// writable by kWriter.
  void create(const std::string& db, const Data& data) const {
    if (sql == Sql::postgresql) {
      admin("DROP DATABASE IF EXISTS " + db + " WITH (FORCE);\nCREATE DATABASE " + db + ";\n" +
            "DO $$ BEGIN\n"
            "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" +
            kReader +
            "') THEN\n"
            "    CREATE ROLE " +
            kReader + " LOGIN PASSWORD " + lit(kPassword) +
            ";\n"
            "    CREATE ROLE " +
            kWriter + " LOGIN PASSWORD " + lit(kPassword) +
            ";\n"
            "  END IF;\nEND $$;\n");
      admin(schema_and_data(sql, data) + "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " +
                kReader + ";\nGRANT ALL ON ALL TABLES IN SCHEMA public TO " + kWriter +
                ";\nGRANT ALL ON ALL SEQUENCES IN SCHEMA public TO " + kWriter + ";\n",
            db);
      return;
    }
    admin("DROP DATABASE IF EXISTS " + db + ";\nCREATE DATABASE " + db +
          " CHARACTER SET utf8mb4;\n" + "CREATE USER IF NOT EXISTS '" + kReader +
          "'@'127.0.0.1' IDENTIFIED BY " + lit(kPassword) + ";\nCREATE USER IF NOT EXISTS '" +
          kWriter + "'@'127.0.0.1' IDENTIFIED BY " + lit(kPassword) + ";\nGRANT SELECT ON " + db +
          ".* TO '" + kReader + "'@'127.0.0.1';\nGRANT ALL ON " + db + ".* TO '" + kWriter +
          "'@'127.0.0.1';\n");
    admin(schema_and_data(sql, data), db);
  }

  /// The `[store.mapping] url` of `db` for `user`.
  std::string url(const std::string& db, const std::string& user = kReader) const {
    const std::string port = std::to_string(server().port());
    if (!odbc) {
      return std::string(sql == Sql::postgresql ? "postgresql://" : "mysql://") + user +
             "@127.0.0.1:" + port + "/" + db;
    }
    if (sql == Sql::postgresql) {
      return "odbc:Driver=" + odbc_driver("psqlodbcw.so") + ";Server=127.0.0.1;Port=" + port +
             ";Database=" + db + ";Uid=" + user;
    }
    return "odbc:Driver=" + odbc_driver("libmaodbc.so") + ";Server=127.0.0.1;Port=" + port +
           ";Database=" + db + ";Uid=" + user;
  }
};

inline std::vector<Target> all_targets() {
  return {{"postgresql", Sql::postgresql, false},
          {"mariadb", Sql::mariadb, false},
          {"odbc_postgresql", Sql::postgresql, true},
          {"odbc_mariadb", Sql::mariadb, true}};
}

inline std::string target_name(const ::testing::TestParamInfo<Target>& info) {
  return info.param.name;
}

}  // namespace dunghan::agencydb
