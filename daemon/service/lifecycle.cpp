// Lifecycle names, in a file of their own so that the Windows cross-compile check can link them
// without the daemon (which needs libcurl, SQLite and OpenSSL).
#include "service/daemon.h"

namespace dunghan::service {

std::string_view to_string(Lifecycle l) {
  switch (l) {
    case Lifecycle::starting:
      return "starting";
    case Lifecycle::running:
      return "running";
    case Lifecycle::reloading:
      return "reloading";
    case Lifecycle::stopping:
      return "stopping";
    case Lifecycle::stopped:
      return "stopped";
  }
  return "stopped";
}

}  // namespace dunghan::service
