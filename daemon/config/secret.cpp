#include "config/secret.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/table_reader.h"
#include "log/redact.h"

namespace dunghan::config {
namespace {

std::string strip_trailing_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

std::optional<Secret> read_secret(TableReader& reader, std::string_view key, bool required) {
  const std::string file_key = std::string(key) + "_file";
  const bool has_inline = reader.has(key);
  const bool has_file = reader.has(file_key);
  if (has_inline && has_file) {
    reader.accept(key);
    reader.accept(file_key);
    reader.error(file_key,
                 "give either `" + std::string(key) + "` or `" + file_key + "`, not both");
    return std::nullopt;
  }
  if (has_file) {
    std::optional<std::filesystem::path> path = reader.path_value(file_key);
    if (!path) return std::nullopt;
    std::ifstream in(*path, std::ios::binary);
    if (!in) {
      const int err = errno;
      reader.error(file_key, "cannot read secret file " + path->string() + ": " +
                                 std::strerror(err != 0 ? err : ENOENT));
      return std::nullopt;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    std::string value = strip_trailing_newlines(buf.str());
    if (value.empty()) {
      reader.error(file_key, "secret file " + path->string() + " is empty");
      return std::nullopt;
    }
    log::register_secret(value);
    return Secret(std::move(value), "file " + path->string());
  }
  std::optional<std::string> raw = reader.string(key);
  if (!raw) {
    if (required && !has_inline) {
      reader.error(
          key, "required secret is missing (set `" + std::string(key) + "` or `" + file_key + "`)");
    }
    return std::nullopt;
  }
  if (raw->starts_with("env:")) {
    const std::string name = raw->substr(4);
    const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') {
      reader.error(key, "environment variable " +
                            (name.empty() ? std::string("(empty name)") : name) +
                            " is not set or empty");
      return std::nullopt;
    }
    log::register_secret(value);
    return Secret(value, "env:" + name);
  }
  if (raw->empty()) {
    reader.error(key, "secret is empty");
    return std::nullopt;
  }
  log::register_secret(*raw);
  return Secret(*raw, "inline");
}

}  // namespace dunghan::config
