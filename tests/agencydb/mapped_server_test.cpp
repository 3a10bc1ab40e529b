// MappedStore against real servers: PostgreSQL 15 and MariaDB, natively and through ODBC. Each
// test database holds the agency schema (Vietnamese column names, native timestamp types) and
// 500 dossiers with their events (agency_data.h); what the store reads must equal that data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "agencydb/targets.h"
#include "store/mapped_store.h"

namespace dunghan::agencydb {
namespace {

using store::ChangeCursor;
using store::MappedStore;
using store::StoreError;
using store::StoreIdentity;
using store::StoreSettings;
using store::StoreUnavailable;
using ::testing::StartsWith;

const Data& data() {
  static const Data d = make_data();
  return d;
}

std::map<std::string, std::vector<Event>> expected_events() {
  std::map<std::string, std::vector<Event>> m;
  for (const Event& e : data().events) m[e.code].push_back(e);
  for (auto& [code, ev] : m) {
    std::stable_sort(ev.begin(), ev.end(),
                     [](const Event& a, const Event& b) { return a.at < b.at; });
  }
  return m;
}

class MappedServer : public ::testing::TestWithParam<Target> {
 protected:
  /// A database of its own for a test that changes it: "mc_<target>_<n>", created with the data.
  std::string make_db() {
    static int n = 0;
    const std::string db = "mc_" + GetParam().name + "_" + std::to_string(++n);
    GetParam().create(db, data());
    return db;
  }
  /// The database the tests that only read share (one per target, created once).
  std::string shared_db() {
    static std::set<std::string> made;
    const std::string db = "mc_" + GetParam().name + "_shared";
    if (made.insert(db).second) GetParam().create(db, data());
    return db;
  }

  StoreSettings settings(const std::string& db, const std::string& user = kReader) {
    StoreSettings s;
    s.offset = kVn;
    store::Mapping m;
    const MappingSql sql = mapping_sql(GetParam().sql);
    m.dossiers = sql.dossiers;
    m.events = sql.events;
    m.url = GetParam().url(db, user);
    m.password = kPassword;
    m.query_timeout = std::chrono::seconds{20};
    s.mapping = m;
    return s;
  }

