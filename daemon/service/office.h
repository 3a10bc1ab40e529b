#pragma once
// The office pages and the JSON API behind the daemon's HTTP endpoint (HttpHandlers::app):
// routing of paths, access control, and the data each page needs.
//
// Access (README "The office pages"):
//  - `[service] listen` on loopback: pages and API are open to this machine, as /healthz is;
//  - off loopback (check-config then requires TLS and a users file): every page and API call
//    needs a login (HTTP Basic over TLS; 401 with a challenge otherwise), so applicants' names
//    never leave the machine without one;
//  - writes (silences) always need a logged-in user with the `admin` role; `/login` asks the
//    browser for credentials where logins are optional.
//
// Threads: configure() and handle() run on the event loop's thread; refresh() on the worker.
// handle() reads the latest snapshot refresh() made, and reads one dossier or the ledger through
// connections of its own (never the worker's).

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "alerting/ledger.h"
#include "alerting/office_history.h"
#include "calendar/clock.h"
#include "config/config.h"
#include "service/http_server.h"
#include "service/office_view.h"
#include "service/pages.h"
#include "service/users.h"
#include "store/store.h"

namespace dunghan::service {

class Office {
 public:
  explicit Office(const calendar::Clock& clock);
  ~Office();

  /// Applies a (re)loaded configuration: opens its own read connections to the store and the
  /// state database and the users file. Throws std::runtime_error naming what failed; the
  /// previous configuration then stays in force.
  void configure(const config::Config& config, std::shared_ptr<const calendar::WorkCalendar> cal);

  /// After a cycle: walks the open dossiers of `store` (the worker's), keeps the snapshot the
  /// pages show, records today's counts per department in the state database and logs each
  /// routing problem once a (local) day. Returns the snapshot. Throws store::StoreError or
  /// std::runtime_error.
  std::shared_ptr<const OfficeSnapshot> refresh(store::DossierReader& store,
                                                const config::Config& config,
                                                const calendar::WorkCalendar& cal);

  /// Answers one request (anything but /healthz, /metrics and /-/reload).
  HttpResponse handle(const HttpRequest& request);

  struct Context;

 private:
  /// POST: add a silence (/api/v1/silences JSON, /dossiers/CODE/silences form) or end one
  /// (…/silences/ID/expire); admin users only.
  HttpResponse handle_write(Context& ctx, const HttpRequest& req, const Viewer& viewer,
                            calendar::Instant now);
  std::shared_ptr<Context> context() const;
  std::shared_ptr<const OfficeSnapshot> snapshot() const;

  const calendar::Clock& clock_;
  mutable std::mutex mutex_;
  std::shared_ptr<Context> context_;
  std::shared_ptr<const OfficeSnapshot> snapshot_;
  std::map<std::string, calendar::Date> problem_logged_;  // worker only
};

/// `text` with %XX decoded (and '+' as a space when `plus_is_space`); invalid escapes are kept.
std::string percent_decode(std::string_view text, bool plus_is_space);
/// The parameters of a query string or a form body ("a=1&b=x+y"), decoded; the first of a name
/// wins.
std::map<std::string, std::string> parse_query(std::string_view query);

}  // namespace dunghan::service
