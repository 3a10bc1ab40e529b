#include "service/notify.h"

#include <cstdlib>

#ifndef _WIN32
#include <systemd/sd-daemon.h>
#endif

namespace dunghan::service {

Notifier::Notifier(bool enabled) : enabled_(enabled) {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (socket == nullptr || *socket == '\0') enabled_ = false;
}

void Notifier::send(const std::string& state) {
  if (!enabled_) return;
#ifndef _WIN32
  sd_notify(0, state.c_str());
#else
  (void)state;
#endif
}

void Notifier::ready() {
  send("READY=1");
}
void Notifier::reloading() {
  send("RELOADING=1");
}
void Notifier::stopping() {
  send("STOPPING=1");
}
void Notifier::status(const std::string& line) {
  send("STATUS=" + line);
}
void Notifier::watchdog() {
  send("WATCHDOG=1");
}

std::optional<std::chrono::microseconds> Notifier::watchdog_interval() const {
  if (!enabled_) return std::nullopt;
#ifndef _WIN32
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    return std::chrono::microseconds{static_cast<std::int64_t>(usec / 2)};
  }
#endif
  return std::nullopt;
}

}  // namespace dunghan::service
