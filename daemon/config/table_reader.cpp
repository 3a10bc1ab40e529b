#include "config/table_reader.h"

#include <cstdio>

#include "config/suggest.h"

namespace dunghan::config {
namespace {
KeyObserver g_observer = nullptr;
const std::vector<std::string> kNoChoices;
}  // namespace

void set_key_observer(KeyObserver observer) {
  g_observer = observer;
}

void ReadContext::add(const toml::source_region& where, std::string key, std::string message) {
  diagnostics.push_back(Diagnostic{file, static_cast<int>(where.begin.line),
                                   static_cast<int>(where.begin.column), std::move(key),
                                   std::move(message)});
}

std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    default:
      return "value";
  }
}

TableReader::TableReader(const toml::table& table, std::string path, ReadContext& ctx)
    : table_(&table), path_(std::move(path)), ctx_(&ctx) {}

std::string TableReader::key_path(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

const toml::node* TableReader::node(std::string_view key, KeyAccess access) {
  known_.emplace(key);
  if (g_observer != nullptr) g_observer(ctx_->file, key_path(key), access, kNoChoices);
  return table_->get(key);
}

void TableReader::accept(std::string_view key) {
  known_.emplace(key);
  if (g_observer != nullptr)
    g_observer(ctx_->file, key_path(key), KeyAccess::named_entry, kNoChoices);
}

toml::source_region TableReader::where(std::string_view key) const {
  if (const toml::node* n = table_->get(key)) return n->source();
  return table_->source();
}

void TableReader::error(std::string_view key, std::string message) const {
  ctx_->add(where(key), key_path(key), std::move(message));
}

void TableReader::element_error(std::string_view key, std::size_t index,
                                std::string message) const {
  toml::source_region region = where(key);
  if (const toml::array* arr = table_->get_as<toml::array>(key); arr && index < arr->size()) {
    region = (*arr)[index].source();
  }
  ctx_->add(region, key_path(key) + "[" + std::to_string(index) + "]", std::move(message));
}

void TableReader::wrong_type(std::string_view key, std::string_view expected,
                             const toml::node& n) const {
  error(key, "expected " + std::string(expected) + ", found " + std::string(type_name(n)));
}

std::optional<std::string> TableReader::string(std::string_view key, bool required) {
  const toml::node* n = node(key);
  if (n == nullptr) {
    if (required) error(key, "required key is missing");
    return std::nullopt;
  }
  if (const auto* s = n->as_string()) return s->get();
  wrong_type(key, "a string", *n);
  return std::nullopt;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, std::int64_t min,
                                                 std::int64_t max, bool required) {
  const toml::node* n = node(key);
  if (n == nullptr) {
    if (required) error(key, "required key is missing");
    return std::nullopt;
  }
  const auto* i = n->as_integer();
  if (i == nullptr) {
    wrong_type(key, "an integer", *n);
    return std::nullopt;
  }
  const std::int64_t v = i->get();
  if (v < min || v > max) {
    error(key, "value " + std::to_string(v) + " is out of range " + std::to_string(min) + ".." +
                   std::to_string(max));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> TableReader::boolean(std::string_view key, bool required) {
  const toml::node* n = node(key);
  if (n == nullptr) {
    if (required) error(key, "required key is missing");
    return std::nullopt;
  }
  if (const auto* b = n->as_boolean()) return b->get();
  wrong_type(key, "true or false", *n);
  return std::nullopt;
}

std::optional<std::vector<std::string>> TableReader::string_array(std::string_view key,
                                                                  bool required) {
  const toml::node* n = node(key);
  if (n == nullptr) {
    if (required) error(key, "required key is missing");
    return std::nullopt;
  }
  const auto* arr = n->as_array();
  if (arr == nullptr) {
    wrong_type(key, "an array of strings", *n);
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    if (const auto* s = (*arr)[i].as_string()) {
      out.push_back(s->get());
    } else {
      element_error(key, i, "expected a string, found " + std::string(type_name((*arr)[i])));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> TableReader::one_of(std::string_view key,
                                               const std::vector<std::string>& allowed,
                                               bool required) {
  if (g_observer != nullptr) g_observer(ctx_->file, key_path(key), KeyAccess::value, allowed);
  std::optional<std::string> v = string(key, required);
  if (!v) return std::nullopt;
  for (const std::string& a : allowed) {
    if (*v == a) return v;
  }
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + ("\"" + a + "\"");
  std::string message = "\"" + *v + "\" is not one of " + list;
  if (auto s = closest(*v, allowed)) message += "; did you mean \"" + *s + "\"?";
  error(key, message);
  return std::nullopt;
}

std::optional<std::filesystem::path> TableReader::path_value(std::string_view key, bool required) {
  std::optional<std::string> v = string(key, required);
  if (!v) return std::nullopt;
  if (v->empty()) {
    error(key, "path is empty");
    return std::nullopt;
  }
  std::filesystem::path p(*v);
  if (p.is_relative()) p = ctx_->base_dir / p;
  return p.lexically_normal();
}

std::filesystem::path TableReader::resolve(const std::filesystem::path& p) const {
  return (p.is_relative() ? ctx_->base_dir / p : p).lexically_normal();
}

std::optional<toml::date> TableReader::date(std::string_view key, bool required) {
  const toml::node* n = node(key);
  if (n == nullptr) {
    if (required) error(key, "required key is missing");
    return std::nullopt;
  }
  if (const auto* d = n->as_date()) return d->get();
  if (const auto* s = n->as_string()) {
    unsigned y = 0, m = 0, d = 0;
    char tail = 0;
    if (std::sscanf(s->get().c_str(), "%4u-%2u-%2u%c", &y, &m, &d, &tail) == 3 &&
        s->get().size() == 10) {
      return toml::date{static_cast<uint16_t>(y), static_cast<uint8_t>(m), static_cast<uint8_t>(d)};
    }
    error(key, "\"" + s->get() + "\" is not a date YYYY-MM-DD");
    return std::nullopt;
  }
  wrong_type(key, "a date YYYY-MM-DD", *n);
  return std::nullopt;
}

std::optional<TableReader> TableReader::subtable(std::string_view key, bool required) {
  const toml::node* n = node(key, KeyAccess::table);
  if (n == nullptr) {
    if (required) error(key, "required table is missing");
    return std::nullopt;
  }
  if (const auto* t = n->as_table()) return TableReader(*t, key_path(key), *ctx_);
  wrong_type(key, "a table", *n);
  return std::nullopt;
}

std::vector<TableReader> TableReader::array_of_tables(std::string_view key) {
  std::vector<TableReader> out;
  const toml::node* n = node(key, KeyAccess::array_of_tables);
  if (n == nullptr) return out;
  const auto* arr = n->as_array();
  if (arr == nullptr) {
    wrong_type(key, "an array of tables ([[" + key_path(key) + "]])", *n);
    return out;
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    if (const auto* t = (*arr)[i].as_table()) {
      out.emplace_back(*t, key_path(key) + "[" + std::to_string(i) + "]", *ctx_);
    } else {
      element_error(key, i, "expected a table, found " + std::string(type_name((*arr)[i])));
    }
  }
  return out;
}

void TableReader::finish() const {
  std::vector<std::string> known(known_.begin(), known_.end());
  for (const auto& [k, v] : *table_) {
    const std::string_view name = k.str();
    if (known_.contains(name)) continue;
    std::string message = "unknown key";
    if (auto s = closest(name, known)) message += "; did you mean `" + *s + "`?";
    const toml::source_region& region = k.source().begin.line != 0 ? k.source() : v.source();
    ctx_->add(region, key_path(name), message);
  }
}

}  // namespace dunghan::config
