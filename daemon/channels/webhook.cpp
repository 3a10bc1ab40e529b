#include "channels/webhook.h"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "channels/encoding.h"
#include "channels/http.h"
#include "channels/target_policy.h"
#include "log/logging.h"

namespace dunghan::channels {
namespace {

std::string json_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

WebhookChannel::WebhookChannel(std::string name, SendWindow window, WebhookOptions options,
                               const calendar::Clock& clock, calendar::UtcOffset offset)
    : name_(std::move(name)),
      window_(window),
      options_(std::move(options)),
      target_policy_(policy_for_url(options_.url, options_.allow_private_network)),
      clock_(clock),
      offset_(offset),
      handles_(std::make_unique<HandlePool>()) {
  if (!standard_webhooks_signature(options_.secret, "x", "0", "")) {
    throw ChannelError("channel " + name_ + ": `secret` is not a whsec_ base64 key");
  }
  auto url = parse_url(options_.url);
  if (!url || (url->scheme != "https" && url->scheme != "http")) {
    throw ChannelError("channel " + name_ + ": `url` must start with https://");
  }
  protocols_ = "https";
  if (url->scheme == "http") {
    protocols_ = "http,https";
    if (!is_loopback_host(url->host)) {
      spdlog::warn("event=webhook_plain_http channel={} url={}", log::kv_value(name_),
                   log::kv_value(options_.url));
    }
  }
}

WebhookChannel::~WebhookChannel() = default;

void WebhookChannel::end_batch() {
  handles_->clear();
}

std::string WebhookChannel::body_for(const Message& message, const Address& to) const {
  if (!message.json.empty()) return message.json;
  std::map<std::string, std::string> values = message.params;
  values["key"] = message.key;
  values["subject"] = message.subject;
  values["text"] = message.text;
  values["recipient"] = to.recipient_id;
  values["recipient_name"] = to.name;
  const std::string timestamp = calendar::format_iso(clock_.now(), offset_);
  if (!options_.body_template.empty()) {
    values["timestamp"] = timestamp;
    std::string out;
    const std::string& t = options_.body_template;
    std::size_t i = 0;
    while (i < t.size()) {
      const auto open = t.find("{{", i);
      if (open == std::string::npos) {
        out.append(t, i);
        break;
      }
      const auto close = t.find("}}", open + 2);
      if (close == std::string::npos) {
        out.append(t, i);
        break;
      }
      out.append(t, i, open - i);
      std::string name = t.substr(open + 2, close - open - 2);
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      auto it = values.find(name);
      out += json_string(it == values.end() ? std::string() : it->second);
      i = close + 2;
    }
    return out;
  }
  nlohmann::ordered_json j;
  auto state = message.params.find("state");
  j["type"] = "deadline." + (state == message.params.end() ? std::string("alert") : state->second);
  j["timestamp"] = timestamp;
  nlohmann::ordered_json data(nlohmann::ordered_json::value_t::object);
  for (const auto& [k, v] : values) data[k] = v;
  j["data"] = std::move(data);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Outcome WebhookChannel::send(const Message& message, const Address& to) {
  if (disabled_) {
    return Outcome::failure("endpoint disabled after 410 Gone; fix the URL and reload");
  }
  const std::string body = body_for(message, to);
  const std::string id = derive_id(message.key, "msg_", 64);
  const std::string ts = std::to_string(clock_.now().time_since_epoch().count());
  const auto signature = standard_webhooks_signature(options_.secret, id, ts, body);
  if (!signature) return Outcome::failure("webhook secret does not decode");

  HttpRequest req;
  req.url = options_.url;
  req.protocols = protocols_;
  req.ca_file = options_.ca_file;
  req.connect_timeout = options_.connect_timeout;
  req.timeout = options_.timeout;
  req.target_policy = target_policy_;
  req.body = body;
  req.headers = {"Content-Type: application/json; charset=utf-8", "webhook-id: " + id,
                 "webhook-timestamp: " + ts, "webhook-signature: " + *signature, "Expect:"};
  std::unique_ptr<CurlHandle> handle = handles_->take();
  const HttpResponse res = http_post(*handle, req);

  if (auto failed = transport_outcome(res))
    return *failed;  // the handle is dropped: a fresh
                     // connection next time
  handles_->give_back(std::move(handle));
  const std::string detail =
      "HTTP " + std::to_string(res.status) + (res.body.empty() ? "" : ": " + excerpt(res.body));
  if (res.status >= 200 && res.status < 300) return Outcome::sent_ok(detail);
  if (res.status == 408 || res.status == 429 || res.status >= 500) {
    std::optional<calendar::Instant> not_before;
    if (res.retry_after > 0) {
      const long secs = std::clamp<long>(res.retry_after, 1, 24 * 3600);
      not_before = clock_.now() + std::chrono::seconds{secs};
    }
    return Outcome::channel_unavailable(detail, not_before);
  }
  if (res.status == 410) {
    disabled_ = true;
    spdlog::error("event=webhook_disabled channel={} reason=410_gone", log::kv_value(name_));
    return Outcome::failure("endpoint gone (410); channel disabled: " + detail);
  }
  if (res.status >= 300 && res.status < 400) {
    return Outcome::failure("redirect not followed: " + detail);
  }
  return Outcome::failure(detail);
}

}  // namespace dunghan::channels
