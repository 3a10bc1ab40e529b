#pragma once
// MappedStore: an agency's existing SQLite database read through `[store.mapping]` queries that
// return dunghan's canonical columns (store.h, Mapping). The file is opened with
// SQLite::OPEN_READONLY, `PRAGMA query_only` and the busy timeout of the settings; nothing is ever
// written to it (not even a schema or a journal).
//
// How the queries are used (Q = the mapping's dossiers query, E = its events query):
//  - for_each: `SELECT * FROM (Q) ORDER BY CAST(code AS TEXT)` and the same over E, merged by code
//    (SQLite sorts, possibly in temporary files; memory stays bounded). The filter is applied
//    after decoding (the foreign schema's indexes are unknown).
//  - read_changed: Q with :since = the cursor (a dossier whose updated_at equals the cursor is
//    read again next time: harmless, visits are idempotent); without :since in Q, every row is
//    read and those with updated_at before the cursor are skipped. Events are fetched for the
//    dossiers read, 500 codes at a time (`… WHERE CAST(code AS TEXT) IN (…)`), as are the
//    `also_codes`.
//  - get: Q and E restricted to one code the same way.
// Without an events query, every dossier has no events.

#include <memory>

#include "store/store.h"

namespace dunghan::store {

class MappedStore final : public DossierReader {
 public:
  /// Opens `settings.path` read-only and prepares the mapping queries. Throws StoreError when the
  /// file does not exist or cannot be opened, when a query does not compile, or when a query lacks
  /// a required column (dossiers: code, received_at, status; events: code, at, kind).
  explicit MappedStore(const StoreSettings& settings);
  ~MappedStore() override;
  MappedStore(const MappedStore&) = delete;
  MappedStore& operator=(const MappedStore&) = delete;

  std::optional<StoredDossier> get(std::string_view code) override;
  std::int64_t count() override;
  ReadSummary for_each(const DossierFilter& filter, const DossierVisitor& visit) override;
  ChangedRead read_changed(const ChangeCursor& since, std::span<const std::string> also_codes,
                           const DossierVisitor& visit) override;
  bool read_only() const override { return true; }
  /// id: empty (dunghan never writes into the database); location: "file:DEVICE:INODE". Another
  /// file at the path is opened and its queries prepared again.
  StoreIdentity identity() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dunghan::store
