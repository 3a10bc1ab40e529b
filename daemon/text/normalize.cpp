#include "text/normalize.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include "text/utf8.h"

namespace dunghan::text {
namespace {

const icu::Normalizer2* nfc() {
  // ICU keeps the instance for the process; getNFCInstance is thread-safe.
  static const icu::Normalizer2* instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return instance;
}

icu::StringPiece piece(std::string_view s) {
  return icu::StringPiece(s.data(), static_cast<int32_t>(s.size()));
}

}  // namespace

bool is_nfc(std::string_view utf8) {
  if (is_ascii(utf8)) return true;
  if (!is_valid_utf8(utf8)) return false;
  const icu::Normalizer2* n = nfc();
  if (n == nullptr) return false;
  UErrorCode status = U_ZERO_ERROR;
  const UBool yes = n->isNormalizedUTF8(piece(utf8), status);
  return U_SUCCESS(status) && yes;
}

std::string to_nfc(std::string_view utf8) {
  if (is_ascii(utf8) || !is_valid_utf8(utf8)) return std::string(utf8);
  const icu::Normalizer2* n = nfc();
  if (n == nullptr) return std::string(utf8);  // ICU data missing: leave the text as it came
  UErrorCode status = U_ZERO_ERROR;
  if (n->isNormalizedUTF8(piece(utf8), status) && U_SUCCESS(status)) return std::string(utf8);
  std::string out;
  out.reserve(utf8.size());
  icu::StringByteSink<std::string> sink(&out);
  status = U_ZERO_ERROR;
  n->normalizeUTF8(0, piece(utf8), sink, nullptr, status);
  if (U_FAILURE(status)) return std::string(utf8);
  return out;
}

}  // namespace dunghan::text
