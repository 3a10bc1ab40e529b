#include "service/api.h"

#include <nlohmann/json.hpp>

namespace dunghan::service {
namespace {

using nlohmann::json;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json dossier_json(const OfficeDossier& d, calendar::UtcOffset off) {
  json j = {{"code", d.code},
            {"procedure_code", d.procedure_code},
            {"procedure_name", d.procedure_name},
            {"field", d.field},
            {"department", d.department},
            {"handler", d.handler},
            {"handler_name", d.handler_name},
            {"applicant", d.applicant},
            {"state", std::string(deadline::to_string(d.state))},
            {"received_at", calendar::format_iso(d.received_at, off)},
            {"routing_problems", d.routing_problems}};
  j["due_at"] = d.valid ? json(calendar::format_iso(d.due, off)) : json(nullptr);
  j["due_date"] = d.valid ? json(calendar::format_date(d.due_date)) : json(nullptr);
  j["working_minutes_left"] = d.valid ? json(d.minutes_left) : json(nullptr);
  j["extended"] = d.extended;
  return j;
}

json alert_json(const alerting::AlertRow& a, calendar::UtcOffset off) {
  json j = {{"key", a.key},
            {"code", a.id.code},
            {"rule", a.id.rule},
            {"due_version", a.id.due_version},
            {"repeat", a.id.repeat},
            {"recipient", a.id.recipient},
            {"channel", a.id.channel},
            {"stage", std::string(deadline::to_string(a.stage))},
            {"state", std::string(alerting::to_string(a.state))},
            {"fire_at", calendar::format_iso(a.fire_at, off)},
            {"attempts", a.attempts},
            {"next_attempt_at", calendar::format_iso(a.next_attempt_at, off)},
            {"detail", a.detail},
            {"digest_key", a.digest_key},
            {"created_at", calendar::format_iso(a.created_at, off)},
            {"updated_at", calendar::format_iso(a.updated_at, off)}};
  j["sent_at"] = a.sent_at ? json(calendar::format_iso(*a.sent_at, off)) : json(nullptr);
  return j;
}

}  // namespace

std::string api_dossiers(const OfficeSnapshot& snapshot, const std::string& state,
                         const std::string& department, const calendar::WorkCalendar& cal) {
  json list = json::array();
  for (const OfficeDossier& d : snapshot.dossiers) {
    if (!state.empty() && deadline::to_string(d.state) != state) continue;
    if (!department.empty() && d.department != department) continue;
    list.push_back(dossier_json(d, cal.offset()));
  }
  const std::size_t n = list.size();
  return dump({{"taken_at", calendar::format_iso(snapshot.taken_at, cal.offset())},
               {"count", n},
               {"dossiers", std::move(list)}});
}

std::string api_dossier(const DossierDetail& detail, const calendar::WorkCalendar& cal) {
  const calendar::UtcOffset off = cal.offset();
  const deadline::Dossier& d = detail.stored->dossier;
  const deadline::DossierClock& c = *detail.clock;
  json j = {{"code", d.code},
            {"procedure_code", d.procedure_code},
            {"procedure_name", d.procedure_name},
            {"field", d.field},
            {"department", d.department},
            {"handler", d.handler},
            {"applicant", d.applicant},
            {"channel", std::string(deadline::to_string(d.channel))},
            {"status", std::string(deadline::to_string(d.status))},
            {"received_at", calendar::format_iso(d.received_at, off)}};
  if (const alerting::Recipient* r = detail.directory->find(d.handler)) {
    j["handler_name"] = r->name;
    j["handler_department"] = r->department;
  }
  json clock = {{"at", calendar::format_iso(c.at, off)},
                {"valid", c.valid},
                {"state", std::string(deadline::to_string(c.state))}};
  if (c.valid) {
    clock["counting_from"] = calendar::format_iso(c.counting_from, off);
    clock["due_at"] = calendar::format_iso(c.current_due, off);
    clock["due_date"] = calendar::format_date(c.due_date);
    clock["original_due_at"] = calendar::format_iso(c.original_due, off);
    clock["extended"] = c.extended;
    clock["due_version"] = c.due_version;
    clock["working_minutes_used"] = c.used.count;
    clock["working_minutes_left"] = c.left.count;
  } else {
    clock["invalid_reason"] = c.invalid_reason;
  }
  j["clock"] = clock;
  json events = json::array();
  for (const deadline::Event& e : detail.stored->events) {
    json ej = {{"at", calendar::format_iso(e.at, off)},
               {"kind", std::string(deadline::to_string(e.kind))},
               {"note", e.note}};
    ej["new_due_at"] = e.new_due_at ? json(calendar::format_iso(*e.new_due_at, off)) : nullptr;
    events.push_back(ej);
  }
  j["events"] = events;
  json anomalies = json::array();
  for (const deadline::Anomaly& a : c.anomalies) {
    anomalies.push_back(
        {{"kind", std::string(deadline::to_string(a.kind))}, {"message", a.message}});
  }
  j["anomalies"] = anomalies;
  json routes = json::array();
  for (const alerting::RouteCheck& rc : detail.routes) {
    json to = json::array();
    for (const alerting::Recipient* r : rc.recipients) to.push_back(r->id);
    routes.push_back({{"rule", rc.rule->name},
                      {"when", std::string(deadline::to_string(rc.rule->when))},
                      {"recipients", to},
                      {"problems", rc.problems}});
  }
  j["routes"] = routes;
  json alerts = json::array();
  for (const alerting::AlertRow& a : detail.alerts) alerts.push_back(alert_json(a, off));
  json silences = json::array();
  for (const alerting::Silence& s : detail.silences) {
    silences.push_back(json(silence_json(s, c.at, off)));
  }
  j["silences"] = silences;
  j["alerts"] = alerts;
  return dump(j);
}

std::string api_outbox(const std::vector<alerting::AlertRow>& rows,
                       const calendar::WorkCalendar& cal) {
  json alerts = json::array();
  for (const alerting::AlertRow& a : rows) alerts.push_back(alert_json(a, cal.offset()));
  const std::size_t n = alerts.size();
  return dump({{"count", n}, {"alerts", std::move(alerts)}});
}

std::string api_silences(const std::vector<alerting::Silence>& silences, calendar::Instant now,
                         const calendar::WorkCalendar& cal) {
  json list = json::array();
  for (const alerting::Silence& s : silences) {
    list.push_back(json(silence_json(s, now, cal.offset())));
  }
  return dump({{"count", silences.size()}, {"silences", list}});
}

std::string api_silence(const alerting::Silence& s, calendar::Instant now,
                        const calendar::WorkCalendar& cal) {
  return dump(json(silence_json(s, now, cal.offset())));
}

nlohmann::ordered_json silence_json(const alerting::Silence& s, calendar::Instant now,
                                    calendar::UtcOffset off) {
  using nlohmann::ordered_json;
  return ordered_json{{"id", s.id},
                      {"code", s.code},
                      {"rule", s.rule},
                      {"until", calendar::format_iso(s.until, off)},
                      {"reason", s.reason},
                      {"by", s.by},
                      {"created_at", calendar::format_iso(s.created_at, off)},
                      {"ended_at", s.ended_at ? ordered_json(calendar::format_iso(*s.ended_at, off))
                                              : ordered_json()},
                      {"ended_by", s.ended_by},
                      {"active", s.active(now)}};
}

std::string api_error(const std::string& message) {
  return dump({{"error", message}});
}

}  // namespace dunghan::service
