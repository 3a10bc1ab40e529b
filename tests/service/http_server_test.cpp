// The HTTP endpoint (service/http_server.h) against real sockets on loopback: routing, the reload
// endpoint and its bearer token, the request limits, and what happens when every slot is taken.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio.hpp>

#include "service/http_server.h"
#include "service/http_slots.h"
#include "service/http_test_client.h"

namespace dunghan::service {
namespace {

using testing::Connection;

class Endpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpHandlers h;
    h.healthz = [] { return HttpResponse{200, "application/json", "{\"status\":\"ok\"}"}; };
    h.metrics = [] { return HttpResponse{200, "text/plain", "dunghan_up 1\n"}; };
    h.app = [](const HttpRequest& r) {
      if (r.path != "/") return HttpResponse{404, "text/plain; charset=utf-8", "not found\n"};
      return HttpResponse{200, "text/html; charset=utf-8", "<p>trang</p>"};
    };
    h.reload = [this] {
      ++reloads;
      return HttpResponse{202, "text/plain; charset=utf-8", "reload requested\n"};
    };
    h.reload_token = token();
    server =
        std::make_unique<HttpServer>(io, "127.0.0.1:0", std::move(h), std::nullopt, timeouts());
    port = server->port();
    loop = std::thread([this] { io.run(); });
  }
  void TearDown() override {
    boost::asio::post(io, [this] { server.reset(); });
    work.reset();
    io.stop();
    loop.join();
  }
  virtual std::optional<std::string> token() const { return "s3cret-t0ken-value"; }
  virtual HttpTimeouts timeouts() const { return {}; }

  /// One request on a fresh connection; the whole response.
  std::string request(const std::string& text) {
    Connection c(port);
    c.send(text);
    return c.response();
  }
  std::string post_reload(const std::optional<std::string>& authorization) {
    std::string req = "POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n";
    if (authorization) req += "Authorization: " + *authorization + "\r\n";
    return request(req + "Connection: close\r\n\r\n");
  }

  boost::asio::io_context io;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{
      io.get_executor()};
  std::unique_ptr<HttpServer> server;
  unsigned short port = 0;
  std::thread loop;
  std::atomic<int> reloads{0};
};

