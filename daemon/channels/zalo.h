#pragma once
// The Zalo channel: ZBS template messages by phone or by OA user id, and OA consultation (CS)
// text messages; the OA access/refresh token pair in a vault (zalo_vault.h: the token file, or a
// table shared by several instances) (docs/channels.md §1-3).

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "calendar/clock.h"
#include "channels/channel.h"
#include "channels/options.h"
#include "channels/zalo_vault.h"

namespace dunghan::channels {

class CurlHandle;

/// Sends with the mode of ZaloOptions:
///  - template_phone: POST business_api_url/message/template {"phone": 84…, "template_id",
///    "template_data", "tracking_id": derive_id(key, "t", 48)}; no usable phone → unreachable;
///  - template_uid: POST api_url/v3.0/oa/message/template {"user_id", "template_id",
///    "template_data"}; no zalo_user_id → unreachable;
///  - cs: POST api_url/v3.0/oa/message/cs {"recipient":{"user_id"},"message":{"text"}} with
///    Message::short_text (or text), cut to 2,000 code points (not NFC-normalised).
/// template_data is Message::params (only the names in ZaloOptions::template_params when that is
/// set). Header `access_token`. Every body is parsed: HTTP 200 with "error" ≠ 0 is a failure.
///
/// Outcomes: error 0 → sent (provider_id = msg_id/message_id); -216/-220/-124 → refresh the
/// token once and retry once; -32 → retry not before now+60 s; ZNS -100, HTTP 429/5xx, network
/// errors → retry; night ban -133/-234 → retry not before the next 06:00 ICT (+ up to 10 min
/// jitter derived from the key); daily quota -144/-147/-211/-218 → retry not before the next
/// 00:00 ICT (+ up to 30 min jitter); recipient codes (-213, -217, -227, -230, -232, -244; ZNS
/// -108, -110, -114, -118, -119, -139, -140, -141) → unreachable; anything else → failed +
/// operator_error.
///
/// Tokens: loaded from the vault (seeded from initial_*_token when it holds no pair); re-read
/// whenever the vault's stamp changes (`dunghan zalo set-token`, another instance's refresh),
/// which also restarts a stopped channel. Refreshed once now ≥ obtained_at + min(20 h, 80% of
/// expires_in), or after a token error, through ZaloTokenVault::refresh (single-flight across the
/// vault's holders: a pair another holder stored meanwhile is used instead of asking Zalo); the
/// new pair is stored durably before it is used. A refresh refused by Zalo (anything but -32 or a
/// transient transport failure) stops the channel: that send and every later one returns failed
/// + operator_error without a request. A vault that cannot be reached (database outage) gives
/// retry (channel_down) when a refresh or a first load needs it, never a stop; meanwhile the pair
/// in hand keeps sending.
class ZaloChannel final : public Channel {
 public:
  /// The token file `options.token_file` as the vault; it must be absolute (make_channel
  /// resolves it). Throws ChannelError when a template mode has no template_id, or
  /// app_id/secret_key is empty.
  ZaloChannel(std::string name, SendWindow window, ZaloOptions options,
              const calendar::Clock& clock);
  /// The same with the pair kept in `vault` (non-null; options.token_file is then unused).
  ZaloChannel(std::string name, SendWindow window, ZaloOptions options,
              const calendar::Clock& clock, std::unique_ptr<ZaloTokenVault> vault);
  ~ZaloChannel() override;
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "zalo"; }
  SendWindow send_window() const override { return window_; }
  Outcome send(const Message& message, const Address& to) override;
  void end_batch() override;

  /// Refreshes the token pair now (single-flight). sent_ok on success; otherwise the outcome the
  /// failed refresh gives a send (retry, or failed and the channel stopped).
  Outcome refresh_now();
  /// True after a refused refresh, until the vault's pair changes.
  bool stopped() const;

 private:
  Outcome ensure_token_locked();
  Outcome refresh_locked();
  Outcome exchange(const ZaloToken& current, ZaloToken& fresh);
  Outcome post_locked(const std::string& url, const std::string& body, bool business,
                      const Message& message, bool& token_error);

  std::string name_;
  SendWindow window_;
  ZaloOptions options_;
  const calendar::Clock& clock_;
  mutable std::mutex mu_;
  std::unique_ptr<ZaloTokenVault> vault_;
  std::optional<ZaloToken> token_;
  std::optional<std::string> stamp_;
  bool stopped_ = false;
  bool refused_ = false;  // the last exchange() was refused by Zalo (stops the channel)
  std::string stop_reason_;
  std::unique_ptr<CurlHandle> handle_;
};

}  // namespace dunghan::channels
