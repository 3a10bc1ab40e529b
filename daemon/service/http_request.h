#pragma once
// The HTTP endpoint's request path without a socket: the bytes a client sends on a fresh
// connection, parsed with the server's limits and routed as the server routes them. For tests and
// the fuzzer (fuzz/fuzz_http_request.cpp). Defined in http_server.cpp, beside the server, so that
// both use the same limits and the same routing.

#include <optional>
#include <string_view>

#include "service/http_server.h"

namespace dunghan::service {

/// The endpoint's answer to the first request in `raw`, as if a client had sent these bytes on a
/// fresh connection and then shut down its sending side:
///  - nullopt when `raw` holds nothing of a request (the server closes without answering);
///  - 413 when the header or the body exceeds the server's limits, 400 when the bytes are not an
///    HTTP/1.x request or end inside one;
///  - otherwise the route's answer, using `handlers` (500 when a handler throws), with no body
///    for HEAD.
/// Bytes after the first request are ignored. Never throws for any input (std::bad_alloc aside).
std::optional<HttpResponse> answer_request(std::string_view raw, const HttpHandlers& handlers);

}  // namespace dunghan::service
