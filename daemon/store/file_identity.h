#pragma once
// Internal to store/: which file a path names now (device and inode on POSIX, volume serial
// number and file index on Windows), so that a store can tell that the file it has open is no
// longer the one at its path (replaced, deleted and re-created, restored from a backup).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace dunghan::store {

struct FileIdentity {
  std::uint64_t device = 0;  // st_dev; the volume serial number on Windows
  std::uint64_t inode = 0;   // st_ino; the file index on Windows
  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

/// "device:inode" in decimal, e.g. "2049:1835017".
std::string to_string(const FileIdentity& id);

/// The identity of the file `path` names now, following symbolic links; nullopt when there is no
/// such file (or a component of the path is missing). Throws StoreError naming the path for any
/// other failure (permission denied, I/O error).
std::optional<FileIdentity> file_identity(const std::filesystem::path& path);

}  // namespace dunghan::store
