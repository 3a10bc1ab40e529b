#pragma once
// Typed options of one configured channel (`[channel.NAME]` in the TOML file) and the factory that
// turns them into a Channel. The config module fills these structs (config/channels_section.cpp);
// this module never reads TOML. Secrets are plain std::string values here: never log them.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "calendar/civil.h"
#include "calendar/clock.h"
#include "channels/channel.h"

namespace dunghan::channels {

/// `type = "console"`: human-readable lines on stdout. No options.
struct ConsoleOptions {};

/// `type = "file"`: one JSON object per line, append-only, fsync'd per line.
struct FileOptions {
  std::filesystem::path path;  // absolute (the config reader resolves it)
};

/// `type = "email"`: SMTP submission through libcurl.
struct EmailOptions {
  std::string url;                // smtp://host[:port] (STARTTLS) or smtps://host[:port]
  std::string from;               // "Display Name <addr@domain>" or "addr@domain"
  std::string username;           // empty: no AUTH
  std::string password;           // secret
  std::filesystem::path ca_file;  // empty: the system trust store
  bool tls_verify = true;         // false: no peer/host verification (logged as a warning)
  /// smtp:// only. false sends in clear text; the config reader allows it for loopback hosts only
  /// (tests, a local relay). Default: STARTTLS required (CURLUSESSL_ALL).
  bool starttls = true;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{60000};
  /// At most this many SMTP connections at once (messages to several recipients go out in
  /// parallel; each connection is reused for the next message until the end of the pass).
  std::size_t connections = 4;
};

/// `type = "zalo"`: Zalo OA / ZBS template messages (docs/channels.md §1-3).
struct ZaloOptions {
  enum class Mode {
    template_phone,  // business_api_url/message/template, by phone number
    template_uid,    // api_url/v3.0/oa/message/template, by OA user id
    cs,              // api_url/v3.0/oa/message/cs, consultation text (7-day window)
  };
  Mode mode = Mode::template_phone;
  std::string app_id;
  std::string secret_key;   // secret (the app secret, sent as the `secret_key` header)
  std::string template_id;  // required for the template modes
  /// The template's parameter names: only these params go into template_data (a missing one is
  /// sent as ""). Empty: every message param is sent.
  std::vector<std::string> template_params;
  /// The token file. Relative paths resolve against the state directory (make_channel).
  std::filesystem::path token_file = "zalo-token.json";
  std::string oauth_url = "https://oauth.zaloapp.com";
  std::string api_url = "https://openapi.zalo.me";
  std::string business_api_url = "https://business.openapi.zalo.me";
  /// Optional secrets that seed the token file when it does not exist yet.
  std::string initial_access_token;
  std::string initial_refresh_token;
  std::filesystem::path ca_file;  // empty: the system trust store
  /// Allow http:// base URLs (the config reader allows them for loopback hosts only).
  bool allow_http = false;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{15000};
};

/// `type = "webhook"`: signed JSON POST (Standard Webhooks v1, docs/channels.md §5).
struct WebhookOptions {
  std::string url;     // https://…, or http:// to loopback, or anywhere with allow_http
  std::string secret;  // secret, "whsec_<base64>" (the HMAC key is the decoded bytes)
  bool allow_http = false;
  /// Allow connections to private-network, link-local and loopback addresses (a receiver on the
  /// office network). Off: only public addresses, and loopback when the URL names it
  /// (target_policy.h).
  bool allow_private_network = false;
  /// Optional JSON body template: {{name}} is replaced by the JSON-escaped string value of
  /// message param `name` (or key, subject, text, recipient, recipient_name, timestamp); unknown
  /// names become "". Empty: the default body (webhook.h).
  std::string body_template;
  std::filesystem::path ca_file;  // empty: the system trust store
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{15000};
  /// At most this many requests at once, each over its own kept-alive connection.
  std::size_t connections = 4;
};

struct ChannelOptions {
  std::string name;  // the NAME of [channel.NAME]
  std::string type;  // "console" | "file" | "email" | "zalo" | "webhook" (matches `kind`)
  SendWindow send_window = SendWindow::office;
  /// The agency's offset, for the local times channels print (file `sent_at`, email `Date`).
  calendar::UtcOffset utc_offset{};
  std::variant<ConsoleOptions, FileOptions, EmailOptions, ZaloOptions, WebhookOptions> kind;
};

/// Thrown by make_channel when options cannot make a working channel (e.g. an unreadable CA file
/// is NOT checked here; a webhook secret that is not base64 is). what() never holds a secret.
class ChannelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ZaloTokenVault;
/// Builds the vault of a Zalo channel (zalo_vault.h): `channel` is its name, `options.token_file`
/// already absolute. An empty factory means the token file.
using ZaloVaultFactory = std::function<std::unique_ptr<ZaloTokenVault>(const std::string& channel,
                                                                       const ZaloOptions& options)>;

/// Builds the channel described by `options`. `clock` must outlive the channel; `state_dir` is
/// where relative state files (the Zalo token file) live; `zalo_vaults` makes a Zalo channel's
/// token vault (empty: its token file). Logs a warning when TLS verification is off or plain HTTP
/// is allowed. Throws ChannelError on inconsistent options.
std::unique_ptr<Channel> make_channel(const ChannelOptions& options, const calendar::Clock& clock,
                                      const std::filesystem::path& state_dir,
                                      const ZaloVaultFactory& zalo_vaults = {});

/// "office" | "always".
std::string_view to_string(SendWindow w);

}  // namespace dunghan::channels
