// The documented keys (config/schema.cpp, the source of dunghan.toml(5)) against what the loader
// really reads. Files are built from the documentation itself — every documented table with every
// documented key set to its example, once per value of a discriminating key such as a channel's
// `type` — and loaded with a KeyObserver installed. The test fails when the loader asks for a key
// that is not documented, when a documented key is never asked for, when a documented list of
// choices differs from the loader's, or when an example is refused.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config.h"
#include "config/schedule_file.h"
#include "config/schema.h"
#include "config/table_reader.h"
#include "support/temp_dir.h"

namespace dunghan::config {
namespace {

/// A table's key parent → the `when` chosen for it in one probe file ("type=email").
using Variant = std::map<std::string, std::string>;

struct Seen {
  std::string path;
  KeyAccess access;
  std::vector<std::string> allowed;
  Variant variant;  // of the file being read
};
std::vector<Seen>* g_seen = nullptr;
const Variant* g_variant = nullptr;
std::string g_file;  // only keys of this file are recorded (not those of the built-in schedule)

void observe(std::string_view file, std::string_view path, KeyAccess access,
             const std::vector<std::string>& allowed) {
  if (g_seen != nullptr && file == g_file) {
    g_seen->push_back({std::string(path), access, allowed, *g_variant});
  }
}

/// One documented file format: its key table and how to load a file of it.
struct Format {
  std::span<const KeyDoc> docs;
  void (*load)(const std::filesystem::path&);
  const char* source;  // where the table lives, for messages
  const char* sample;  // the annotated sample file that shows every key
};
const Format kConfigFormat{key_docs(), [](const std::filesystem::path& p) { load_config(p); },
                           "daemon/config/schema.cpp (key_docs)", "config/dunghan.toml"};
const Format kScheduleFormat{
    schedule_key_docs(), [](const std::filesystem::path& p) { load_schedule_file(p); },
    "daemon/config/schema.cpp (schedule_key_docs)", "config/holidays/vn.toml"};

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find(sep, start), s.size());
    out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool is_table(const KeyDoc& d) {
  return d.type == "table" || d.type == "array of tables" || d.type == "named tables";
}

/// "calendar.season[]" matches "calendar.season[0]"; "<name>" matches any one segment.
bool path_matches(std::string_view doc, std::string_view actual) {
  const auto a = split(doc, '.');
  const auto b = split(actual, '.');
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == "<name>") continue;
    if (a[i].ends_with("[]")) {
      const std::string stem = a[i].substr(0, a[i].size() - 2) + "[";
      if (!b[i].starts_with(stem) || !b[i].ends_with("]")) return false;
      continue;
    }
    if (a[i] != b[i]) return false;
  }
  return true;
}

std::string_view parent_of(std::string_view path) {
  const auto dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
}

/// The path that a table's keys have as their parent: "rule[]", "channel.<name>", "store".
std::string key_parent(const KeyDoc& table) {
  if (table.type == "array of tables") return std::string(table.path) + "[]";
  if (table.type == "named tables") return std::string(table.path) + ".<name>";
  return std::string(table.path);
}

/// The documented path as written in a file: "[]" dropped, "<name>" → the named table's example.
std::string concrete(std::span<const KeyDoc> docs, std::string_view path) {
  std::string out;
  std::string sofar;
  for (const std::string& seg : split(path, '.')) {
    std::string s = seg;
    if (s == "<name>") {
      for (const KeyDoc& d : docs) {
        if (d.type == "named tables" && d.path == sofar) s = std::string(d.example);
      }
    }
    sofar += (sofar.empty() ? "" : ".") + seg;
    if (s.ends_with("[]")) s.resize(s.size() - 2);
    out += (out.empty() ? "" : ".") + s;
  }
  return out;
}

