#include "service/endpoint_check.h"

#include <boost/asio/io_context.hpp>

#include "service/http_server.h"
#include "service/users.h"

namespace dunghan::service {

std::vector<std::string> check_endpoint(const config::Config& config) {
  std::vector<std::string> problems;
  const config::ServiceOptions& s = config.service;
  if (s.tls_cert_file && s.tls_key_file) {
    // Load them as the daemon will, on a throwaway listener on a free loopback port.
    try {
      boost::asio::io_context io;
      HttpServer probe(io, "127.0.0.1:0", HttpHandlers{},
                       HttpTls{s.tls_cert_file->string(), s.tls_key_file->string()});
    } catch (const std::exception& e) {
      problems.push_back(std::string("[service] ") + e.what());
    }
  }
  if (s.users_file) {
    try {
      const UsersFile f = read_users_file(*s.users_file);
      for (const std::string& p : f.problems) problems.push_back("[service] users_file " + p);
      if (f.users.empty()) {
        problems.push_back("[service] users_file " + s.users_file->string() +
                           " names no user; add one with `dunghan user add NAME --role admin`");
      }
    } catch (const std::exception& e) {
      problems.push_back(std::string("[service] ") + e.what());
    }
  }
  return problems;
}

}  // namespace dunghan::service
