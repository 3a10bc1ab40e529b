#include "service/state_lock.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#endif

namespace dunghan::service {
namespace {

std::string busy_text(const std::filesystem::path& lock_file, std::optional<long> pid) {
  return "the state directory " + lock_file.parent_path().string() + " is in use by " +
         (pid ? "process " + std::to_string(*pid) : std::string("another process")) +
         " (it holds the lock " + lock_file.string() +
         "): only one `dunghan run` or `run --once` may use a state directory at a time; stop "
         "the other one first (read-only commands such as `status` and `outbox list` work "
         "beside it)";
}

/// The process id at the start of `text` (the lock file's content), if any.
std::optional<long> parse_pid(const std::string& text) {
  long pid = 0;
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && pid < 1'000'000'000) {
    pid = pid * 10 + (text[i] - '0');
    ++i;
  }
  if (i == 0 || pid <= 0) return std::nullopt;
  return pid;
}

std::string own_pid_text() {
#ifdef _WIN32
  return std::to_string(GetCurrentProcessId()) + "\n";
#else
  return std::to_string(::getpid()) + "\n";
#endif
}

}  // namespace

StateDirBusy::StateDirBusy(const std::filesystem::path& lock_file, std::optional<long> holder_pid)
    : std::runtime_error(busy_text(lock_file, holder_pid)),
      lock_file_(lock_file),
      holder_pid_(holder_pid) {}

#ifdef _WIN32

namespace {

// The locked byte lies at 4 GiB, past any text: Windows locks are mandatory, and the process
// refused must still be able to read the holder's id at the start of the file.
constexpr DWORD kLockOffsetHigh = 1;

std::string win_error(DWORD code) {
  return std::system_category().message(static_cast<int>(code));
}

std::string read_text(HANDLE h) {
  char buf[32] = {};
  DWORD got = 0;
  OVERLAPPED at{};
  if (!ReadFile(h, buf, sizeof buf - 1, &got, &at)) return {};
  return std::string(buf, got);
}

}  // namespace

StateDirLock StateDirLock::acquire(const std::filesystem::path& state_dir) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) {
    throw std::runtime_error("cannot create the state directory " + state_dir.string() + ": " +
                             ec.message());
  }
  std::filesystem::path file = state_dir / kStateLockFileName;
  HANDLE h = CreateFileW(file.c_str(), GENERIC_READ | GENERIC_WRITE,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                         OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    throw std::runtime_error("cannot open the lock file " + file.string() + ": " +
                             win_error(GetLastError()));
  }
  OVERLAPPED region{};
  region.OffsetHigh = kLockOffsetHigh;
  if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &region)) {
    const DWORD code = GetLastError();
    const std::optional<long> pid = parse_pid(read_text(h));
    CloseHandle(h);
    if (code == ERROR_LOCK_VIOLATION) throw StateDirBusy(file, pid);
    throw std::runtime_error("cannot lock " + file.string() + ": " + win_error(code));
  }
  const std::string pid = own_pid_text();
  DWORD written = 0;
  OVERLAPPED start{};
  if (WriteFile(h, pid.data(), static_cast<DWORD>(pid.size()), &written, &start)) {
    LARGE_INTEGER end;
    end.QuadPart = static_cast<LONGLONG>(written);
    if (SetFilePointerEx(h, end, nullptr, FILE_BEGIN)) SetEndOfFile(h);
  }
  return StateDirLock(std::move(file), reinterpret_cast<std::intptr_t>(h));
}

void StateDirLock::release() noexcept {
  if (handle_ == -1) return;
  CloseHandle(reinterpret_cast<HANDLE>(handle_));  // releases the lock
  handle_ = -1;
}

#else

StateDirLock StateDirLock::acquire(const std::filesystem::path& state_dir) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) {
    throw std::runtime_error("cannot create the state directory " + state_dir.string() + ": " +
                             ec.message());
  }
  std::filesystem::path file = state_dir / kStateLockFileName;
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw std::runtime_error("cannot open the lock file " + file.string() + ": " +
                             std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char buf[32] = {};
    const ssize_t got = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    if (err == EWOULDBLOCK) {
      throw StateDirBusy(file, parse_pid(got > 0 ? std::string(buf, static_cast<std::size_t>(got))
                                                 : std::string()));
    }
    throw std::runtime_error("cannot lock " + file.string() + ": " + std::strerror(err));
  }
  // Best effort: the id only makes the refusal's message more useful.
  const std::string pid = own_pid_text();
  if (::ftruncate(fd, 0) == 0) {
    const ssize_t n = ::pwrite(fd, pid.data(), pid.size(), 0);
    (void)n;
  }
  return StateDirLock(std::move(file), fd);
}

void StateDirLock::release() noexcept {
  if (handle_ == -1) return;
  ::close(static_cast<int>(handle_));  // releases the lock
  handle_ = -1;
}

#endif

StateDirLock::StateDirLock(StateDirLock&& other) noexcept
    : path_(std::move(other.path_)), handle_(other.handle_) {
  other.handle_ = -1;
}

StateDirLock& StateDirLock::operator=(StateDirLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    handle_ = other.handle_;
    other.handle_ = -1;
  }
  return *this;
}

StateDirLock::~StateDirLock() {
  release();
}

}  // namespace dunghan::service
