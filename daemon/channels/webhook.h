#pragma once
// The webhook channel: a signed JSON POST (Standard Webhooks v1), docs/channels.md §5.

#include <atomic>
#include <memory>
#include <string>

#include "calendar/clock.h"
#include "channels/channel.h"
#include "channels/options.h"
#include "channels/target_policy.h"

namespace dunghan::channels {

class HandlePool;

/// POSTs one JSON body per send, `Content-Type: application/json; charset=utf-8`, with headers
///   webhook-id: derive_id(Message::key, "msg_", 64)   (the same on every retry of a key)
///   webhook-timestamp: Unix seconds of this attempt (clock now)
///   webhook-signature: v1,<base64 HMAC-SHA256(decoded whsec_ key, "id.timestamp.body")>
/// The body is, in order of preference: Message::json; the body template with {{name}}
/// placeholders filled (options.h); or the default
///   {"type":"deadline.<params.state or "alert">","timestamp":"<ISO now, agency offset>",
///    "data":{<every param>, "key", "recipient", "recipient_name", "subject", "text"}}.
/// Redirects are not followed; only https (plus http when allowed) is spoken.
///
/// Outcomes: 2xx → sent; network errors, timeouts, 408, 429, 5xx → retry with channel_down (the
/// one endpoint is unavailable; not before now + Retry-After, clamped to [1 s, 24 h], when the
/// server sent one); 410 → failed + operator_error and the endpoint is disabled: every later send
/// fails at once without a request; 3xx and other 4xx → failed + operator_error.
///
/// Thread-safe: up to `connections` sends run at once, each over its own kept-alive connection
/// (reused across messages until end_batch()).
class WebhookChannel final : public Channel {
 public:
  /// Throws ChannelError when the secret does not decode or the URL is not http(s).
  WebhookChannel(std::string name, SendWindow window, WebhookOptions options,
                 const calendar::Clock& clock, calendar::UtcOffset offset);
  ~WebhookChannel() override;
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "webhook"; }
  SendWindow send_window() const override { return window_; }
  Outcome send(const Message& message, const Address& to) override;
  std::size_t max_concurrent_sends() const override { return options_.connections; }
  void end_batch() override;
  /// True once the endpoint answered 410 Gone.
  bool disabled() const { return disabled_; }

  /// The body that send() would post (exposed for tests and `alerts test`).
  std::string body_for(const Message& message, const Address& to) const;

 private:
  std::string name_;
  SendWindow window_;
  WebhookOptions options_;
  TargetPolicy target_policy_;  // from the URL and allow_private_network, fixed at construction
  const calendar::Clock& clock_;
  calendar::UtcOffset offset_;
  std::string protocols_;
  std::atomic<bool> disabled_{false};
  std::unique_ptr<HandlePool> handles_;
};

}  // namespace dunghan::channels
