#include "service/http_server.h"

#include <algorithm>
#include <chrono>
#include <list>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "service/http_request.h"
#include "service/http_slots.h"

namespace dunghan::service {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kHeaderLimit = 8 * 1024;
constexpr std::size_t kBodyLimit = 16 * 1024;
constexpr int kMaxRequestsPerConnection = 100;

tcp::endpoint parse_listen(const std::string& listen) {
  std::string host, port;
  if (!listen.empty() && listen.front() == '[') {
    const auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      throw std::runtime_error("listen address \"" + listen + "\" is not [host]:port");
    }
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
      throw std::runtime_error("listen address \"" + listen + "\" is not host:port");
    }
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  const asio::ip::address addr = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("listen address \"" + listen + "\": bad host " + host);
  int p = -1;
  try {
    p = std::stoi(port);
  } catch (...) {
  }
  if (p < 0 || p > 65535) throw std::runtime_error("listen address \"" + listen + "\": bad port");
  return tcp::endpoint(addr, static_cast<unsigned short>(p));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

}  // namespace

bool bearer_token_matches(std::string_view header, std::string_view token) {
  while (!header.empty() && is_blank(header.front())) header.remove_prefix(1);
  while (!header.empty() && is_blank(header.back())) header.remove_suffix(1);
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() || !is_blank(header[kScheme.size()])) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = header[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kScheme[i]) return false;
  }
  std::string_view given = header.substr(kScheme.size());
  while (!given.empty() && is_blank(given.front())) given.remove_prefix(1);
  return !token.empty() && constant_time_equal(given, token);
}

namespace {

/// What the connection table knows of a connection, whatever its stream.
class Connection {
 public:
  virtual ~Connection() = default;
  /// Where the connection stands (for make_room()); a TLS handshake not yet done is idle.
  virtual const SlotView& slot() const = 0;
  /// Closes the connection to make room for a new one (its pending operation ends with an error).
  virtual void evict() = 0;
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io_, HttpHandlers h) : io(io_), acceptor(io_), handlers(std::move(h)) {}

  asio::io_context& io;
  tcp::acceptor acceptor;
  HttpHandlers handlers;
  std::optional<asio::ssl::context> tls;  // set: connections speak TLS
  HttpTimeouts timeouts;
  /// Open connections, oldest first (the io_context's thread only).
  std::list<Connection*> sessions;
  bool stopped = false;

  /// Makes room for one more connection when the table is full: closes the connection that
  /// slot_to_free() picks (http_slots.h). False when every connection is being answered.
  bool make_room();

  HttpResponse route(const http::request<http::string_body>& req) {
    const std::string target(req.target());
    const std::string path = target.substr(0, target.find('?'));
    if (path == "/healthz" &&
        (req.method() == http::verb::get || req.method() == http::verb::head)) {
      return handlers.healthz();
    }
    if (path == "/metrics" &&
        (req.method() == http::verb::get || req.method() == http::verb::head)) {
      return handlers.metrics();
    }
    if (path == "/-/reload") {
      if (req.method() != http::verb::post) return {405, "text/plain; charset=utf-8", "use POST\n"};
      if (!handlers.reload_token) {
        return {403, "text/plain; charset=utf-8",
                "reload over HTTP is off: set [service] reload_token_file\n"};
      }
      const auto auth = req.find(http::field::authorization);
      if (auth == req.end() ||
          !bearer_token_matches(std::string_view(auth->value().data(), auth->value().size()),
                                *handlers.reload_token)) {
        return {401, "text/plain; charset=utf-8", "missing or wrong bearer token\n"};
      }
      return handlers.reload();
    }
    if (!handlers.app) return {404, "text/plain; charset=utf-8", "not found\n"};
    HttpRequest r;
    r.method = req.method() == http::verb::head ? "GET" : std::string(req.method_string());
    r.path = path;
    if (const auto q = target.find('?'); q != std::string::npos) r.query = target.substr(q + 1);
    if (const auto a = req.find(http::field::authorization); a != req.end()) {
      r.authorization = std::string(a->value());
    }
    if (const auto c = req.find(http::field::content_type); c != req.end()) {
      r.content_type = std::string(c->value());
    }
    if (const auto h = req.find(http::field::host); h != req.end())
      r.host = std::string(h->value());
    if (const auto o = req.find(http::field::origin); o != req.end()) {
      r.origin = std::string(o->value());
    }
    if (const auto f = req.find("Sec-Fetch-Site"); f != req.end()) {
      r.fetch_site = std::string(f->value());
    }
    r.body = req.body();
    r.tls = tls.has_value();
    return handlers.app(r);
  }
};

