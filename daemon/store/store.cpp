#include "store/store.h"

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