/// Keys that cannot be given together: the probe files give `together` (without `instead`) in one
/// file of their own, and `instead` (without `together`) in all the others.
struct Alternative {
  std::vector<std::string_view> together;
  std::vector<std::string_view> instead;
};
const std::vector<Alternative> kAlternatives{
    // An agency database on a server, or the SQLite file of [store] path (loader.cpp, read_store).
    {{"store.mapping.url", "store.mapping.password"}, {"store.path"}},
};
/// The Variant entry that selects kAlternatives[i] (no table is named like it).
std::string alternative_marker(std::size_t i) {
  return "!alternative " + std::to_string(i);
}
/// False when `path` is left out of the probe file of `variant` (kAlternatives).
bool given_in(const Variant& variant, std::string_view path) {
  for (std::size_t i = 0; i < kAlternatives.size(); ++i) {
    const Alternative& a = kAlternatives[i];
    const bool chosen = variant.contains(alternative_marker(i));
    const auto in = [&](const std::vector<std::string_view>& list) {
      return std::find(list.begin(), list.end(), path) != list.end();
    };
    if (in(a.together) && !chosen) return false;
    if (in(a.instead) && chosen) return false;
  }
  return true;
}

/// A file with every documented table and key, with the `when` of `variant` for the tables that
/// have some.
std::string probe_file(std::span<const KeyDoc> docs, const Variant& variant) {
  std::string out;
  for (const KeyDoc& t : docs) {
    if (!is_table(t)) continue;
    if (!t.when.empty()) {  // a table that applies only when its parent table's key has a value
      const auto of_parent = variant.find(std::string(parent_of(t.path)));
      if (of_parent == variant.end() || of_parent->second != t.when) continue;
    }
    const std::string parent = key_parent(t);
    if (t.type == "array of tables") {
      out += "[[" + concrete(docs, t.path) + "]]\n";
    } else {
      out += "[" + concrete(docs, parent) + "]\n";
    }
    const auto chosen = variant.find(parent);
    for (const KeyDoc& k : docs) {
      if (is_table(k) || parent_of(k.path) != parent) continue;
      if (!k.when.empty() && (chosen == variant.end() || chosen->second != k.when)) continue;
      if (!given_in(variant, k.path)) continue;
      const std::string name(k.path.substr(parent.size() + 1));
      std::string value(k.example);
      if (chosen != variant.end()) {
        const auto eq = chosen->second.find('=');
        if (name == chosen->second.substr(0, eq))
          value = "\"" + chosen->second.substr(eq + 1) + "\"";
      }
      out += name + " = " + value + "\n";
    }
    out += "\n";
  }
  return out;
}

/// Every file to load: the first `when` of each discriminated table, then each other one, then one
/// per kAlternatives entry.
std::vector<Variant> probe_variants(std::span<const KeyDoc> docs) {
  std::map<std::string, std::vector<std::string>> whens;
  for (const KeyDoc& k : docs) {
    if (k.when.empty()) continue;
    auto& list = whens[std::string(parent_of(k.path))];
    if (std::find(list.begin(), list.end(), k.when) == list.end()) list.emplace_back(k.when);
  }
  Variant base;
  for (const auto& [parent, list] : whens) base[parent] = list.front();
  std::vector<Variant> variants{base};
  for (const auto& [parent, list] : whens) {
    for (std::size_t i = 1; i < list.size(); ++i) {
      Variant v = base;
      v[parent] = list[i];
      variants.push_back(v);
    }
  }
  for (std::size_t i = 0; i < kAlternatives.size(); ++i) {
    Variant v = base;
    v[alternative_marker(i)] = "given";
    variants.push_back(v);
  }
  return variants;
}

/// Sets every environment variable an example names as "env:NAME".
void set_example_environment(std::span<const KeyDoc> docs) {
  for (const KeyDoc& k : docs) {
    const auto at = k.example.find("\"env:");
    if (at == std::string_view::npos) continue;
    const auto end = k.example.find('"', at + 5);
    const std::string name(k.example.substr(at + 5, end - at - 5));
    ::setenv(name.c_str(), "probe-secret-value", 1);
  }
}

