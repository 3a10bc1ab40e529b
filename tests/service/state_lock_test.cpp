// The state directory's lock (service/state_lock.h): one holder at a time, across processes and
// within one, released when the holder goes however it goes, and a refusal that names the lock
// and the holder.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "service/state_lock.h"
#include "support/temp_dir.h"

namespace dunghan::service {
namespace {

using dunghan::testing::read_file;
using dunghan::testing::TempDir;

TEST(StateDirLock, CreatesTheDirectoryAndRecordsTheHolder) {
  TempDir dir;
  const auto state = dir.path() / "var" / "state";
  const StateDirLock lock = StateDirLock::acquire(state);
  EXPECT_EQ(lock.path(), state / "state.db.lock");
  EXPECT_EQ(read_file(lock.path()), std::to_string(::getpid()) + "\n");
}

TEST(StateDirLock, ASecondHolderIsRefusedWithTheLockAndThePid) {
  TempDir dir;
  const StateDirLock first = StateDirLock::acquire(dir.path());
  try {
    StateDirLock::acquire(dir.path());
    FAIL() << "a second lock on the same directory was granted";
  } catch (const StateDirBusy& e) {
    EXPECT_EQ(e.lock_file(), dir.path() / "state.db.lock");
    EXPECT_EQ(e.holder_pid(), ::getpid());
    const std::string what = e.what();
    EXPECT_NE(what.find((dir.path() / "state.db.lock").string()), std::string::npos) << what;
    EXPECT_NE(what.find("process " + std::to_string(::getpid())), std::string::npos) << what;
  }
}

TEST(StateDirLock, IsFreeAgainOnceReleasedOrMoved) {
  TempDir dir;
  {
    StateDirLock a = StateDirLock::acquire(dir.path());
    StateDirLock b = std::move(a);  // the lock moves with the object; still one holder
    EXPECT_THROW(StateDirLock::acquire(dir.path()), StateDirBusy);
  }
  EXPECT_NO_THROW(StateDirLock::acquire(dir.path()));
}

TEST(StateDirLock, AnotherProcessHoldsItUntilItIsKilled) {
  TempDir dir;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      const StateDirLock held = StateDirLock::acquire(dir.path());
      const char ok = 1;
      (void)!::write(ready[1], &ok, 1);
      ::pause();
    } catch (...) {
    }
    ::_exit(1);
  }
  char got = 0;
  ASSERT_EQ(::read(ready[0], &got, 1), 1);
  try {
    StateDirLock::acquire(dir.path());
    ADD_FAILURE() << "granted while another process holds it";
  } catch (const StateDirBusy& e) {
    EXPECT_EQ(e.holder_pid(), child);
  }
  // kill -9: no clean-up runs, yet the operating system releases the lock.
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  const StateDirLock mine = StateDirLock::acquire(dir.path());
  EXPECT_EQ(read_file(mine.path()), std::to_string(::getpid()) + "\n");
}

TEST(StateDirLock, AStateDirectoryThatCannotBeCreatedIsNamed) {
  TempDir dir;
  dir.write("a-file", "x");
  try {
    StateDirLock::acquire(dir.path() / "a-file" / "state");
    FAIL() << "granted under a regular file";
  } catch (const StateDirBusy&) {
    FAIL() << "reported as busy";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("a-file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dunghan::service
