#include "service/users.h"

#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <spdlog/spdlog.h>

#include "log/logging.h"

namespace dunghan::service {
namespace {

constexpr auto kRemember = std::chrono::minutes{10};
constexpr std::size_t kMaxRemembered = 1000;
constexpr std::size_t kMaxFailuresPerMinute = 10;

void init_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot initialise");
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

std::string format_line(const User& u) {
  return u.name + ":" + u.hash + ":" + std::string(to_string(u.role));
}

}  // namespace

std::string_view to_string(Role r) {
  return r == Role::admin ? "admin" : "viewer";
}

std::optional<Role> parse_role(std::string_view s) {
  if (s == "admin") return Role::admin;
  if (s == "viewer") return Role::viewer;
  return std::nullopt;
}

bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string hash_password(std::string_view password, HashCost cost) {
  init_sodium();
  char out[crypto_pwhash_STRBYTES];
  const bool minimal = cost == HashCost::minimal;
  if (crypto_pwhash_str(
          out, password.data(), password.size(),
          minimal ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
          minimal ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("cannot hash the password (out of memory)");
  }
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  init_sodium();
  if (hash.size() >= crypto_pwhash_STRBYTES || !hash.starts_with("$argon2id$")) return false;
  char buf[crypto_pwhash_STRBYTES] = {};
  std::copy(hash.begin(), hash.end(), buf);
  return crypto_pwhash_str_verify(buf, password.data(), password.size()) == 0;
}

UsersFile parse_users(std::string_view text, const std::string& origin) {
  UsersFile f;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string line = trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    auto problem = [&](const std::string& what) {
      f.problems.push_back(origin + ":" + std::to_string(line_no) + ": " + what);
    };
    const auto first = line.find(':');
    if (first == std::string::npos) {
      problem("not name:hash[:role]");
      continue;
    }
    User u;
    u.name = line.substr(0, first);
    std::string rest = line.substr(first + 1);
    // The hash holds '$', '=' and ',' but never ':'; a role, when present, follows the last ':'.
    if (const auto last = rest.rfind(':'); last != std::string::npos) {
      const auto role = parse_role(rest.substr(last + 1));
      if (!role) {
        problem("role \"" + rest.substr(last + 1) + "\" is neither admin nor viewer");
        continue;
      }
      u.role = *role;
      rest.resize(last);
    }
    u.hash = rest;
    if (!valid_user_name(u.name)) {
      problem("\"" + u.name + "\" is not a user name (letters, digits, '.', '_', '-')");
      continue;
    }
    if (!u.hash.starts_with("$argon2id$")) {
      problem("the hash of " + u.name + " is not an argon2id hash (use `dunghan user add`)");
      continue;
    }
    if (std::any_of(f.users.begin(), f.users.end(),
                    [&](const User& o) { return o.name == u.name; })) {
      problem("user " + u.name + " appears twice; the first line counts");
      continue;
    }
    f.users.push_back(std::move(u));
  }
  return f;
}

UsersFile read_users_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the users file " + path.string());
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_users(buf.str(), path.string());
}

void write_user(const std::filesystem::path& path, const User& user) {
  std::vector<std::string> lines;
  bool replaced = false;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the users file " + path.string());
    std::string line;
    while (std::getline(in, line)) {
      if (line.starts_with(user.name + ":")) {
        if (!replaced) lines.push_back(format_line(user));
        replaced = true;
        continue;
      }
      lines.push_back(line);
    }
  }
  if (!replaced) lines.push_back(format_line(user));
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
    for (const std::string& l : lines) out << l << '\n';
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  using std::filesystem::perms;
  std::filesystem::permissions(tmp, perms::owner_read | perms::owner_write | perms::group_read, ec);
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw std::runtime_error("cannot replace " + path.string() + ": " + ec.message());
}

Authenticator::Authenticator(std::optional<std::filesystem::path> users_file)
    : path_(std::move(users_file)) {
  init_sodium();
  cache_key_.resize(crypto_generichash_KEYBYTES);
  randombytes_buf(cache_key_.data(), cache_key_.size());
}

void Authenticator::reload_if_changed() {
  if (!path_) return;
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(*path_, ec);
  const auto size = ec ? 0 : std::filesystem::file_size(*path_, ec);
  if (!ec && mtime_ && *mtime_ == mtime && size_ == size) return;
  if (ec) {
    if (mtime_ || users_.empty()) {
      spdlog::error("event=users_file_unreadable file={} error={}", log::kv_value(path_->string()),
                    log::kv_value(ec.message()));
    }
    mtime_.reset();
    return;
  }
  try {
    UsersFile f = read_users_file(*path_);
    for (const std::string& p : f.problems) {
      spdlog::warn("event=users_file_problem detail={}", log::kv_value(p));
    }
    users_ = std::move(f.users);
    mtime_ = mtime;
    size_ = size;
    remembered_.clear();
    spdlog::info("event=users_loaded file={} users={}", log::kv_value(path_->string()),
                 users_.size());
  } catch (const std::exception& e) {
    spdlog::error("event=users_file_unreadable file={} error={}", log::kv_value(path_->string()),
                  log::kv_value(e.what()));
  }
}

Authenticator::Result Authenticator::check(std::string_view authorization, calendar::Instant now) {
  using Kind = Result::Kind;
  constexpr std::string_view kBasic = "Basic ";
  if (authorization.size() <= kBasic.size()) return {};
  std::string scheme(authorization.substr(0, kBasic.size()));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != "basic ") return {};
  std::string_view b64 = authorization.substr(kBasic.size());
  while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
  std::string decoded(b64.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        b64.data(), b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return {Kind::bad, "", Role::viewer};
  }
  decoded.resize(len);
  struct Wipe {
    std::string& s;
    ~Wipe() { sodium_memzero(s.data(), s.size()); }
  } wipe{decoded};
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) return {Kind::bad, "", Role::viewer};
  const std::string name = decoded.substr(0, colon);
  const std::string_view password = std::string_view(decoded).substr(colon + 1);

  std::lock_guard lock(mutex_);
  reload_if_changed();
  std::string digest(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(digest.data()), digest.size(),
                     reinterpret_cast<const unsigned char*>(decoded.data()), decoded.size(),
                     reinterpret_cast<const unsigned char*>(cache_key_.data()), cache_key_.size());
  if (auto it = remembered_.find(digest); it != remembered_.end()) {
    if (it->second.until > now) return {Kind::ok, it->second.user, it->second.role};
    remembered_.erase(it);
  }
  while (!failures_.empty() && now - failures_.front() >= std::chrono::minutes{1}) {
    failures_.pop_front();
  }
  if (failures_.size() >= kMaxFailuresPerMinute) return {Kind::throttled, name, Role::viewer};
  const auto user =
      std::find_if(users_.begin(), users_.end(), [&](const User& u) { return u.name == name; });
  // An unknown name costs the same as a wrong password, so timing does not tell names apart.
  static const std::string kDummy = hash_password("dunghan-no-such-user");
  const bool ok =
      verify_password(user != users_.end() ? user->hash : kDummy, password) && user != users_.end();
  if (!ok) {
    failures_.push_back(now);
    spdlog::warn("event=login_failed user={}", log::kv_value(valid_user_name(name) ? name : "?"));
    return {Kind::bad, name, Role::viewer};
  }
  if (remembered_.size() >= kMaxRemembered) remembered_.clear();
  remembered_[digest] = Remembered{now + kRemember, user->name, user->role};
  return {Kind::ok, user->name, user->role};
}

}  // namespace dunghan::service
