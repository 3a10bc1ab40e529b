#pragma once
// The daemon's local HTTP endpoint (Boost.Beast): GET /healthz, GET /metrics, GET / (the office
// page), POST /-/reload (bearer token). Limits keep malformed requests, slow clients and floods
// from hurting the daemon: at most kMaxConnections at once (more are closed at accept), headers
// up to 8 KiB, bodies up to 16 KiB, 10 s to send a request, 100 requests per connection.

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace boost::asio {
class io_context;
}

namespace dunghan::service {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct HttpHandlers {
  std::function<HttpResponse()> healthz;
  std::function<HttpResponse()> metrics;
  std::function<HttpResponse()> page;
  /// Called for an authorised POST /-/reload; returns the response (202 when accepted).
  std::function<HttpResponse()> reload;
  /// The bearer token POST /-/reload requires; without one configured, reload over HTTP is off
  /// (403).
  std::optional<std::string> reload_token;
};

inline constexpr int kMaxConnections = 64;

class HttpServer {
 public:
  /// Binds `listen` ("127.0.0.1:9464", "[::1]:9464"; port 0 picks a free port) and starts
  /// accepting on `io`. Throws std::runtime_error naming the address when it cannot bind.
  HttpServer(boost::asio::io_context& io, const std::string& listen, HttpHandlers handlers);
  ~HttpServer();
  /// The bound port.
  unsigned short port() const;
  /// Replaces the bearer token POST /-/reload requires (a reload that changed it). Call on the
  /// io_context's thread.
  void set_reload_token(std::optional<std::string> token);
  /// Stops accepting and closes the listening socket (open connections finish their request).
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace dunghan::service
