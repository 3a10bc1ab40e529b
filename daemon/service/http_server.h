#pragma once
// The daemon's HTTP endpoint (Boost.Beast, optionally over TLS with OpenSSL): GET /healthz,
// GET /metrics, POST /-/reload (bearer token), and everything else (the office pages and the JSON
// API, service/office.h) through HttpHandlers::app. Limits keep malformed requests, slow clients
// and floods from hurting the daemon: at most kMaxConnections at once; a connection gets 2 s to
// start a request (also between keep-alive requests), 5 s from its first byte to finish the
// headers (a client trickling them is cut) and 10 s to finish the whole request; when every
// slot is taken, a new connection closes the one idle the longest, else the one whose request has
// been arriving the longest (a slow client), and is refused only when all are being answered
// (http_slots.h); headers up to 8 KiB (413), bodies up to 16 KiB (413), a malformed request 400,
// 100 requests per connection.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace dunghan::service {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  /// Extra response headers (WWW-Authenticate, Location, …).
  std::vector<std::pair<std::string, std::string>> headers = {};
};

/// What HttpHandlers::app sees of a request.
struct HttpRequest {
  std::string method;         // "GET" (also for HEAD: the server drops the body), "POST", …
  std::string path;           // the target before '?', still percent-encoded
  std::string query;          // after '?', without it; may be empty
  std::string authorization;  // the Authorization header, or empty
  std::string content_type;   // the Content-Type header, or empty
  std::string host;           // the Host header ("127.0.0.1:9464"), or empty
  std::string origin;         // the Origin header ("https://127.0.0.1:9464", "null"), or empty
  std::string fetch_site;     // the Sec-Fetch-Site header ("same-origin", "cross-site"), or empty
  std::string body;
  bool tls = false;  // the connection is TLS
};

/// `[service] tls_cert_file` and `tls_key_file` (PEM): the endpoint speaks HTTPS.
struct HttpTls {
  std::string cert_file;  // certificate chain, leaf first
  std::string key_file;   // its private key
  friend bool operator==(const HttpTls&, const HttpTls&) = default;
};

struct HttpHandlers {
  std::function<HttpResponse()> healthz;
  std::function<HttpResponse()> metrics;
  /// Every other request (the office pages and /api/v1); unset: 404.
  std::function<HttpResponse(const HttpRequest&)> app;
  /// Called for an authorised POST /-/reload; returns the response (202 when accepted).
  std::function<HttpResponse()> reload;
  /// The bearer token POST /-/reload requires; without one configured, reload over HTTP is off
  /// (403).
  std::optional<std::string> reload_token;
};

inline constexpr int kMaxConnections = 64;

/// How long a connection may take (HttpServer; the defaults are the daemon's).
struct HttpTimeouts {
  /// To send the first byte of a request, after connecting or after the previous answer (and
  /// to finish a TLS handshake).
  std::chrono::milliseconds idle{2000};
  /// From the first byte of a request to the end of its headers (slowloris: a client that
  /// trickles header bytes is cut when this runs out).
  std::chrono::milliseconds headers{5000};
  /// From the first byte of a request to its last (headers and body).
  std::chrono::milliseconds request{10000};
};

/// True when the value of an Authorization header carries `token` with the Bearer scheme: the
/// scheme in any case (RFC 9110 §11.1), one or more blanks, then exactly the token (compared in
/// constant time); blanks around the value are ignored. An empty `token` never matches.
bool bearer_token_matches(std::string_view header, std::string_view token);

class HttpServer {
 public:
  /// Binds `listen` ("127.0.0.1:9464", "[::1]:9464"; port 0 picks a free port) and starts
  /// accepting on `io`; with `tls`, every connection starts with a TLS handshake (TLS 1.2 or
  /// later). Throws std::runtime_error naming the address when it cannot bind, or the file when
  /// the certificate or key cannot be loaded.
  HttpServer(boost::asio::io_context& io, const std::string& listen, HttpHandlers handlers,
             std::optional<HttpTls> tls = std::nullopt, HttpTimeouts timeouts = {});
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
