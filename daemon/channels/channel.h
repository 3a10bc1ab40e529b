#pragma once
// The Channel interface: how a rendered message reaches one person. Channels know nothing of
// dossiers: they get a Message and an Address and return an Outcome (docs/design.md; the sender
// table of docs/channels.md §0).

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "calendar/civil.h"

namespace dunghan::channels {

using calendar::Instant;

/// Where one recipient can be reached. Any field may be empty (not reachable that way).
struct Address {
  std::string recipient_id;  // the configured recipient id, e.g. "nguyenvana"
  std::string name;          // display name, UTF-8, e.g. "Nguyễn Văn A"
  std::string email;
  std::string zalo_user_id;  // OA user id
  std::string phone;         // as configured, e.g. "0987654321" (channels normalise)
};

/// A message rendered for one recipient. All text is UTF-8 (NFC).
struct Message {
  /// The ledger key of the alert (or of the digest). Outgoing idempotency keys derive from it:
  /// email Message-ID, webhook-id, Zalo tracking_id. The same key on a resend lets the receiver
  /// recognise a duplicate.
  std::string key;
  std::string subject;     // one line, no control characters (channels still sanitise)
  std::string text;        // plain-text body
  std::string html;        // HTML body; empty: text only
  std::string short_text;  // short form for chat channels (Zalo CS text); empty: use `text`
  /// Named parameters for template channels (Zalo template_data) and webhook bodies, e.g.
  /// {"code": "H01.23-2026-00001", "due_date": "24/02/2026", ...}.
  std::map<std::string, std::string> params;
  /// The structured JSON body for webhooks (already serialised, UTF-8); empty: the channel builds
  /// one from `params`.
  std::string json;
};

/// What happened to one send (docs/channels.md §0).
struct Outcome {
  enum class Kind {
    sent,         // accepted by the server
    retry,        // transient: try again later (not before `not_before` if set)
    unreachable,  // permanent for this recipient on this channel: fall back to the next channel
    failed,       // permanent for this message or channel (config, permission, billing); an
                  // operator must act
  };
  Kind kind = Kind::failed;
  std::optional<Instant> not_before;  // for retry: the earliest sensible next attempt
  /// Human-readable detail for logs and `outbox list`: the server's answer (status and body
  /// excerpt), never a secret.
  std::string detail;
  /// True when an operator must act (bad credentials, disabled endpoint, billing, …).
  bool operator_error = false;
  /// The provider's id for the delivered message (SMTP queue id, Zalo message_id), if any.
  std::string provider_id;
  /// For retry: the failure is the channel's, not this message's — its server could not be
  /// reached (DNS, connect, TLS handshake, timeout, a dropped connection) or refused service to
  /// everyone (SMTP 421, HTTP 5xx/429 from a webhook's single endpoint). The next message would
  /// fail alike, so the dispatcher's circuit breaker holds the channel's other messages.
  bool channel_down = false;

  static Outcome sent_ok(std::string detail = {}, std::string provider_id = {}) {
    return Outcome{Kind::sent, std::nullopt, std::move(detail), false, std::move(provider_id)};
  }
  static Outcome retry_later(std::string detail, std::optional<Instant> not_before = std::nullopt) {
    return Outcome{Kind::retry, not_before, std::move(detail), false, {}};
  }
  /// retry_later with channel_down set.
  static Outcome channel_unavailable(std::string detail,
                                     std::optional<Instant> not_before = std::nullopt) {
    return Outcome{Kind::retry, not_before, std::move(detail), false, {}, true};
  }
  static Outcome unreachable_recipient(std::string detail) {
    return Outcome{Kind::unreachable, std::nullopt, std::move(detail), false, {}};
  }
  static Outcome failure(std::string detail, bool operator_error = true) {
    return Outcome{Kind::failed, std::nullopt, std::move(detail), operator_error, {}};
  }
};

/// "sent" | "retry" | "unreachable" | "failed".
std::string_view to_string(Outcome::Kind k);

/// When a channel may deliver (issue "Alerts": the dispatcher holds messages outside it).
enum class SendWindow {
  office,  // only during office sessions on working days (default)
  always,  // any time
};

class Channel {
 public:
  virtual ~Channel() = default;
  /// The configured name, e.g. "email" for [channel.email].
  virtual const std::string& name() const = 0;
  /// The type: "console", "file", "email", "zalo", "webhook".
  virtual std::string_view type() const = 0;
  virtual SendWindow send_window() const { return SendWindow::office; }
  /// Sends one message to one recipient. Blocking; bounded by the channel's own timeouts. Never
  /// throws for delivery problems: they are Outcomes. At most max_concurrent_sends() calls may
  /// run at once on one object (the dispatcher keeps to it).
  virtual Outcome send(const Message& message, const Address& to) = 0;
  /// How many send() calls may run at once (each over its own reused connection). Default 1.
  virtual std::size_t max_concurrent_sends() const { return 1; }
  /// Called after a pass of sends (never during a send), so a channel can close reused
  /// connections.
  virtual void end_batch() {}
};

}  // namespace dunghan::channels
