#include "channels/zalo.h"

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <sys/stat.h>
#include <windows.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "channels/encoding.h"
#include "channels/http.h"
#include "log/logging.h"
#include "log/redact.h"
#include "text/normalize.h"
#include "text/utf8.h"

namespace dunghan::channels {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr calendar::UtcOffset kIct{std::chrono::minutes{420}};

std::string form_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

/// A number that may come as a JSON number or a numeric string ("90000").
std::optional<long long> lenient_integer(const json& v) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number_float()) return static_cast<long long>(v.get<double>());
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.empty()) return std::nullopt;
    long long n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  }
  return std::nullopt;
}

/// A stable jitter in [0, max) seconds derived from `key`.
std::chrono::seconds jitter(std::string_view key, long max) {
  const std::string h = sha256_hex(key);
  const unsigned long v = std::stoul(h.substr(0, 8), nullptr, 16);
  return std::chrono::seconds{static_cast<long>(v % static_cast<unsigned long>(max))};
}

/// The next local (ICT) time-of-day `tod` strictly after `now`.
calendar::Instant next_ict(calendar::Instant now, std::chrono::seconds tod) {
  const calendar::LocalDateTime l = calendar::to_local(now, kIct);
  calendar::Instant t = calendar::to_instant(l.date, tod, kIct);
  if (t <= now) t = calendar::to_instant(l.date + std::chrono::days{1}, tod, kIct);
  return t;
}

}  // namespace

std::optional<ZaloToken> read_zalo_token(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ChannelError("cannot read Zalo token file " + file.string());
  std::ostringstream buf;
  buf << in.rdbuf();
  json j = json::parse(buf.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("access_token") ||
      !j.contains("refresh_token") || !j["access_token"].is_string() ||
      !j["refresh_token"].is_string()) {
    throw ChannelError("Zalo token file " + file.string() + " is not a valid token file");
  }
  ZaloToken t;
  t.access_token = j["access_token"].get<std::string>();
  t.refresh_token = j["refresh_token"].get<std::string>();
  log::register_secret(t.access_token);
  log::register_secret(t.refresh_token);
  if (j.contains("obtained_at")) {
    if (auto v = lenient_integer(j["obtained_at"]))
      t.obtained_at = calendar::Instant{std::chrono::seconds{*v}};
  }
  if (j.contains("expires_in")) {
    if (auto v = lenient_integer(j["expires_in"])) t.expires_in = std::chrono::seconds{*v};
  }
  return t;
}

