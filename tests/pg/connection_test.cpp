// The libpq layer (daemon/pg) against a real PostgreSQL server: connection settings, errors that
// name the server and never the password, reconnection, migrations under the advisory lock,
// array literals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "pg/connection.h"
#include "pg/schema.h"
#include "pg/session.h"
#include "support/pg_test_db.h"

namespace dunghan::pg {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::PgTestDb;

TEST(PgConnection, ConnectsWithTheInstanceNameUtf8AndIsoDates) {
  PgTestDb& db = PgTestDb::shared();
  ConnectSpec spec = db.spec(db.fresh_schema());
  spec.application_name = "dunghan may-1:9464";
  Connection c(spec);
  EXPECT_EQ(c.exec("SHOW application_name").str(0, 0), "dunghan may-1:9464");
  EXPECT_EQ(c.exec("SHOW client_encoding").str(0, 0), "UTF8");
  EXPECT_EQ(c.exec("SELECT '2026-03-04 08:05:00'::timestamp").str(0, 0), "2026-03-04 08:05:00");
  EXPECT_EQ(c.exec("SELECT $1::text", {"Sở Tư pháp"}).str(0, 0), "Sở Tư pháp");
  EXPECT_TRUE(c.exec("SELECT NULL::text").null(0, 0));
  EXPECT_GE(c.server_version(), 150000);
}

TEST(PgConnection, AWrongPasswordIsUnavailableNamingServerAndUserNeverThePassword) {
  PgTestDb& db = PgTestDb::shared();
  ConnectSpec spec = db.spec("public");
  spec.password = "sai-mat-khau-bi-mat";
  try {
    Connection c(spec);
    FAIL() << "connected with a wrong password";
  } catch (const Unavailable& e) {
    const std::string what = e.what();
    EXPECT_THAT(what, HasSubstr("postgresql 127.0.0.1:" + std::to_string(db.server().port()) +
                                "/dunghan (user dunghan)"));
    EXPECT_THAT(what, HasSubstr("password authentication failed"));
    EXPECT_THAT(what, Not(HasSubstr("sai-mat-khau-bi-mat")));
    EXPECT_THAT(what, Not(HasSubstr(db.password())));
  }
}

TEST(PgConnection, NoServerOnThePortIsUnavailableNamingIt) {
  ConnectSpec spec;
  spec.host = "127.0.0.1";
  spec.port = testing::free_port();
  spec.database = "dunghan";
  spec.user = "dunghan";
  spec.password = "bi-mat-khong-lo";
  try {
    Connection c(spec);
    FAIL() << "connected to nothing";
  } catch (const Unavailable& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("postgresql 127.0.0.1:" + std::to_string(*spec.port) + "/dunghan"));
    EXPECT_THAT(e.what(), HasSubstr("cannot connect"));
    EXPECT_THAT(e.what(), Not(HasSubstr("bi-mat-khong-lo")));
  }
}

TEST(PgConnection, ARefusedStatementIsAnErrorWithItsSqlstateAndKeepsTheConnection) {
  PgTestDb& db = PgTestDb::shared();
  Connection c(db.spec(db.fresh_schema()));
  try {
    c.exec("SELECT * FROM no_such_table");
    FAIL();
  } catch (const Unavailable&) {
    FAIL() << "a refused statement is not an outage";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "42P01");
    EXPECT_THAT(e.what(), HasSubstr("no_such_table"));
  }
  EXPECT_TRUE(c.usable());
  EXPECT_EQ(c.exec("SELECT 1").int64(0, 0), 1);
}

TEST(PgConnection, ATerminatedBackendIsUnavailableAndTheSessionReconnects) {
  PgTestDb& db = PgTestDb::shared();
  Session s(db.spec(db.fresh_schema()));
  const int pid = s.run([](Connection& c) { return c.backend_pid(); });
  db.terminate(pid);
  EXPECT_THROW(s.run([](Connection& c) { c.exec("SELECT 1"); }), Unavailable);
  EXPECT_FALSE(s.connected());
  const int again = s.run([](Connection& c) { return c.backend_pid(); });
  EXPECT_NE(again, pid);
  EXPECT_EQ(s.connects(), 2);
}

TEST(PgConnection, ASessionDoesNotConnectUntilUsed) {
  ConnectSpec spec;
  spec.host = "127.0.0.1";
  spec.port = testing::free_port();
  spec.database = "x";
  Session s(spec);  // nothing listens there: no error yet
  EXPECT_FALSE(s.connected());
  EXPECT_THROW(s.run([](Connection& c) { c.exec("SELECT 1"); }), Unavailable);
}

