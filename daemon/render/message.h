#pragma once
// An alert's message, rendered at send time from the dossier's current clock (the working time
// left is today's, not the day the alert was planned).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/work_calendar.h"
#include "deadline/alert_stage.h"
#include "deadline/clock.h"
#include "render/templates.h"

namespace dunghan::render {

/// What channels need; alerting copies it into a channels::Message.
struct Rendered {
  std::string subject;                        // email subject, one line
  std::string text;                           // plain text body
  std::string html;                           // HTML body (values HTML-escaped)
  std::string short_text;                     // Zalo text
  std::map<std::string, std::string> params;  // template parameters (Zalo template_data, file)
  std::string json;                           // webhook body (type, timestamp, data)
};

/// One alert about one dossier.
struct AlertView {
  const deadline::Dossier* dossier = nullptr;
  const deadline::DossierClock* clock = nullptr;  // the clock at send time (clock->at = now)
  std::string rule;
  deadline::AlertStage stage = deadline::AlertStage::before_due;
  std::string recipient_id;
  std::string recipient_name;
  std::string key;  // the ledger key
  /// The dossier's handler as the recipients list knows them: name (the id when the handler is
  /// no recipient) and department (the dossier's when unknown).
  std::string handler_name = {};
  std::string handler_department = {};
  /// How the recipient stands to the dossier: "handler", "head", "leader" or "other"
  /// (alerting::recipient_role). Anyone but the handler gets the "Đôn đốc …" actions.
  std::string recipient_role = "handler";
};

/// Renders one alert with the templates email_subject, email_text, email_html, zalo_text (or
/// `prefix`.NAME when present).
Rendered render_alert(const Templates& templates, const calendar::WorkCalendar& cal,
                      const AlertView& alert, std::string_view prefix = {});

/// Renders a digest of several alerts of one rule for one recipient with the digest_* templates.
/// `alerts` must not be empty; all share rule, stage and recipient. Items are listed most late
/// first (least working time left), ties by code; each carries department, handler and
/// `lateness` (render::lateness_vn).
Rendered render_digest(const Templates& templates, const calendar::WorkCalendar& cal,
                       const std::vector<AlertView>& alerts, const std::string& key,
                       std::string_view prefix = {});

}  // namespace dunghan::render
