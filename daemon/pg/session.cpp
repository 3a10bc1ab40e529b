#include "pg/session.h"

namespace dunghan::pg {

Session::Session(ConnectSpec spec) : spec_(std::move(spec)), description_(describe(spec_)) {}

Session::~Session() = default;

Connection& Session::connection_locked() {
  if (conn_ && !conn_->usable()) conn_.reset();
  if (!conn_) {
    auto fresh = std::make_unique<Connection>(spec_);
    if (on_connect_) on_connect_(*fresh);
    conn_ = std::move(fresh);
    ++connects_;
  }
  return *conn_;
}

void Session::drop_locked() {
  conn_.reset();
}

bool Session::connected() const {
  std::lock_guard lock(mu_);
  return conn_ != nullptr && conn_->usable();
}

std::int64_t Session::connects() const {
  std::lock_guard lock(mu_);
  return connects_;
}

void Session::disconnect() {
  std::lock_guard lock(mu_);
  drop_locked();
}

}  // namespace dunghan::pg
