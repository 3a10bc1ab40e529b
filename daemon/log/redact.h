#pragma once
// Redaction of secret values: every secret the program reads (SMTP passwords, Zalo tokens, webhook
// keys, bearer tokens) is registered here the moment it is read; every log line passes through
// redact() before any sink sees it (see logging.h), and error texts meant for people should too.

#include <string>
#include <string_view>

namespace dunghan::log {

/// The text that replaces a secret value.
inline constexpr std::string_view kRedacted = "[REDACTED]";

/// Registers `secret` so that redact() hides it from now on. Values shorter than 4 bytes are
/// ignored (they would redact ordinary words). Thread-safe.
void register_secret(std::string_view secret);

/// `text` with every registered secret replaced by kRedacted, and the userinfo of every URL in
/// it too ("smtp://user:pass@host" → "smtp://[REDACTED]@host"): a password written into a URL
/// is a secret even where nobody registered it. Thread-safe.
std::string redact(std::string_view text);

/// `text` with the userinfo of every URL replaced by kRedacted (the part of redact() that needs
/// no registry). A URL is a scheme (a letter, then letters, digits, '+', '-', '.') followed by
/// "://"; its userinfo is whatever comes before the last '@' of its authority (which ends at
/// '/', '?', '#', a blank, a quote, '<', '>' or the end of the text).
std::string redact_url_userinfo(std::string_view text);

/// Forgets every registered secret (tests only).
void clear_secrets_for_testing();

}  // namespace dunghan::log
