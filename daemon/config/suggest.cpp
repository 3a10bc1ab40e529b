#include "config/suggest.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace dunghan::config {
namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> closest(std::string_view word, std::span<const std::string> candidates) {
  const std::string w = lower(word);
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, w.size() / 3) + 1;
  for (const std::string& c : candidates) {
    const std::string lc = lower(c);
    std::size_t d = edit_distance(w, lc);
    const bool prefix = w.size() >= 3 && lc.size() >= 3 && (lc.starts_with(w) || w.starts_with(lc));
    if (prefix) d = std::min<std::size_t>(d, 1);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace dunghan::config
