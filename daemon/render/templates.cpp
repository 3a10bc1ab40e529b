#include "render/templates.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <kainjow/mustache.hpp>

namespace dunghan::render {
namespace {

namespace mu = kainjow::mustache;

mu::data to_data(const Values& v) {
  mu::data d;
  for (const auto& [k, s] : v.text) d.set(k, s);
  for (const auto& [k, b] : v.flags)
    d.set(k, b ? mu::data::type::bool_true : mu::data::type::bool_false);
  for (const auto& [k, items] : v.lists) {
    mu::data list{mu::data::type::list};
    for (const Values& item : items) list.push_back(to_data(item));
    d.set(k, list);
  }
  return d;
}

void check_parses(const std::string& name, const std::string& text, const std::string& origin) {
  mu::mustache tmpl{text};
  if (!tmpl.is_valid()) {
    throw std::runtime_error("template " + name + " (" + origin + "): " + tmpl.error_message());
  }
}

}  // namespace

Templates Templates::load(const std::optional<std::filesystem::path>& override_dir) {
  Templates t;
  for (const auto& [name, text] : builtin_templates()) t.text_.emplace(name, text);
  if (override_dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(*override_dir, ec)) {
      if (entry.path().extension() != ".mustache") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      if (!in) throw std::runtime_error("cannot read template " + entry.path().string());
      std::ostringstream buf;
      buf << in.rdbuf();
      t.text_[entry.path().stem().string()] = buf.str();
    }
    if (ec) {
      throw std::runtime_error("cannot read template folder " + override_dir->string() + ": " +
                               ec.message());
    }
  }
  for (const auto& [name, text] : t.text_) {
    check_parses(name, text, override_dir ? override_dir->string() : "built-in");
  }
  return t;
}

bool Templates::has(std::string_view name) const {
  return text_.find(name) != text_.end();
}

std::string Templates::render(std::string_view name, const Values& values, Escape escape,
                              std::string_view prefix) const {
  auto it = text_.end();
  if (!prefix.empty()) it = text_.find(std::string(prefix) + "." + std::string(name));
  if (it == text_.end()) it = text_.find(name);
  if (it == text_.end()) throw std::runtime_error("no template named " + std::string(name));
  mu::mustache tmpl{it->second};
  if (escape == Escape::none) tmpl.set_custom_escape([](const std::string& s) { return s; });
  return tmpl.render(to_data(values));
}

}  // namespace dunghan::render
