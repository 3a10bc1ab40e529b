#pragma once
// The JSON API under /api/v1/ for the agency's own portal: the same data as the pages. Pure:
// everything is passed in. Times are ISO 8601 with the agency's offset; working time in minutes.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "alerting/ledger.h"
#include "alerting/silences.h"
#include "calendar/work_calendar.h"
#include "service/office_view.h"
#include "service/pages.h"

namespace dunghan::service {

/// GET /api/v1/dossiers?state=&department=: {"taken_at", "count", "dossiers": [...]}, most urgent
/// first; `state` and `department` empty: all open dossiers.
std::string api_dossiers(const OfficeSnapshot& snapshot, const std::string& state,
                         const std::string& department, const calendar::WorkCalendar& cal);

/// GET /api/v1/dossiers/CODE: the dossier, its clock now, events, anomalies, routes and alerts.
std::string api_dossier(const DossierDetail& detail, const calendar::WorkCalendar& cal);

/// GET /api/v1/outbox?state=: {"count", "alerts": [...]} (ledger rows).
std::string api_outbox(const std::vector<alerting::AlertRow>& rows,
                       const calendar::WorkCalendar& cal);

/// GET /api/v1/silences: {"count", "silences": [...]} (id, code, rule, until, reason, by,
/// created_at, ended_at, ended_by, active at `now`).
std::string api_silences(const std::vector<alerting::Silence>& silences, calendar::Instant now,
                         const calendar::WorkCalendar& cal);
/// One silence as its JSON object (POST /api/v1/silences answers with it).
std::string api_silence(const alerting::Silence& s, calendar::Instant now,
                        const calendar::WorkCalendar& cal);

/// A silence as the API and `dunghan silence list --format json` show it, keys in this order: id,
/// code, rule (empty: every rule), until, reason, by, created_at, ended_at (null while it runs),
/// ended_by, active (at `now`); instants in ISO 8601 at `off`.
nlohmann::ordered_json silence_json(const alerting::Silence& s, calendar::Instant now,
                                    calendar::UtcOffset off);

/// {"error": message}.
std::string api_error(const std::string& message);

}  // namespace dunghan::service
