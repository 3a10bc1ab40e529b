// The dunghan binary on an agency's own database (PostgreSQL and MariaDB, natively and through
// ODBC): `status`, `report` and `run --once` give the same answers as the same data imported from
// CSV into dunghan's SQLite store; polls read only what changed; `store check` shows what the
// mapping reads; the daemon reports an outage (503) and recovers by itself, and an alert planned
// before the outage still goes out during it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "agencydb/targets.h"
#include "support/cli.h"
#include "support/http_get.h"

namespace dunghan::agencydb {
namespace {

using nlohmann::json;
using testing::dunghan;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ProcessResult;
using testing::TempDir;

const Data& data() {
  static const Data d = make_data();
  return d;
}

/// What both configurations share: the state folder, the officers (the dossiers' handlers), an
/// `overdue` rule to a file channel that sends at any hour. With a `port`, the daemon's endpoint
/// there, and the rule only for one department that no dossier has yet (the outage tests watch
/// the store, not a first cycle of hundreds of alerts).
std::string common_config(int port = 0) {
  std::string s = "[service]\nstate_dir = \"state\"\npoll_interval = 1\n";
  if (port != 0) s += "listen = \"127.0.0.1:" + std::to_string(port) + "\"\n";
  for (const char* h : kHandlers) {
    s += std::string("[[recipient]]\nid = \"") + h + "\"\nname = \"Cán bộ " + h +
         "\"\nroles = [\"handler\"]\n";
  }
  s += "[channel.audit]\ntype = \"file\"\npath = \"alerts.jsonl\"\nsend_window = \"always\"\n"
       "[[rule]]\nname = \"qua-han\"\nwhen = \"overdue\"\nto = [\"handler\"]\n"
       "channels = [\"audit\"]\n";
  if (port != 0) s += "[rule.match]\ndepartment = [\"Phòng Văn hóa – Thông tin\"]\n";
  return s;
}

/// `[store.mapping]` for `db` on `t`, the password in a file beside the config.
std::string mapping_config(const TempDir& dir, const Target& t, const std::string& db,
                           const MappingSql& sql) {
  dir.write("agency-db.password", kPassword + "\n");
  return "[store.mapping]\nurl = \"" + t.url(db) +
         "\"\npassword_file = \"agency-db.password\"\nquery_timeout = 20\n"
         "dossiers = '''\n" +
         sql.dossiers + "'''\nevents = '''\n" + sql.events + "'''\n";
}

/// A workspace reading the agency's database directly.
struct Mapped {
  TempDir dir;
  std::string config;
  Mapped(const Target& t, const std::string& db, int port = 0,
         const MappingSql& sql = MappingSql{}) {
    const MappingSql q = sql.dossiers.empty() ? mapping_sql(t.sql) : sql;
    config =
        dir.write("dunghan.toml", common_config(port) + mapping_config(dir, t, db, q)).string();
  }
};

/// A workspace holding the same data imported from CSV into dunghan's own SQLite store.
struct Imported {
  TempDir dir;
  std::string config;
  Imported() {
    config = dir.write("dunghan.toml", common_config()).string();
    const auto d = dir.write("hoso.csv", dossiers_csv(data()));
    const auto e = dir.write("nhatky.csv", events_csv(data()));
    const ProcessResult r =
        dunghan({"import", "--config", config, "--dossiers", d.string(), "--events", e.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  /// The output of `args` on this workspace, run once for every engine compared with it (`run
  /// --once` changes the state: only its first output is the answer to compare with).
  const ProcessResult& answer(const std::vector<std::string>& args) {
    auto it = answers_.find(args);
    if (it == answers_.end()) {
      std::vector<std::string> a = args;
      a.insert(a.end(), {"--config", config});
      it = answers_.emplace(args, dunghan(a)).first;
    }
    return it->second;
  }

 private:
  std::map<std::vector<std::string>, ProcessResult> answers_;
};

/// One imported copy for the whole program.
Imported& imported_copy() {
  static Imported copy;
  return copy;
}

/// The outbox, without the instants of the run itself (created, updated, sent, next attempt).
json outbox(const std::string& config) {
  const ProcessResult r =
      dunghan({"outbox", "list", "--config", config, "--format", "json", "--limit", "100000"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json rows = json::parse(r.out);
  for (json& row : rows) {
    for (const char* k : {"created_at", "updated_at", "sent_at", "next_attempt_at"}) row.erase(k);
  }
  std::sort(rows.begin(), rows.end(),
            [](const json& a, const json& b) { return a["key"] < b["key"]; });
  return rows;
}

/// "key=N" from `run --once`'s summary line.
long long summary_value(const std::string& out, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex(key + "=([0-9]+)"))) return -1;
  return std::stoll(m[1]);
}

class CliServer : public ::testing::TestWithParam<Target> {
 protected:
  std::string make_db(const std::string& what) {
    const std::string db = "cli_" + GetParam().name + "_" + what;
    GetParam().create(db, data());
    return db;
  }
};

TEST_P(CliServer, StatusReportAndRunOnceAnswerAsTheCsvImport) {
  const Target& t = GetParam();
  const std::string db = make_db("same");
  Mapped mapped(t, db);
  Imported& imported = imported_copy();

  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"status", "--at", "2026-05-20T08:00", "--format", "json"},
        std::vector<std::string>{"report", "--from", "2026-02-01", "--to", "2026-05-31", "--format",
                                 "json"},
        std::vector<std::string>{"report", "--from", "2026-03-01", "--to", "2026-03-31", "--by",
                                 "department", "--format", "json"}}) {
    std::vector<std::string> a = cmd;
    a.insert(a.end(), {"--config", mapped.config});
    const ProcessResult ra = dunghan(a);
    const ProcessResult& rb = imported.answer(cmd);
    ASSERT_EQ(ra.exit_code, 0) << cmd[0] << ": " << ra.err;
    ASSERT_EQ(rb.exit_code, 0) << cmd[0] << ": " << rb.err;
    const json ja = json::parse(ra.out), jb = json::parse(rb.out);
    EXPECT_FALSE(ja.empty()) << cmd[0];
    EXPECT_EQ(ja, jb) << cmd[0];
  }

