#pragma once
// Secrets from the configuration. Any secret key `k` may be written three ways:
//   k = "the value"              (inline; allowed, but discouraged in the sample)
//   k = "env:NAME"               (from the environment variable NAME)
//   k_file = "/etc/dunghan/k"    (from a file; trailing newlines dropped; relative to the config)
// Every value read is registered with log::register_secret, so it can never reach a log line.

#include <optional>
#include <string>
#include <string_view>

namespace dunghan::config {

class TableReader;

class Secret {
 public:
  Secret(std::string value, std::string origin)
      : value_(std::move(value)), origin_(std::move(origin)) {}
  /// The secret itself. Never log it or put it in an error message.
  const std::string& reveal() const { return value_; }
  /// Where it came from, safe to show: "inline", "env:NAME" or "file /etc/dunghan/k".
  const std::string& origin() const { return origin_; }

 private:
  std::string value_;
  std::string origin_;
};

/// Reads secret `key` (and `key`_file) from `reader`. Records a diagnostic (naming the key and,
/// for files, the path and the OS reason; never the value) and returns nullopt when both forms
/// are given, the variable is unset or empty, or the file is unreadable or empty.
std::optional<Secret> read_secret(TableReader& reader, std::string_view key, bool required = false);

}  // namespace dunghan::config
