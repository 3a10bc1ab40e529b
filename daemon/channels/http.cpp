#include "channels/http.h"

#ifdef _WIN32
#include <winsock2.h>  // socket(); curl_global_init(CURL_GLOBAL_DEFAULT) calls WSAStartup
#else
#include <sys/socket.h>
#endif

#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace dunghan::channels {
namespace {

constexpr std::size_t kMaxBody = 64 * 1024;

std::size_t collect(char* data, std::size_t size, std::size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  const std::size_t bytes = size * n;
  if (out->size() < kMaxBody) out->append(data, std::min(bytes, kMaxBody - out->size()));
  return bytes;
}

struct SocketGuard {
  const TargetPolicy* policy = nullptr;
  std::string refused;  // the first refused address, with its class
};

curl_socket_t open_checked_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* guard = static_cast<SocketGuard*>(user);
  const auto* sa = &address->addr;
  const AddressClass c = classify_address(sa);
  if (!target_allowed(c, *guard->policy)) {
    if (guard->refused.empty()) {
      guard->refused = address_text(sa) + " (" + std::string(describe(c)) + ")";
    }
    return CURL_SOCKET_BAD;  // libcurl tries the next address, then fails with COULDNT_CONNECT
  }
  return socket(address->family, address->socktype, address->protocol);
}

bool proxy_in_environment() {
  for (const char* v : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
    const char* value = std::getenv(v);
    if (value != nullptr && *value != '\0') return true;
  }
  return false;
}

}  // namespace

void ensure_curl_global() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlHandle::CurlHandle() {
  ensure_curl_global();
  h_ = curl_easy_init();
  if (h_ == nullptr) throw std::runtime_error("curl_easy_init failed");
}

CurlHandle::~CurlHandle() {
  curl_easy_cleanup(h_);
}

std::unique_ptr<CurlHandle> HandlePool::take() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<CurlHandle> h = std::move(idle_.back());
      idle_.pop_back();
      return h;
    }
  }
  return std::make_unique<CurlHandle>();
}

void HandlePool::give_back(std::unique_ptr<CurlHandle> handle) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(handle));
}

void HandlePool::clear() {
  std::vector<std::unique_ptr<CurlHandle>> closing;
  {
    std::lock_guard lock(mu_);
    closing.swap(idle_);
  }
}

HttpResponse http_post(CurlHandle& handle, const HttpRequest& req) {
  CURL* h = handle.get();
  curl_easy_reset(h);
  HttpResponse res;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  for (const std::string& hd : req.headers) headers = curl_slist_append(headers, hd.c_str());
  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, req.protocols.c_str());
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &res.body);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "dunghan/0.1");
  if (!req.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, req.ca_file.c_str());
  SocketGuard guard;
  if (req.target_policy && !proxy_in_environment()) {
    guard.policy = &*req.target_policy;
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_checked_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &guard);
  }
  res.code = curl_easy_perform(h);
  res.refused_target = std::move(guard.refused);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res.status);
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0) {
    res.retry_after = static_cast<long>(retry_after);
  }
  if (res.code != CURLE_OK) {
    res.error = errbuf[0] != '\0' ? std::string(errbuf) : curl_easy_strerror(res.code);
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  curl_slist_free_all(headers);
  return res;
}

bool is_transient_transport_error(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

std::optional<Outcome> transport_outcome(const HttpResponse& res) {
  if (res.code == CURLE_OK) return std::nullopt;
  if (!res.refused_target.empty() && res.code == CURLE_COULDNT_CONNECT) {
    return Outcome::failure("refused to connect to " + res.refused_target +
                            ": set allow_private_network = true on this channel if the receiver "
                            "is on the office network");
  }
  const std::string detail =
      "curl " + std::to_string(static_cast<int>(res.code)) + ": " + excerpt(res.error);
  if (is_transient_transport_error(res.code)) return Outcome::channel_unavailable(detail);
  return Outcome::failure(detail);
}

std::string excerpt(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : s.substr(0, max)) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "?";
    } else {
      out.push_back(c);
    }
  }
  if (s.size() > max) out += "…";
  return out;
}

}  // namespace dunghan::channels
