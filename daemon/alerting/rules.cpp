#include "alerting/rules.h"

#include <algorithm>
#include <charconv>

namespace dunghan::alerting {

bool Recipient::has_role(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::optional<Offset> parse_offset(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (!s.empty() && s.back() == '%') {
    int p = 0;
    const std::string_view digits = s.substr(0, s.size() - 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
    if (ec != std::errc{} || ptr != digits.data() + digits.size() || p < 1 || p > 99) {
      return std::nullopt;
    }
    return Offset{std::nullopt, p};
  }
  auto d = calendar::parse_duration(s);
  if (!d || d->amount <= 0) return std::nullopt;
  return Offset{d, 0};
}

Target parse_target(std::string_view s) {
  if (s == "handler") return {Target::Kind::handler, ""};
  if (s == "department_head") return {Target::Kind::department_head, "head"};
  if (s.starts_with("role:")) return {Target::Kind::role, std::string(s.substr(5))};
  return {Target::Kind::recipient, std::string(s)};
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point for the last '*'.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool matches(const Rule& rule, const deadline::Dossier& dossier, bool extended) {
  const Match& m = rule.match;
  if (!m.procedure.empty() &&
      std::none_of(m.procedure.begin(), m.procedure.end(),
                   [&](const std::string& g) { return glob_match(g, dossier.procedure_code); })) {
    return false;
  }
  auto in = [](const std::vector<std::string>& list, const std::string& v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  if (!in(m.department, dossier.department) || !in(m.field, dossier.field)) return false;
  if (m.extended && *m.extended != extended) return false;
  return true;
}

Directory::Directory(std::vector<Recipient> recipients) : recipients_(std::move(recipients)) {}

const Recipient* Directory::find(std::string_view id) const {
  for (const Recipient& r : recipients_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::vector<const Recipient*> Directory::resolve(const Rule& rule, const deadline::Dossier& dossier,
                                                 std::vector<std::string>* problems) const {
  std::vector<const Recipient*> out;
  auto add = [&out](const Recipient* r) {
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  };
  auto problem = [&](std::string text) {
    if (problems != nullptr) problems->push_back(std::move(text));
  };
  for (const Target& t : rule.to) {
    // A target counts as resolved when it names somebody, even somebody an earlier target already
    // added (the handler who is also the department's head).
    bool found = false;
    switch (t.kind) {
      case Target::Kind::handler:
        if (dossier.handler.empty()) {
          problem("dossier " + dossier.code + " has no handler (rule " + rule.name + ")");
        } else if (const Recipient* r = find(dossier.handler)) {
          add(r);
        } else {
          problem("handler " + dossier.handler + " of dossier " + dossier.code +
                  " is not a configured recipient (rule " + rule.name + ")");
        }
        continue;
      case Target::Kind::department_head:
        for (const Recipient& r : recipients_) {
          if (r.has_role("head") && r.department == dossier.department) {
            add(&r);
            found = true;
          }
        }
        if (!found) {
          problem("no recipient with role head in department \"" + dossier.department +
                  "\" (dossier " + dossier.code + ", rule " + rule.name + ")");
        }
        continue;
      case Target::Kind::role:
        for (const Recipient& r : recipients_) {
          if (r.has_role(t.value)) {
            add(&r);
            found = true;
          }
        }
        if (!found) problem("no recipient with role " + t.value + " (rule " + rule.name + ")");
        continue;
      case Target::Kind::recipient:
        if (const Recipient* r = find(t.value))
          add(r);
        else
          problem("recipient " + t.value + " is not configured (rule " + rule.name + ")");
        continue;
    }
  }
  return out;
}

}  // namespace dunghan::alerting

namespace dunghan::alerting {

std::string_view recipient_role(const Recipient& r, const deadline::Dossier& dossier) {
  if (r.id == dossier.handler) return "handler";
  if (r.has_role("head") && r.department == dossier.department) return "head";
  if (r.has_role("leader")) return "leader";
  if (r.has_role("head")) return "head";
  return "other";
}

std::vector<RouteCheck> check_routes(const deadline::Dossier& dossier, bool extended,
                                     std::span<const Rule> rules, const Directory& directory) {
  std::vector<RouteCheck> out;
  for (const Rule& rule : rules) {
    if (!matches(rule, dossier, extended)) continue;
    RouteCheck c;
    c.rule = &rule;
    c.recipients = directory.resolve(rule, dossier, &c.problems);
    if (c.recipients.empty() && c.problems.empty()) {
      c.problems.push_back("rule " + rule.name + " addresses nobody for dossier " + dossier.code);
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace dunghan::alerting
