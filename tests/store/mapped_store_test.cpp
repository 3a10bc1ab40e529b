// MappedStore: an agency's own SQLite schema read through [store.mapping] queries, never written.
#include "store/mapped_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "support/temp_dir.h"

namespace dunghan::store {
namespace {

using deadline::Dossier;
using deadline::Event;
using testing::read_file;
using testing::TempDir;

/// A one-stop system's schema (Vietnamese column names, its own status codes).
std::filesystem::path make_foreign_db(const TempDir& dir) {
  const auto path = dir.path() / "motcua.sqlite";
  SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec(R"sql(
CREATE TABLE ho_so (ma_ho_so TEXT PRIMARY KEY, ma_tthc TEXT, linh_vuc TEXT, phong_ban TEXT,
                    can_bo TEXT, kenh INTEGER, ngay_nhan TEXT, ngay_hen_tra TEXT,
                    trang_thai INTEGER, ngay_tra TEXT, ngay_cap_nhat TEXT);
CREATE TABLE nhat_ky (ma_ho_so TEXT, thoi_diem TEXT, loai TEXT, ghi_chu TEXT);
INSERT INTO ho_so VALUES
 ('KCN-001', '2.000046', 'Đầu tư', 'P.ĐT', 'cb1', 1, '2026-03-02 08:00:00', '2026-03-23 17:00:00',
  1, NULL, '2026-03-02 08:00:00'),
 ('KCN-002', '2.000046', 'Đầu tư', 'P.ĐT', 'cb2', 2, '2026-03-03 09:00:00', NULL,
  3, '2026-03-10 10:00:00', '2026-03-10 10:00:00'),
 ('KCN-003', '1.001', 'Lao động', 'P.LĐ', 'cb3', 2, 'không rõ', NULL,
  1, NULL, '2026-03-04 09:00:00'),
 ('KCN-004', '1.001', 'Lao động', 'P.LĐ', 'cb3', 2, '2026-03-05 09:00:00', NULL,
  1, NULL, '2026-03-20 09:00:00');
INSERT INTO nhat_ky VALUES
 ('KCN-001', '2026-03-04 10:00:00', 'BS', 'thiếu hồ sơ'),
 ('KCN-001', '2026-03-06 10:00:00', 'NBS', ''),
 ('KCN-004', '2026-03-06 10:00:00', 'BS', '');
)sql");
  return path;
}

StoreSettings mapped(const std::filesystem::path& path) {
  StoreSettings s;
  s.path = path;
  s.busy_timeout = std::chrono::milliseconds{200};
  Mapping m;
  m.dossiers = R"sql(
SELECT ma_ho_so AS code, ma_tthc AS procedure_code, linh_vuc AS field, phong_ban AS department,
       can_bo AS handler,
       CASE kenh WHEN 1 THEN 'online' ELSE 'direct' END AS channel,
       ngay_nhan AS received_at, '15 working days' AS duration, ngay_hen_tra AS due_at,
       CASE trang_thai WHEN 1 THEN 'processing' WHEN 3 THEN 'resolved' END AS status,
       ngay_tra AS resolved_at, ngay_cap_nhat AS updated_at
FROM ho_so WHERE ngay_cap_nhat >= :since;)sql";
  m.events = R"sql(
SELECT ma_ho_so AS code, thoi_diem AS at,
       CASE loai WHEN 'BS' THEN 'supplement_requested' ELSE 'supplement_received' END AS kind,
       ghi_chu AS note FROM nhat_ky)sql";
  s.mapping = m;
  return s;
}

TEST(MappedStore, ReadsCanonicalColumnsFromAForeignSchema) {
  TempDir dir;
  MappedStore store(mapped(make_foreign_db(dir)));
  EXPECT_TRUE(store.read_only());
  const auto got = store.get("KCN-001");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->dossier.field, "Đầu tư");
  EXPECT_EQ(got->dossier.channel, deadline::Channel::online);
  EXPECT_TRUE(got->dossier.due_at.has_value());
  ASSERT_EQ(got->events.size(), 2u);
  EXPECT_EQ(got->events[0].kind, deadline::EventKind::supplement_requested);
  EXPECT_EQ(got->events[0].note, "thiếu hồ sơ");
  EXPECT_EQ(store.get("KCN-002")->dossier.status, deadline::Status::resolved);
}

TEST(MappedStore, BadRowIsReportedWithColumnAndTheOthersAreRead) {
  TempDir dir;
  MappedStore store(mapped(make_foreign_db(dir)));
  std::vector<std::string> codes;
  const ReadSummary r = store.for_each({}, [&](const Dossier& d, std::span<const Event> ev) {
    codes.push_back(d.code);
    for (const Event& e : ev) EXPECT_EQ(e.code, d.code);
  });
  EXPECT_EQ(codes, (std::vector<std::string>{"KCN-001", "KCN-002", "KCN-004"}));
  EXPECT_EQ(r.events, 3);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code, "KCN-003");
  EXPECT_EQ(r.problems[0].column, "received_at");
  EXPECT_EQ(r.problems[0].row, 3);
}

