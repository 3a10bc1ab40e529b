// `dunghan run` and `run --once` as processes: the state directory's lock (one sending process
// at a time; read-only commands beside it) and the testing clock of `run --once`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "support/cli.h"
#include "support/temp_dir.h"

namespace dunghan {
namespace {

using testing::dunghan;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ProcessResult;
using testing::TempDir;

/// One overdue rule to the handler through a file channel that is always open; the endpoint on
/// a port of the kernel's choosing.
std::string write_config(const TempDir& dir) {
  return dir
      .write("dunghan.toml",
             "[service]\nstate_dir = \"state\"\nlisten = \"127.0.0.1:0\"\n\n"
             "[[recipient]]\nid = \"cb1\"\nname = \"Cán bộ Một\"\nemail = \"cb1@example.gov.vn\"\n"
             "department = \"P.LĐ\"\nroles = [\"handler\"]\n\n"
             "[channel.file]\ntype = \"file\"\npath = \"alerts.jsonl\"\nsend_window = "
             "\"always\"\n\n"
             "[[rule]]\nname = \"qua-han\"\nwhen = \"overdue\"\nto = [\"handler\"]\nchannels = "
             "[\"file\"]\n")
      .string();
}

/// Received Mon 02/03/2026 08:00 with 6 working days: due Tue 10/03/2026 17:00.
void import_one(const TempDir& dir, const std::string& config) {
  const auto csv =
      dir.write("d.csv",
                "code,procedure_code,field,department,handler,channel,received_at,duration,status\n"
                "HS-1,1.001,Lao động,P.LĐ,cb1,direct,2026-03-02 08:00,6 working days,processing\n");
  const ProcessResult r = dunghan({"import", "--config", config, "--dossiers", csv.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::size_t lines_in(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.empty() ? 0 : 1;
  return n;
}

TEST(RunOnce, HonoursTheTestingClock) {
  TempDir dir;
  const std::string config = write_config(dir);
  import_one(dir, config);
  // Before the due date (today, by the wall clock, it is long overdue): nothing to send.
  ProcessResult r =
      dunghan({"run", "--once", "--start-clock-at", "2026-03-05T09:00", "--config", config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("sent=0"));
  EXPECT_THAT(r.err, HasSubstr("event=testing_clock start=2026-03-05T09:00:00+07:00"));
  EXPECT_EQ(lines_in(dir.path() / "alerts.jsonl"), 0u);
  // The day after the due date: the overdue alert, stamped with the testing clock.
  r = dunghan({"run", "--once", "--start-clock-at", "2026-03-11T09:00", "--config", config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("sent=1"));
  std::ifstream in(dir.path() / "alerts.jsonl");
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(nlohmann::json::parse(line)["sent_at"].get<std::string>().substr(0, 13),
            "2026-03-11T09");
}

TEST(RunOnce, RefusesAClockThatIsNoDateTime) {
  TempDir dir;
  const ProcessResult r =
      dunghan({"run", "--once", "--start-clock-at", "tomorrow", "--config", write_config(dir)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--start-clock-at: \"tomorrow\" is not a date-time"));
}

/// Holds the state directory's lock the way another dunghan process would (flock, its PID in the
/// file) for as long as it lives.
class ForeignHolder {
 public:
  explicit ForeignHolder(const std::filesystem::path& state_dir) {
    std::filesystem::create_directories(state_dir);
    fd_ = ::open((state_dir / "state.db.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX | LOCK_NB) != 0) throw std::runtime_error("flock");
    const std::string pid = "4242\n";  // whatever the holder wrote
    if (::ftruncate(fd_, 0) != 0 || ::write(fd_, pid.data(), pid.size()) < 0) {
      throw std::runtime_error("write");
    }
  }
  ~ForeignHolder() { ::close(fd_); }

 private:
  int fd_ = -1;
};

TEST(StateDirLock, RunOnceRefusesWhileAnotherProcessHoldsTheStateDirectory) {
  TempDir dir;
  const std::string config = write_config(dir);
  import_one(dir, config);
  {
    ForeignHolder holder(dir.path() / "state");
    // (The daemon, `run`, is refused the same way: tests/e2e, which can stop it should it not.)
    const ProcessResult refused = dunghan({"run", "--once", "--config", config});
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_THAT(refused.err, HasSubstr((dir.path() / "state" / "state.db.lock").string()));
    EXPECT_THAT(refused.err, HasSubstr("in use by process 4242"));
    EXPECT_EQ(lines_in(dir.path() / "alerts.jsonl"), 0u);
    // Read-only commands work beside the holder.
    for (const std::vector<std::string>& cmd :
         {std::vector<std::string>{"status", "--config", config},
          std::vector<std::string>{"outbox", "list", "--config", config},
          std::vector<std::string>{"alerts", "preview", "--config", config}}) {
      const ProcessResult r = dunghan(cmd);
      EXPECT_EQ(r.exit_code, 0) << cmd[0] << ": " << r.err;
    }
  }
  // Released (the holder went away): run --once works.
  const ProcessResult r =
      dunghan({"run", "--once", "--start-clock-at", "2026-03-11T09:00", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("sent=1"));
}

}  // namespace
}  // namespace dunghan
