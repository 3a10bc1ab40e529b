#pragma once
// The configuration file's keys, documented in one table: the manual page dunghan.toml(5)
// (`dunghan help --man 5`) is generated from it, and tests/config/schema_test.cpp checks it
// against what the loader really reads — every key a reader asks for must be here, every key here
// must be read, and every example must load without a diagnostic. A new key: one line here, beside
// its section (and a line in the annotated sample config/dunghan.toml).

#include <span>
#include <string_view>

namespace dunghan::config {

struct KeyDoc {
  /// Dotted path from the top of the file. "[]" marks the element of an array of tables
  /// ("calendar.season[].from"), "<name>" a table name the admin chooses ("channel.<name>.url").
  std::string_view path;
  /// "string", "integer", "boolean", "date", "array of strings", "secret" (also `KEY_file` and
  /// "env:NAME"), "table", "array of tables" ([[path]]), or "named tables" ([path.NAME]).
  std::string_view type;
  /// The default, written as TOML, or a phrase in parentheses: "(required)", "(none)".
  std::string_view default_value;
  /// What the key does (English; sentences).
  std::string_view description;
  /// A TOML value the loader accepts. Tables: empty. Named tables: the example NAME.
  std::string_view example;
  /// The allowed values of a string with a fixed set, separated by spaces (the test compares them
  /// with the loader's); empty otherwise.
  std::string_view choices = {};
  /// The key applies only when a key of the same table has a value: "type=email". Empty: always.
  std::string_view when = {};
};

/// Every documented key and table of dunghan.toml, in the order of the manual page (tables
/// before their keys).
std::span<const KeyDoc> key_docs();

/// The same for a holiday schedule file (config/holidays/vn.toml, `[calendar] schedules`).
std::span<const KeyDoc> schedule_key_docs();

/// A short complete configuration for the manual page's EXAMPLE section; the test loads it.
std::string_view example_config();

}  // namespace dunghan::config
