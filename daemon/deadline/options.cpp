#include "deadline/options.h"

namespace dunghan::deadline {

std::string_view to_string(WorkingDaysAs v) {
  return v == WorkingDaysAs::days ? "days" : "hours";
}
std::string_view to_string(SupplementMode v) {
  return v == SupplementMode::restart ? "restart" : "pause";
}
std::string_view to_string(CompareMode v) {
  return v == CompareMode::date ? "date" : "instant";
}
std::string_view to_string(JudgeAgainst v) {
  return v == JudgeAgainst::current ? "current" : "original";
}

std::optional<WorkingDaysAs> parse_working_days_as(std::string_view s) {
  if (s == "days") return WorkingDaysAs::days;
  if (s == "hours") return WorkingDaysAs::hours;
  return std::nullopt;
}
std::optional<SupplementMode> parse_supplement_mode(std::string_view s) {
  if (s == "restart") return SupplementMode::restart;
  if (s == "pause") return SupplementMode::pause;
  return std::nullopt;
}
std::optional<CompareMode> parse_compare_mode(std::string_view s) {
  if (s == "date") return CompareMode::date;
  if (s == "instant") return CompareMode::instant;
  return std::nullopt;
}
std::optional<JudgeAgainst> parse_judge_against(std::string_view s) {
  if (s == "current") return JudgeAgainst::current;
  if (s == "original") return JudgeAgainst::original;
  return std::nullopt;
}

}  // namespace dunghan::deadline
