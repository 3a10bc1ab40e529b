#pragma once
// The users of the office pages: `[service] users_file`, one user a line,
//     name:$argon2id$v=19$m=…,t=…,p=1$salt$hash:role
// (argon2id through libsodium's crypto_pwhash_str; role `admin` may write — silences — and
// `viewer`, the default when the field is missing, may read). Blank lines and lines starting with
// '#' are ignored. `dunghan user add NAME` writes a line; the daemon re-reads the file when it
// changes. Passwords are never logged, stored or compared in clear.

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/civil.h"

namespace dunghan::service {

enum class Role { viewer, admin };
/// "viewer" | "admin".
std::string_view to_string(Role r);
std::optional<Role> parse_role(std::string_view s);

struct User {
  std::string name;  // [A-Za-z0-9._-], 1..64 bytes
  std::string hash;  // crypto_pwhash_str output ("$argon2id$…")
  Role role = Role::viewer;
};

/// True for a user name the file can hold: 1..64 bytes of ASCII letters, digits, '.', '_', '-'.
bool valid_user_name(std::string_view name);

/// How costly a new hash is: `interactive` (libsodium's interactive limits, about 64 MiB and a
/// tenth of a second: every real user) or `minimal` (for tests only: the lowest limits).
enum class HashCost { interactive, minimal };

/// The argon2id hash string of `password` (libsodium). The cost is recorded in the string, so
/// verify_password needs no parameter. Throws std::runtime_error when libsodium cannot initialise
/// or the memory cannot be had.
std::string hash_password(std::string_view password, HashCost cost = HashCost::interactive);
/// True when `password` matches `hash` (a crypto_pwhash_str string); false for any other hash.
bool verify_password(const std::string& hash, std::string_view password);

struct UsersFile {
  std::vector<User> users;
  /// One English line per bad line ("FILE:LINE: …"); bad lines are skipped.
  std::vector<std::string> problems;
};
/// Parses the text of a users file; `origin` names it in problems.
UsersFile parse_users(std::string_view text, const std::string& origin);
/// Reads and parses `path`. Throws std::runtime_error naming the file when it cannot be read.
UsersFile read_users_file(const std::filesystem::path& path);
/// Adds `user` to the file at `path`, replacing a line of the same name; creates the file (mode
/// 0640) when missing. Writes a temporary file and renames it over the old one. Throws
/// std::runtime_error naming the file on failure.
void write_user(const std::filesystem::path& path, const User& user);

/// Checks HTTP Basic credentials against the users file. Thread-safe.
/// A successful check is remembered for ten minutes (keyed by a keyed BLAKE2b hash of name and
/// password, never the password), so that pages and their requests do not pay argon2id each
/// time; the memory is dropped when the file changes. After 10 failed checks within a minute,
/// further checks are refused without hashing (`throttled`) until the minute has passed.
class Authenticator {
 public:
  /// Without a file nobody can log in.
  explicit Authenticator(std::optional<std::filesystem::path> users_file);

  struct Result {
    enum class Kind {
      none,       // no credentials (no Authorization header, or not Basic)
      ok,         // name and password match: `user`, `role`
      bad,        // wrong name or password, or malformed credentials
      throttled,  // too many failures lately; not checked
    };
    Kind kind = Kind::none;
    std::string user;
    Role role = Role::viewer;
  };
  /// Checks the value of an Authorization header at instant `now`. Re-reads the users file when
  /// its modification time or size changed (a file that cannot be read keeps the last good
  /// users and is logged once per change).
  Result check(std::string_view authorization, calendar::Instant now);
  /// True when a users file is configured.
  bool configured() const { return path_.has_value(); }

 private:
  void reload_if_changed();

  std::optional<std::filesystem::path> path_;
  std::mutex mutex_;
  std::vector<User> users_;
  std::optional<std::filesystem::file_time_type> mtime_;
  std::uintmax_t size_ = 0;
  std::string cache_key_;  // random key of the BLAKE2b hash
  struct Remembered {
    calendar::Instant until;
    std::string user;
    Role role;
  };
  std::map<std::string, Remembered> remembered_;
  std::deque<calendar::Instant> failures_;
};

}  // namespace dunghan::service
