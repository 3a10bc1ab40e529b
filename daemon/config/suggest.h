#pragma once
// "Did you mean …?" for unknown keys and values.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dunghan::config {

/// Levenshtein distance between two byte strings.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` (ASCII case-insensitive), if it is close enough to be a likely
/// typo: distance <= max(2, word.size() / 3), or one is a prefix of the other. Ties go to the
/// first candidate.
std::optional<std::string> closest(std::string_view word, std::span<const std::string> candidates);

}  // namespace dunghan::config
