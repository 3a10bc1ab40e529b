#pragma once
// Shared by the config tests: the diagnostics of loading one file.

#include <filesystem>
#include <vector>

#include "config/config.h"

namespace dunghan::config {

/// Every diagnostic load_config reports for `file`; empty when the file loads.
inline std::vector<Diagnostic> errors_of(const std::filesystem::path& file) {
  try {
    load_config(file);
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  return {};
}

}  // namespace dunghan::config
