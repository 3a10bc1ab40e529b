#pragma once
// The clock, injected: nothing outside service/ and this header asks the system what time it is.
// Tests use ManualClock and move time by hand.

#include <atomic>
#include <chrono>

#include "calendar/civil.h"

namespace dunghan::calendar {

class Clock {
 public:
  virtual ~Clock() = default;
  /// The current instant (UTC, whole seconds).
  virtual Instant now() const = 0;
};

/// The system's real-time clock.
class SystemClock final : public Clock {
 public:
  Instant now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

/// A clock that runs from a chosen start at normal speed (`dunghan run --start-clock-at`).
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(Instant start)
      : delta_(start - std::chrono::time_point_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now())) {}
  Instant now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
           delta_;
  }

 private:
  std::chrono::seconds delta_;
};

/// A clock that only moves when told (tests). Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant start) : now_(start.time_since_epoch().count()) {}
  Instant now() const override { return Instant{std::chrono::seconds{now_.load()}}; }
  void set(Instant t) { now_ = t.time_since_epoch().count(); }
  void advance(std::chrono::seconds d) { now_ += d.count(); }

 private:
  std::atomic<std::chrono::seconds::rep> now_;
};

}  // namespace dunghan::calendar
