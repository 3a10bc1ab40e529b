// PgStore::identity() on a real PostgreSQL server, connected as an unprivileged role: the store's
// random id (kept by a copy, as by a dump and restore) and where it lives (cluster, database,
// schema), which a restore in place changes. The engine's store watch (alerting/store_watch.h)
// re-plans every open dossier when either changes, as for a replaced SQLite file.
#include <gtest/gtest.h>

#include "store/pg_store.h"
#include "support/pg_test_db.h"

namespace dunghan::store {
namespace {

using testing::PgTestDb;

StoreSettings settings_for(const std::string& schema, const std::string& application_name) {
  PgTestDb& db = PgTestDb::shared();
  StoreSettings s;
  s.offset = calendar::UtcOffset{std::chrono::minutes{7 * 60}};
  s.server = db.spec(schema);
  s.server->application_name = application_name;
  return s;
}

deadline::Dossier dossier(std::string code) {
  deadline::Dossier d;
  d.code = std::move(code);
  d.procedure_code = "1.001";
  d.procedure_name = "Đăng ký khai sinh";
  d.department = "Phòng Tư pháp";
  d.channel = deadline::Channel::direct;
  d.received_at = calendar::Instant{std::chrono::seconds{1'780'000'000}};
  d.duration = calendar::Duration{3, calendar::DurationUnit::working_days};
  d.status = deadline::Status::processing;
  d.updated_at = d.received_at;
  return d;
}

/// Copies the store's tables from schema `from` into the empty schema `to`, rows and generated
/// ids as they are: what a dump of the schema restored elsewhere holds.
void copy_store(const std::string& from, const std::string& to) {
  std::string sql = "SET ROLE dunghan; ";  // the tables belong to dunghan, as a restore makes them
  for (const char* t : {"dunghan_schema", "store_meta", "dossiers", "events"}) {
    sql += "CREATE TABLE " + to + "." + t + " (LIKE " + from + "." + t + " INCLUDING ALL); ";
    sql += "INSERT INTO " + to + "." + t + " OVERRIDING SYSTEM VALUE SELECT * FROM " + from + "." +
           t + "; ";
  }
  PgTestDb::shared().server().sql(sql, "dunghan");
}

TEST(PgStoreIdentity, StableWhileNothingChangesAndNewForAnotherStore) {
  PgTestDb& db = PgTestDb::shared();
  PgStore a(settings_for(db.fresh_schema(), "dunghan-identity-a"));
  const StoreIdentity first = a.identity();
  EXPECT_FALSE(first.id.empty());
  EXPECT_TRUE(first.location.starts_with("pg:")) << first.location;
  EXPECT_EQ(first.location.find(' '), std::string::npos) << first.location;
  EXPECT_EQ(a.identity(), first);  // asking changes nothing
  const std::string shown = to_string(first);
  EXPECT_EQ(shown.find(db.password()), std::string::npos);

  PgStore b(settings_for(db.fresh_schema(), "dunghan-identity-b"));
  EXPECT_NE(b.identity().id, first.id);
  EXPECT_NE(b.identity().location, first.location);
}

TEST(PgStoreIdentity, ACopyKeepsTheIdAndLivesElsewhere) {
  PgTestDb& db = PgTestDb::shared();
  const std::string live_schema = db.fresh_schema();
  PgStore live(settings_for(live_schema, "dunghan-identity-live"));
  const deadline::Dossier d = dossier("HS-1");
  live.upsert(std::span(&d, 1), {});
  const std::string copy_schema = db.fresh_schema();
  copy_store(live_schema, copy_schema);
  PgStore copy(settings_for(copy_schema, "dunghan-identity-copy"));
  EXPECT_EQ(copy.identity().id, live.identity().id);
  EXPECT_NE(copy.identity().location, live.identity().location);
  EXPECT_TRUE(copy.get("HS-1").has_value());
}

TEST(PgStoreIdentity, ASchemaRestoredInPlaceIsNoticedAndReadAsItIsNow) {
  PgTestDb& db = PgTestDb::shared();
  const std::string schema = db.fresh_schema();
  PgStore live(settings_for(schema, "dunghan-identity-restored"));
  const deadline::Dossier one = dossier("HS-1");
  live.upsert(std::span(&one, 1), {});
  const StoreIdentity before = live.identity();

  // The backup, then a dossier written after it.
  const std::string backup = db.fresh_schema();
  copy_store(schema, backup);
  const deadline::Dossier two = dossier("HS-2");
  live.upsert(std::span(&two, 1), {});
  ASSERT_TRUE(live.get("HS-2").has_value());

  // The restore: the schema is replaced by the backup; the restore ends our sessions.
  db.server().sql("ALTER SCHEMA " + schema + " RENAME TO " + schema + "_old; ALTER SCHEMA " +
                      backup + " RENAME TO " + schema,
                  "dunghan");
  for (const int pid : db.backends("dunghan-identity-restored")) db.terminate(pid);

  std::optional<StoreIdentity> after;
  try {
    after = live.identity();
  } catch (const StoreError& e) {  // the lost connection, reported once; the next call reconnects
    EXPECT_NE(std::string(e.what()).find("dossier store"), std::string::npos) << e.what();
    after = live.identity();
  }
  EXPECT_EQ(after->id, before.id);
  EXPECT_NE(after->location, before.location);
  EXPECT_EQ(live.identity(), *after);
  EXPECT_TRUE(live.get("HS-1").has_value());
  EXPECT_FALSE(live.get("HS-2").has_value());  // the restored store, not the one read before
}

}  // namespace
}  // namespace dunghan::store
