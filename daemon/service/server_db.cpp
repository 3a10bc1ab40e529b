#include "service/server_db.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

#include <cstdio>
#include <stdexcept>
#include <variant>

#include "store/db_url.h"

namespace dunghan::service {

std::string service_instance_id(const config::Config& config) {
  if (!config.service.instance_id.empty()) return config.service.instance_id;
  char host[256] = {};
#ifdef _WIN32
  DWORD size = sizeof host - 1;
  const bool named = ::GetComputerNameA(host, &size) != 0;
#else
  const bool named = ::gethostname(host, sizeof host - 1) == 0;
#endif
  if (!named || host[0] == '\0') std::snprintf(host, sizeof host, "%s", "localhost");
  const std::string& listen = config.service.listen;
  const auto colon = listen.rfind(':');
  return std::string(host) + ":" + (colon == std::string::npos ? listen : listen.substr(colon + 1));
}

pg::ConnectSpec server_spec(const config::ServerDatabase& db, const std::string& instance_id,
                            const std::string& key) {
  const auto parsed = store::parse_db_url(db.url);
  if (const auto* e = std::get_if<store::DbUrlError>(&parsed)) {
    throw std::runtime_error("key `" + key + "`: " + e->message);
  }
  const store::DbUrl& u = std::get<store::DbUrl>(parsed);
  if (u.engine != store::DbEngine::postgresql) {
    throw std::runtime_error("key `" + key + "`: dunghan's own store and state need PostgreSQL");
  }
  pg::ConnectSpec s;
  s.host = u.host;
  s.port = u.port;
  s.database = u.database;
  s.user = u.user;
  s.params = u.params;
  if (db.password) s.password = db.password->reveal();
  s.application_name = "dunghan " + instance_id;
  s.connect_timeout = std::chrono::seconds{5};
  return s;
}

}  // namespace dunghan::service
