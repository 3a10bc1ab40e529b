#include "channels/encoding.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>

#include "text/utf8.h"

namespace dunghan::channels {
namespace {

constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 0x0F]);
  }
  return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto u = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (u(i) << 16) | (u(i + 1) << 8) | u(i + 2);
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back(kB64[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = u(i) << 16;
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t v = (u(i) << 16) | (u(i + 1) << 8);
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    out.push_back(kB64[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = b64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::string sanitize_header_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      out.push_back(' ');
      ++i;
      continue;
    }
    const std::size_t n = text::decode_at(text, i).length;
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      out.push_back(' ');  // C1 control
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string encode_header_words(std::string_view text) {
  const std::string clean = sanitize_header_value(text);
  bool plain = clean.find("=?") == std::string::npos;
  for (char c : clean) {
    if (static_cast<unsigned char>(c) >= 0x80) plain = false;
  }
  if (plain) return clean;
  constexpr std::size_t kMaxRaw = 36;
  std::string out;
  std::string chunk;
  auto flush = [&] {
    if (chunk.empty()) return;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(chunk) + "?=";
    chunk.clear();
  };
  std::size_t i = 0;
  while (i < clean.size()) {
    std::size_t n = text::decode_at(clean, i).length;
    if (n == 0) n = 1;  // cannot happen after sanitising
    if (chunk.size() + n > kMaxRaw) flush();
    chunk.append(clean, i, n);
    i += n;
  }
  flush();
  return out;
}

bool valid_email_address(std::string_view addr) {
  if (addr.empty() || addr.size() > 254) return false;
  const auto at = addr.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == addr.size()) return false;
  if (addr.find('@', at + 1) != std::string_view::npos) return false;
  for (char ch : addr) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c >= 0x7F) return false;
    if (std::string_view("<>,;\"()[]\\").find(ch) != std::string_view::npos) return false;
  }
  const std::string_view domain = addr.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : domain) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return at <= 64;
}

std::optional<Mailbox> parse_mailbox(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  Mailbox m;
  if (text.back() == '>') {
    const auto lt = text.rfind('<');
    if (lt == std::string_view::npos) return std::nullopt;
    std::string_view name = trim(text.substr(0, lt));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    if (name.find('"') != std::string_view::npos) return std::nullopt;
    m.display_name = sanitize_header_value(name);
    m.address = std::string(text.substr(lt + 1, text.size() - lt - 2));
  } else {
    m.address = std::string(text);
  }
  if (!valid_email_address(m.address)) return std::nullopt;
  return m;
}

std::string rfc5322_date(calendar::Instant t, calendar::UtcOffset offset) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const calendar::LocalDateTime l = calendar::to_local(t, offset);
  const year_month_day ymd{l.date};
  const weekday wd{l.date};
  const long secs = static_cast<long>(l.time_of_day.count());
  const long off = static_cast<long>(offset.east.count());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02ld:%02ld:%02ld %c%02ld%02ld",
                kDays[wd.c_encoding()], static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                secs / 3600, (secs / 60) % 60, secs % 60, off < 0 ? '-' : '+',
                (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
  return buf;
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return hex(md, len);
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string derive_id(std::string_view key, std::string_view prefix, std::size_t max_len) {
  bool plain = !key.empty() && key.size() <= max_len;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) plain = false;
  }
  if (plain) return std::string(key);
  std::string id(prefix);
  const std::size_t digits = std::min<std::size_t>(64, max_len - prefix.size());
  id += sha256_hex(key).substr(0, digits);
  return id;
}

std::optional<std::string> standard_webhooks_signature(std::string_view secret, std::string_view id,
                                                       std::string_view timestamp,
                                                       std::string_view body) {
  if (secret.starts_with("whsec_")) secret.remove_prefix(6);
  auto key = base64_decode(secret);
  if (!key || key->empty()) return std::nullopt;
  std::string content;
  content.reserve(id.size() + timestamp.size() + body.size() + 2);
  content.append(id).append(".").append(timestamp).append(".").append(body);
  return "v1," + base64_encode(hmac_sha256(*key, content));
}

std::optional<UrlParts> parse_url(std::string_view url) {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  UrlParts p;
  for (char c : url.substr(0, sep)) {
    p.scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  std::string_view rest = url.substr(sep + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  std::string_view host;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      p.port = std::string(after.substr(1));
    }
  } else {
    const auto colon = rest.rfind(':');
    host = rest.substr(0, colon);
    if (colon != std::string_view::npos) p.port = std::string(rest.substr(colon + 1));
  }
  if (host.empty()) return std::nullopt;
  for (char c : host) {
    p.host.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  for (char c : p.port) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return p;
}

std::optional<std::string> normalize_vn_phone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '-' && c != '.' && c != '+' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  if (digits.starts_with("0")) digits = "84" + digits.substr(1);
  if (digits.size() != 11 || !digits.starts_with("84")) return std::nullopt;
  return digits;
}

}  // namespace dunghan::channels