/// The loader refuses a `*_file` key (TLS certificate, users file) whose file does not exist:
/// each such example path ("/etc/dunghan/tls/cert.pem") is replaced in `text` by an empty file
/// created in `dir`.
std::string with_example_files(std::span<const KeyDoc> docs, std::string text,
                               testing::TempDir& dir) {
  for (const KeyDoc& k : docs) {
    if (!k.path.ends_with("_file") || k.type != "string" || !k.example.starts_with("\"/")) continue;
    std::string name(k.example.substr(2, k.example.size() - 3));
    std::replace(name.begin(), name.end(), '/', '_');
    const std::string file = dir.write(name, "").string();
    for (auto at = text.find(k.example); at != std::string::npos; at = text.find(k.example, at)) {
      text.replace(at, k.example.size(), "\"" + file + "\"");
      at += file.size() + 2;
    }
  }
  return text;
}

/// Where a missing key's documentation goes: after the last documented key of the same table
/// (or the nearest enclosing one), so that the failure says exactly where to write the line.
std::string where_to_add(const Format& format, std::string_view path) {
  for (std::string_view parent = parent_of(path);; parent = parent_of(parent)) {
    const KeyDoc* last = nullptr;
    for (const KeyDoc& d : format.docs) {
      const bool its_table = is_table(d) && path_matches(key_parent(d), parent);
      if (its_table || (!is_table(d) && path_matches(parent_of(d.path), parent))) last = &d;
    }
    const std::string table = parent.empty() ? "the top level" : "[" + std::string(parent) + "]";
    if (last != nullptr || parent.empty()) {
      return std::string(format.source) + ", in the " + table + " block" +
             (last ? " after the line of `" + std::string(last->path) + "`" : std::string()) +
             " (a KeyDoc: path, type, default, description, example), and a commented line to " +
             table + " in the annotated sample " + format.sample;
    }
  }
}

/// Loads each probe file with the observer on; every load must be free of diagnostics.
std::vector<Seen> read_every_probe(const Format& format) {
  set_example_environment(format.docs);
  testing::TempDir dir;
  std::vector<Seen> seen;
  g_seen = &seen;
  set_key_observer(&observe);
  for (const Variant& variant : probe_variants(format.docs)) {
    const std::string text = with_example_files(format.docs, probe_file(format.docs, variant), dir);
    g_variant = &variant;
    const auto file = dir.write("probe.toml", text);
    g_file = file.string();
    try {
      format.load(file);
    } catch (const ConfigError& e) {
      std::string list;
      for (const Diagnostic& d : e.diagnostics()) list += "  " + to_string(d) + "\n";
      ADD_FAILURE() << "the documented examples (" << format.source << ") do not load:\n"
                    << list << "in this file:\n"
                    << text;
    }
  }
  set_key_observer(nullptr);
  g_seen = nullptr;
  g_variant = nullptr;
  return seen;
}

/// The documentation of what `s` read: same path, and the `when` of the file it was read from.
const KeyDoc* documentation_of(std::span<const KeyDoc> docs, const Seen& s) {
  for (const KeyDoc& d : docs) {
    if (s.access == KeyAccess::named_entry && d.type == "named tables" &&
        path_matches(key_parent(d), s.path)) {
      return &d;
    }
    if (!path_matches(d.path, s.path)) continue;
    if (!d.when.empty()) {
      const auto v = s.variant.find(std::string(parent_of(d.path)));
      if (v == s.variant.end() || v->second != d.when) continue;
    }
    return &d;
  }
  // KEY_file of a secret KEY.
  if (s.path.ends_with("_file")) {
    const std::string stem = s.path.substr(0, s.path.size() - 5);
    for (const KeyDoc& d : docs) {
      if (d.type == "secret" && path_matches(d.path, stem)) return &d;
    }
  }
  return nullptr;
}

