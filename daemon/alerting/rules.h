#pragma once
// Recipients and alert rules ([[recipient]], [[rule]] in the configuration), and the directory
// that resolves a rule's targets to recipients. Plain values; no I/O.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/due_date.h"
#include "deadline/alert_stage.h"
#include "deadline/dossier.h"

namespace dunghan::alerting {

struct Recipient {
  std::string id;  // unique, e.g. "nguyenvana"
  std::string name;
  std::string email;
  std::string zalo_user_id;
  std::string phone;
  std::string department;
  std::vector<std::string> roles;  // "handler", "head", "leader", or any word the admin uses
  bool has_role(std::string_view role) const;
};

/// When a rule fires (docs/rules.md §3 states; issue "Alerts"): deadline::AlertStage, whose
/// to_string and parse_alert_stage give and read the configuration's spelling.
using Stage = deadline::AlertStage;

/// `offset` of a before_due rule: a duration ("2 working days", "4 giờ làm việc") or a
/// percentage of the dossier's duration ("25%").
struct Offset {
  std::optional<calendar::Duration> duration;
  int percent = 0;  // 1..99 when duration is empty
};
/// Parses "2 working days" / "4 working hours" / "3 days" / "25%". nullopt on error.
std::optional<Offset> parse_offset(std::string_view s);

/// One entry of a rule's `to`.
struct Target {
  enum class Kind { handler, department_head, role, recipient };
  Kind kind = Kind::handler;
  std::string value;  // the role name or recipient id
};
/// "handler" | "department_head" | "role:NAME" | a recipient id.
Target parse_target(std::string_view s);

/// Optional filters; an empty list matches everything.
struct Match {
  std::vector<std::string> procedure;   // procedure code globs, '*' and '?' ("2.000*")
  std::vector<std::string> department;  // exact department names
  std::vector<std::string> field;       // exact field (lĩnh vực) names
  std::optional<bool> extended;         // true: only after an extension; false: only before
};

struct Rule {
  std::string name;  // unique; part of the alert key
  Stage when = Stage::before_due;
  std::optional<Offset> offset;  // before_due only (required there)
  std::vector<Target> to;
  std::vector<std::string> channels;         // channel names, tried in order as fallbacks
  std::optional<calendar::Duration> repeat;  // none: the stage fires once
  std::optional<int> stop_after;  // at most this many messages of the stage (first included)
  Match match;
  std::optional<calendar::MinuteOfDay> digest;  // batch per recipient and channel at this time
  std::string template_prefix;  // optional per-rule templates ("<prefix>.email_subject" …)
  /// The rule's first channel sends at any hour (send_window = "always"; set by the config
  /// loader): repetition 0 goes out when it fires, not at the next opening, which moves the
  /// working days its repetitions count from (planner.h).
  bool sends_at_any_hour = false;
};

/// True when `pattern` ('*' any run, '?' one byte) matches all of `text`.
bool glob_match(std::string_view pattern, std::string_view text);

/// True when the rule's filters accept the dossier (extended: whether the clock is extended).
bool matches(const Rule& rule, const deadline::Dossier& dossier, bool extended);

/// Resolves targets to recipients.
class Directory {
 public:
  Directory() = default;
  explicit Directory(std::vector<Recipient> recipients);
  const Recipient* find(std::string_view id) const;
  std::span<const Recipient> all() const { return recipients_; }

  /// The recipients a rule addresses for `dossier`, each once, in the order of the targets.
  /// `problems` gets one English line per target that resolves to nobody (e.g. the dossier's
  /// handler is not a configured recipient; no head in the department).
  std::vector<const Recipient*> resolve(const Rule& rule, const deadline::Dossier& dossier,
                                        std::vector<std::string>* problems = nullptr) const;

 private:
  std::vector<Recipient> recipients_;
};

/// How `r` stands to `dossier`, for messages: "handler" (the dossier's handler), "head" (a head
/// of the dossier's department, or a head elsewhere), "leader", or "other".
std::string_view recipient_role(const Recipient& r, const deadline::Dossier& dossier);

/// The routing of one dossier under one rule that matches it.
struct RouteCheck {
  const Rule* rule = nullptr;
  std::vector<const Recipient*> recipients;  // who would receive the rule's stage
  /// One English line per target that reaches nobody (as Directory::resolve reports them); empty
  /// when every target reaches somebody.
  std::vector<std::string> problems;
};
/// Resolves every rule of `rules` that matches `dossier` (extended: whether its clock is
/// extended), in rule order. A dossier with a problem in any of them has a stage that some
/// intended recipient will never receive: `alerts routes`, `status`, the pages and the daemon
/// show it.
std::vector<RouteCheck> check_routes(const deadline::Dossier& dossier, bool extended,
                                     std::span<const Rule> rules, const Directory& directory);

}  // namespace dunghan::alerting
