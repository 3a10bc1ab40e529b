#pragma once
// Pure helpers shared by the channels: base64, RFC 2047 encoded-words, address and header-value
// checks, RFC 5322 dates, idempotency ids, HMAC signing, URL host checks, phone normalisation.
// No I/O, no clock reads.

#include <optional>
#include <string>
#include <string_view>

#include "calendar/civil.h"

namespace dunghan::channels {

/// Standard base64 (RFC 4648 §4) with padding, no line breaks.
std::string base64_encode(std::string_view bytes);
/// Decodes standard base64 (padding optional; no whitespace). nullopt on any invalid character
/// or impossible length.
std::optional<std::string> base64_decode(std::string_view text);

/// `text` with CR, LF, TAB and every other C0 control and DEL replaced by one space each, and
/// invalid UTF-8 bytes replaced by U+FFFD; safe for any header value.
std::string sanitize_header_value(std::string_view text);

/// RFC 2047 encoding of a header value: printable ASCII (after sanitising) that does not contain
/// "=?" comes back unchanged; otherwise (non-ASCII, or ASCII a reader would take for an encoded
/// word) "=?UTF-8?B?…?=" words, each holding at most 36 bytes of UTF-8 split only
/// between code points, joined by "\r\n " (a fold). `text` is sanitised first.
std::string encode_header_words(std::string_view text);

/// True when `addr` is a plain ASCII mailbox "local@domain" acceptable for an SMTP envelope:
/// at most 254 bytes, exactly one '@', non-empty parts, no byte below 0x21, no DEL, no
/// `< > , ; " ( ) [ ] \` and no whitespace, the domain made of letters, digits, '-' and '.'.
bool valid_email_address(std::string_view addr);

/// A parsed `From` value.
struct Mailbox {
  std::string display_name;  // UTF-8, may be empty
  std::string address;       // valid_email_address
};
/// Parses "Display Name <addr@domain>" or "addr@domain". The display name may be quoted ("…").
/// nullopt when the address is invalid or the syntax is not one of these two forms.
std::optional<Mailbox> parse_mailbox(std::string_view text);

/// "Fri, 27 Nov 2026 20:23:07 +0700" (RFC 5322 date-time) of `t` at `offset`.
std::string rfc5322_date(calendar::Instant t, calendar::UtcOffset offset);

/// An id derived from the ledger key for outgoing idempotency headers: `key` itself when it is
/// 1..max_len characters of [A-Za-z0-9_-], otherwise `prefix` + the first hex digits of
/// SHA-256(key) so that the result is max_len characters at most (max_len >= prefix.size()+16).
/// Deterministic: the same key always gives the same id.
std::string derive_id(std::string_view key, std::string_view prefix, std::size_t max_len);

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);
/// Raw HMAC-SHA256 of `message` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view message);

/// The Standard Webhooks v1 signature "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>".
/// `secret` is "whsec_<base64>" (or bare base64); nullopt when it does not decode.
std::optional<std::string> standard_webhooks_signature(std::string_view secret, std::string_view id,
                                                       std::string_view timestamp,
                                                       std::string_view body);

/// The parts of a URL this module cares about.
struct UrlParts {
  std::string scheme;  // lower case, e.g. "https"
  std::string host;    // without brackets for IPv6, lower case
  std::string port;    // may be empty
};
/// Splits "scheme://[user@]host[:port][/…]". nullopt when there is no "://" or no host.
std::optional<UrlParts> parse_url(std::string_view url);

/// Normalises a Vietnamese mobile number for Zalo: keeps digits only ("+84 98-765 4321" →
/// "84987654321"), replaces a leading "0" by "84", and requires ^84[0-9]{9}$. nullopt otherwise.
std::optional<std::string> normalize_vn_phone(std::string_view phone);

}  // namespace dunghan::channels
