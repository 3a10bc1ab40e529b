// libFuzzer target: the daemon's HTTP request path (service/http_request.h): the bytes a client
// sends → Boost.Beast's parser with the server's limits → the routes /healthz, /metrics, /,
// /-/reload (bearer token) → the answer. Handlers are stand-ins that record being called.
// Properties: never throws or crashes; the status is one the server can give; a route's handler
// runs only for its method and path; the reload handler only with the configured token present
// in the Authorization header; a refusal (400/413) calls no handler.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "fuzz_check.h"
#include "service/http_request.h"

namespace {

using namespace dunghan;

constexpr std::string_view kToken = "s3cr3t-token-0123456789abcdef";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw = fuzz::as_text(data, size);
  std::string called;  // the handler that ran
  int calls = 0;
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
  h.page = [&] {
    called = "page";
    ++calls;
    return service::HttpResponse{200, "text/html; charset=utf-8", "<p>Tình hình hồ sơ</p>"};
  };
  h.reload = [&] {
    called = "reload";
    ++calls;
    return service::HttpResponse{202, "text/plain; charset=utf-8", "reload requested\n"};
  };
  // Half the inputs (by their length) run without a token: reload over HTTP is then off.
  if (size % 2 == 0) h.reload_token = std::string(kToken);

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