namespace {

// The token file's durable replace: write a temporary file beside it, flush it to disk, rename it
// over the file, and on POSIX fsync the folder so that the rename survives a power loss. On
// Windows: _commit (FlushFileBuffers) and MoveFileExW(MOVEFILE_REPLACE_EXISTING |
// MOVEFILE_WRITE_THROUGH), which returns once the rename is on disk; the file's permissions come
// from the folder's ACL (%ProgramData%\dunghan\state). Returns "" or the step that failed and why.
#ifdef _WIN32
std::string durable_replace(const std::filesystem::path& file, const std::filesystem::path& tmp,
                            const std::string& text) {
  auto fail = [&](const std::string& what, const std::string& reason) {
    ::_wunlink(tmp.c_str());
    return what + ": " + reason;
  };
  const int fd = ::_wopen(tmp.c_str(), _O_WRONLY | _O_CREAT | _O_TRUNC | _O_BINARY | _O_NOINHERIT,
                          _S_IREAD | _S_IWRITE);
  if (fd < 0) return fail("open", std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const int n = ::_write(fd, text.data() + done, static_cast<unsigned>(text.size() - done));
    if (n < 0) {
      const std::string reason = std::strerror(errno);
      ::_close(fd);
      return fail("write", reason);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::_commit(fd) != 0) {
    const std::string reason = std::strerror(errno);
    ::_close(fd);
    return fail("flush", reason);
  }
  if (::_close(fd) != 0) return fail("close", std::strerror(errno));
  if (!::MoveFileExW(tmp.c_str(), file.c_str(),
                     MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    return fail("rename", std::system_category().message(static_cast<int>(::GetLastError())));
  }
  return {};
}
#else
std::string durable_replace(const std::filesystem::path& file, const std::filesystem::path& tmp,
                            const std::string& text) {
  auto fail = [&](const std::string& what, const std::string& reason) {
    ::unlink(tmp.c_str());
    return what + ": " + reason;
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail("open", std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string reason = std::strerror(errno);
      ::close(fd);
      return fail("write", reason);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    return fail("fsync", reason);
  }
  if (::close(fd) != 0) return fail("close", std::strerror(errno));
  if (::rename(tmp.c_str(), file.c_str()) != 0) return fail("rename", std::strerror(errno));
  const std::filesystem::path dir = tmp.parent_path();
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}
#endif

int process_id() {
#ifdef _WIN32
  return ::_getpid();
#else
  return static_cast<int>(::getpid());
#endif
}

}  // namespace

void write_zalo_token(const std::filesystem::path& file, const ZaloToken& token) {
  json j;
  j["access_token"] = token.access_token;
  j["refresh_token"] = token.refresh_token;
  j["obtained_at"] = token.obtained_at.time_since_epoch().count();
  j["expires_in"] = token.expires_in.count();
  const std::string text = j.dump(2) + "\n";
  const std::filesystem::path dir = file.parent_path().empty() ? "." : file.parent_path();
  const std::filesystem::path tmp =
      dir / (file.filename().string() + ".tmp-" + std::to_string(process_id()));
  if (const std::string problem = durable_replace(file, tmp, text); !problem.empty()) {
    throw ChannelError("cannot write Zalo token file " + file.string() + " (" + problem + ")");
  }
}

std::filesystem::path zalo_token_path(const ZaloOptions& options,
                                      const std::filesystem::path& state_dir) {
  if (options.token_file.is_absolute()) return options.token_file;
  return (state_dir / options.token_file).lexically_normal();
}

ZaloChannel::ZaloChannel(std::string name, SendWindow window, ZaloOptions options,
                         const calendar::Clock& clock)
    : ZaloChannel(
          std::move(name), window, options, clock,
          options.token_file.is_absolute() ? make_file_zalo_vault(options.token_file) : nullptr) {}

ZaloChannel::ZaloChannel(std::string name, SendWindow window, ZaloOptions options,
                         const calendar::Clock& clock, std::unique_ptr<ZaloTokenVault> vault)
    : name_(std::move(name)),
      window_(window),
      options_(std::move(options)),
      clock_(clock),
      vault_(std::move(vault)) {
  if (options_.app_id.empty()) throw ChannelError("channel " + name_ + ": `app_id` is empty");
  if (options_.secret_key.empty()) {
    throw ChannelError("channel " + name_ + ": `secret_key` is empty");
  }
  if (options_.mode != ZaloOptions::Mode::cs && options_.template_id.empty()) {
    throw ChannelError("channel " + name_ + ": `template_id` is required for template modes");
  }
  if (!vault_) throw ChannelError("channel " + name_ + ": token file path must be absolute");
}

ZaloChannel::~ZaloChannel() = default;

void ZaloChannel::end_batch() {
  std::lock_guard lock(mu_);
  handle_.reset();
}

bool ZaloChannel::stopped() const {
  std::lock_guard lock(mu_);
  return stopped_;
}

Outcome ZaloChannel::ensure_token_locked() {
  try {
    const std::optional<std::string> stamp = vault_->stamp();
    if (stamp && stamp != stamp_) {
      // First load, or the pair changed under us (`dunghan zalo set-token`, another instance's
      // refresh).
      std::optional<StoredZaloToken> stored = vault_->load();
      if (stored) {
        token_ = std::move(stored->token);
        if (stamp_ && stopped_) {
          spdlog::info("event=zalo_token_replaced channel={} action=restart", log::kv_value(name_));
        }
        stamp_ = std::move(stored->stamp);
        stopped_ = false;
      }
    }
    if (!token_ && !stamp && !options_.initial_access_token.empty() &&
        !options_.initial_refresh_token.empty()) {
      StoredZaloToken stored =
          vault_->seed(ZaloToken{options_.initial_access_token, options_.initial_refresh_token,
                                 clock_.now(), std::chrono::seconds{90000}});
      token_ = std::move(stored.token);
      stamp_ = std::move(stored.stamp);
      spdlog::info("event=zalo_token_seeded channel={} vault={}", log::kv_value(name_),
                   log::kv_value(vault_->where()));
    }
  } catch (const ZaloVaultUnavailable& e) {
    // The pair in hand is still good for sending; only a refresh needs the vault.
    if (!token_ || stopped_) {
      return Outcome::channel_unavailable(std::string("Zalo token store unavailable: ") + e.what(),
                                          clock_.now() + std::chrono::seconds{60});
    }
  } catch (const ChannelError& e) {
    return Outcome::failure(e.what());
  }
  if (!token_) {
    return Outcome::failure("no Zalo token in " + vault_->where() +
                            "; run `dunghan zalo set-token`");
  }
  if (stopped_) return Outcome::failure("channel stopped: " + stop_reason_);
  return Outcome::sent_ok();
}

Outcome ZaloChannel::refresh_now() {
  std::lock_guard lock(mu_);
  if (Outcome o = ensure_token_locked(); o.kind != Outcome::Kind::sent) return o;
  return refresh_locked();
}

Outcome ZaloChannel::refresh_locked() {
  refused_ = false;
  ZaloRefreshResult r = vault_->refresh(
      *token_,
      [this](const ZaloToken& current, ZaloToken& fresh) { return exchange(current, fresh); });
  if (r.outcome.kind == Outcome::Kind::sent && r.token) {
    token_ = std::move(r.token->token);
    stamp_ = std::move(r.token->stamp);
    if (r.exchanged) {
      spdlog::info("event=zalo_token_refreshed channel={} expires_in={} vault={}",
                   log::kv_value(name_), token_->expires_in.count(),
                   log::kv_value(vault_->where()));
      return Outcome::sent_ok("token refreshed");
    }
    // Another holder of the pair refreshed it (or set-token replaced it) while this one waited.
    stopped_ = false;
    spdlog::info("event=zalo_token_taken channel={} vault={}", log::kv_value(name_),
                 log::kv_value(vault_->where()));
    return Outcome::sent_ok("token refreshed elsewhere");
  }
  if (r.unsaved) {
    // Zalo rotated the pair but it could not be stored: the old refresh token is dead already.
    token_ = std::move(*r.unsaved);
    stopped_ = true;
    stop_reason_ = r.outcome.detail;
    spdlog::critical("event=zalo_token_not_saved channel={} reason={}", log::kv_value(name_),
                     log::kv_value(r.outcome.detail));
    return Outcome::failure(stop_reason_);
  }
  if (refused_) {
    stopped_ = true;
    stop_reason_ = r.outcome.detail;
  }
  return r.outcome;
}

Outcome ZaloChannel::exchange(const ZaloToken& current, ZaloToken& fresh) {
  HttpRequest req;
  req.url = options_.oauth_url + "/v4/oa/access_token";
  req.protocols = options_.allow_http ? "http,https" : "https";
  req.ca_file = options_.ca_file;
  req.connect_timeout = options_.connect_timeout;
  req.timeout = options_.timeout;
  req.headers = {"Content-Type: application/x-www-form-urlencoded",
                 "secret_key: " + options_.secret_key, "Expect:"};
  req.body = "app_id=" + form_escape(options_.app_id) +
             "&grant_type=refresh_token&refresh_token=" + form_escape(current.refresh_token);
  if (!handle_) handle_ = std::make_unique<CurlHandle>();
  const HttpResponse res = http_post(*handle_, req);
  if (auto failed = transport_outcome(res)) {
    handle_.reset();
    failed->detail = "token refresh: " + failed->detail;
    return *failed;
  }
  const json j = json::parse(res.body, nullptr, false);
  const std::string shown =
      "HTTP " + std::to_string(res.status) + ": " + excerpt(log::redact(res.body), 500);
  if (j.is_object() && j.contains("access_token") && j["access_token"].is_string() &&
      j.contains("refresh_token") && j["refresh_token"].is_string()) {
    fresh = ZaloToken{};
    fresh.access_token = j["access_token"].get<std::string>();
    fresh.refresh_token = j["refresh_token"].get<std::string>();
    log::register_secret(fresh.access_token);
    log::register_secret(fresh.refresh_token);
    fresh.obtained_at = clock_.now();
    if (j.contains("expires_in")) {
      if (auto v = lenient_integer(j["expires_in"]); v && *v > 0) {
        fresh.expires_in = std::chrono::seconds{*v};
      }
    }
    // The vault stores it durably before it is used: the old refresh token is already dead.
    return Outcome::sent_ok("token refreshed");
  }
  const long long code =
      j.is_object() && j.contains("error") ? lenient_integer(j["error"]).value_or(0) : 0;
  if (code == -32 || res.status == 429 || res.status >= 500) {
    return Outcome::retry_later("token refresh deferred: " + shown,
                                clock_.now() + std::chrono::seconds{60});
  }
  refused_ = true;
  const std::string reason = "token refresh refused (" + shown + "); run `dunghan zalo set-token`";
  spdlog::error("event=zalo_refresh_failed channel={} answer={}", log::kv_value(name_),
                log::kv_value(shown));
  return Outcome::failure(reason);
}

Outcome ZaloChannel::post_locked(const std::string& url, const std::string& body, bool business,
                                 const Message& message, bool& token_error) {
  token_error = false;
  HttpRequest req;
  req.url = url;
  req.protocols = options_.allow_http ? "http,https" : "https";
  req.ca_file = options_.ca_file;
  req.connect_timeout = options_.connect_timeout;
  req.timeout = options_.timeout;
  req.headers = {"Content-Type: application/json", "access_token: " + token_->access_token,
                 "Expect:"};
  req.body = body;
  if (!handle_) handle_ = std::make_unique<CurlHandle>();
  const HttpResponse res = http_post(*handle_, req);
  if (auto failed = transport_outcome(res)) {
    handle_.reset();  // a fresh connection next time
    return *failed;
  }
  const std::string shown =
      "HTTP " + std::to_string(res.status) + ": " + excerpt(log::redact(res.body));
  const json j = json::parse(res.body, nullptr, false);
  if (res.status == 429 || res.status >= 500) return Outcome::retry_later(shown);
  if (!j.is_object() || !j.contains("error")) {
    return Outcome::failure("unexpected answer: " + shown);
  }
  const long long code = lenient_integer(j["error"]).value_or(-1);
  if (code == 0 && res.status >= 200 && res.status < 300) {
    std::string id;
    if (j.contains("data") && j["data"].is_object()) {
      for (const char* k : {"msg_id", "message_id"}) {
        if (j["data"].contains(k) && j["data"][k].is_string()) id = j["data"][k].get<std::string>();
      }
    }
    return Outcome::sent_ok(shown, id);
  }
  const calendar::Instant now = clock_.now();
  switch (code) {
    case -216:
    case -220:
    case -124:
      token_error = true;
      return Outcome::failure("access token refused: " + shown);
    case -32:
      return Outcome::retry_later("rate limited: " + shown, now + std::chrono::seconds{60});
    case -133:
    case -234:
      return Outcome::retry_later("night ban: " + shown,
                                  next_ict(now, 6h) + jitter(message.key, 600));
    case -144:
    case -147:
    case -211:
    case -218:
      return Outcome::retry_later("quota exhausted: " + shown,
                                  next_ict(now, 0h) + jitter(message.key, 1800));
    default:
      break;
  }
  if (business) {
    switch (code) {
      case -100:
        return Outcome::retry_later("unknown ZNS error: " + shown);
      case -108:
      case -110:
      case -114:
      case -118:
      case -119:
      case -139:
      case -140:
      case -141:
        return Outcome::unreachable_recipient(shown);
      default:
        break;
    }
  } else {
    switch (code) {
      case -213:
      case -217:
      case -227:
      case -230:
      case -232:
      case -244:
        return Outcome::unreachable_recipient(shown);
      default:
        break;
    }
  }
  return Outcome::failure(shown);
}

Outcome ZaloChannel::send(const Message& message, const Address& to) {
  std::string url;
  json body;
  const bool business = options_.mode == ZaloOptions::Mode::template_phone;
  json data = json::object();
  if (options_.template_params.empty()) {
    for (const auto& [k, v] : message.params) data[k] = text::to_nfc(v);
  } else {
    for (const std::string& k : options_.template_params) {
      auto it = message.params.find(k);
      data[k] = it == message.params.end() ? std::string() : text::to_nfc(it->second);
    }
  }
  switch (options_.mode) {
    case ZaloOptions::Mode::template_phone: {
      auto phone = normalize_vn_phone(to.phone);
      if (!phone) {
        return Outcome::unreachable_recipient("recipient " + to.recipient_id +
                                              " has no usable phone number");
      }
      url = options_.business_api_url + "/message/template";
      body = {{"phone", *phone},
              {"template_id", options_.template_id},
              {"template_data", data},
              {"tracking_id", derive_id(message.key, "t", 48)}};
      break;
    }
    case ZaloOptions::Mode::template_uid:
      if (to.zalo_user_id.empty()) {
        return Outcome::unreachable_recipient("recipient " + to.recipient_id +
                                              " has no Zalo user id");
      }
      url = options_.api_url + "/v3.0/oa/message/template";
      body = {{"user_id", to.zalo_user_id},
              {"template_id", options_.template_id},
              {"template_data", data}};
      break;
    case ZaloOptions::Mode::cs:
      if (to.zalo_user_id.empty()) {
        return Outcome::unreachable_recipient("recipient " + to.recipient_id +
                                              " has no Zalo user id");
      }
      url = options_.api_url + "/v3.0/oa/message/cs";
      body = {{"recipient", {{"user_id", to.zalo_user_id}}},
              {"message",
               {{"text",
                 std::string(text::prefix_code_points(
                     text::to_nfc(message.short_text.empty() ? message.text : message.short_text),
                     2000))}}}};
      break;
  }
  const std::string payload = body.dump(-1, ' ', false, json::error_handler_t::replace);

  std::lock_guard lock(mu_);
  if (Outcome o = ensure_token_locked(); o.kind != Outcome::Kind::sent) return o;
  const ZaloToken& t = *token_;
  const auto refresh_after = std::min<std::chrono::seconds>(20h, t.expires_in * 4 / 5);
  bool refreshed = false;
  if (clock_.now() >= t.obtained_at + refresh_after) {
    Outcome r = refresh_locked();
    if (r.kind != Outcome::Kind::sent) return r;
    refreshed = true;
  }
  bool token_error = false;
  Outcome o = post_locked(url, payload, business, message, token_error);
  if (token_error && !refreshed) {
    Outcome r = refresh_locked();
    if (r.kind != Outcome::Kind::sent) return r;
    o = post_locked(url, payload, business, message, token_error);
  }
  return o;
}

}  // namespace dunghan::channels