TEST(PgConnection, PreparedStatementsArePreparedOncePerConnection) {
  PgTestDb& db = PgTestDb::shared();
  Connection c(db.spec(db.fresh_schema()));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(
        c.exec_prepared("add", "SELECT $1::int + $2::int", {std::to_string(i), "1"}).int64(0, 0),
        i + 1);
  }
  EXPECT_EQ(c.exec("SELECT count(*) FROM pg_prepared_statements WHERE name = 'add'").int64(0, 0),
            1);
}

TEST(PgConnection, ATransactionLeftWithoutCommitIsRolledBack) {
  PgTestDb& db = PgTestDb::shared();
  Connection c(db.spec(db.fresh_schema()));
  c.exec("CREATE TABLE t (v int)");
  {
    Transaction tx(c);
    c.exec("INSERT INTO t VALUES (1)");
  }
  {
    Transaction tx(c);
    c.exec("INSERT INTO t VALUES (2)");
    tx.commit();
  }
  EXPECT_EQ(c.exec("SELECT string_agg(v::text, ',') FROM t").str(0, 0), "2");
}

TEST(PgSchema, MigrationsRunOnceEvenWhenInstancesStartTogether) {
  PgTestDb& db = PgTestDb::shared();
  const ConnectSpec spec = db.spec(db.fresh_schema());
  static constexpr std::string_view kSteps[] = {
      "CREATE TABLE one (v int); INSERT INTO one VALUES (1);",
      "ALTER TABLE one ADD COLUMN w int; INSERT INTO one VALUES (2, 2);",
  };
  std::vector<std::thread> threads;
  std::atomic<int> found_zero{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      Connection c(spec);
      if (migrate(c, "test", kSteps) == 0) ++found_zero;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(found_zero.load(), 1);
  Connection c(spec);
  EXPECT_EQ(schema_version(c, "test"), 2);
  EXPECT_EQ(c.exec("SELECT count(*) FROM one").int64(0, 0), 2);
  EXPECT_EQ(migrate(c, "test", kSteps), 2);  // nothing to do
}

TEST(PgSchema, ADatabaseFromANewerDunghanIsRefused) {
  PgTestDb& db = PgTestDb::shared();
  Connection c(db.spec(db.fresh_schema()));
  static constexpr std::string_view kSteps[] = {"CREATE TABLE a (v int);", "CREATE TABLE b ();"};
  migrate(c, "test", kSteps);
  try {
    migrate(c, "test", std::span(kSteps).first(1));
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("version 2, written by a newer dunghan"));
  }
}

TEST(PgSchema, AdvisoryLocksArePerSchemaAndPerSession) {
  PgTestDb& db = PgTestDb::shared();
  const std::string s1 = db.fresh_schema();
  const std::string s2 = db.fresh_schema();
  Connection a(db.spec(s1));
  Connection b(db.spec(s1));
  Connection other(db.spec(s2));
  EXPECT_TRUE(try_lock(a, "plan"));
  EXPECT_FALSE(try_lock(b, "plan"));
  EXPECT_TRUE(try_lock(other, "plan"));  // another deployment in another schema
  EXPECT_TRUE(unlock(a, "plan"));
  EXPECT_TRUE(try_lock(b, "plan"));
}

TEST(PgArray, LiteralsRoundTripQuotesBackslashesNullsAndVietnamese) {
  PgTestDb& db = PgTestDb::shared();
  Connection c(db.spec(db.fresh_schema()));
  const std::vector<std::string> values = {"",   "a,b",  "say \"hi\"",    "back\\slash",
                                           "{}", "NULL", "Hồ sơ đất đai", " lead"};
  ArrayLiteral a;
  for (const std::string& v : values) a.add(v);
  a.add_null();
  const Result r = c.exec(
      "SELECT t, t IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i) "
      "ORDER BY i",
      {a.str()});
  ASSERT_EQ(r.rows(), static_cast<int>(values.size()) + 1);
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(r.str(static_cast<int>(i), 0), values[i]);
  }
  EXPECT_EQ(r.str(static_cast<int>(values.size()), 1), "t");
  ArrayLiteral n;
  n.add(std::int64_t{-5});
  n.add(std::int64_t{1'750'000'000'000});
  EXPECT_EQ(c.exec("SELECT sum(x) FROM unnest($1::bigint[]) x", {n.str()}).int64(0, 0),
            1'749'999'999'995);
}

}  // namespace
}  // namespace dunghan::pg