namespace {

/// One connection. `Stream` is beast::tcp_stream, or beast::ssl_stream over one for TLS.
template <class Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, std::shared_ptr<HttpServer::Impl> server)
      : stream_(std::move(stream)), server_(std::move(server)) {
    server_->sessions.push_back(this);
    self_in_table_ = std::prev(server_->sessions.end());
  }
  ~Session() override { leave_table(); }

  void start() {
    if constexpr (kTls) {
      // A handshake not done within the idle deadline is a connection that sends nothing.
      enter(SlotView::State::idle);
      beast::get_lowest_layer(stream_).expires_after(server_->timeouts.idle);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) {
                                  self->close();  // not TLS, or a handshake that failed
                                  return;
                                }
                                self->wait_for_request();
                              });
    } else {
      wait_for_request();
    }
  }

  const SlotView& slot() const override { return slot_; }

  void evict() override {
    leave_table();
    close();
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  void leave_table() {
    if (in_table_) {
      server_->sessions.erase(self_in_table_);
      in_table_ = false;
    }
  }

  /// Waits for the first bytes of the next request, at most timeouts.idle: a connection that
  /// sends nothing does not hold a slot for long.
  void wait_for_request() {
    enter(SlotView::State::idle);
    if (buffer_.size() > 0) {  // pipelined: the next request is already here
      read();
      return;
    }
    beast::get_lowest_layer(stream_).expires_after(server_->timeouts.idle);
    stream_.async_read_some(buffer_.prepare(kHeaderLimit),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) {
                                self->close();
                                return;
                              }
                              self->buffer_.commit(n);
                              self->read();
                            });
  }

  /// Reads a request whose first bytes are here: its headers within timeouts.headers, all of it
  /// within timeouts.request (both from now).
  void read() {
    enter(SlotView::State::reading);
    const auto first_byte = std::chrono::steady_clock::now();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    const HttpTimeouts& t = server_->timeouts;
    beast::get_lowest_layer(stream_).expires_after(std::min(t.headers, t.request));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this(), first_byte](beast::error_code ec, std::size_t) {
          if (ec || self->parser_->is_done()) {
            self->on_read(ec);
            return;
          }
          beast::get_lowest_layer(self->stream_)
              .expires_at(first_byte + self->server_->timeouts.request);
          http::async_read(self->stream_, self->buffer_, *self->parser_,
                           [self](beast::error_code ec2, std::size_t) { self->on_read(ec2); });
        });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::ssl::error::stream_truncated) {
      close();
      return;
    }
    if (ec) {
      // Malformed request, too large header or body: answer 400/413 once, then close.
      const bool too_large = ec == http::error::header_limit || ec == http::error::body_limit;
      respond(HttpResponse{too_large ? 413 : 400, "text/plain; charset=utf-8",
                           too_large ? "request too large\n" : "bad request\n"},
              false, 11);
      return;
    }
    enter(SlotView::State::responding);
    const http::request<http::string_body>& req = parser_->get();
    HttpResponse r;
    try {
      r = server_->route(req);
    } catch (const std::exception& e) {
      spdlog::error("event=http_handler_error target={} error={}", std::string(req.target()),
                    e.what());
      r = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n"};
    }
    ++requests_;
    const bool keep = req.keep_alive() && requests_ < kMaxRequestsPerConnection;
    respond(std::move(r), keep, req.version(), req.method() == http::verb::head);
  }

  void respond(HttpResponse r, bool keep_alive, unsigned version, bool head = false) {
    enter(SlotView::State::responding);
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), version);
    res->set(http::field::server, "dunghan");
    res->set(http::field::content_type, r.content_type);
    res->set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : r.headers) res->set(name, value);
    res->keep_alive(keep_alive);
    if (!head) res->body() = std::move(r.body);
    res->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(server_->timeouts.request);
    http::async_write(
        stream_, *res,
        [self = this->shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) {
            self->close();
            return;
          }
          self->wait_for_request();
        });
  }

  void enter(SlotView::State state) {
    slot_.state = state;
    slot_.since = std::chrono::steady_clock::now();
  }

  void close() {
    beast::error_code ignored;
    tcp::socket& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  Stream stream_;
  beast::flat_buffer buffer_{kHeaderLimit + kBodyLimit};
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpServer::Impl> server_;
  std::list<Connection*>::iterator self_in_table_;
  bool in_table_ = true;
  SlotView slot_{SlotView::State::idle, std::chrono::steady_clock::now()};
  int requests_ = 0;
};

