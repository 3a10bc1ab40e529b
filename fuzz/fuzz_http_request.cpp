// libFuzzer target: the daemon's HTTP request path (service/http_request.h): the bytes a client
// sends → Boost.Beast's parser with the server's limits → the routes /healthz, /metrics,
// /-/reload (bearer token) and the office's app handler for every other path → the answer. Handlers
// are stand-ins that record being called. Properties: never throws or crashes; the status is one
// the server can give; a route's handler runs only for its method and path; the reload handler only
// with the configured token present in the Authorization header; a refusal (400/413) calls no
// handler.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "fuzz_check.h"
#include "service/http_request.h"

namespace {

using namespace dunghan;

constexpr std::string_view kToken = "s3cr3t-token-0123456789abcdef";

/// The handlers the server gets, recording which one ran.
service::HttpHandlers handlers(std::string& called, int& calls, bool with_token) {
  service::HttpHandlers h;
  h.healthz = [&] {
    called = "healthz";
    ++calls;
    return service::HttpResponse{200, "application/json", "{\"status\":\"ok\"}"};
  };
  h.metrics = [&] {
    called = "metrics";
    ++calls;
    return service::HttpResponse{200, "text/plain; version=0.0.4", "dunghan_up 1\n"};
  };
  // The office pages and the API (service/office.h): every other request.
  h.app = [&](const service::HttpRequest& r) {
    called = "app";
    ++calls;
    if (r.path != "/") return service::HttpResponse{404, "text/plain; charset=utf-8", "no\n"};
    return service::HttpResponse{200, "text/html; charset=utf-8", "<p>Tình hình hồ sơ</p>"};
  };
  h.reload = [&] {
    called = "reload";
    ++calls;
    return service::HttpResponse{202, "text/plain; charset=utf-8", "reload requested\n"};
  };
  if (with_token) h.reload_token = std::string(kToken);
  return h;
}

}  // namespace

// Before fuzzing: the seam answers known requests as the server does, so that a seam broken by a
// change of the server cannot pass unnoticed as "no crash".
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  struct Case {
    std::string raw;
    std::optional<int> status;
    std::string handler;
  };
  const std::string auth = "Authorization: Bearer " + std::string(kToken) + "\r\n";
  const Case cases[] = {
      {"", std::nullopt, ""},
      {"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 200, "healthz"},
      {"HEAD /metrics?x=1 HTTP/1.0\r\n\r\n", 200, "metrics"},
      {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 200, "app"},
      {"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 404, "app"},
      {"GET /-/reload HTTP/1.1\r\nHost: x\r\n\r\n", 405, ""},
      {"POST /-/reload HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 0\r\n\r\n", 202,
       "reload"},
      {"POST /-/reload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n\r\n", 401, ""},
      {"GET /healthz HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n", 413, ""},
      {"POST /-/reload HTTP/1.1\r\nContent-Length: 20000\r\n\r\n" + std::string(20000, 'b'), 413,
       ""},
      {"\x01\x02 garbage\r\n\r\n", 400, ""},
      {"get /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 404, "app"},  // methods are case-sensitive
      {"GET /healthz HTTP/1.1\r\nHost: x\r\n", 400, ""},         // ends inside the header
  };
  for (const Case& c : cases) {
    std::string called;
    int calls = 0;
    const auto r = service::answer_request(c.raw, handlers(called, calls, true));
    const std::string what = "seam self-test: " + c.raw.substr(0, 40);
    fuzz::check(r.has_value() == c.status.has_value(), what);
    if (r) fuzz::check(r->status == *c.status, what);
    fuzz::check(called == c.handler, what);
  }
  std::string called;
  int calls = 0;
  const auto off = service::answer_request(cases[6].raw, handlers(called, calls, false));
  fuzz::check(off && off->status == 403 && calls == 0, "seam self-test: reload without a token");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw = fuzz::as_text(data, size);
  std::string called;  // the handler that ran
  int calls = 0;
  // Half the inputs (by their length) run without a token: reload over HTTP is then off.
  const service::HttpHandlers h = handlers(called, calls, size % 2 == 0);

  const std::optional<service::HttpResponse> r = service::answer_request(raw, h);
  if (!r) {
    fuzz::check(calls == 0, "a handler ran for an input that holds no request");
    return 0;
  }
  static const std::set<int> kStatuses = {200, 202, 400, 401, 403, 404, 405, 413, 500};
  fuzz::check(kStatuses.contains(r->status), "a status the server never gives");
  fuzz::check(calls <= 1, "more than one handler ran for one request");
  if (r->status == 400 || r->status == 413) {
    fuzz::check(calls == 0, "a handler ran for a refused request");
  }
  if (called == "reload") {
    fuzz::check(h.reload_token.has_value(), "reload ran without a configured token");
    fuzz::check(raw.find(kToken) != std::string_view::npos, "reload ran without the token");
    fuzz::check(raw.find("/-/reload") != std::string_view::npos, "reload ran for another path");
  }
  if (called == "healthz") {
    fuzz::check(raw.find("/healthz") != std::string_view::npos, "healthz ran for another path");
  }
  if (called == "metrics") {
    fuzz::check(raw.find("/metrics") != std::string_view::npos, "metrics ran for another path");
  }
  return 0;
}
