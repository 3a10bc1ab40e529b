#pragma once
// CachedReader: a DossierReader in front of a store that can become unreachable (an agency's own
// database, MappedStore), so that alerts already planned still go out while it is down.
//
// Every dossier read through it while it is open is kept — its latest copy, with its events — in
// a small SQLite file of dunghan's state directory (dossier-cache.db); a dossier read closed is
// dropped. When the store cannot be read (any StoreError):
//  - get() answers from the copy, so the dispatcher's revalidation passes and the alert is sent
//    with the dossier as it was last read (a dossier resolved during the outage may still get
//    its alert; one never read while open has no copy: get() throws, the alert waits);
//  - read_changed() visits the copies of the `also_codes` (the dossiers whose next alert time has
//    come, so repeated stages such as "overdue, every working day" keep being planned), returns
//    the cursor unchanged and sets ReadSummary::unavailable to the reason;
//  - for_each() visits the copies that match the filter, also with `unavailable` set.
// After a failure, get() does not try the store again until the next read_changed() or
// for_each() succeeds (one attempt per cycle, not one per alert). count() is not cached.
// The copies belong to one database: when identity() (checked at each read_changed) changes, they
// are dropped.

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"

namespace dunghan::store {

class CachedReader final : public DossierReader {
 public:
  /// Reads through `inner`; keeps the copies in `cache_file` (created with its folder when
  /// missing). Throws StoreError when that file cannot be opened or created.
  CachedReader(std::unique_ptr<DossierReader> inner, const std::filesystem::path& cache_file);
  ~CachedReader() override;
  CachedReader(const CachedReader&) = delete;
  CachedReader& operator=(const CachedReader&) = delete;

  std::optional<StoredDossier> get(std::string_view code) override;
  std::int64_t count() override;
  ReadSummary for_each(const DossierFilter& filter, const DossierVisitor& visit) override;
  ChangedRead read_changed(const ChangeCursor& since, std::span<const std::string> also_codes,
                           const DossierVisitor& visit) override;
  bool read_only() const override;
  /// The inner store's identity; while it cannot be read, the last one it gave.
  StoreIdentity identity() override;

  /// The number of dossiers kept (for tests and `store check`).
  std::int64_t cached() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dunghan::store
