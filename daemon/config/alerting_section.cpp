// [alerts], [[recipient]], [[rule]].
#include <algorithm>
#include <map>
#include <set>

#include "config/sections.h"
#include "text/normalize.h"

namespace dunghan::config {
namespace {

std::vector<std::string> nfc_all(std::vector<std::string> v) {
  for (std::string& s : v) s = text::to_nfc(s);
  return v;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

bool plausible_email(std::string_view e) {
  const auto at = e.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= e.size() ||
      e.find('@', at + 1) != e.npos) {
    return false;
  }
  return std::none_of(e.begin(), e.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"';
  });
}

void read_alert_options(TableReader& a, AlertOptions& o) {
  if (auto v = a.integer("max_attempts", 1, 100)) o.max_attempts = static_cast<int>(*v);
  if (auto v = a.integer("retry_initial", 1, 86400)) o.retry_initial = std::chrono::seconds{*v};
  if (auto v = a.integer("retry_max", 1, 7 * 86400)) o.retry_max = std::chrono::seconds{*v};
  if (auto v = a.integer("max_age_hours", 1, 24 * 90)) o.max_age = std::chrono::hours{*v};
  // Short leases are for several instances on PostgreSQL (a dead one's rows come back sooner)
  // and tests; a lease shorter than one send resends alerts still being sent (same key).
  if (auto v = a.integer("sending_lease", 2, 86400)) o.sending_lease = std::chrono::seconds{*v};
  if (auto v = a.integer("batch_size", 1, 1000)) o.batch_size = static_cast<int>(*v);
  if (auto v = a.integer("max_messages_per_recipient", 0, 100000)) {
    o.max_messages_per_recipient = static_cast<int>(*v);
  }
  if (auto p = a.path_value("templates_dir")) o.templates_dir = *p;
  a.finish();
  if (o.retry_max < o.retry_initial) a.error("retry_max", "must not be smaller than retry_initial");
}

void read_recipients(TableReader& top, Config& config) {
  std::map<std::string, std::string> seen;
  for (TableReader& r : top.array_of_tables("recipient")) {
    alerting::Recipient rec;
    auto id = r.string("id", true);
    if (auto v = r.string("name")) rec.name = text::to_nfc(*v);
    if (auto v = r.string("email")) {
      if (!plausible_email(*v)) r.error("email", "\"" + *v + "\" is not an email address");
      rec.email = *v;
    }
    if (auto v = r.string("zalo_user_id")) rec.zalo_user_id = *v;
    if (auto v = r.string("phone")) {
      std::string digits;
      for (char c : *v) {
        if (c >= '0' && c <= '9') digits += c;
      }
      if (digits.size() < 9 || digits.size() > 12) {
        r.error("phone", "\"" + *v + "\" is not a phone number (e.g. \"0987654321\")");
      }
      rec.phone = *v;
    }
    if (auto v = r.string("department")) rec.department = text::to_nfc(*v);
    if (auto v = r.string_array("roles")) rec.roles = *v;
    r.finish();
    if (!id) continue;
    if (!valid_id(*id)) {
      r.error("id", "\"" + *id + "\" is not a valid id (letters, digits, '.', '_', '-')");
      continue;
    }
    if (auto it = seen.find(*id); it != seen.end()) {
      r.error("id", "recipient " + *id + " is already defined by " + it->second);
      continue;
    }
    seen.emplace(*id, r.path());
    rec.id = *id;
    config.recipients.push_back(std::move(rec));
  }
}

void read_rules(TableReader& top, Config& config, const std::vector<std::string>& channel_names) {
  std::set<std::string> roles;
  for (const alerting::Recipient& r : config.recipients)
    roles.insert(r.roles.begin(), r.roles.end());
  std::map<std::string, std::string> seen;
  static const std::vector<std::string> kStages = {"before_due", "due_today", "overdue",
                                                   "waiting_applicant", "received"};
  for (TableReader& r : top.array_of_tables("rule")) {
    alerting::Rule rule;
    bool ok = true;
    auto name = r.string("name", true);
    auto when = r.one_of("when", kStages, true);
    if (when) rule.when = *deadline::parse_alert_stage(*when);
    if (auto off = r.string("offset")) {
      rule.offset = alerting::parse_offset(*off);
      if (!rule.offset) {
        r.error("offset", "\"" + *off +
                              "\" is not an offset (e.g. \"2 working days\", \"4 giờ làm việc\", "
                              "\"25%\")");
        ok = false;
      } else if (when && rule.when != alerting::Stage::before_due) {
        r.error("offset", "only before_due rules take an offset");
        ok = false;
      }
    } else if (when && rule.when == alerting::Stage::before_due) {
      r.error("offset", "a before_due rule needs an offset (e.g. \"2 working days\")");
      ok = false;
    }
    if (auto to = r.string_array("to", true)) {
      if (to->empty()) {
        r.error("to", "at least one target is needed");
        ok = false;
      }
      for (std::size_t i = 0; i < to->size(); ++i) {
        const alerting::Target t = alerting::parse_target((*to)[i]);
        if (t.kind == alerting::Target::Kind::role && !roles.contains(t.value)) {
          r.element_error("to", i, "no recipient has the role " + t.value);
          ok = false;
        } else if (t.kind == alerting::Target::Kind::department_head && !roles.contains("head")) {
          r.element_error("to", i, "no recipient has the role head");
          ok = false;
        } else if (t.kind == alerting::Target::Kind::recipient) {
          const bool known =
              std::any_of(config.recipients.begin(), config.recipients.end(),
                          [&](const alerting::Recipient& x) { return x.id == t.value; });
          if (!known) {
            std::vector<std::string> candidates = {"handler", "department_head"};
            for (const alerting::Recipient& x : config.recipients) candidates.push_back(x.id);
            std::string msg =
                "\"" + t.value +
                "\" is neither handler, department_head, role:NAME nor a recipient id";
            if (auto s = closest(t.value, candidates)) msg += "; did you mean \"" + *s + "\"?";
            r.element_error("to", i, msg);
            ok = false;
          }
        }
        rule.to.push_back(t);
      }
    } else {
      ok = false;
    }
    if (auto chans = r.string_array("channels", true)) {
      if (chans->empty()) {
        r.error("channels", "at least one channel is needed");
        ok = false;
      }
      for (std::size_t i = 0; i < chans->size(); ++i) {
        if (std::find(channel_names.begin(), channel_names.end(), (*chans)[i]) ==
            channel_names.end()) {
          std::string msg = "no channel named \"" + (*chans)[i] + "\" is configured ([channel." +
                            (*chans)[i] + "])";
          if (auto s = closest((*chans)[i], channel_names)) msg += "; did you mean \"" + *s + "\"?";
          r.element_error("channels", i, msg);
          ok = false;
        }
      }
      rule.channels = *chans;
      if (!chans->empty()) {
        const auto first = std::find_if(
            config.channels.begin(), config.channels.end(),
            [&](const channels::ChannelOptions& c) { return c.name == chans->front(); });
        rule.sends_at_any_hour =
            first != config.channels.end() && first->send_window == channels::SendWindow::always;
      }
    } else {
      ok = false;
    }
    if (auto rep = r.string("repeat")) {
      rule.repeat = calendar::parse_duration(*rep);
      if (!rule.repeat || rule.repeat->amount <= 0) {
        r.error("repeat", "\"" + *rep + "\" is not a positive duration (e.g. \"1 working day\")");
        ok = false;
      }
    }
    if (auto n = r.integer("stop_after", 1, 1000)) rule.stop_after = static_cast<int>(*n);
    if (auto m = r.subtable("match")) {
      if (auto v = m->string_array("procedure")) rule.match.procedure = *v;
      // Compared with dossier texts, which the stores keep in NFC.
      if (auto v = m->string_array("department")) rule.match.department = nfc_all(*v);
      if (auto v = m->string_array("field")) rule.match.field = nfc_all(*v);
      rule.match.extended = m->boolean("extended");
      m->finish();
    }
    if (auto d = r.string("digest")) {
      rule.digest = calendar::parse_hh_mm(*d);
      if (!rule.digest) {
        r.error("digest", "\"" + *d + "\" is not a time HH:MM");
        ok = false;
      }
    }
    if (auto t = r.string("template")) rule.template_prefix = *t;
    r.finish();
    if (!name || !when || !ok) continue;
    if (!valid_id(*name)) {
      r.error("name",
              "\"" + *name + "\" is not a valid rule name (letters, digits, '.', '_', '-')");
      continue;
    }
    if (auto it = seen.find(*name); it != seen.end()) {
      r.error("name", "rule " + *name + " is already defined by " + it->second);
      continue;
    }
    seen.emplace(*name, r.path());
    rule.name = *name;
    config.rules.push_back(std::move(rule));
  }
}

}  // namespace

void read_alerting(TableReader& top, Config& config,
                   const std::vector<std::string>& channel_names) {
  if (auto a = top.subtable("alerts")) read_alert_options(*a, config.alerts);
  read_recipients(top, config);
  read_rules(top, config, channel_names);
}

}  // namespace dunghan::config
