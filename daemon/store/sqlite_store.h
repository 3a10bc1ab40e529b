#pragma once
// SqliteStore: dunghan's own dossier store, one SQLite file (docs/design.md "Scale").
//
// The program creates and migrates the file itself: a `schema_version` table holds the version,
// and a forward-only list of migrations brings any older file up to date in one transaction each
// (opening is idempotent). The file is put in WAL mode (readers do not block the writer) with
// synchronous=NORMAL.
//
// Schema (versions 1 to 3):
//   dossiers(id INTEGER PRIMARY KEY, code TEXT UNIQUE, the canonical text fields, channel,
//            received_at, duration (canonical English text or NULL), due_at, status, resolved_at,
//            updated_at, open (1 while the status is open), version)
//   events(seq INTEGER PRIMARY KEY, dossier_id → dossiers.id, at, kind, new_due_at, note,
//          UNIQUE(dossier_id, at, kind))
//   meta(key TEXT PRIMARY KEY, value INTEGER): 'row_version', the last version handed out;
//        'store_id' (version 3), the store's random identity ("s" + 32 hex digits, text)
// Times are local date-time text "YYYY-MM-DD HH:MM:SS" at StoreSettings::offset. Indexes serve
// the walks: dossiers(open), dossiers(version), dossiers(received_at), events(dossier_id, at, seq).
//
// Row versions: each write transaction that changes something takes the next value of
// 'row_version' and stamps it on every dossier it changed (or whose events it changed);
// read_changed() returns the counter as of its snapshot.
//
// One SqliteStore object is one connection: not for concurrent use from several threads. Several
// processes may open the same file (SQLite locking, busy timeout from the settings).

#include <memory>

#include "store/store.h"

namespace dunghan::store {

class SqliteStore final : public DossierStore {
 public:
  /// Opens (creating the file and its parent folder when missing) and migrates `settings.path`.
  /// `settings.mapping` must be unset. Throws StoreError (cannot create or open the file, a schema
  /// newer than this program, an SQLite error).
  explicit SqliteStore(const StoreSettings& settings);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  /// The schema version this program creates and understands.
  static int latest_schema_version();
  /// The file's schema version (== latest_schema_version() after opening).
  int schema_version();

  std::optional<StoredDossier> get(std::string_view code) override;
  std::int64_t count() override;
  ReadSummary for_each(const DossierFilter& filter, const DossierVisitor& visit) override;
  ChangedRead read_changed(const ChangeCursor& since, std::span<const std::string> also_codes,
                           const DossierVisitor& visit) override;
  bool read_only() const override { return false; }
  /// id: meta 'store_id' (migration 3); location: "file:DEVICE:INODE". A file that replaced the
  /// one open is opened (never created) and migrated; the old connection is closed without a
  /// checkpoint, leaving the -wal and -shm names alone.
  StoreIdentity identity() override;
  WriteResult upsert(std::span<const deadline::Dossier> dossiers,
                     std::span<const deadline::Event> events) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dunghan::store
