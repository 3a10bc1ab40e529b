// libFuzzer target: the MIME and header helpers of channels/encoding that every e-mail passes
// through (RFC 2047 encoded words, header sanitising, address and mailbox checks, base64,
// idempotency ids, URL and phone parsing). The input is any bytes: a dossier's applicant name or
// a template's output may hold anything.
// Properties: never throws; a sanitised value holds no control byte and is valid UTF-8; encoded
// words are ASCII, at most 75 characters, folded only by "\r\n ", each holding whole code points,
// and decode back to the sanitised value; accepted addresses and mailboxes obey their contract;
// base64 round-trips; derived ids are short, safe and deterministic.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "channels/encoding.h"
#include "fuzz_check.h"
#include "text/utf8.h"

namespace {

using namespace dunghan;

bool safe_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

void check_encoded_words(std::string_view text) {
  const std::string clean = channels::sanitize_header_value(text);
  for (unsigned char c : clean)
    fuzz::check(c >= 0x20 && c != 0x7f, "control byte after sanitising");
  fuzz::check(text::is_valid_utf8(clean), "sanitised value is not UTF-8");

  const std::string encoded = channels::encode_header_words(text);
  // ASCII that holds no "=?" (which a reader would take for the start of an encoded word) stays
  // as it is; anything else becomes encoded words.
  if (text::is_ascii(clean) && clean.find("=?") == std::string::npos) {
    fuzz::check(encoded == clean, "printable ASCII was changed by encode_header_words");
    return;
  }
  // "=?UTF-8?B?…?=" words joined by "\r\n ".
  std::string decoded;
  std::size_t pos = 0;
  while (pos <= encoded.size()) {
    const std::size_t end = encoded.find("\r\n ", pos);
    const std::string_view word =
        std::string_view(encoded).substr(pos, end == std::string::npos ? end : end - pos);
    fuzz::check(word.size() <= 75, "encoded word longer than 75 characters (RFC 2047)");
    fuzz::check(word.starts_with("=?UTF-8?B?") && word.ends_with("?=") && word.size() >= 12,
                "not an encoded word");
    for (unsigned char c : word) fuzz::check(c > 0x20 && c < 0x7f, "encoded word not ASCII");
    const auto bytes = channels::base64_decode(word.substr(10, word.size() - 12));
    fuzz::check(bytes.has_value(), "encoded word is not base64");
    fuzz::check(bytes->size() <= 36, "encoded word holds more than 36 bytes");
    fuzz::check(text::is_valid_utf8(*bytes), "encoded word splits a code point");
    decoded += *bytes;
    if (end == std::string::npos) break;
    pos = end + 3;
  }
  fuzz::check(decoded == clean, "encoded words do not decode to the sanitised value");
}

void check_address(std::string_view text) {
  if (channels::valid_email_address(text)) {
    fuzz::check(text.size() <= 254, "accepted address longer than 254 bytes");
    fuzz::check(text.find('@') != std::string_view::npos && text.find('@') == text.rfind('@') &&
                    text.front() != '@' && text.back() != '@',
                "accepted address without exactly one inner '@'");
    for (unsigned char c : text) {
      fuzz::check(
          c > 0x20 && c < 0x7f &&
              std::string_view("<>,;\"()[]\\").find(static_cast<char>(c)) == std::string_view::npos,
          "accepted address holds a forbidden byte");
    }
  }
  if (const auto m = channels::parse_mailbox(text)) {
    fuzz::check(channels::valid_email_address(m->address), "mailbox with an invalid address");
    // The display name goes into a header through encode_header_words.
    check_encoded_words(m->display_name);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  check_encoded_words(text);
  check_address(text);

  const std::string b64 = channels::base64_encode(text);
  fuzz::check(channels::base64_decode(b64) == std::string(text), "base64 does not round-trip");
  (void)channels::base64_decode(text);

  const std::string id = channels::derive_id(text, "k", 64);
  fuzz::check(!id.empty() && id.size() <= 64, "derived id empty or longer than 64");
  for (char c : id) fuzz::check(safe_id_char(c), "derived id holds an unsafe character");
  fuzz::check(id == channels::derive_id(text, "k", 64), "derived id is not deterministic");

  if (const auto url = channels::parse_url(text)) {
    fuzz::check(!url->host.empty(), "parsed URL without a host");
  }
  if (const auto phone = channels::normalize_vn_phone(text)) {
    fuzz::check(phone->size() == 11 && phone->starts_with("84"),
                "normalised phone not 84+9 digits");
    for (char c : *phone) fuzz::check(c >= '0' && c <= '9', "normalised phone holds a non-digit");
  }
  return 0;
}
