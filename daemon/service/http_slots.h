#pragma once
// Internal to service/: which connection the HTTP endpoint closes when every slot is taken and a
// new one arrives. Pure logic (no sockets), so that the policy is tested on its own.
//
// The policy: close the connection idle the longest (nothing received of its next request);
// failing that, the one whose request has been arriving the longest (a legitimate request
// arrives in milliseconds: a request still arriving after seconds is a slow client, e.g. a
// slowloris attack); never one whose request is complete (it is being answered). Nothing to close
// when every connection is being answered: the new one is refused.

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>

namespace dunghan::service {

struct SlotView {
  enum class State {
    idle,        // waiting for the first bytes of a request
    reading,     // some bytes of a request received, not all
    responding,  // the request is complete: being handled or answered
  };
  State state = State::idle;
  /// When the connection entered `state`.
  std::chrono::steady_clock::time_point since{};
};

/// The index in `slots` of the connection to close to make room for a new one, or nullopt when
/// every connection is responding. Ties: the lower index.
std::optional<std::size_t> slot_to_free(std::span<const SlotView> slots);

}  // namespace dunghan::service
