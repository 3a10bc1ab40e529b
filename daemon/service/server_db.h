#pragma once
// The PostgreSQL databases dunghan owns (`[store]` and `[state]` with kind = "postgresql"), from
// the configuration to libpq's settings: the url parsed by store/db_url.h (a password in it is
// refused), the password from `password_file` / `password = "env:NAME"`, the application name
// "dunghan INSTANCE", a 5 s connection timeout.

#include <string>

#include "config/config.h"
#include "pg/connection.h"

namespace dunghan::service {

/// This instance's id: `[service] instance_id`, else "<host name>:<port of [service] listen>".
std::string service_instance_id(const config::Config& config);

/// The connection settings of `db` for instance `instance_id`. Throws std::runtime_error naming
/// `key` (e.g. "state.url") when the url is not a postgresql:// url dunghan accepts.
pg::ConnectSpec server_spec(const config::ServerDatabase& db, const std::string& instance_id,
                            const std::string& key);

}  // namespace dunghan::service
