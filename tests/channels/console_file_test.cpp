#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "calendar/clock.h"
#include "channels/console.h"
#include "channels/options.h"
#include "support/temp_dir.h"

namespace dunghan::channels {
namespace {

using testing::TempDir;

calendar::Instant at(int y, unsigned m, unsigned d, int h, int min) {
  return std::chrono::sys_days{std::chrono::year{y} / m / d} + std::chrono::hours{h} +
         std::chrono::minutes{min};
}

Message sample(const std::string& key) {
  Message m;
  m.key = key;
  m.subject = "[Nhắc hạn] Hồ sơ H01-0001 còn 2 ngày làm việc";
  m.text = "Thủ tục: Cấp giấy phép\nHạn: Thứ Hai, 24/02/2026";
  m.params = {
      {"code", "H01-0001"}, {"rule", "nhac-truoc-han"}, {"fire_at", "2026-02-20T08:00:00+07:00"}};
  return m;
}

TEST(ConsoleChannel, PrintsSubjectAndIndentedText) {
  calendar::ManualClock clock(at(2026, 2, 20, 1, 0));
  std::ostringstream out;
  ConsoleChannel ch("screen", SendWindow::office, clock, calendar::UtcOffset{}, out);
  const Outcome o = ch.send(sample("k1"), Address{"nguyenvana", "Nguyễn Văn A", "", "", ""});
  EXPECT_EQ(o.kind, Outcome::Kind::sent);
  EXPECT_EQ(out.str(),
            "── [screen] 2026-02-20T08:00:00+07:00 → nguyenvana (Nguyễn Văn A)\n"
            "Tiêu đề: [Nhắc hạn] Hồ sơ H01-0001 còn 2 ngày làm việc\n"
            "  Thủ tục: Cấp giấy phép\n"
            "  Hạn: Thứ Hai, 24/02/2026\n");
}

TEST(ConsoleChannel, ConcurrentSendsDoNotInterleave) {
  calendar::ManualClock clock(at(2026, 2, 20, 1, 0));
  std::ostringstream out;
  ConsoleChannel ch("screen", SendWindow::office, clock, calendar::UtcOffset{}, out);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) ch.send(sample("k"), Address{"a", "", "", "", ""});
    });
  }
  for (auto& t : threads) t.join();
  std::istringstream lines(out.str());
  int n = 0;
  std::string line;
  while (std::getline(lines, line)) {
    ASSERT_TRUE(line.starts_with("── [screen]")) << line;
    std::getline(lines, line);
    ASSERT_TRUE(line.starts_with("Tiêu đề:")) << line;
    std::getline(lines, line);
    std::getline(lines, line);
    ++n;
  }
  EXPECT_EQ(n, 200);
}

TEST(FileChannel, WritesOneJsonObjectPerLineWithTheRequiredFields) {
  TempDir dir;
  calendar::ManualClock clock(at(2026, 2, 20, 1, 0));
  FileChannel ch("audit", SendWindow::always, dir.path() / "alerts.jsonl", clock,
                 calendar::UtcOffset{});
  ASSERT_EQ(ch.send(sample("k1"), Address{"nguyenvana", "", "", "", ""}).kind, Outcome::Kind::sent);
  clock.advance(std::chrono::minutes{5});
  ASSERT_EQ(ch.send(sample("k2"), Address{"tranthib", "", "", "", ""}).kind, Outcome::Kind::sent);
  std::ifstream in(dir.path() / "alerts.jsonl");
  std::string l1, l2, l3;
  ASSERT_TRUE(std::getline(in, l1));
  ASSERT_TRUE(std::getline(in, l2));
  EXPECT_FALSE(std::getline(in, l3));
  const auto j = nlohmann::json::parse(l1);
  EXPECT_EQ(j["key"], "k1");
  EXPECT_EQ(j["code"], "H01-0001");
  EXPECT_EQ(j["rule"], "nhac-truoc-han");
  EXPECT_EQ(j["recipient"], "nguyenvana");
  EXPECT_EQ(j["channel"], "audit");
  EXPECT_EQ(j["fire_at"], "2026-02-20T08:00:00+07:00");
  EXPECT_EQ(j["sent_at"], "2026-02-20T08:00:00+07:00");
  EXPECT_EQ(j["subject"], "[Nhắc hạn] Hồ sơ H01-0001 còn 2 ngày làm việc");
  EXPECT_EQ(j["text"], "Thủ tục: Cấp giấy phép\nHạn: Thứ Hai, 24/02/2026");
  EXPECT_EQ(nlohmann::json::parse(l2)["sent_at"], "2026-02-20T08:05:00+07:00");
}

TEST(FileChannel, AppendsToAnExistingFile) {
  TempDir dir;
  const auto file = dir.write("a.jsonl", "{\"old\":1}\n");
  calendar::ManualClock clock(at(2026, 2, 20, 1, 0));
  {
    FileChannel ch("audit", SendWindow::always, file, clock, calendar::UtcOffset{});
    ch.send(sample("k1"), Address{"a", "", "", "", ""});
  }
  FileChannel again("audit", SendWindow::always, file, clock, calendar::UtcOffset{});
  again.send(sample("k2"), Address{"a", "", "", "", ""});
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "{\"old\":1}");
  EXPECT_EQ(nlohmann::json::parse(lines[2])["key"], "k2");
}

TEST(FileChannel, LinesReportedSentSurviveKillDashNine) {
  TempDir dir;
  const auto file = dir.path() / "a.jsonl";
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    calendar::ManualClock clock(at(2026, 2, 20, 1, 0));
    FileChannel ch("audit", SendWindow::always, file, clock, calendar::UtcOffset{});
    for (int i = 0;; ++i) {
      if (ch.send(sample("k" + std::to_string(i)), Address{"a", "", "", "", ""}).kind ==
          Outcome::Kind::sent) {
        const int n = i + 1;
        if (write(fds[1], &n, sizeof n) != sizeof n) _exit(1);
      }
    }
  }
  close(fds[1]);
  int reported = 0;
  for (int n = 0; reported < 30 && read(fds[0], &n, sizeof n) == sizeof n;) reported = n;
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  for (int n = 0; read(fds[0], &n, sizeof n) == sizeof n;) reported = n;
  close(fds[0]);
  std::ifstream in(file);
  int lines = 0;
  for (std::string l; std::getline(in, l);) {
    const auto j = nlohmann::json::parse(l, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "torn line: " << l;
    EXPECT_EQ(j["key"], "k" + std::to_string(lines));
    ++lines;
  }
  EXPECT_GE(lines, reported);
  EXPECT_LE(lines, reported + 1);
}

TEST(MakeChannel, BuildsConsoleAndFile) {
  TempDir dir;
  calendar::ManualClock clock(at(2026, 2, 20, 1, 0));
  ChannelOptions o;
  o.name = "audit";
  o.type = "file";
  o.send_window = SendWindow::always;
  o.kind = FileOptions{dir.path() / "x.jsonl"};
  auto ch = make_channel(o, clock, dir.path());
  EXPECT_EQ(ch->type(), "file");
  EXPECT_EQ(ch->name(), "audit");
  EXPECT_EQ(ch->send_window(), SendWindow::always);
  o.kind = ConsoleOptions{};
  EXPECT_EQ(make_channel(o, clock, dir.path())->type(), "console");
}

}  // namespace
}  // namespace dunghan::channels
