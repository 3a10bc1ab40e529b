#pragma once
// PgStore: dunghan's own dossier store on PostgreSQL (`[store] kind = "postgresql"`), read-write,
// the same contract as SqliteStore (store.h) — `store init`, `import`, `status`, `report`,
// `audit` and the daemon work the same on either.
//
// Schema (component "store" of pg/schema.h, created and migrated under an advisory lock on each
// connect), in the connection's current schema:
//   dossiers(id bigint identity, code text UNIQUE, the canonical text fields, channel,
//            received_at timestamp, duration text, due_at timestamp, status, resolved_at
//            timestamp, updated_at timestamp, open boolean, version bigint)
//   events(seq bigint identity, dossier_id → dossiers.id, at timestamp, kind, new_due_at
//          timestamp, note, UNIQUE(dossier_id, at, kind))
//   store_meta(key, value): 'row_version' (the last version handed out), 'store_id' (a random id
//          made with the schema)
// Timestamps are local wall times at StoreSettings::offset (`timestamp without time zone`), so
// SQL sees the same times as people, like the SQLite store's text.
//
// Row versions: a write transaction that changes something takes the next 'row_version' (the
// row is locked until it commits, so versions are handed out in commit order) and stamps it on
// every dossier it changed or whose events it changed; read_changed() reads the counter and the
// rows in one REPEATABLE READ snapshot.
//
// Walks stream: two server-side cursors (dossiers by id, events by dossier id) fetched in batches
// and merged, so memory stays flat in the number of rows.
//
// Identity (DossierReader::identity()): the random 'store_id' of store_meta (made with the schema,
// kept by a dump and restore) and where it lives now: the cluster's system identifier and the
// OIDs of the database and of the schema, all new when a database or schema is dropped and
// restored or a new cluster answers at the same address.
//
// Connection: lazy (a server down at start is reported by the first read, StoreError naming the
// server; the next call connects again). One PgStore is one connection; calls are serialised.

#include <memory>

#include "store/store.h"

namespace dunghan::pg {
class Session;
}

namespace dunghan::store {

class PgStore final : public DossierStore {
 public:
  /// `settings.server` must be set. Does not connect yet.
  explicit PgStore(const StoreSettings& settings);
  ~PgStore() override;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

  /// The schema version this program creates and understands.
  static int latest_schema_version();
  /// Connects (when not connected) and returns the database's store schema version (==
  /// latest_schema_version() once connected). Throws StoreError.
  int schema_version();
  /// The server and database, as describe() shows them (no password).
  const std::string& description() const;

  std::optional<StoredDossier> get(std::string_view code) override;
  std::int64_t count() override;
  ReadSummary for_each(const DossierFilter& filter, const DossierVisitor& visit) override;
  ChangedRead read_changed(const ChangeCursor& since, std::span<const std::string> also_codes,
                           const DossierVisitor& visit) override;
  /// id: the store's random 'store_id' (kept by pg_dump and pg_restore); location:
  /// "pg:SYSTEM_IDENTIFIER/DATABASE_OID/SCHEMA_OID" of the server reached now, so that a database
  /// or schema dropped and restored, or another cluster at the same address, is noticed (the
  /// session reconnects by itself after a lost connection). One round trip. Throws StoreError.
  StoreIdentity identity() override;
  bool read_only() const override { return false; }
  WriteResult upsert(std::span<const deadline::Dossier> dossiers,
                     std::span<const deadline::Event> events) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dunghan::store
