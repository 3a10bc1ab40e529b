#pragma once
// The message templates: the defaults compiled in from config/templates/*.mustache, overridden by
// files of the same name (NAME.mustache) in an admin's folder. A rule with a template prefix P
// uses "P.NAME" when it exists, else "NAME".

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dunghan::render {

/// Template names → text, from config/templates at build time.
const std::map<std::string, std::string>& builtin_templates();

/// How values are escaped when substituted.
enum class Escape { none, html };

/// Values for one rendering: strings, booleans (sections) and lists of value maps (sections over
/// items).
struct Values {
  std::map<std::string, std::string> text;
  std::map<std::string, bool> flags;
  std::map<std::string, std::vector<Values>> lists;
};

class Templates {
 public:
  /// The built-in set, overridden by `override_dir`/*.mustache when given. Throws
  /// std::runtime_error naming the file and the mustache error for a template that does not parse.
  static Templates load(const std::optional<std::filesystem::path>& override_dir);

  /// True when `name` exists.
  bool has(std::string_view name) const;
  /// Renders `name` (or `prefix`.`name` when that exists and prefix is not empty). Throws
  /// std::runtime_error when neither exists.
  std::string render(std::string_view name, const Values& values, Escape escape,
                     std::string_view prefix = {}) const;

 private:
  std::map<std::string, std::string, std::less<>> text_;
};

}  // namespace dunghan::render
