#include "deadline/alert_stage.h"

#include <array>
#include <utility>

namespace dunghan::deadline {
namespace {

constexpr std::array<std::pair<AlertStage, std::string_view>, 5> kNames{{
    {AlertStage::before_due, "before_due"},
    {AlertStage::due_today, "due_today"},
    {AlertStage::overdue, "overdue"},
    {AlertStage::waiting_applicant, "waiting_applicant"},
    {AlertStage::received, "received"},
}};

}  // namespace

std::string_view to_string(AlertStage s) {
  for (const auto& [stage, name] : kNames) {
    if (stage == s) return name;
  }
  return "before_due";
}

std::optional<AlertStage> parse_alert_stage(std::string_view s) {
  for (const auto& [stage, name] : kNames) {
    if (name == s) return stage;
  }
  return std::nullopt;
}

}  // namespace dunghan::deadline
