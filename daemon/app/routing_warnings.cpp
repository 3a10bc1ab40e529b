#include "app/routing_warnings.h"

#include <map>
#include <ostream>
#include <set>

namespace dunghan::app {

int warn_routing(const config::Config& config, store::DossierReader& store, std::ostream& err) {
  std::set<std::string> ids, departments;
  for (const alerting::Recipient& r : config.recipients) {
    ids.insert(r.id);
    departments.insert(r.department);
  }
  struct Seen {
    std::int64_t dossiers = 0;
    std::string example;
  };
  std::map<std::string, Seen> handlers, deps;
  std::int64_t open = 0;
  store::DossierFilter f;
  f.open_only = true;
  store.for_each(f, [&](const deadline::Dossier& d, std::span<const deadline::Event>) {
    ++open;
    if (!d.handler.empty() && !ids.contains(d.handler)) {
      Seen& s = handlers[d.handler];
      if (s.dossiers++ == 0) s.example = d.code;
    }
    if (!departments.contains(d.department)) {
      Seen& s = deps[d.department];
      if (s.dossiers++ == 0) s.example = d.code;
    }
  });
  if (open == 0) return 0;
  if (config.recipients.empty()) {
    err << "warning: the configuration has no [[recipient]]: no alert about the " << open
        << " open dossier(s) can reach anybody\n";
    return 1;
  }
  constexpr std::size_t kShown = 20;
  auto list = [&err](const std::map<std::string, Seen>& m, const std::string& what,
                     const std::string& why) {
    std::size_t n = 0;
    for (const auto& [name, s] : m) {
      if (++n > kShown) {
        err << "warning: … and " << (m.size() - kShown) << " more " << what << "s\n";
        break;
      }
      err << "warning: " << what << " \"" << name << "\" (" << s.dossiers
          << " open dossier(s), e.g. " << s.example << ") " << why << '\n';
    }
  };
  list(handlers, "handler",
       "is not a configured recipient: alerts to the handler cannot be sent (add a "
       "[[recipient]] with this id, or correct the store)");
  list(deps, "department",
       "has no recipient: its head is never alerted (check the spelling against the "
       "[[recipient]] departments)");
  return static_cast<int>(handlers.size() + deps.size());
}

}  // namespace dunghan::app