  /// Every dossier and its events, by code.
  static std::map<std::string, std::pair<Dossier, std::vector<Event>>> read_all(
      store::DossierReader& s, store::ReadSummary* summary = nullptr) {
    std::map<std::string, std::pair<Dossier, std::vector<Event>>> out;
    const store::ReadSummary r = s.for_each({}, [&](const Dossier& d, std::span<const Event> ev) {
      EXPECT_TRUE(
          out.emplace(d.code, std::pair{d, std::vector<Event>(ev.begin(), ev.end())}).second)
          << "visited twice: " << d.code;
    });
    if (summary) *summary = r;
    return out;
  }
};

TEST_P(MappedServer, ReadsExactlyTheAgencysDossiersAndEvents) {
  const std::string db = shared_db();
  MappedStore store(settings(db));
  store::ReadSummary summary;
  const auto got = read_all(store, &summary);
  EXPECT_EQ(summary.rejected, 0) << (summary.problems.empty() ? "" : summary.problems[0].reason);
  EXPECT_EQ(summary.not_utf8, 0);
  ASSERT_EQ(got.size(), data().dossiers.size());
  const auto events = expected_events();
  for (const Dossier& d : data().dossiers) {
    const auto it = got.find(d.code);
    ASSERT_NE(it, got.end()) << d.code;
    EXPECT_EQ(it->second.first, d) << d.code;  // every field: texts, times (wall and zoned), enums
    const auto e = events.find(d.code);
    EXPECT_EQ(it->second.second, e == events.end() ? std::vector<Event>{} : e->second) << d.code;
  }
  EXPECT_EQ(summary.rows_fetched,
            static_cast<std::int64_t>(data().dossiers.size() + data().events.size()));
  EXPECT_EQ(store.count(), 500);
  const auto one = store.get(data().dossiers[41].code);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->dossier, data().dossiers[41]);
  EXPECT_FALSE(store.get("không có"));
}

// Incremental: after the first poll, an unchanged database costs no row; one changed dossier
// costs that row and its events; a new event is found through the events query's :since.
TEST_P(MappedServer, AChangedRowIsReadAndNothingElse) {
  const std::string db = make_db();
  const Target& t = GetParam();
  MappedStore store(settings(db));
  const auto noop = [](const Dossier&, std::span<const Event>) {};
  store::ChangedRead first = store.read_changed({}, {}, noop);
  EXPECT_EQ(first.summary.dossiers, 500);
  ASSERT_TRUE(first.next.updated_since);
  ASSERT_TRUE(first.next.events_since);
  store::ChangedRead idle = store.read_changed(first.next, {}, noop);
  EXPECT_EQ(idle.summary.rows_fetched, 0);
  EXPECT_EQ(idle.summary.dossiers, 0);
  EXPECT_EQ(idle.next, first.next);

  const Dossier& target = data().dossiers[7];
  const auto events = expected_events();
  const std::size_t n_events = events.contains(target.code) ? events.at(target.code).size() : 0;
  const auto q = [&](const std::string& n) { return id(t.sql, n); };
  const std::string zone = t.sql == Sql::postgresql ? "" : "SET time_zone = '+07:00';\n";
  t.admin(zone + "UPDATE " + q("HoSo") + " SET " + q("PhongBan") +
              " = 'Phòng Văn hóa – Thông tin', " + q("NgayCapNhat") + " = " +
              (t.sql == Sql::postgresql ? "'2026-07-01 09:00:00+07'" : "'2026-07-01 09:00:00'") +
              " WHERE " + q("MaHoSo") + " = " + lit(target.code) + ";",
          db);
  std::vector<Dossier> seen;
  store::ChangedRead second = store.read_changed(
      idle.next, {}, [&](const Dossier& d, std::span<const Event>) { seen.push_back(d); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].code, target.code);
  EXPECT_EQ(seen[0].department, "Phòng Văn hóa – Thông tin");
  EXPECT_EQ(seen[0].updated_at, local(2026, 7, 1, 9, 0));
  EXPECT_EQ(second.summary.rows_fetched, static_cast<std::int64_t>(1 + n_events));
  EXPECT_EQ(second.next.updated_since, local(2026, 7, 1, 9, 0));

  // A new event of another dossier, its dossier row untouched.
  const Dossier& other = data().dossiers[9];
  const std::size_t other_events = events.contains(other.code) ? events.at(other.code).size() : 0;
  t.admin(zone + "INSERT INTO " + q("NhatKy") + " (" + q("MaHoSo") + ", " + q("ThoiDiem") + ", " +
              q("Loai") + ", " + q("GhiChu") + ") VALUES (" + lit(other.code) + ", " +
              (t.sql == Sql::postgresql ? "'2026-07-02 10:00:00+07'" : "'2026-07-02 10:00:00'") +
              ", 'TD', 'Chờ kết quả giám định');",
          db);
  seen.clear();
  std::size_t visited_events = 0;
  store::ChangedRead third =
      store.read_changed(second.next, {}, [&](const Dossier& d, std::span<const Event> ev) {
        seen.push_back(d);
        visited_events = ev.size();
      });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].code, other.code);
  EXPECT_EQ(visited_events, other_events + 1);
  // The new event row (detection), the dossier, and all its events.
  EXPECT_EQ(third.summary.rows_fetched, static_cast<std::int64_t>(1 + 1 + other_events + 1));
  EXPECT_EQ(third.next.events_since, local(2026, 7, 2, 10, 0));

  // Dossiers whose next alert time has come are fetched by code, with their events.
  seen.clear();
  const std::vector<std::string> also = {data().dossiers[3].code, "không có"};
  store::ChangedRead fourth = store.read_changed(
      third.next, also, [&](const Dossier& d, std::span<const Event>) { seen.push_back(d); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], data().dossiers[3]);
}

