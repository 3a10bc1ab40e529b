#pragma once
// The email channel: one MIME message per send over SMTP (libcurl), docs/channels.md §4.

#include <memory>
#include <string>

#include "calendar/clock.h"
#include "channels/channel.h"
#include "channels/encoding.h"
#include "channels/options.h"

namespace dunghan::channels {

class HandlePool;

/// Sends `multipart/alternative` (text/plain QP + text/html base64, both charset=UTF-8; text only
/// when Message::html is empty) to Address::email. Headers: Date (clock now at the agency offset),
/// Message-ID "<derive_id(key)@from-domain>" (the same on every resend of a key), From with an
/// RFC 2047 display name, To, Subject (RFC 2047, ≤ 36 bytes per word, split between code points),
/// Auto-Submitted. No header can be added by message or address content: values are sanitised
/// (controls → spaces) and encoded; addresses are validated (valid_email_address) before use.
///
/// Thread-safe: up to `connections` sends run at once, each over its own SMTP connection, which is
/// reused for later messages until end_batch().
///
/// Outcomes (docs/channels.md §4.6): 250 → sent; SMTP 4xx → retry (421, service not available: with
/// channel_down); 5xx on RCPT → unreachable; other 5xx → failed; network errors/timeouts → retry
/// with channel_down; authentication refused, STARTTLS refused, TLS verification failure, a bad
/// CA file → failed with operator_error. A recipient without a valid email address →
/// unreachable.
class EmailChannel final : public Channel {
 public:
  /// Throws ChannelError when `options.from` is not a valid mailbox or the URL scheme is not
  /// smtp/smtps. Logs a warning when tls_verify is false or STARTTLS is off.
  EmailChannel(std::string name, SendWindow window, EmailOptions options,
               const calendar::Clock& clock, calendar::UtcOffset offset);
  ~EmailChannel() override;
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "email"; }
  SendWindow send_window() const override { return window_; }
  Outcome send(const Message& message, const Address& to) override;
  std::size_t max_concurrent_sends() const override { return options_.connections; }
  /// Closes the reused connections (QUIT).
  void end_batch() override;

 private:
  std::string name_;
  SendWindow window_;
  EmailOptions options_;
  const calendar::Clock& clock_;
  calendar::UtcOffset offset_;
  Mailbox from_;
  std::string from_domain_;
  bool implicit_tls_ = false;
  std::unique_ptr<HandlePool> handles_;
};

}  // namespace dunghan::channels
