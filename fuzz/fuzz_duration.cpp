// libFuzzer target: the duration parser of calendar/due_date ("15 ngày làm việc", "4 working
// hours", "30 ngày", …), which reads procedure catalogues, CSV imports and the command line.
// Properties: never throws; a parsed amount lies in 0..100000; the canonical English and
// Vietnamese forms of a parsed duration parse back to the same duration.
#include <cstddef>
#include <cstdint>

#include "calendar/due_date.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dunghan;
  const auto d = calendar::parse_duration(fuzz::as_text(data, size));
  if (!d) return 0;
  fuzz::check(d->amount >= 0 && d->amount <= 100000, "amount outside 0..100000");
  fuzz::check(calendar::parse_duration(calendar::format_duration(*d)) == d,
              "the English form does not parse back to the same duration");
  fuzz::check(calendar::parse_duration(calendar::format_duration_vn(*d)) == d,
              "the Vietnamese form does not parse back to the same duration");
  return 0;
}
