// The office pages' pure parts: the users file and logins, query strings, page escaping, the
// chart, the snapshot's order and the daily counts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "calendar/clock.h"
#include "service/office.h"
#include "service/office_view.h"
#include "service/pages.h"
#include "service/users.h"
#include "support/temp_dir.h"

namespace dunghan::service {
namespace {

using calendar::Instant;
// Hashes made here use the lowest argon2id limits (the cost is in the hash string): the tests
// check the logic, not libsodium's cost.
constexpr HashCost kFast = HashCost::minimal;

std::string basic(const std::string& credentials) {
  static constexpr char k[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < credentials.size(); i += 3) {
    const unsigned n = static_cast<unsigned char>(credentials[i]) << 16 |
                       static_cast<unsigned char>(credentials[i + 1]) << 8 |
                       static_cast<unsigned char>(credentials[i + 2]);
    out += {k[n >> 18], k[(n >> 12) & 63], k[(n >> 6) & 63], k[n & 63]};
  }
  if (const std::size_t rest = credentials.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned char>(credentials[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(credentials[i + 1]) << 8;
    out += {k[n >> 18], k[(n >> 12) & 63], rest == 2 ? k[(n >> 6) & 63] : '=', '='};
  }
  return "Basic " + out;
}

TEST(Users, HashVerifyAndFileRoundTrip) {
  const std::string h = hash_password("mật khẩu dài");  // the real cost, once
  EXPECT_TRUE(h.starts_with("$argon2id$v=19$m=65536,")) << h;
  EXPECT_TRUE(verify_password(h, "mật khẩu dài"));
  EXPECT_FALSE(verify_password(h, "mật khẩu dai"));
  EXPECT_FALSE(verify_password("$2y$10$bcrypt-is-not-taken", "x"));

  testing::TempDir dir;
  const auto path = dir.path() / "users";
  write_user(path, User{"ana", h, Role::admin});
  write_user(path, User{"binh", hash_password("khác hẳn", kFast), Role::viewer});
  write_user(path, User{"ana", hash_password("mới", kFast), Role::viewer});  // replaces ana's line
  const UsersFile f = read_users_file(path);
  EXPECT_TRUE(f.problems.empty());
  ASSERT_EQ(f.users.size(), 2u);
  EXPECT_EQ(f.users[0].name, "ana");
  EXPECT_EQ(f.users[0].role, Role::viewer);
  EXPECT_TRUE(verify_password(f.users[0].hash, "mới"));
  EXPECT_EQ(f.users[1].name, "binh");
}

TEST(Users, BadLinesAreReportedWithTheirLineAndSkipped) {
  const UsersFile f = parse_users(
      "# comment\n\nana:$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA:admin\nno colon here\n"
      "bob:$2y$10$notargon\nc d:$argon2id$x\nana:$argon2id$again\neve:$argon2id$x:root\n"
      "dan:$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA\n",
      "users");
  ASSERT_EQ(f.users.size(), 2u);
  EXPECT_EQ(f.users[0].role, Role::admin);
  EXPECT_EQ(f.users[1].name, "dan");
  EXPECT_EQ(f.users[1].role, Role::viewer);  // no role field: viewer
  ASSERT_EQ(f.problems.size(), 5u);
  EXPECT_EQ(f.problems[0], "users:4: not name:hash[:role]");
  EXPECT_NE(f.problems[1].find("users:5: the hash of bob is not an argon2id hash"),
            std::string::npos);
  EXPECT_NE(f.problems[4].find("users:8: role \"root\""), std::string::npos);
}

TEST(Authenticator, ChecksBasicCredentialsRemembersAndThrottles) {
  testing::TempDir dir;
  const auto path = dir.path() / "users";
  write_user(path, User{"ana", hash_password("đúng-mật-khẩu", kFast), Role::admin});
  Authenticator auth(path);
  const Instant t0{std::chrono::seconds{1'800'000'000}};
  using Kind = Authenticator::Result::Kind;
  EXPECT_EQ(auth.check("", t0).kind, Kind::none);
  EXPECT_EQ(auth.check("Bearer x", t0).kind, Kind::none);
  EXPECT_EQ(auth.check("Basic !!!", t0).kind, Kind::bad);
  const auto ok = auth.check(basic("ana:đúng-mật-khẩu"), t0);
  EXPECT_EQ(ok.kind, Kind::ok);
  EXPECT_EQ(ok.user, "ana");
  EXPECT_EQ(ok.role, Role::admin);
  EXPECT_EQ(auth.check("basic " + basic("ana:đúng-mật-khẩu").substr(6), t0).kind, Kind::ok);
  EXPECT_EQ(auth.check(basic("ana:sai"), t0).kind, Kind::bad);
  EXPECT_EQ(auth.check(basic("nobody:đúng-mật-khẩu"), t0).kind, Kind::bad);
  for (int i = 0; i < 8; ++i) auth.check(basic("ana:sai" + std::to_string(i)), t0);
  EXPECT_EQ(auth.check(basic("ana:sai-nữa"), t0).kind, Kind::throttled);
  // A remembered good login still works while others are throttled; a minute later all is open.
  EXPECT_EQ(auth.check(basic("ana:đúng-mật-khẩu"), t0).kind, Kind::ok);
  EXPECT_EQ(auth.check(basic("ana:sai"), t0 + std::chrono::seconds{61}).kind, Kind::bad);
  // The file changes: the new password works, the old one no longer.
  write_user(path, User{"ana", hash_password("mật-khẩu-mới", kFast), Role::viewer});
  std::filesystem::last_write_time(
      path, std::filesystem::file_time_type::clock::now() + std::chrono::seconds{5});
  const auto fresh = auth.check(basic("ana:mật-khẩu-mới"), t0 + std::chrono::seconds{62});
  EXPECT_EQ(fresh.kind, Kind::ok);
  EXPECT_EQ(fresh.role, Role::viewer);
  EXPECT_EQ(auth.check(basic("ana:đúng-mật-khẩu"), t0 + std::chrono::seconds{63}).kind, Kind::bad);
  Authenticator none(std::nullopt);
  EXPECT_FALSE(none.configured());
  EXPECT_EQ(none.check(basic("ana:x"), t0).kind, Kind::bad);
}

TEST(Query, PercentDecodingAndFirstValueWins) {
  EXPECT_EQ(percent_decode("Ph%C3%B2ng+QL%C4%90T", true), "Phòng QLĐT");
  EXPECT_EQ(percent_decode("a+b%2", false), "a+b%2");
  const auto q = parse_query("state=overdue&department=Ph%C3%B2ng+A&state=x&flag&=v");
  EXPECT_EQ(q.at("state"), "overdue");
  EXPECT_EQ(q.at("department"), "Phòng A");
  EXPECT_EQ(q.at("flag"), "");
}

OfficeSnapshot sample() {
  OfficeSnapshot s;
  s.taken_at = Instant{std::chrono::seconds{1'790'000'000}};
  OfficeDossier d;
  d.code = "HS<1>";
  d.procedure_name = "Thủ tục \"A\"";
  d.department = "Phòng <B>";
  d.handler = "cv1";
  d.handler_name = "Nguyễn Văn A";
  d.applicant = "Công ty A & B";
  d.state = deadline::ClockState::overdue;
  d.valid = true;
  d.due_date = calendar::Date{std::chrono::year{2026} / 9 / 21};
  d.minutes_left = -3 * 480 - 30;
  s.dossiers.push_back(d);
  d.code = "HS-2";
  d.state = deadline::ClockState::not_due;
  d.minutes_left = 5000;
  s.dossiers.push_back(d);
  s.by_state = {{"overdue", 1}, {"not_due", 1}};
  return s;
}

TEST(Pages, DashboardEscapesTextListsWhatNeedsAttentionAndHasNoScript) {
  const auto cal = calendar::WorkCalendar::build(calendar::CalendarSpec{});
  const OfficeSnapshot s = sample();
  const calendar::Date today{std::chrono::year{2026} / 9 / 24};
  const std::string page = dashboard_page(s, {}, today, {}, *cal, Viewer{});
  EXPECT_NE(page.find("<a href=\"/dossiers/HS%3C1%3E\">HS&lt;1&gt;</a>"), std::string::npos)
      << page;
  EXPECT_NE(page.find("Phòng &lt;B&gt; – 1 hồ sơ"), std::string::npos);
  EXPECT_NE(page.find("Công ty A &amp; B"), std::string::npos);
  EXPECT_NE(page.find("quá hạn 3 ngày làm việc"), std::string::npos);
  EXPECT_NE(page.find("Thứ Hai, 21/09/2026"), std::string::npos);
  EXPECT_EQ(page.find("HS-2"), std::string::npos);  // not due: not listed by default
  EXPECT_EQ(page.find("<script"), std::string::npos);
  const std::string not_due =
      dashboard_page(s, {}, today, DashboardFilter{"", "not_due"}, *cal, Viewer{});
  EXPECT_NE(not_due.find("HS-2"), std::string::npos);
  EXPECT_EQ(not_due.find("HS&lt;1&gt;</a>"), std::string::npos);
}

TEST(Pages, ChartDrawsRecordedDaysAndLeavesGaps) {
  const calendar::Date today{std::chrono::year{2026} / 9 / 30};
  EXPECT_NE(history_chart({}, today).find("Chưa có số liệu"), std::string::npos);
  std::vector<alerting::DepartmentDay> h;
  for (int i : {0, 1, 2, 10, 11}) {
    h.push_back({today - std::chrono::days{i}, "Phòng A", 10 + i, i});
  }
  h.push_back({today - std::chrono::days{40}, "Phòng A", 99, 99});  // outside the 30 days
  const std::string svg = history_chart(h, today);
  // Two runs of days per series (a gap between day -10 and day -2): 2 open + 2 overdue lines.
  std::size_t n = 0;
  for (auto p = svg.find("<polyline"); p != std::string::npos; p = svg.find("<polyline", p + 1)) {
    ++n;
  }
  EXPECT_EQ(n, 4u) << svg;
  EXPECT_EQ(svg.find(">99<"), std::string::npos);  // the scale's top is 21, not 99
  EXPECT_NE(svg.find(">21</text>"), std::string::npos);
  EXPECT_NE(svg.find("Phòng A: đang giải quyết 10, quá hạn 0"), std::string::npos);
}

TEST(OfficeView, DepartmentCountsOpenAndOverdue) {
  const auto counts = department_counts(sample(), calendar::Date{std::chrono::year{2026} / 9 / 24});
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].department, "Phòng <B>");
  EXPECT_EQ(counts[0].open, 2);
  EXPECT_EQ(counts[0].overdue, 1);
}

}  // namespace
}  // namespace dunghan::service
