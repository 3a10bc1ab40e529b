// libFuzzer target: the configuration loader (`dunghan check-config`, `run`, every command):
// TOML text → load_config → a validated Config, or the list of problems.
// The input is written to dunghan.toml in a private temporary folder and loaded from there, as a
// real file is (relative paths inside it resolve against that folder).
// Properties: never throws anything but ConfigError; every diagnostic names the file; a loaded
// configuration has a calendar and a one-paragraph summary.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "config/config.h"
#include "fuzz_check.h"

namespace {

const std::filesystem::path& config_file() {
  static const std::filesystem::path path = [] {
    std::string dir = (std::filesystem::temp_directory_path() / "dunghan-fuzz-config-XXXXXX");
    if (::mkdtemp(dir.data()) == nullptr) std::abort();
    return std::filesystem::path(dir) / "dunghan.toml";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dunghan;
  const std::filesystem::path& path = config_file();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  for (config::EmptyFile empty : {config::EmptyFile::defaults, config::EmptyFile::reject}) {
    try {
      const config::Config cfg = config::load_config(path, empty);
      fuzz::check(cfg.work_calendar != nullptr, "a loaded configuration without its calendar");
      fuzz::check(!config::summary(cfg, cfg.work_calendar.get()).empty(), "empty summary");
    } catch (const config::ConfigError& e) {
      fuzz::check(!e.diagnostics().empty(), "ConfigError without a diagnostic");
      for (const config::Diagnostic& d : e.diagnostics()) {
        fuzz::check(!d.file.empty() && !d.message.empty(), "a diagnostic without file or message");
      }
    }
    // The empty-file rule matters only for a file of blanks.
    if (std::string_view(reinterpret_cast<const char*>(data), size).find_first_not_of(" \t\r\n") !=
        std::string_view::npos) {
      break;
    }
  }
  return 0;
}
