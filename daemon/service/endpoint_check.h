#pragma once
// What check-config verifies of the HTTP endpoint beyond the file's syntax: the TLS certificate
// and key load and belong together, and the users file parses and names at least one user.

#include <string>
#include <vector>

#include "config/config.h"

namespace dunghan::service {

/// One English line per problem ("[service] tls_cert_file …: …"); empty when the endpoint can
/// start. Never throws for a bad file (that is a problem line).
std::vector<std::string> check_endpoint(const config::Config& config);

}  // namespace dunghan::service
