#include "config/diagnostics.h"

#include "log/redact.h"

namespace dunghan::config {

std::string to_string(const Diagnostic& d) {
  std::string out = d.file;
  if (d.line > 0) {
    out += ':' + std::to_string(d.line);
    if (d.column > 0) out += ':' + std::to_string(d.column);
  }
  out += ": ";
  if (!d.key.empty()) out += "key `" + d.key + "`: ";
  out += d.message;
  return log::redact(out);
}

namespace {
std::string join(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds) {
    if (!out.empty()) out += '\n';
    out += to_string(d);
  }
  return out;
}
}  // namespace

ConfigError::ConfigError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace dunghan::config
