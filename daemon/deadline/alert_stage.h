#pragma once
// The stage of a dossier's deadline that an alert is about: when an alert rule fires (docs/rules.md
// §3, the rule's `when`). A value of the model, so that alerting (rules, ledger rows) and render
// (labels, sentences) share one enum instead of passing its name around as text.

#include <optional>
#include <string_view>

namespace dunghan::deadline {

enum class AlertStage {
  before_due,         // an offset before the due instant
  due_today,          // at the opening of the due date
  overdue,            // just after the due instant
  waiting_applicant,  // when a supplementation request or a pause starts
  received,           // when the dossier is received
};

/// "before_due", "due_today", "overdue", "waiting_applicant", "received": the configuration's
/// spelling, stored in the ledger and sent in webhook bodies.
std::string_view to_string(AlertStage s);
/// The inverse of to_string; nullopt for any other text.
std::optional<AlertStage> parse_alert_stage(std::string_view s);

}  // namespace dunghan::deadline