  const ProcessResult once_a = dunghan({"run", "--once", "--config", mapped.config});
  const ProcessResult& once_b = imported.answer({"run", "--once"});
  ASSERT_EQ(once_a.exit_code, 0) << once_a.err;
  ASSERT_EQ(once_b.exit_code, 0) << once_b.err;
  EXPECT_EQ(summary_value(once_a.out, "dossiers_read"), 500) << once_a.out;
  EXPECT_EQ(summary_value(once_a.out, "planned"), summary_value(once_b.out, "planned"));
  EXPECT_EQ(summary_value(once_a.out, "sent"), summary_value(once_b.out, "sent"));
  EXPECT_GT(summary_value(once_a.out, "planned"), 0) << once_a.out;
  EXPECT_EQ(summary_value(once_a.out, "store_rows_read"),
            static_cast<long long>(data().dossiers.size() + data().events.size()))
      << once_a.out;
  static const json ob = outbox(imported.config);  // after its one `run --once`
  const json oa = outbox(mapped.config);
  EXPECT_FALSE(oa.empty());
  EXPECT_EQ(oa, ob);
}

// The next poll reads the changed row and its events, and nothing else.
TEST_P(CliServer, ARunAfterOneChangeReadsThatRowOnly) {
  const Target& t = GetParam();
  const std::string db = make_db("poll");
  Mapped mapped(t, db);
  ProcessResult r = dunghan({"run", "--once", "--config", mapped.config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = dunghan({"run", "--once", "--config", mapped.config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(summary_value(r.out, "dossiers_read"), 0) << r.out;
  EXPECT_EQ(summary_value(r.out, "store_rows_read"), 0) << r.out;

  const Dossier& d = data().dossiers[12];
  std::size_t events = 0;
  for (const Event& e : data().events) events += e.code == d.code ? 1 : 0;
  const auto q = [&](const std::string& n) { return id(t.sql, n); };
  t.admin(std::string(t.sql == Sql::postgresql ? "" : "SET time_zone = '+07:00';\n") + "UPDATE " +
              q("HoSo") + " SET " + q("TrangThai") + " = 'Đã trả kết quả', " + q("NgayTra") +
              " = '2026-11-01 10:00:00', " + q("NgayCapNhat") + " = '2026-11-01 10:00:00" +
              (t.sql == Sql::postgresql ? "+07" : "") + "' WHERE " + q("MaHoSo") + " = " +
              lit(d.code) + ";",
          db);
  r = dunghan({"run", "--once", "--config", mapped.config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(summary_value(r.out, "dossiers_read"), 1) << r.out;
  EXPECT_EQ(summary_value(r.out, "store_rows_read"), static_cast<long long>(1 + events)) << r.out;
}

TEST_P(CliServer, StoreCheckShowsWhatTheMappingReads) {
  const Target& t = GetParam();
  const std::string db = make_db("check");
  MappingSql sql = mapping_sql(t.sql);
  // An extra column that is no canonical one, and one bad timestamp given as text.
  const auto q = [&](const std::string& n) { return id(t.sql, n); };
  const std::string from = "h." + q("NgayNhan") + " AS received_at";
  sql.dossiers.replace(sql.dossiers.find(from), from.size(),
                       "CASE WHEN h." + q("MaHoSo") + " = 'H56.26-00003' THEN 'không rõ' ELSE " +
                           (t.sql == Sql::postgresql ? "CAST(h.\"NgayNhan\" AS text)"
                                                     : "CAST(h.`NgayNhan` AS CHAR)") +
                           " END AS received_at, h." + q("CanBoXuLy") + " AS nguoi_xu_ly");
  Mapped mapped(t, db, 0, sql);
  const ProcessResult r =
      dunghan({"store", "check", "--config", mapped.config, "--format", "json", "--rows", "3"});
  EXPECT_EQ(r.exit_code, 2) << r.err;  // some rows refused
  const json j = json::parse(r.out);
  EXPECT_THAT(j["identity"].get<std::string>(),
              HasSubstr(t.sql == Sql::postgresql ? "location=postgresql:" : "location=mariadb:"));
  EXPECT_EQ(j["dossiers"]["rows"], 500);
  EXPECT_EQ(j["dossiers"]["decoded"], 499);
  EXPECT_EQ(j["dossiers"]["uses_since"], true);
  EXPECT_EQ(j["dossiers"]["unmapped_columns"], json::array({"nguoi_xu_ly"}));
  EXPECT_EQ(j["events"]["rows"], static_cast<long long>(data().events.size()));
  EXPECT_EQ(j["events"]["decoded"], static_cast<long long>(data().events.size()));
  EXPECT_EQ(j["bad_timestamps"]["count"], 1);
  EXPECT_EQ(j["bad_timestamps"]["first"][0]["code"], "H56.26-00003");
  EXPECT_EQ(j["bad_timestamps"]["first"][0]["column"], "received_at");
  EXPECT_EQ(j["refused_rows"]["count"], 1);
  EXPECT_EQ(j["refused_rows"]["first"][0]["code"], "H56.26-00003");
  // The first rows in the query's order, decoded into canonical fields.
  ASSERT_EQ(j["samples"].size(), 3u);
  for (const json& sample : j["samples"]) {
    if (!sample.contains("decoded")) {
      EXPECT_EQ(sample["refused"]["column"], "received_at");
      continue;
    }
    const std::string code = sample["decoded"]["code"];
    const auto d = std::find_if(data().dossiers.begin(), data().dossiers.end(),
                                [&](const Dossier& x) { return x.code == code; });
    ASSERT_NE(d, data().dossiers.end()) << code;
    const auto want = store::encode_dossier(*d, kVn);
    for (std::size_t c = 0; c < want.size(); ++c) {
      EXPECT_EQ(sample["decoded"][std::string(store::kDossierColumns[c])], want[c])
          << code << " " << store::kDossierColumns[c];
    }
  }
  EXPECT_THAT(r.out, Not(HasSubstr("khẩu")));
  const ProcessResult text = dunghan({"store", "check", "--config", mapped.config});
  EXPECT_THAT(text.out, HasSubstr("Dossiers query: 500 row(s)"));
  EXPECT_THAT(text.out, HasSubstr("nguoi_xu_ly"));
  EXPECT_THAT(text.out, HasSubstr("\"không rõ\" is not a date-time"));
}

TEST_P(CliServer, StoreCheckOfAnUnreachableDatabaseNamesItAndExitsOne) {
  const Target& t = GetParam();
  const std::string url = t.url("khong_co");
  const std::string port = std::to_string(t.server().port());
  Mapped mapped(t, "khong_co");
  std::string cfg;
  {
    std::ifstream in(mapped.config);
    cfg.assign(std::istreambuf_iterator<char>(in), {});
  }
  const int dead = testing::free_port();
  for (const std::string sep : {":", "="}) {  // postgresql://…:PORT/… or ODBC Port=PORT
    if (const auto at = cfg.find(sep + port); at != std::string::npos) {
      cfg.replace(at, port.size() + 1, sep + std::to_string(dead));
    }
  }
  mapped.dir.write("dunghan.toml", cfg);
  const ProcessResult r = dunghan({"store", "check", "--config", mapped.config});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(std::to_string(dead)));
  EXPECT_THAT(r.err, Not(HasSubstr("khẩu")));
}

/// The daemon as a child process.
class Daemon {
 public:
  Daemon(const std::string& config, const std::filesystem::path& log,
         std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {DUNGHAN_BINARY, "run", "--config", config};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = testing::spawn(argv, log);
  }
  ~Daemon() {
    ::kill(pid_, SIGTERM);
    if (!testing::wait_child(pid_, std::chrono::seconds{20})) {
      ::kill(pid_, SIGKILL);
      testing::wait_child(pid_, std::chrono::seconds{5});
    }
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

 private:
  pid_t pid_;
};

/// Polls `/healthz` until `pred(status, body)` holds or `timeout` passes; the last answer.
testing::HttpResponse wait_health(int port, std::chrono::seconds timeout,
                                  const std::function<bool(const testing::HttpResponse&)>& pred) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  testing::HttpResponse r;
  while (std::chrono::steady_clock::now() < until) {
    r = testing::http_get(port, "/healthz");
    if (pred(r)) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
  }
  return r;
}

// The agency's database stopped under the running daemon: /healthz 503 with the reason (host and
// database, never the password); started again: 200, without restarting dunghan.
TEST_P(CliServer, TheDaemonReportsAnOutageAndRecoversByItself) {
  const Target& t = GetParam();
  const std::string db = make_db("outage");
  const int http = testing::free_port();
  Mapped mapped(t, db, http);
  Daemon daemon(mapped.config, mapped.dir.path() / "daemon.log");
  auto h =
      wait_health(http, std::chrono::seconds{60}, [](const auto& r) { return r.status == 200; });
  ASSERT_EQ(h.status, 200) << h.body << testing::file_tail(mapped.dir.path() / "daemon.log");
  t.server().stop();
  h = wait_health(http, std::chrono::seconds{30}, [](const auto& r) { return r.status == 503; });
  t.server().start();
  ASSERT_EQ(h.status, 503) << h.body;
  const json j = json::parse(h.body);
  EXPECT_EQ(j["store_reachable"], false);
  const std::string reason = j.value("last_error", "");
  EXPECT_THAT(reason, HasSubstr(db));
  if (!t.odbc) {
    EXPECT_THAT(reason, HasSubstr("127.0.0.1:" + std::to_string(t.server().port())));
  }
  EXPECT_THAT(h.body, Not(HasSubstr("khẩu")));
  h = wait_health(http, std::chrono::seconds{60}, [](const auto& r) { return r.status == 200; });
  EXPECT_EQ(h.status, 200) << h.body;
  const std::string log = testing::file_tail(mapped.dir.path() / "daemon.log", 100000);
  EXPECT_THAT(log, HasSubstr("event=store_unreachable"));
  EXPECT_THAT(log, HasSubstr("event=store_reachable"));
  EXPECT_THAT(log, Not(HasSubstr("khẩu")));
  const testing::HttpResponse metrics = testing::http_get(http, "/metrics");
  EXPECT_THAT(metrics.body, HasSubstr("dunghan_store_rows_read_total "));
}

INSTANTIATE_TEST_SUITE_P(Engines, CliServer, ::testing::ValuesIn(all_targets()), target_name);

// A database that is down when the daemon starts: it starts all the same and says why it is
// unhealthy (a configuration error would have stopped it); `status` exits 1 naming the database.
TEST(CliOutage, TheDaemonStartsWithTheDatabaseDown) {
  const Target t{"postgresql", Sql::postgresql, false};
  const int http = testing::free_port();
  const int dead = testing::free_port();
  Mapped mapped(t, "motcua", http);
  std::string cfg;
  {
    std::ifstream in(mapped.config);
    cfg.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string port = ":" + std::to_string(t.server().port()) + "/";
  cfg.replace(cfg.find(port), port.size(), ":" + std::to_string(dead) + "/");
  mapped.dir.write("dunghan.toml", cfg);
  Daemon daemon(mapped.config, mapped.dir.path() / "daemon.log");
  const auto h = wait_health(http, std::chrono::seconds{30}, [](const auto& r) {
    return r.status == 503 && r.body.find("last_error") != std::string::npos;
  });
  ASSERT_EQ(h.status, 503) << testing::file_tail(mapped.dir.path() / "daemon.log");
  const json j = json::parse(h.body);
  EXPECT_EQ(j["store_reachable"], false);
  EXPECT_THAT(j.value("last_error", ""),
              HasSubstr("127.0.0.1:" + std::to_string(dead) + "/motcua"));
  const ProcessResult r = dunghan({"status", "--config", mapped.config});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("127.0.0.1:" + std::to_string(dead) + "/motcua"));
  EXPECT_THAT(r.err, Not(HasSubstr("khẩu")));
}

// An alert planned before the outage (the fire schedule knows when its stage comes due) goes out
// during it, planned from and revalidated against the last copy of its dossier (PostgreSQL; the
// copies are the same for every engine).
TEST(CliOutage, APlannedAlertGoesOutWhileTheDatabaseIsDown) {
  const Target t{"postgresql", Sql::postgresql, false};
  const std::string db = "cli_planned";
  t.create(db, data());
  // One dossier of its own department, due 25 s after the daemon's clock starts.
  const Dossier& d = data().dossiers[20];
  t.admin(
      "UPDATE \"HoSo\" SET \"PhongBan\" = 'Phòng Văn hóa – Thông tin', \"TrangThai\" = "
      "'Đang xử lý', \"NgayTra\" = NULL, \"NgayHenTra\" = '2026-05-20 08:00:25' WHERE "
      "\"MaHoSo\" = " +
          lit(d.code) + ";",
      db);
  const int http = testing::free_port();
  Mapped mapped(t, db, http);
  Daemon daemon(mapped.config, mapped.dir.path() / "daemon.log",
                {"--start-clock-at", "2026-05-20T08:00:00"});
  auto h =
      wait_health(http, std::chrono::seconds{20}, [](const auto& r) { return r.status == 200; });
  ASSERT_EQ(h.status, 200) << testing::file_tail(mapped.dir.path() / "daemon.log");
  // Planned: its overdue stage fires at 08:00:26 (the fire schedule), nothing is sent yet.
  json rows = outbox(mapped.config);
  EXPECT_TRUE(rows.empty()) << rows.dump();
  t.server().stop();
  h = wait_health(http, std::chrono::seconds{20}, [](const auto& r) { return r.status == 503; });
  EXPECT_EQ(h.status, 503);
  // The stage comes due with the database down: the dossier's last copy is planned and the alert
  // revalidated against it, and sent.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{60};
  while (std::chrono::steady_clock::now() < until) {
    rows = outbox(mapped.config);
    if (!rows.empty() && rows[0]["state"] == "sent") break;
    std::this_thread::sleep_for(std::chrono::milliseconds{500});
  }
  const bool down = !t.server().running();
  t.server().start();
  EXPECT_TRUE(down);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["state"], "sent")
      << rows.dump() << testing::file_tail(mapped.dir.path() / "daemon.log");
  std::ifstream sent(mapped.dir.path() / "alerts.jsonl");
  const std::string lines((std::istreambuf_iterator<char>(sent)), {});
  EXPECT_THAT(lines, HasSubstr(d.code));
}

}  // namespace
}  // namespace dunghan::agencydb