// Read-only by construction: a mapping query that would write (through a function that inserts)
// fails even for a user the database would let write, and nothing is written.
TEST_P(MappedServer, AWriteThroughTheMappingFails) {
  const std::string db = make_db();
  const Target& t = GetParam();
  const auto q = [&](const std::string& n) { return id(t.sql, n); };
  if (t.sql == Sql::postgresql) {
    t.admin(
        "CREATE FUNCTION ghi_nhat_ky() RETURNS integer LANGUAGE sql VOLATILE AS $$ INSERT INTO "
        "\"NhatKy\" (\"MaHoSo\", \"Loai\") VALUES ('X', 'TD') RETURNING 1 $$;\n"
        "GRANT EXECUTE ON FUNCTION ghi_nhat_ky() TO " +
            kWriter + ";",
        db);
  } else {
    t.admin(
        "DELIMITER //\nCREATE FUNCTION ghi_nhat_ky() RETURNS INT MODIFIES SQL DATA BEGIN "
        "INSERT INTO NhatKy (MaHoSo, Loai) VALUES ('X', 'TD'); RETURN 1; END//\nDELIMITER ;\n",
        db);
  }
  const std::string count_sql = "SELECT COUNT(*) FROM " + q("NhatKy") + ";";
  const std::string before = t.admin(count_sql, db);
  StoreSettings s = settings(db, kWriter);
  s.mapping->dossiers += " AND ghi_nhat_ky() = 1";
  try {
    MappedStore store(s);
    store.for_each({}, [](const Dossier&, std::span<const Event>) {});
    ADD_FAILURE() << "the write went through";
  } catch (const StoreError& e) {
    std::string m = e.what();
    std::transform(m.begin(), m.end(), m.begin(),
                   [](char c) { return static_cast<char>(std::tolower(c)); });
    EXPECT_TRUE(m.find("read-only") != std::string::npos ||
                m.find("read only") != std::string::npos)
        << e.what();
    EXPECT_EQ(m.find("khẩu"), std::string::npos) << "the password shows: " << e.what();
  }
  EXPECT_EQ(t.admin(count_sql, db), before);
}

TEST_P(MappedServer, AnUnreachableServerIsReportedWithHostAndDatabaseNeverThePassword) {
  const Target& t = GetParam();
  StoreSettings s = settings("motcua_khong_co");
  const int port = testing::free_port();
  std::string url = t.url("motcua_khong_co");
  url.replace(url.find(std::to_string(t.server().port())), std::to_string(t.server().port()).size(),
              std::to_string(port));
  s.mapping->url = url;
  s.mapping->query_timeout = std::chrono::seconds{3};
  MappedStore store(s);  // a server that is down is no configuration error
  try {
    store.count();
    ADD_FAILURE() << "no error";
  } catch (const StoreUnavailable& e) {
    const std::string m = e.what();
    if (!t.odbc) {
      EXPECT_NE(m.find("127.0.0.1:" + std::to_string(port) + "/motcua_khong_co"), std::string::npos)
          << m;
    }
    EXPECT_EQ(m.find("khẩu"), std::string::npos) << m;
    EXPECT_EQ(m.find("M%E1%BA"), std::string::npos) << m;
  }
}

TEST_P(MappedServer, AWrongPasswordIsUnavailableAndNotShown) {
  const std::string db = shared_db();
  StoreSettings s = settings(db);
  s.mapping->password = "sai mật khẩu";
  MappedStore store(s);
  try {
    store.count();
    ADD_FAILURE() << "no error";
  } catch (const StoreUnavailable& e) {
    EXPECT_EQ(std::string(e.what()).find("sai m"), std::string::npos) << e.what();
  }
}

// The server stopped under a connected store: reads fail as unavailable, then resume by
// themselves on the same store object once it is back.
TEST_P(MappedServer, ReadingResumesAfterTheServerComesBack) {
  const std::string db = shared_db();
  const Target& t = GetParam();
  MappedStore store(settings(db));
  EXPECT_EQ(store.count(), 500);
  const StoreIdentity id_before = store.identity();
  t.server().stop();
  EXPECT_THROW(store.count(), StoreUnavailable);
  EXPECT_THROW(store.for_each({}, [](const Dossier&, std::span<const Event>) {}), StoreUnavailable);
  t.server().start();
  EXPECT_EQ(store.count(), 500);
  EXPECT_EQ(read_all(store).size(), 500u);
  EXPECT_EQ(store.identity(), id_before);
}

// A database dropped and restored from a dump is another database: its identity changes.
TEST_P(MappedServer, ARestoredDatabaseHasANewIdentity) {
  const std::string db = make_db();
  const Target& t = GetParam();
  const StoreIdentity before = [&] {
    MappedStore store(settings(db));
    return store.identity();
  }();
  EXPECT_TRUE(before.id.empty());  // dunghan writes no id into an agency's database
  EXPECT_THAT(before.location, StartsWith(t.sql == Sql::postgresql ? "postgresql:" : "mariadb:"));
  EXPECT_EQ(before.location.find(' '), std::string::npos) << before.location;
  if (t.sql == Sql::mariadb) std::this_thread::sleep_for(std::chrono::milliseconds{1100});
  t.create(db, data());
  MappedStore store(settings(db));
  EXPECT_NE(store.identity(), before);
  EXPECT_EQ(store.identity(), store.identity());
}