void expect_every_key_read_is_documented(const Format& format) {
  const std::vector<Seen> seen = read_every_probe(format);
  ASSERT_FALSE(seen.empty()) << "the key observer saw nothing";
  std::set<std::string> reported;
  for (const Seen& s : seen) {
    const KeyDoc* d = documentation_of(format.docs, s);
    if (d == nullptr) {
      if (reported.insert(s.path).second) {
        ADD_FAILURE() << "the loader reads `" << s.path
                      << "`, which dunghan.toml(5) does not document: add it to "
                      << where_to_add(format, s.path);
      }
      continue;
    }
    const bool doc_table = d->type == "table" || d->type == "named tables";
    if (s.access != KeyAccess::named_entry && (s.access == KeyAccess::table) != doc_table) {
      ADD_FAILURE() << "`" << s.path << "` is documented as " << d->type << " but read as a "
                    << (s.access == KeyAccess::table ? "table" : "value");
    }
    if ((s.access == KeyAccess::array_of_tables) != (d->type == "array of tables")) {
      ADD_FAILURE() << "`" << s.path << "`: an array of tables in the loader or in the "
                    << "documentation, not both";
    }
    if (!s.allowed.empty()) {
      const auto documented = split(d->choices, ' ');
      EXPECT_EQ(std::set<std::string>(documented.begin(), documented.end()),
                std::set<std::string>(s.allowed.begin(), s.allowed.end()))
          << "the choices documented for `" << d->path << "` differ from the loader's";
    }
  }
}

void expect_every_documented_key_read(const Format& format) {
  const std::vector<Seen> seen = read_every_probe(format);
  for (const KeyDoc& d : format.docs) {
    const bool read = std::any_of(seen.begin(), seen.end(), [&](const Seen& s) {
      return documentation_of(format.docs, s) == &d;
    });
    EXPECT_TRUE(read) << "dunghan.toml(5) documents `" << d.path
                      << "`, which the loader never reads (a stale line in " << format.source
                      << "?)";
    if (!d.choices.empty()) {
      const bool checked = std::any_of(seen.begin(), seen.end(), [&](const Seen& s) {
        return !s.allowed.empty() && documentation_of(format.docs, s) == &d;
      });
      EXPECT_TRUE(checked) << "`" << d.path << "` documents choices but the loader reads it as "
                           << "a free string";
    }
  }
}

TEST(ConfigSchema, EveryKeyTheLoaderReadsIsDocumented) {
  expect_every_key_read_is_documented(kConfigFormat);
}

TEST(ConfigSchema, EveryDocumentedKeyIsRead) {
  expect_every_documented_key_read(kConfigFormat);
}

TEST(ConfigSchema, EveryKeyOfAScheduleFileIsDocumented) {
  expect_every_key_read_is_documented(kScheduleFormat);
}

TEST(ConfigSchema, EveryDocumentedKeyOfAScheduleFileIsRead) {
  expect_every_documented_key_read(kScheduleFormat);
}

TEST(ConfigSchema, EveryEntryHasADescriptionAndEveryKeyAnExample) {
  std::vector<KeyDoc> all(key_docs().begin(), key_docs().end());
  all.insert(all.end(), schedule_key_docs().begin(), schedule_key_docs().end());
  for (const KeyDoc& d : all) {
    EXPECT_FALSE(d.description.empty()) << d.path;
    EXPECT_FALSE(d.type.empty()) << d.path;
    if (!is_table(d)) {
      EXPECT_FALSE(d.example.empty()) << d.path;
    }
    if (!d.choices.empty() && !d.default_value.starts_with('(')) {
      const auto c = split(d.choices, ' ');
      const std::string def(d.default_value.substr(1, d.default_value.size() - 2));
      EXPECT_NE(std::find(c.begin(), c.end(), def), c.end())
          << d.path << ": the default is not one of the choices";
    }
  }
}

TEST(ConfigSchema, TheManualPagesExampleLoads) {
  testing::TempDir dir;
  const auto password = dir.write("smtp.pass", "not-a-real-password\n");
  std::string text(example_config());
  const std::string from = "/etc/dunghan/smtp.pass";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), password.string());
  const auto file = dir.write("dunghan.toml", text);
  try {
    const Config c = load_config(file);
    EXPECT_EQ(c.rules.size(), 3u);
    EXPECT_EQ(c.channels.size(), 1u);
  } catch (const ConfigError& e) {
    for (const Diagnostic& d : e.diagnostics()) ADD_FAILURE() << to_string(d);
  }
}

}  // namespace
}  // namespace dunghan::config
