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

namespace {

bool scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.';
}
bool letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool ends_authority(char c) {
  return c == '/' || c == '?' || c == '#' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
         c == '"' || c == '\'' || c == '<' || c == '>';
}

}  // namespace

std::string redact_url_userinfo(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (std::size_t sep = text.find("://"); sep != std::string_view::npos;
       sep = text.find("://", sep + 3)) {
    std::size_t scheme = sep;
    while (scheme > 0 && scheme_char(text[scheme - 1])) --scheme;
    while (scheme < sep && !letter(text[scheme])) ++scheme;  // a scheme starts with a letter
    if (scheme == sep) continue;
    const std::size_t start = sep + 3;
    std::size_t end = start;
    while (end < text.size() && !ends_authority(text[end])) ++end;
    const std::size_t at = text.substr(start, end - start).rfind('@');
    if (at == std::string_view::npos || start < copied) continue;
    out.append(text.substr(copied, start - copied));
    out.append(kRedacted);
    copied = start + at;  // from the '@' on
  }
  out.append(text.substr(copied));
  return out;
}

std::string redact(std::string_view text) {
  std::string out = redact_url_userinfo(text);
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
