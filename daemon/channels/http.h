#pragma once
// Internal to the channels module: a small blocking HTTP POST over libcurl (Zalo, webhooks) and
// libcurl's one-time global initialisation. Redirects are never followed.

#include <curl/curl.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "channels/channel.h"
#include "channels/target_policy.h"

namespace dunghan::channels {

/// Calls curl_global_init once per process (thread-safe).
void ensure_curl_global();

/// Owns one easy handle (kept across requests so connections are reused).
class CurlHandle {
 public:
  CurlHandle();
  ~CurlHandle();
  CurlHandle(const CurlHandle&) = delete;
  CurlHandle& operator=(const CurlHandle&) = delete;
  CURL* get() const { return h_; }

 private:
  CURL* h_;
};

/// Reusable easy handles (one kept-alive connection each) shared by concurrent sends of one
/// channel. Thread-safe. Holds at most as many idle handles as were in use at once.
class HandlePool {
 public:
  /// A handle for one request: an idle one (its connection is reused) or a new one.
  std::unique_ptr<CurlHandle> take();
  /// Puts back a handle whose connection may be reused. A handle after a failed transfer should
  /// be dropped instead (its connection may be in any state).
  void give_back(std::unique_ptr<CurlHandle> handle);
  /// Closes every idle connection.
  void clear();

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<CurlHandle>> idle_;
};

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  /// Allowed protocols for CURLOPT_PROTOCOLS_STR: "https" or "http,https".
  std::string protocols = "https";
  std::filesystem::path ca_file;  // empty: system trust store
  std::chrono::milliseconds connect_timeout{5000};
  /// Set: every address libcurl is about to connect to is checked against it first (SSRF guard,
  /// target_policy.h). Not applied when a proxy is configured in the environment (http_proxy,
  /// https_proxy, all_proxy): the connection then goes to the proxy, which decides.
  std::optional<TargetPolicy> target_policy;
  std::chrono::milliseconds timeout{15000};
};

struct HttpResponse {
  CURLcode code = CURLE_OK;  // transport result
  long status = 0;           // HTTP status, 0 when none was received
  std::string body;          // at most 64 KiB kept
  long retry_after = 0;      // seconds from Retry-After (CURLINFO_RETRY_AFTER), clamped >= 0
  std::string error;         // libcurl's message when code != CURLE_OK
  /// Set when target_policy refused an address: "10.0.0.5 (a private network address)".
  std::string refused_target;
};

/// POSTs `req` with `handle` (reset first). Never throws for transport problems.
HttpResponse http_post(CurlHandle& handle, const HttpRequest& req);

/// True for transport failures worth retrying: resolve, connect, timeout, empty reply, send and
/// receive errors, and TLS handshake errors that are not certificate verification failures.
bool is_transient_transport_error(CURLcode code);

/// For a request that got no HTTP answer (res.code != CURLE_OK): a failure for an operator when
/// the target policy refused the address; a retry with channel_down set when the transport error
/// is transient (is_transient_transport_error: the server cannot be reached); failure otherwise,
/// with "curl N: message" as the detail. nullopt when an answer came (the caller judges the HTTP
/// status).
std::optional<Outcome> transport_outcome(const HttpResponse& res);

/// The first `max` bytes of `s`, with control characters escaped (for outcome details).
std::string excerpt(std::string_view s, std::size_t max = 300);

}  // namespace dunghan::channels
