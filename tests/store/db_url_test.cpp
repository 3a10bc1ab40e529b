// Agency database urls: parsing, the safe description, SOCI connection strings (store/db_url.h).
#include "store/db_url.h"

#include <gtest/gtest.h>

namespace dunghan::store {
namespace {

DbUrl ok(std::string_view text) {
  auto r = parse_db_url(text);
  if (auto* e = std::get_if<DbUrlError>(&r)) {
    ADD_FAILURE() << text << ": " << e->message;
    return {};
  }
  return std::get<DbUrl>(r);
}

std::string error_of(std::string_view text) {
  auto r = parse_db_url(text);
  if (auto* e = std::get_if<DbUrlError>(&r)) return e->message;
  ADD_FAILURE() << text << " was accepted";
  return {};
}

TEST(DbUrl, PostgresqlWithPortAndParameters) {
  const DbUrl u = ok("postgresql://dunghan_ro@db.motcua.local:5432/motcua?sslmode=verify-full");
  EXPECT_EQ(u.engine, DbEngine::postgresql);
  EXPECT_EQ(u.user, "dunghan_ro");
  EXPECT_EQ(u.host, "db.motcua.local");
  EXPECT_EQ(u.port, 5432);
  EXPECT_EQ(u.database, "motcua");
  ASSERT_EQ(u.params.size(), 1u);
  EXPECT_EQ(u.params[0], (std::pair<std::string, std::string>{"sslmode", "verify-full"}));
  EXPECT_EQ(describe(u), "postgresql db.motcua.local:5432/motcua (user dunghan_ro)");
  EXPECT_EQ(ok("postgres://u@h/d").engine, DbEngine::postgresql);
}

TEST(DbUrl, MysqlAndMariadbSchemesAndIpv6) {
  const DbUrl u = ok("mysql://ro@[::1]:3306/mot%20cua");
  EXPECT_EQ(u.engine, DbEngine::mysql);
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.database, "mot cua");
  EXPECT_EQ(ok("mariadb://ro@h/d").engine, DbEngine::mysql);
  EXPECT_NE(error_of("mysql://ro@h/d?ssl=1").find("unknown parameter `ssl`"), std::string::npos);
}

TEST(DbUrl, OdbcAndSqlite) {
  const DbUrl o = ok("odbc:Driver={ODBC Driver 18 for SQL Server};Server=db;Database=MotCua");
  EXPECT_EQ(o.engine, DbEngine::odbc);
  EXPECT_EQ(o.odbc, "Driver={ODBC Driver 18 for SQL Server};Server=db;Database=MotCua");
  const DbUrl s = ok("sqlite:///srv/motcua/onestop.db");
  EXPECT_EQ(s.engine, DbEngine::sqlite);
  EXPECT_EQ(s.file, "/srv/motcua/onestop.db");
  EXPECT_EQ(ok("sqlite:data/x.db").file, "data/x.db");
}

// A password belongs in password_file or env:NAME: a url holding one would be printed wherever
// the url is shown, so it is refused — and the message does not repeat it.
TEST(DbUrl, APasswordInTheUrlIsRefusedWithoutRepeatingIt) {
  for (const char* url :
       {"postgresql://ro:S3cret!@h/d", "mysql://ro:S3cret!@h:3306/d",
        "postgresql://ro@h/d?password=S3cret!", "odbc:Driver={x};Server=db;PWD={S3cret!}",
        "odbc:Driver={x};Server=db;Password=S3cret!"}) {
    const std::string m = error_of(url);
    EXPECT_NE(m.find("password_file"), std::string::npos) << url;
    EXPECT_EQ(m.find("S3cret"), std::string::npos) << url;
  }
}

TEST(DbUrl, MalformedUrlsSayWhatIsWrong) {
  EXPECT_NE(error_of("postgresql://u@h").find("no database"), std::string::npos);
  EXPECT_NE(error_of("postgresql://u@h:99999/d").find("port"), std::string::npos);
  EXPECT_NE(error_of("oracle://u@h/d").find("not a database url"), std::string::npos);
  EXPECT_NE(error_of("odbc:").find("empty"), std::string::npos);
}

TEST(DbUrl, PostgresqlConnectionStringEncodesEverything) {
  const DbUrl u = ok("postgresql://dunghan ro@db:5433/mot cua?sslmode=require");
  ConnectOptions o;
  o.password = "p w@:/?\"'";
  o.connect_timeout = std::chrono::seconds{7};
  const std::string cs = soci_connect_string(u, o);
  // SOCI splits its connection string at blanks: a URI holds none.
  EXPECT_EQ(cs.find(' '), std::string::npos) << cs;
  EXPECT_EQ(cs.rfind("postgresql://dunghan%20ro:p%20w%40%3A%2F%3F%22%27@db:5433/mot%20cua?", 0), 0u)
      << cs;
  EXPECT_NE(cs.find("connect_timeout=7"), std::string::npos);
  EXPECT_NE(cs.find("&sslmode=require"), std::string::npos);
}

TEST(DbUrl, MysqlConnectionStringQuotesValues) {
  const DbUrl u = ok("mysql://ro@127.0.0.1:3307/motcua?unix_socket=/run/my%20sql.sock");
  ConnectOptions o;
  o.password = R"(a'b\c d)";
  const std::string cs = soci_connect_string(u, o);
  EXPECT_NE(cs.find(R"(password='a\'b\\c d')"), std::string::npos) << cs;
  EXPECT_NE(cs.find("port=3307"), std::string::npos);
  EXPECT_NE(cs.find("charset='utf8mb4'"), std::string::npos);
  EXPECT_NE(cs.find("unix_socket='/run/my sql.sock'"), std::string::npos);
}

TEST(DbUrl, OdbcConnectionStringAppendsTheBracedPassword) {
  const DbUrl u = ok("odbc:Driver={PostgreSQL Unicode};Server=db");
  ConnectOptions o;
  o.password = "a}b;c";
  EXPECT_EQ(soci_connect_string(u, o), "Driver={PostgreSQL Unicode};Server=db;PWD={a}}b;c}");
  EXPECT_EQ(soci_connect_string(u, {}), "Driver={PostgreSQL Unicode};Server=db");
}

}  // namespace
}  // namespace dunghan::store
