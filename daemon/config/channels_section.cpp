// [channel.NAME] tables → channels::ChannelOptions (issue "Channels"; options in
// channels/options.h).
#include <algorithm>

#include <nlohmann/json.hpp>

#include "channels/encoding.h"
#include "channels/options.h"
#include "channels/target_policy.h"
#include "config/secret.h"
#include "config/sections.h"

namespace dunghan::config {
namespace {

using channels::ChannelOptions;

bool valid_channel_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

/// Timeouts are written in whole seconds.
void read_timeouts(TableReader& r, std::chrono::milliseconds& connect,
                   std::chrono::milliseconds& total) {
  if (auto v = r.integer("connect_timeout", 1, 600)) connect = std::chrono::seconds{*v};
  if (auto v = r.integer("timeout", 1, 3600)) total = std::chrono::seconds{*v};
}

/// An http(s) URL: https anywhere; http only to a loopback host, or anywhere when `allow_http`.
/// Records an error and returns nullopt otherwise; returns the URL's parts when it is accepted.
/// Sets `uses_http` when the scheme is http.
std::optional<channels::UrlParts> check_http_url(TableReader& r, std::string_view key,
                                                 const std::string& url, bool allow_http,
                                                 bool& uses_http) {
  auto parts = channels::parse_url(url);
  if (!parts || (parts->scheme != "https" && parts->scheme != "http")) {
    r.error(key, "\"" + url + "\" is not an https:// URL");
    return std::nullopt;
  }
  if (parts->scheme == "http") {
    uses_http = true;
    if (!allow_http && !channels::is_loopback_host(parts->host)) {
      r.error(key,
              "plain http:// is allowed only to a loopback address (127.0.0.1, ::1, "
              "localhost) or with allow_http = true; use https://");
      return std::nullopt;
    }
  }
  return parts;
}

bool read_email(TableReader& r, ChannelOptions& o) {
  channels::EmailOptions e;
  bool ok = true;
  if (auto url = r.string("url", true)) {
    auto parts = channels::parse_url(*url);
    if (!parts || (parts->scheme != "smtp" && parts->scheme != "smtps")) {
      r.error("url", "\"" + *url + "\" is not an smtp:// (STARTTLS) or smtps:// URL");
      ok = false;
    } else {
      e.url = *url;
      if (auto st = r.boolean("starttls")) {
        e.starttls = *st;
        if (!*st && parts->scheme == "smtp" && !channels::is_loopback_host(parts->host)) {
          r.error("starttls",
                  "starttls = false (mail in clear text) is allowed only to a loopback "
                  "host (tests, a local relay)");
          ok = false;
        }
      }
    }
  } else {
    ok = false;
  }
  if (auto from = r.string("from", true)) {
    if (!channels::parse_mailbox(*from)) {
      r.error("from", "\"" + *from + "\" is not a mailbox like \"Name <user@example.gov.vn>\"");
      ok = false;
    } else {
      e.from = *from;
    }
  } else {
    ok = false;
  }
  if (auto u = r.string("username")) e.username = *u;
  auto password = read_secret(r, "password", !e.username.empty());
  if (password) e.password = password->reveal();
  if (!e.username.empty() && !password) ok = false;
  if (auto ca = r.string("ca_file"); ca && !ca->empty()) {
    std::filesystem::path p(*ca);
    if (p.is_relative()) p = r.context().base_dir / p;
    e.ca_file = p.lexically_normal();
  }
  if (auto v = r.boolean("tls_verify")) e.tls_verify = *v;
  read_timeouts(r, e.connect_timeout, e.timeout);
  if (auto v = r.integer("connections", 1, 16)) e.connections = static_cast<std::size_t>(*v);
  o.kind = std::move(e);
  return ok;
}

bool read_zalo(TableReader& r, ChannelOptions& o) {
  channels::ZaloOptions z;
  bool ok = true;
  if (auto m = r.one_of("mode", {"template_phone", "template_uid", "cs"})) {
    z.mode = *m == "template_phone" ? channels::ZaloOptions::Mode::template_phone
             : *m == "template_uid" ? channels::ZaloOptions::Mode::template_uid
                                    : channels::ZaloOptions::Mode::cs;
  } else if (r.has("mode")) {
    ok = false;
  }
  if (auto a = r.string("app_id", true)) {
    z.app_id = *a;
  } else {
    ok = false;
  }
  if (auto s = read_secret(r, "secret_key", true)) {
    z.secret_key = s->reveal();
  } else {
    ok = false;
  }
  const bool needs_template = z.mode != channels::ZaloOptions::Mode::cs;
  if (auto t = r.string("template_id", needs_template)) {
    z.template_id = *t;
  } else if (needs_template) {
    ok = false;
  }
  if (auto p = r.string_array("template_params")) z.template_params = *p;
  if (auto f = r.string("token_file")) {
    if (f->empty()) {
      r.error("token_file", "token file name is empty");
      ok = false;
    } else {
      z.token_file = *f;  // relative to the state directory, resolved by make_channel
    }
  }
  if (auto v = r.boolean("allow_http")) z.allow_http = *v;
  bool uses_http = false;
  for (auto [key, target] : {std::pair<const char*, std::string*>{"oauth_url", &z.oauth_url},
                             {"api_url", &z.api_url},
                             {"business_api_url", &z.business_api_url}}) {
    if (auto u = r.string(key)) {
      std::string url = *u;
      while (!url.empty() && url.back() == '/') url.pop_back();
      if (check_http_url(r, key, url, z.allow_http, uses_http)) {
        *target = url;
      } else {
        ok = false;
      }
    }
  }
  z.allow_http = z.allow_http || uses_http;
  const bool has_access = r.has("initial_access_token") || r.has("initial_access_token_file");
  const bool has_refresh = r.has("initial_refresh_token") || r.has("initial_refresh_token_file");
  auto access = read_secret(r, "initial_access_token");
  auto refresh = read_secret(r, "initial_refresh_token");
  if (has_access != has_refresh) {
    r.error(has_access ? "initial_access_token" : "initial_refresh_token",
            "give both initial_access_token and initial_refresh_token, or neither");
    ok = false;
  }
  if (access && refresh) {
    z.initial_access_token = access->reveal();
    z.initial_refresh_token = refresh->reveal();
  }
  if (auto ca = r.path_value("ca_file")) z.ca_file = *ca;
  read_timeouts(r, z.connect_timeout, z.timeout);
  o.kind = std::move(z);
  return ok;
}

bool read_webhook(TableReader& r, ChannelOptions& o) {
  channels::WebhookOptions w;
  bool ok = true;
  if (auto v = r.boolean("allow_http")) w.allow_http = *v;
  if (auto v = r.boolean("allow_private_network")) w.allow_private_network = *v;
  if (auto url = r.string("url", true)) {
    bool uses_http = false;
    if (const auto parts = check_http_url(r, "url", *url, w.allow_http, uses_http); !parts) {
      ok = false;
    } else {
      // An address written in the URL is judged now; names are judged at each connection.
      const auto c = channels::classify_literal(parts->host);
      if (c &&
          !channels::target_allowed(*c, channels::policy_for_url(*url, w.allow_private_network))) {
        r.error("url", "\"" + *url + "\" points to " + std::string(channels::describe(*c)) +
                           (*c == channels::AddressClass::never
                                ? ", which a webhook can never reach"
                                : "; set allow_private_network = true if the receiver is on the "
                                  "office network"));
        ok = false;
      } else {
        w.url = *url;
      }
    }
  } else {
    ok = false;
  }
  if (auto s = read_secret(r, "secret", true)) {
    if (!channels::standard_webhooks_signature(s->reveal(), "x", "0", "")) {
      r.error(r.has("secret_file") ? "secret_file" : "secret",
              "the webhook secret (" + s->origin() +
                  ") is not a Standard Webhooks key \"whsec_<base64>\"");
      ok = false;
    } else {
      w.secret = s->reveal();
    }
  } else {
    ok = false;
  }
  if (auto t = r.string("body_template")) {
    // Must be JSON once every {{name}} is replaced by a JSON string.
    std::string probe;
    std::size_t i = 0;
    while (i < t->size()) {
      const auto open = t->find("{{", i);
      const auto close = open == std::string::npos ? open : t->find("}}", open + 2);
      if (close == std::string::npos) {
        probe.append(*t, i);
        break;
      }
      probe.append(*t, i, open - i).append("\"x\"");
      i = close + 2;
    }
    if (nlohmann::json::parse(probe, nullptr, false).is_discarded()) {
      r.error("body_template",
              "not valid JSON once each {{name}} is replaced by a string (write \"{{name}}\" "
              "without quotes: the value is inserted as a JSON string)");
      ok = false;
    } else {
      w.body_template = *t;
    }
  }
  if (auto ca = r.path_value("ca_file")) w.ca_file = *ca;
  read_timeouts(r, w.connect_timeout, w.timeout);
  if (auto v = r.integer("connections", 1, 16)) w.connections = static_cast<std::size_t>(*v);
  o.kind = std::move(w);
  return ok;
}

}  // namespace

void read_channels(TableReader& top, Config& config) {
  auto section = top.subtable("channel");
  if (!section) return;
  // File order (toml++ keeps keys sorted).
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (const auto& [k, v] : section->table()) entries.emplace_back(std::string(k.str()), &v);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.second->source().begin;
    const auto& pb = b.second->source().begin;
    return std::pair(pa.line, pa.column) < std::pair(pb.line, pb.column);
  });
  for (const auto& [name, node] : entries) {
    section->accept(name);
    const toml::table* t = node->as_table();
    if (t == nullptr) {
      section->error(name, "expected a table [channel." + name + "] with a `type`");
      continue;
    }
    if (!valid_channel_name(name)) {
      section->error(name,
                     "channel name \"" + name + "\" must be 1-64 letters, digits, '-' or '_'");
      continue;
    }
    TableReader r(*t, section->key_path(name), section->context());
    ChannelOptions o;
    o.name = name;
    o.utc_offset = config.calendar.offset;
    auto type = r.one_of("type", {"console", "file", "email", "zalo", "webhook"}, true);
    if (auto w = r.one_of("send_window", {"office", "always"})) {
      o.send_window = *w == "always" ? channels::SendWindow::always : channels::SendWindow::office;
    }
    if (!type) {
      // Without a type the other keys cannot be judged.
      for (const auto& [k, v] : *t) r.accept(k.str());
      continue;
    }
    o.type = *type;
    bool ok = true;
    if (*type == "console") {
      o.kind = channels::ConsoleOptions{};
    } else if (*type == "file") {
      if (auto p = r.path_value("path", true)) {
        o.kind = channels::FileOptions{*p};
      } else {
        ok = false;
      }
    } else if (*type == "email") {
      ok = read_email(r, o);
    } else if (*type == "zalo") {
      ok = read_zalo(r, o);
    } else {
      ok = read_webhook(r, o);
    }
    r.finish();
    if (ok) config.channels.push_back(std::move(o));
  }
}

}  // namespace dunghan::config
