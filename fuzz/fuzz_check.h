#pragma once
// What a fuzz target does when a property of the code under test does not hold: print what and
// abort, which libFuzzer reports as a crash and saves the input for (see scripts/fuzz).

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace dunghan::fuzz {

/// Aborts with `what` on stderr when `ok` is false.
inline void check(bool ok, std::string_view what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz property violated: %.*s\n", static_cast<int>(what.size()),
               what.data());
  std::abort();
}

/// The fuzzer's bytes as text (any bytes; not necessarily UTF-8).
inline std::string_view as_text(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace dunghan::fuzz
