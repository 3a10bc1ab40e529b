#pragma once
// The office pages: server-rendered HTML in Vietnamese, one self-contained document each (inline
// CSS and SVG, no script, no external asset), usable without JavaScript. Pure: everything shown
// is passed in; every text from the store or the configuration is HTML-escaped.

#include <optional>
#include <string>
#include <vector>

#include "alerting/ledger.h"
#include "alerting/office_history.h"
#include "alerting/rules.h"
#include "alerting/silences.h"
#include "calendar/work_calendar.h"
#include "deadline/clock.h"
#include "service/office_view.h"
#include "store/store.h"

namespace dunghan::service {

/// Who is looking, and what the page may offer.
struct Viewer {
  std::optional<std::string> user;  // logged in as
  bool admin = false;               // may write (silences)
  bool logins = false;              // a users file is configured: offer "Đăng nhập"
};

/// Filters of the dashboard (`?department=`, `?state=`); empty: all.
struct DashboardFilter {
  std::string department;
  std::string state;  // a clock state name ("overdue", …)
};

/// GET /: per department, the overdue, due-today and due-soon dossiers (or those of
/// `filter.state`), most urgent first; counts per state; routing problems; the chart of the last
/// 30 days (`history`, days up to `today` included); refreshed every minute.
std::string dashboard_page(const OfficeSnapshot& snapshot,
                           const std::vector<alerting::DepartmentDay>& history,
                           calendar::Date today, const DashboardFilter& filter,
                           const calendar::WorkCalendar& cal, const Viewer& viewer);

/// Inline SVG: per department, open (blue) and overdue (red) dossiers on each of the 30 days
/// ending `today` (both included). Days without a record are gaps, not zeros.
std::string history_chart(const std::vector<alerting::DepartmentDay>& history,
                          calendar::Date today);

/// What the dossier page shows besides the dossier itself.
struct DossierDetail {
  const store::StoredDossier* stored = nullptr;
  const deadline::DossierClock* clock = nullptr;  // at `clock->at` (now)
  std::vector<alerting::RouteCheck> routes;
  std::vector<alerting::AlertRow> alerts;   // newest first
  std::vector<alerting::Silence> silences;  // the dossier's, newest first (active and ended)
  std::string silence_error;                // a refused form's reason, shown above the form
  const alerting::Directory* directory = nullptr;
};

/// `s` percent-encoded for a URL path segment or query value (unreserved characters kept).
std::string url_encode(std::string_view s);

/// GET /dossiers/CODE: the clock, events, anomalies, routing, silences (with a form to add one and
/// buttons to end them for an admin) and alert history.
std::string dossier_page(const DossierDetail& detail, const calendar::WorkCalendar& cal,
                         const Viewer& viewer);

/// GET /outbox: ledger rows (dead letters first when no state is chosen).
std::string outbox_page(const std::vector<alerting::AlertRow>& rows,
                        const std::optional<std::string>& state, const calendar::WorkCalendar& cal,
                        const alerting::Directory& directory, const Viewer& viewer);

/// A short page with a title and a message (404, 403, …).
std::string message_page(const std::string& title, const std::string& message);

}  // namespace dunghan::service
