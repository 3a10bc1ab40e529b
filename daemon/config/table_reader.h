#pragma once
// Internal to the config module: reads one TOML table against a schema, collecting diagnostics.
// Every key that is read is marked as known; finish() reports the rest as unknown keys, with the
// closest known key as a suggestion. Readers never throw on bad input: they record a diagnostic
// and return nullopt, so that every error of a file is reported in one pass.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "config/diagnostics.h"

namespace dunghan::config {

/// How a reader asked for a key (see KeyObserver).
enum class KeyAccess {
  value,            ///< a scalar or an array of scalars (string(), integer(), one_of(), …)
  table,            ///< subtable()
  array_of_tables,  ///< array_of_tables()
  named_entry,      ///< accept(): a key whose name is data (e.g. the NAME of [channel.NAME])
};

/// Told of every key a reader asks about, whether the file has it or not: the file (as
/// ReadContext::file names it), the key's dotted path ("calendar.season[0].from"), how it was
/// asked for, and for one_of() the allowed values (empty otherwise). The documentation check
/// (tests/config/schema_test.cpp) compares these with the key tables of config/schema.h.
using KeyObserver = void (*)(std::string_view file, std::string_view path, KeyAccess access,
                             const std::vector<std::string>& allowed);

/// Installs `observer` for every TableReader of the process (nullptr: none, the default). Not
/// synchronised: set it before loading, from a test.
void set_key_observer(KeyObserver observer);

/// Shared by every reader of one file.
struct ReadContext {
  std::string file;                // as shown in diagnostics
  std::filesystem::path base_dir;  // relative paths resolve against this folder
  std::vector<Diagnostic> diagnostics;

  void add(const toml::source_region& where, std::string key, std::string message);
};

class TableReader {
 public:
  /// `path` is the dotted path of `table` ("" for the root, "calendar", "calendar.season[0]").
  TableReader(const toml::table& table, std::string path, ReadContext& ctx);

  /// The dotted path of `key` inside this table.
  std::string key_path(std::string_view key) const;
  const std::string& path() const { return path_; }
  ReadContext& context() const { return *ctx_; }
  const toml::table& table() const { return *table_; }
  bool has(std::string_view key) const { return table_->contains(key); }

  /// Each getter marks `key` as known, returns nullopt when it is absent (and records an error when
  /// `required`), and records an error and returns nullopt when its type is wrong.
  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                      bool required = false);
  std::optional<bool> boolean(std::string_view key, bool required = false);
  /// An array of strings; each element's diagnostics name "key[i]".
  std::optional<std::vector<std::string>> string_array(std::string_view key, bool required = false);
  /// A string that must be one of `allowed`; suggests the closest on error.
  std::optional<std::string> one_of(std::string_view key, const std::vector<std::string>& allowed,
                                    bool required = false);
  /// A path, resolved against ctx.base_dir when relative.
  std::optional<std::filesystem::path> path_value(std::string_view key, bool required = false);
  /// `p` resolved against ctx.base_dir when relative (as path_value does).
  std::filesystem::path resolve(const std::filesystem::path& p) const;
  /// A TOML local date, or a "YYYY-MM-DD" string.
  std::optional<toml::date> date(std::string_view key, bool required = false);
  /// A sub-table.
  std::optional<TableReader> subtable(std::string_view key, bool required = false);
  /// An array of tables ([[key]]); each gets a reader with path "key[i]".
  std::vector<TableReader> array_of_tables(std::string_view key);
  /// Marks `key` as known without reading it.
  void accept(std::string_view key);

  /// Where `key` is written (its value's position), or this table's position when absent.
  toml::source_region where(std::string_view key) const;
  /// Records an error about `key` (which need not exist).
  void error(std::string_view key, std::string message) const;
  /// Records an error about element `index` of the array `key`.
  void element_error(std::string_view key, std::size_t index, std::string message) const;

  /// Reports every key of this table that no getter read, with a suggestion.
  void finish() const;

 private:
  const toml::node* node(std::string_view key, KeyAccess access = KeyAccess::value);
  void wrong_type(std::string_view key, std::string_view expected, const toml::node& n) const;

  const toml::table* table_;
  std::string path_;
  ReadContext* ctx_;
  std::set<std::string, std::less<>> known_;
};

/// Human name of a TOML node type: "string", "integer", "table", …
std::string_view type_name(const toml::node& n);

}  // namespace dunghan::config
