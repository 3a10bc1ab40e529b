#include "log/redact.h"

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace dunghan::log {
namespace {

struct Registry {
  std::shared_mutex mutex;
  std::vector<std::string> secrets;  // longest first, so a secret containing another wins
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void register_secret(std::string_view secret) {
  if (secret.size() < 4) return;
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  if (std::find(r.secrets.begin(), r.secrets.end(), secret) != r.secrets.end()) return;
  r.secrets.emplace_back(secret);
  std::stable_sort(r.secrets.begin(), r.secrets.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string redact(std::string_view text) {
  std::string out(text);
  Registry& r = registry();
  std::shared_lock lock(r.mutex);
  for (const std::string& s : r.secrets) {
    std::size_t pos = 0;
    while ((pos = out.find(s, pos)) != std::string::npos) {
      out.replace(pos, s.size(), kRedacted);
      pos += kRedacted.size();
    }
  }
  return out;
}

void clear_secrets_for_testing() {
  Registry& r = registry();
  std::unique_lock lock(r.mutex);
  r.secrets.clear();
}

}  // namespace dunghan::log
