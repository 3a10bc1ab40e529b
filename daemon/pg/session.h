#pragma once
// A connection that comes back by itself: Session connects on first use, and after the server
// was lost (Unavailable) the next use connects again. Owners of PostgreSQL-backed objects (the
// store, the ledger) hold one Session each and never see a dead connection twice.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "pg/connection.h"

namespace dunghan::pg {

class Session {
 public:
  /// Does not connect yet (a server that is down at start is not an error until it is used).
  explicit Session(ConnectSpec spec);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Called after every successful (re)connect, before the connection is handed out (schema
  /// migration, session settings). If it throws, the connection is dropped and the error passed
  /// on.
  void on_connect(std::function<void(Connection&)> hook) { on_connect_ = std::move(hook); }

  /// Runs `fn` with the connection, connecting first when there is none. When `fn` throws
  /// Unavailable the connection is dropped (the next call connects again) and the exception
  /// passed on. Calls are serialised (one at a time, from any thread).
  template <typename F>
  auto run(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
    std::lock_guard lock(mu_);
    Connection& c = connection_locked();
    try {
      return fn(c);
    } catch (const Unavailable&) {
      drop_locked();
      throw;
    }
  }

  /// True while a connection is open (it may still turn out lost at its next use).
  bool connected() const;
  /// How many times a connection was opened (1 after the first use; +1 per reconnect).
  std::int64_t connects() const;
  /// Drops the connection (tests: simulate a lost one; the next run() reconnects).
  void disconnect();
  /// describe() of the spec.
  const std::string& description() const { return description_; }
  const ConnectSpec& spec() const { return spec_; }

 private:
  Connection& connection_locked();
  void drop_locked();

  ConnectSpec spec_;
  std::string description_;
  std::function<void(Connection&)> on_connect_;
  mutable std::recursive_mutex mu_;
  std::unique_ptr<Connection> conn_;
  std::int64_t connects_ = 0;
};

}  // namespace dunghan::pg