// Timestamps as text in the forms import accepts, and text with a zone (a timestamptz cast to
// text is written at the session's zone, "+07"), read the same as the native types.
TEST_P(MappedServer, TextTimestampsReadLikeNativeOnes) {
  const std::string db = shared_db();
  const Target& t = GetParam();
  StoreSettings s = settings(db);
  std::string& q = s.mapping->dossiers;
  const auto replace = [&q](const std::string& from, const std::string& to) {
    const auto at = q.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    q.replace(at, from.size(), to);
  };
  if (t.sql == Sql::postgresql) {
    replace("h.\"NgayNhan\" AS", "to_char(h.\"NgayNhan\", 'DD/MM/YYYY HH24:MI:SS') AS");
    replace("h.\"NgayCapNhat\" AS", "CAST(h.\"NgayCapNhat\" AS text) AS");
  } else {
    replace("h.`NgayNhan` AS", "DATE_FORMAT(h.`NgayNhan`, '%d/%m/%Y %H:%i:%s') AS");
    replace("h.`NgayCapNhat` AS", "CONCAT(CAST(h.`NgayCapNhat` AS CHAR), '+07:00') AS");
  }
  MappedStore store(s);
  const auto got = read_all(store);
  ASSERT_EQ(got.size(), 500u);
  for (const Dossier& d : data().dossiers) EXPECT_EQ(got.at(d.code).first, d) << d.code;
}

// `timezone`: the wall times of a database kept in UTC.
TEST_P(MappedServer, TheTimezoneKeyShiftsWallTimes) {
  const std::string db = shared_db();
  StoreSettings s = settings(db);
  s.mapping->timezone = calendar::UtcOffset{std::chrono::minutes{0}};
  MappedStore store(s);
  const Dossier& d = data().dossiers[0];
  const auto got = store.get(d.code);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->dossier.received_at, d.received_at + std::chrono::hours{7});  // wall time as UTC
  EXPECT_EQ(got->dossier.updated_at, d.updated_at);  // a zoned type: the same instant
}

TEST_P(MappedServer, AQueryLongerThanTheTimeoutIsUnavailable) {
  const std::string db = shared_db();
  const Target& t = GetParam();
  StoreSettings s = settings(db);
  s.mapping->query_timeout = std::chrono::seconds{1};
  s.mapping->dossiers +=
      t.sql == Sql::postgresql ? " AND (SELECT 1 FROM pg_sleep(3)) = 1" : " AND SLEEP(3) = 0";
  MappedStore store(s);
  try {
    store.count();
    ADD_FAILURE() << "no timeout";
  } catch (const StoreUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find("query_timeout = 1 s"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, MappedServer, ::testing::ValuesIn(all_targets()), target_name);

// A legacy MariaDB table in latin1 holding TCVN3 bytes: the bytes arrive as stored and are
// reported as "not UTF-8", as from a mapped SQLite file (not re-encoded into plausible mojibake).
TEST(MappedMariadb, ALatin1ColumnHoldingTcvn3IsReportedAsNotUtf8) {
  const Target t{"mariadb", Sql::mariadb, false};
  const std::string db = "mc_latin1";
  t.create(db, data());
  t.admin(
      "ALTER TABLE HoSo ADD COLUMN PhongCu VARCHAR(50) CHARACTER SET latin1;\n"
      "UPDATE HoSo SET PhongCu = UNHEX('502EA7CA') WHERE MaHoSo = 'H56.26-00002';",
      db);
  store::StoreSettings s;
  s.offset = kVn;
  store::Mapping m;
  m.dossiers =
      "SELECT MaHoSo AS code, NgayNhan AS received_at, 'processing' AS status, "
      "PhongCu AS department FROM HoSo";
  m.url = t.url(db);
  m.password = kPassword;
  s.mapping = m;
  MappedStore store(s);
  std::map<std::string, std::string> departments;
  const store::ReadSummary r = store.for_each(
      {}, [&](const Dossier& d, std::span<const Event>) { departments[d.code] = d.department; });
  EXPECT_EQ(departments.at("H56.26-00002"), "P.\uFFFD\uFFFD");
  EXPECT_EQ(r.not_utf8, 1);
  ASSERT_TRUE(r.first_not_utf8);
  EXPECT_EQ(r.first_not_utf8->column, "department");
}

}  // namespace
}  // namespace dunghan::agencydb
