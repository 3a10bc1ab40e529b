#pragma once
// systemd notification (sd_notify): READY, STATUS, WATCHDOG, RELOADING, STOPPING. A no-op when
// NOTIFY_SOCKET is not set (not started by systemd) or on Windows.

#include <chrono>
#include <optional>
#include <string>

namespace dunghan::service {

class Notifier {
 public:
  /// `enabled` false makes every call a no-op.
  explicit Notifier(bool enabled);
  void ready();
  void reloading();
  void stopping();
  void status(const std::string& line);
  void watchdog();
  /// The interval at which watchdog() should be called (half of WatchdogSec), when systemd asked
  /// for a watchdog (WATCHDOG_USEC set for this process).
  std::optional<std::chrono::microseconds> watchdog_interval() const;

 private:
  void send(const std::string& state);
  bool enabled_;
};

}  // namespace dunghan::service
