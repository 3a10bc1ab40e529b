#include "store/file_identity.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include "store/store.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/stat.h>
#endif

namespace dunghan::store {

std::string to_string(const FileIdentity& id) {
  return std::to_string(id.device) + ":" + std::to_string(id.inode);
}

#ifdef _WIN32

std::optional<FileIdentity> file_identity(const std::filesystem::path& path) {
  // No access rights asked: reading the identity must not conflict with SQLite's own handles.
  HANDLE h = CreateFileW(path.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    const DWORD code = GetLastError();
    if (code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND) return std::nullopt;
    throw StoreError(path.string() + ": " + std::system_category().message(static_cast<int>(code)));
  }
  BY_HANDLE_FILE_INFORMATION info{};
  const BOOL ok = GetFileInformationByHandle(h, &info);
  const DWORD code = GetLastError();
  CloseHandle(h);
  if (!ok) {
    throw StoreError(path.string() + ": " + std::system_category().message(static_cast<int>(code)));
  }
  return FileIdentity{info.dwVolumeSerialNumber,
                      (static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow};
}

#else

std::optional<FileIdentity> file_identity(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw StoreError(path.string() + ": " + std::strerror(errno));
  }
  return FileIdentity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

#endif

}  // namespace dunghan::store
