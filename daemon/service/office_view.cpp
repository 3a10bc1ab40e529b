#include "service/office_view.h"

#include <algorithm>
#include <tuple>

#include "store/as_of.h"

namespace dunghan::service {
namespace {

constexpr std::size_t kMaxProblems = 200;

/// 0: a running clock; 1: waiting for the applicant; 2: no due could be computed.
int rank(const OfficeDossier& d) {
  if (!d.valid) return 2;
  return d.state == deadline::ClockState::waiting_applicant ? 1 : 0;
}

}  // namespace

OfficeSnapshot take_snapshot(store::DossierReader& store, const config::Config& config,
                             const calendar::WorkCalendar& cal, calendar::Instant at,
                             calendar::Instant now) {
  OfficeSnapshot s;
  s.taken_at = at;
  const alerting::Directory directory(config.recipients);
  const store::ClockContext context{cal, config.deadline, &config.procedures};
  s.read = store::for_each_open_at(
      store, at, {}, context,
      [&](const deadline::Dossier& d, std::span<const deadline::Event>,
          const deadline::DossierClock& c) {
        OfficeDossier o;
        o.code = d.code;
        o.procedure_code = d.procedure_code;
        o.procedure_name = d.procedure_name;
        if (o.procedure_name.empty()) {
          if (const deadline::Procedure* p = config.procedures.find(d.procedure_code)) {
            o.procedure_name = p->name;
          }
        }
        o.field = d.field;
        o.department = d.department;
        o.handler = d.handler;
        if (const alerting::Recipient* r = directory.find(d.handler)) {
          o.handler_name = r->name.empty() ? r->id : r->name;
        }
        o.applicant = d.applicant;
        o.state = c.state;
        o.valid = c.valid;
        o.received_at = d.received_at;
        if (c.valid) {
          o.due = c.current_due;
          o.due_date = c.due_date;
          o.minutes_left = c.left.count;
          o.extended = c.extended;
        }
        for (alerting::RouteCheck& rc :
             alerting::check_routes(d, c.extended, config.rules, directory)) {
          for (std::string& p : rc.problems) {
            if (s.problems.size() < kMaxProblems &&
                std::find(s.problems.begin(), s.problems.end(), p) == s.problems.end()) {
              s.problems.push_back(p);
            }
            o.routing_problems.push_back(std::move(p));
          }
        }
        if (!o.routing_problems.empty()) ++s.unroutable;
        ++s.by_state[std::string(deadline::to_string(c.state))];
        s.dossiers.push_back(std::move(o));
      },
      now);
  std::sort(s.dossiers.begin(), s.dossiers.end(),
            [](const OfficeDossier& a, const OfficeDossier& b) {
              const int ra = rank(a), rb = rank(b);
              const auto da = ra == 2 ? calendar::Instant{} : a.due;
              const auto db = rb == 2 ? calendar::Instant{} : b.due;
              return std::tie(ra, da, a.code) < std::tie(rb, db, b.code);
            });
  return s;
}

OfficeSnapshot take_snapshot(store::DossierReader& store, const config::Config& config,
                             const calendar::WorkCalendar& cal, calendar::Instant now) {
  return take_snapshot(store, config, cal, now, now);
}

std::vector<alerting::DepartmentDay> department_counts(const OfficeSnapshot& snapshot,
                                                       calendar::Date day) {
  std::map<std::string, alerting::DepartmentDay> by;
  for (const OfficeDossier& d : snapshot.dossiers) {
    alerting::DepartmentDay& e = by[d.department];
    e.day = day;
    e.department = d.department;
    ++e.open;
    if (d.state == deadline::ClockState::overdue) ++e.overdue;
  }
  std::vector<alerting::DepartmentDay> out;
  for (auto& [name, e] : by) out.push_back(std::move(e));
  return out;
}

}  // namespace dunghan::service