// An agency database in a legacy encoding (TCVN3 bytes for "Đầu tư"): the dossier is kept — its
// alerts must still go out — and the read says which row and column will not display.
TEST(MappedStore, TextThatIsNotUtf8IsKeptAndCounted) {
  TempDir dir;
  const auto path = make_foreign_db(dir);
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement st(db,
                         "UPDATE ho_so SET phong_ban = ? WHERE ma_ho_so IN ('KCN-002', 'KCN-004')");
    st.bind(1, std::string("P.\xA7\xCA"));  // TCVN3 "Đầ"
    st.exec();
    // A code that is not UTF-8 cannot be a dossier's identity: that row is bad.
    db.exec("UPDATE ho_so SET ma_ho_so = 'KCN-\xA7' WHERE ma_ho_so = 'KCN-001'");
  }
  MappedStore store(mapped(path));
  std::map<std::string, std::string> departments;
  const ReadSummary r = store.for_each(
      {}, [&](const Dossier& d, std::span<const Event>) { departments[d.code] = d.department; });
  // Kept, so their alerts still go out; the bytes show as U+FFFD, so every JSON stays valid.
  EXPECT_EQ(departments, (std::map<std::string, std::string>{{"KCN-002", "P.\uFFFD\uFFFD"},
                                                             {"KCN-004", "P.\uFFFD\uFFFD"}}));
  EXPECT_EQ(r.not_utf8, 2);
  ASSERT_TRUE(r.first_not_utf8.has_value());
  EXPECT_EQ(r.first_not_utf8->code, "KCN-002");
  EXPECT_EQ(r.first_not_utf8->column, "department");
  EXPECT_GE(r.first_not_utf8->row, 1);
  ASSERT_EQ(r.rejected, 2);  // KCN-003's date, as before, and the row whose code is not UTF-8
  const auto bad_code = std::find_if(r.problems.begin(), r.problems.end(),
                                     [](const RowProblem& p) { return p.column == "code"; });
  ASSERT_NE(bad_code, r.problems.end());
  EXPECT_NE(bad_code->reason.find("not UTF-8"), std::string::npos);
}

TEST(MappedStore, IncrementalReadUsesSince) {
  TempDir dir;
  MappedStore store(mapped(make_foreign_db(dir)));
  ChangeCursor cur;
  cur.updated_since = store.get("KCN-002")->dossier.updated_at;  // 2026-03-10 10:00
  std::vector<std::string> codes;
  std::size_t events_of_004 = 0;
  const ChangedRead r =
      store.read_changed(cur, {}, [&](const Dossier& d, std::span<const Event> e) {
        codes.push_back(d.code);
        if (d.code == "KCN-004") events_of_004 = e.size();
      });
  EXPECT_EQ(codes, (std::vector<std::string>{"KCN-002", "KCN-004"}));
  EXPECT_EQ(events_of_004, 1u);
  EXPECT_EQ(r.next.updated_since, store.get("KCN-004")->dossier.updated_at);
}

TEST(MappedStore, IncrementalReadAlsoVisitsRequestedCodes) {
  TempDir dir;
  MappedStore store(mapped(make_foreign_db(dir)));
  ChangeCursor cur;
  cur.updated_since = store.get("KCN-004")->dossier.updated_at;
  std::vector<std::string> codes;
  const std::vector<std::string> also = {"KCN-001", "KCN-004"};
  store.read_changed(cur, also,
                     [&](const Dossier& d, std::span<const Event>) { codes.push_back(d.code); });
  EXPECT_EQ(codes, (std::vector<std::string>{"KCN-004", "KCN-001"}));
}

TEST(MappedStore, NeverWritesTheDatabase) {
  TempDir dir;
  const auto path = make_foreign_db(dir);
  const std::string before = read_file(path);
  const auto mtime = std::filesystem::last_write_time(path);
  {
    MappedStore store(mapped(path));
    store.for_each({}, [](const Dossier&, std::span<const Event>) {});
    store.read_changed({}, std::vector<std::string>{"KCN-001"},
                       [](const Dossier&, std::span<const Event>) {});
    EXPECT_EQ(store.count(), 4);
  }
  EXPECT_EQ(read_file(path), before);
  EXPECT_EQ(std::filesystem::last_write_time(path), mtime);
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    files.push_back(e.path().filename().string());
  }
  EXPECT_EQ(files, std::vector<std::string>{"motcua.sqlite"});  // no journal, no WAL, no schema
}

TEST(MappedStore, OpensAReadOnlyFile) {
  TempDir dir;
  const auto path = make_foreign_db(dir);
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::group_read);
  MappedStore store(mapped(path));
  EXPECT_EQ(store.count(), 4);
}

TEST(MappedStore, MissingFileIsAnError) {
  TempDir dir;
  EXPECT_THROW(MappedStore{mapped(dir.path() / "nope.sqlite")}, StoreError);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "nope.sqlite"));
}

TEST(MappedStore, QueryWithoutARequiredColumnIsAnError) {
  TempDir dir;
  StoreSettings s = mapped(make_foreign_db(dir));
  s.mapping->dossiers = "SELECT ma_ho_so AS code, ngay_nhan AS received_at FROM ho_so";
  try {
    MappedStore store(s);
    FAIL() << "no error";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("`status`"), std::string::npos) << e.what();
  }
}

TEST(MappedStore, QueryThatDoesNotCompileIsAnError) {
  TempDir dir;
  StoreSettings s = mapped(make_foreign_db(dir));
  s.mapping->dossiers = "SELECT * FROM no_such_table";
  EXPECT_THROW(MappedStore{s}, StoreError);
}

TEST(MappedStore, OpenStoreRefusesAMappedDatabase) {
  TempDir dir;
  const auto path = make_foreign_db(dir);
  EXPECT_THROW(open_store(mapped(path)), StoreError);
  EXPECT_TRUE(open_reader(mapped(path))->read_only());
}

}  // namespace
}  // namespace dunghan::store
