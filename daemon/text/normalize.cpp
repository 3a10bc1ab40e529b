#include "text/normalize.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>  // StringPiece takes a std::string_view as it is (ICU 65+)
#include <unicode/uchar.h>
#include <unicode/unistr.h>

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

const icu::Normalizer2* nfd() {
  static const icu::Normalizer2* instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return instance;
}

}  // namespace

bool is_nfc(std::string_view utf8) {
  if (is_ascii(utf8)) return true;
  if (!is_valid_utf8(utf8)) return false;
  const icu::Normalizer2* n = nfc();
  if (n == nullptr) return false;
  UErrorCode status = U_ZERO_ERROR;
  const UBool yes = n->isNormalizedUTF8(utf8, status);
  return U_SUCCESS(status) && yes;
}

std::string to_nfc(std::string_view utf8) {
  if (is_ascii(utf8) || !is_valid_utf8(utf8)) return std::string(utf8);
  const icu::Normalizer2* n = nfc();
  if (n == nullptr) return std::string(utf8);  // ICU data missing: leave the text as it came
  UErrorCode status = U_ZERO_ERROR;
  if (n->isNormalizedUTF8(utf8, status) && U_SUCCESS(status)) return std::string(utf8);
  std::string out;
  out.reserve(utf8.size());
  icu::StringByteSink<std::string> sink(&out);
  status = U_ZERO_ERROR;
  n->normalizeUTF8(0, utf8, sink, nullptr, status);
  if (U_FAILURE(status)) return std::string(utf8);
  return out;
}

std::string fold_for_matching(std::string_view utf8) {
  if (!is_valid_utf8(utf8)) return std::string(utf8);
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(utf8);
  if (const icu::Normalizer2* n = nfd(); n != nullptr) {
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString decomposed = n->normalize(text, status);
    if (U_SUCCESS(status)) text = std::move(decomposed);
  }
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < text.length();) {
    UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if ((U_GET_GC_MASK(c) & U_GC_M_MASK) != 0) continue;  // combining marks: the diacritics
    if (c == 0x0110 || c == 0x0111) c = 'd';              // Đ đ (no decomposition)
    if (pending_space) {
      out.append(static_cast<UChar>(' '));
      pending_space = false;
    }
    out.append(u_foldCase(c, U_FOLD_CASE_DEFAULT));
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

}  // namespace dunghan::text
