#pragma once
// The state directory belongs to one sending process at a time. `dunghan run` and `run --once`
// take an exclusive lock on `state.db.lock` in the state directory before they touch the ledger
// (start-up recovery puts every `sending` row back to `pending`: done beside a running daemon, it
// undoes that daemon's in-flight send and the alert goes out twice) and hold it for the life of
// the process. The operating system releases it when the process ends, however it ends (kill -9
// included): a lock file left behind is never "stale".
//
// Linux: flock(2) on the file; Windows: LockFileEx on a byte far past the file's text, so that
// the holder's process id written at the start stays readable by the one refused.
//
// Read-only commands (`status`, `outbox list`, `alerts preview`) do not take the lock; `outbox
// retry/cancel` do not either: they change one row in one ledger transaction, which is safe
// beside a daemon.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace dunghan::service {

/// The file name of the lock in the state directory.
inline constexpr const char* kStateLockFileName = "state.db.lock";

/// Another process holds the lock. what() is one English line naming the lock file and, when it
/// could be read, the holder's process id.
class StateDirBusy : public std::runtime_error {
 public:
  StateDirBusy(const std::filesystem::path& lock_file, std::optional<long> holder_pid);
  const std::filesystem::path& lock_file() const { return lock_file_; }
  std::optional<long> holder_pid() const { return holder_pid_; }

 private:
  std::filesystem::path lock_file_;
  std::optional<long> holder_pid_;
};

/// An exclusive lock on a state directory, held until the object is destroyed (or the process
/// ends). Move-only.
class StateDirLock {
 public:
  /// Creates `state_dir` when missing, opens (creating, mode 0644) `state_dir/state.db.lock`,
  /// takes the lock without waiting and writes this process's id into the file (a failure to
  /// write it, e.g. on a full disk, is ignored: the lock is what counts). Throws StateDirBusy when
  /// another process holds the lock (also another StateDirLock of this process), or
  /// std::runtime_error naming the file when it cannot be created or locked.
  static StateDirLock acquire(const std::filesystem::path& state_dir);

  StateDirLock(StateDirLock&& other) noexcept;
  StateDirLock& operator=(StateDirLock&& other) noexcept;
  StateDirLock(const StateDirLock&) = delete;
  StateDirLock& operator=(const StateDirLock&) = delete;
  ~StateDirLock();

  /// The lock file.
  const std::filesystem::path& path() const { return path_; }

 private:
  StateDirLock(std::filesystem::path path, std::intptr_t handle)
      : path_(std::move(path)), handle_(handle) {}
  void release() noexcept;

  std::filesystem::path path_;
  std::intptr_t handle_ = -1;  // a file descriptor (POSIX) or a HANDLE (Windows); -1: none
};

}  // namespace dunghan::service