void accept_next(const std::shared_ptr<HttpServer::Impl>& impl) {
  impl->acceptor.async_accept([impl](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || impl->stopped) return;
    if (!ec) {
      if (impl->sessions.size() >= static_cast<std::size_t>(kMaxConnections) &&
          !impl->make_room()) {
        beast::error_code ignored;
        socket.close(ignored);  // every slot is busy with a request: refuse this one
      } else if (impl->tls) {
        using TlsStream = beast::ssl_stream<beast::tcp_stream>;
        std::make_shared<Session<TlsStream>>(TlsStream(std::move(socket), *impl->tls), impl)
            ->start();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), impl)
            ->start();
      }
    }
    accept_next(impl);
  });
}

}  // namespace

bool HttpServer::Impl::make_room() {
  std::vector<SlotView> slots;
  std::vector<Connection*> owners;
  for (Connection* s : sessions) {
    slots.push_back(s->slot());
    owners.push_back(s);
  }
  const std::optional<std::size_t> victim = slot_to_free(slots);
  if (!victim) return false;
  owners[*victim]->evict();
  return true;
}

HttpServer::HttpServer(asio::io_context& io, const std::string& listen, HttpHandlers handlers,
                       std::optional<HttpTls> tls, HttpTimeouts timeouts)
    : impl_(std::make_shared<Impl>(io, std::move(handlers))) {
  impl_->timeouts = timeouts;
  const tcp::endpoint ep = parse_listen(listen);
  if (tls) {
    asio::ssl::context& ctx = impl_->tls.emplace(asio::ssl::context::tls_server);
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    beast::error_code tls_ec;
    ctx.use_certificate_chain_file(tls->cert_file, tls_ec);
    if (tls_ec) {
      throw std::runtime_error("cannot load the TLS certificate " + tls->cert_file + ": " +
                               tls_ec.message());
    }
    ctx.use_private_key_file(tls->key_file, asio::ssl::context::pem, tls_ec);
    if (tls_ec) {
      throw std::runtime_error("cannot load the TLS key " + tls->key_file + ": " +
                               tls_ec.message());
    }
    if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
      throw std::runtime_error("the TLS key " + tls->key_file +
                               " does not belong to the "
                               "certificate " +
                               tls->cert_file);
    }
  }
  beast::error_code ec;
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + listen + ": " + ec.message());
  accept_next(impl_);
}

HttpServer::~HttpServer() {
  stop();
}

unsigned short HttpServer::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void HttpServer::set_reload_token(std::optional<std::string> token) {
  impl_->handlers.reload_token = std::move(token);
}

void HttpServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

// ---- the request path without a socket (service/http_request.h) -------------------------------

std::optional<HttpResponse> answer_request(std::string_view raw, const HttpHandlers& handlers) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
  beast::error_code ec;
  std::size_t used = 0;
  while (!parser.is_done()) {
    const std::size_t n = parser.put(asio::buffer(raw.data() + used, raw.size() - used), ec);
    used += n;
    if (ec != http::error::need_more) break;
    ec = {};
    if (used < raw.size() && n > 0) continue;
    // The client sent all it had and shut down its side: what async_read makes of the end.
    if (!parser.got_some()) return std::nullopt;
    parser.put_eof(ec);
    if (!ec && !parser.is_done()) ec = http::error::partial_message;
    break;
  }
  if (ec) {
    const bool too_large = ec == http::error::header_limit || ec == http::error::body_limit;
    return HttpResponse{too_large ? 413 : 400, "text/plain; charset=utf-8",
                        too_large ? "request too large\n" : "bad request\n"};
  }
  // The route belongs to the server's state: a server that never opens a socket.
  static asio::io_context idle_io;
  HttpServer::Impl server(idle_io, handlers);
  const http::request<http::string_body>& req = parser.get();
  HttpResponse r;
  try {
    r = server.route(req);
  } catch (const std::exception&) {
    r = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n"};
  }
  if (req.method() == http::verb::head) r.body.clear();
  return r;
}

}  // namespace dunghan::service
