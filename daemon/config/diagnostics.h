#pragma once
// Configuration diagnostics: every problem found in a file, with where and which key.

#include <stdexcept>
#include <string>
#include <vector>

namespace dunghan::config {

struct Diagnostic {
  std::string file;     // the file as given (may be relative); "built-in" for compiled-in data
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string key;      // dotted path, e.g. "calendar.sessions[1]"; empty for syntax errors
  std::string message;  // English, one sentence, no secret values
};

/// "FILE:LINE:COLUMN: key `KEY`: MESSAGE" (parts left out when unknown).
std::string to_string(const Diagnostic& d);

/// Thrown by the loaders with every diagnostic found (never just the first).
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace dunghan::config
