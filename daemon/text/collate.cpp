#include "text/collate.h"

#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/stringpiece.h>  // StringPiece takes a std::string_view as it is (ICU 65+)

#include <memory>

namespace dunghan::text {
namespace {

const icu::Collator* vietnamese() {
  // One instance for the process: a Collator's const methods are thread-safe (ICU >= 53).
  static const std::unique_ptr<icu::Collator> instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Collator> c(icu::Collator::createInstance(icu::Locale("vi"), status));
    if (U_FAILURE(status)) c.reset();
    return c;
  }();
  return instance.get();
}

int bytewise(std::string_view a, std::string_view b) {
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

int compare_vietnamese(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  if (const icu::Collator* c = vietnamese()) {
    UErrorCode status = U_ZERO_ERROR;
    const UCollationResult r = c->compareUTF8(a, b, status);
    if (U_SUCCESS(status) && r != UCOL_EQUAL) return r == UCOL_LESS ? -1 : 1;
  }
  return bytewise(a, b);
}

}  // namespace dunghan::text