TEST_F(Endpoint, RoutesHealthMetricsAndThePage) {
  const std::string h = request("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(Connection::status(h), 200) << h;
  EXPECT_NE(h.find("{\"status\":\"ok\"}"), std::string::npos);
  EXPECT_NE(h.find("Cache-Control: no-store"), std::string::npos);
  EXPECT_EQ(Connection::status(request("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
  EXPECT_EQ(Connection::status(request("GET /?x=1 HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
  EXPECT_EQ(Connection::status(request("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")), 404);
  const std::string head = request("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(Connection::status(head), 200);
  EXPECT_EQ(head.find("{\"status\""), std::string::npos) << "HEAD has no body";
}

TEST_F(Endpoint, ReloadNeedsPostAndTheBearerToken) {
  EXPECT_EQ(Connection::status(request("GET /-/reload HTTP/1.1\r\nHost: x\r\n\r\n")), 405);
  EXPECT_EQ(Connection::status(post_reload(std::nullopt)), 401);
  EXPECT_EQ(Connection::status(post_reload("Bearer wrong-token-value")), 401);
  EXPECT_EQ(Connection::status(post_reload("Basic s3cret-t0ken-value")), 401);
  EXPECT_EQ(Connection::status(post_reload("Bearers3cret-t0ken-value")), 401);
  EXPECT_EQ(Connection::status(post_reload("Bearer s3cret-t0ken-value2")), 401);
  EXPECT_EQ(reloads.load(), 0);
  EXPECT_EQ(Connection::status(post_reload("Bearer s3cret-t0ken-value")), 202);
  EXPECT_EQ(reloads.load(), 1);
}

TEST_F(Endpoint, TheBearerSchemeIsCaseInsensitive) {
  // RFC 9110 §11.1: the authentication scheme is case-insensitive.
  for (const char* scheme : {"bearer", "BEARER", "bEaReR"}) {
    EXPECT_EQ(Connection::status(post_reload(std::string(scheme) + " s3cret-t0ken-value")), 202)
        << scheme;
  }
  EXPECT_EQ(Connection::status(post_reload("bearer   s3cret-t0ken-value")), 202);
  EXPECT_EQ(reloads.load(), 4);
}

TEST(BearerToken, MatchesOnlyTheSchemeAndTheExactToken) {
  EXPECT_TRUE(bearer_token_matches("Bearer abc", "abc"));
  EXPECT_TRUE(bearer_token_matches("bearer abc", "abc"));
  EXPECT_TRUE(bearer_token_matches("  Bearer\tabc  ", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer abc", ""));
  EXPECT_FALSE(bearer_token_matches("Bearer", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer ", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearerabc", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer ABC", "abc"));  // the token itself is exact
  EXPECT_FALSE(bearer_token_matches("Bearer abc def", "abc"));
  EXPECT_FALSE(bearer_token_matches("Token abc", "abc"));
}

class EndpointWithoutToken : public Endpoint {
  std::optional<std::string> token() const override { return std::nullopt; }
};

TEST_F(EndpointWithoutToken, ReloadIsOffWithoutAToken) {
  EXPECT_EQ(Connection::status(post_reload("Bearer anything-at-all")), 403);
  EXPECT_EQ(reloads.load(), 0);
}

TEST_F(Endpoint, ANewTokenTakesOverFromTheOldOne) {
  std::promise<void> done;
  boost::asio::post(io, [&] {
    server->set_reload_token("n3w-t0ken-value");
    done.set_value();
  });
  done.get_future().wait();
  EXPECT_EQ(Connection::status(post_reload("Bearer s3cret-t0ken-value")), 401);
  EXPECT_EQ(Connection::status(post_reload("Bearer n3w-t0ken-value")), 202);
}

TEST_F(Endpoint, OversizedHeadersAndBodiesAre413AndGarbageIs400) {
  const std::string big_header =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9 * 1024, 'a') + "\r\n\r\n";
  EXPECT_EQ(Connection::status(request(big_header)), 413);
  const std::string big_body =
      "POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(17 * 1024) +
      "\r\n\r\n" + std::string(17 * 1024, 'b');
  EXPECT_EQ(Connection::status(request(big_body)), 413);
  EXPECT_EQ(Connection::status(request("\x16\x03\x01 not http at all\r\n\r\n")), 400);
  // The server is still fine afterwards.
  EXPECT_EQ(Connection::status(request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
}

TEST_F(Endpoint, AConnectionServesAtMostOneHundredRequests) {
  Connection c(port);
  for (int i = 1; i <= 100; ++i) {
    ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string r = c.response();
    ASSERT_EQ(Connection::status(r), 200) << "request " << i;
    const bool closing = r.find("Connection: close") != std::string::npos;
    EXPECT_EQ(closing, i == 100) << "request " << i;
  }
  EXPECT_TRUE(c.closed_by_server(std::chrono::seconds(20)));
}

TEST_F(Endpoint, PipelinedRequestsAreAllAnswered) {
  Connection c(port);
  ASSERT_TRUE(
      c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: "
             "x\r\n\r\n"));
  EXPECT_EQ(Connection::status(c.response()), 200);
  const std::string second = c.response();
  EXPECT_EQ(Connection::status(second), 200);
  EXPECT_NE(second.find("dunghan_up 1"), std::string::npos);
}

TEST_F(Endpoint, AFullTableMakesRoomByClosingTheOldestIdleConnection) {
  std::vector<std::unique_ptr<Connection>> idle;
  for (int i = 0; i < kMaxConnections; ++i) idle.push_back(std::make_unique<Connection>(port));
  // Make sure the server has accepted them all before the next one arrives.
  Connection probe(port);
  ASSERT_TRUE(probe.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(Connection::status(probe.response()), 200);
  // The probe took the slot of the first idle connection (the oldest), not of the last one.
  EXPECT_TRUE(idle.front()->closed_by_server(std::chrono::seconds(20)));
  // A second newcomer is served too, closing the next oldest.
  Connection next(port);
  ASSERT_TRUE(next.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(Connection::status(next.response()), 200);
  EXPECT_TRUE(idle[1]->closed_by_server(std::chrono::seconds(20)));
}

TEST_F(Endpoint, WithNoIdleConnectionTheRequestArrivingLongestIsClosed) {
  // Every connection has started a request and never ends it (a slowloris): none is idle.
  std::vector<std::unique_ptr<Connection>> slow;
  for (int i = 0; i < kMaxConnections; ++i) {
    slow.push_back(std::make_unique<Connection>(port));
    ASSERT_TRUE(slow.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  }
  // Nothing tells a client that the server has read those bytes: give it time (not a timing
  // assertion; on a machine too slow for it the test fails loudly, it does not pass wrongly).
  std::this_thread::sleep_for(std::chrono::seconds(1));
  Connection newcomer(port);
  ASSERT_TRUE(newcomer.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(Connection::status(newcomer.response()), 200);
  EXPECT_TRUE(slow.front()->closed_by_server(std::chrono::seconds(20)));
  // The others are unharmed: each can still finish its request.
  for (std::size_t i = 1; i < slow.size(); ++i) {
    ASSERT_TRUE(slow[i]->send("\r\n"));
    EXPECT_EQ(Connection::status(slow[i]->response()), 200) << i;
  }
}

/// An endpoint with short deadlines, so that a test can outlast them in well under a second.
class EndpointWithShortDeadlines : public Endpoint {
  HttpTimeouts timeouts() const override {
    using std::chrono::milliseconds;
    return HttpTimeouts{milliseconds(2000), milliseconds(400), milliseconds(2000)};
  }
};

TEST_F(EndpointWithShortDeadlines, AClientTricklingItsHeadersIsCutAtTheHeaderDeadline) {
  // A slowloris client: a byte every 50 ms, so that it is never idle and never done. The idle
  // and request deadlines (2 s) are far away; only the header deadline (0.4 s) can cut it.
  Connection slow(port);
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  ASSERT_TRUE(slow.send(head));
  bool cut = false;
  for (int i = 0; i < 30 && !cut; ++i) {  // 1.5 s of trickling at most
    if (!slow.send("a")) {
      cut = true;
      break;
    }
    cut = slow.closed_by_server(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(cut) << "the server kept a connection whose headers never end";
  // A request whose headers arrive in time is answered, also when it is slower than an instant.
  Connection ok(port);
  ASSERT_TRUE(ok.send("GET /healthz HTTP/1.1\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(ok.send("Host: x\r\n\r\n"));
  EXPECT_EQ(Connection::status(ok.response()), 200);
}

using Clock = std::chrono::steady_clock;
using State = SlotView::State;

TEST(SlotToFree, TheOldestIdleFirstThenTheOldestArrivingNeverOneBeingAnswered) {
  const Clock::time_point t{};
  const auto at = [&](int s) { return t + std::chrono::seconds(s); };
  const std::vector<SlotView> mixed = {{State::reading, at(1)},
                                       {State::idle, at(5)},
                                       {State::responding, at(0)},
                                       {State::idle, at(3)}};
  EXPECT_EQ(slot_to_free(mixed), 3u);
  const std::vector<SlotView> no_idle = {
      {State::reading, at(4)}, {State::responding, at(0)}, {State::reading, at(2)}};
  EXPECT_EQ(slot_to_free(no_idle), 2u);
  const std::vector<SlotView> answering = {{State::responding, at(0)}, {State::responding, at(1)}};
  EXPECT_EQ(slot_to_free(answering), std::nullopt);
  EXPECT_EQ(slot_to_free({}), std::nullopt);
  const std::vector<SlotView> tie = {{State::idle, at(2)}, {State::idle, at(2)}};
  EXPECT_EQ(slot_to_free(tie), 0u);
}

TEST(ListenAddress, ABadAddressIsRefusedByName) {
  boost::asio::io_context io;
  for (const char* bad : {"nowhere", "127.0.0.1:99999", "[::1", "not-an-ip:80"}) {
    try {
      HttpServer s(io, bad, HttpHandlers{});
      ADD_FAILURE() << bad << " accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace dunghan::service
