#include "store/store.h"

#include <charconv>

#include "store/mapped_store.h"
#include "store/pg_store.h"
#include "store/sqlite_store.h"
#include "text/normalize.h"

namespace dunghan::store {

std::filesystem::path resolve_store_path(const std::filesystem::path& configured,
                                         const std::filesystem::path& state_dir) {
  if (!configured.empty()) return configured;
  return state_dir / "dossiers.db";
}

std::string to_string(const StoreIdentity& identity) {
  return "id=" + (identity.id.empty() ? std::string("-") : identity.id) +
         " location=" + (identity.location.empty() ? std::string("-") : identity.location);
}

namespace {

std::string instant_text(const std::optional<Instant>& t) {
  return t ? std::to_string(t->time_since_epoch().count()) : std::string("-");
}

/// The next blank-separated word of `text` (advancing it); empty at the end.
std::string_view next_word(std::string_view& text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  const std::size_t end = std::min(text.find(' '), text.size());
  const std::string_view word = text.substr(0, end);
  text.remove_prefix(end);
  return word;
}

bool parse_int(std::string_view word, std::int64_t& out) {
  const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), out);
  return ec == std::errc() && ptr == word.data() + word.size();
}

}  // namespace

std::string to_text(const ChangeCursor& c) {
  std::string s = std::to_string(c.version);
  if (c.updated_since || c.events_since) {
    s += " " + instant_text(c.updated_since) + " " + instant_text(c.events_since);
  }
  return s;
}

ChangeCursor parse_cursor(std::string_view text) {
  ChangeCursor c;
  std::int64_t v = 0;
  if (!parse_int(next_word(text), v)) return {};
  c.version = v;
  std::optional<Instant>* parts[] = {&c.updated_since, &c.events_since};
  for (std::optional<Instant>* part : parts) {
    const std::string_view word = next_word(text);
    if (word.empty() || word == "-") continue;
    if (!parse_int(word, v)) return {};
    *part = Instant{std::chrono::seconds{v}};
  }
  return c;
}

DossierFilter composed(DossierFilter filter) {
  if (filter.department) filter.department = text::to_nfc(*filter.department);
  return filter;
}

bool matches(const DossierFilter& filter, const deadline::Dossier& d) {
  const bool open = !deadline::is_closed(d.status);
  if (filter.open_only && !open) return false;
  if (filter.received_at_or_before && d.received_at > *filter.received_at_or_before) return false;
  if (filter.not_closed_before && !open) {
    const auto closed = deadline::closed_at(d);
    if (closed && *closed < *filter.not_closed_before) return false;
  }
  if (filter.department && d.department != *filter.department) return false;
  return true;
}

std::unique_ptr<DossierReader> open_reader(const StoreSettings& settings) {
  if (settings.mapping) return std::make_unique<MappedStore>(settings);
  if (settings.server) return std::make_unique<PgStore>(settings);
  return std::make_unique<SqliteStore>(settings);
}

std::unique_ptr<DossierStore> open_store(const StoreSettings& settings) {
  if (settings.server && !settings.mapping) return std::make_unique<PgStore>(settings);
  return std::make_unique<SqliteStore>(settings);
}

}  // namespace dunghan::store
