#include "store/sqlite_store.h"

#include <cstring>
#include <filesystem>
#include <unordered_set>

#include <sqlite3.h>

#include "calendar/due_date.h"
#include "store/file_identity.h"
#include "store/sqlite_common.h"
#include "text/normalize.h"

namespace dunghan::store {
namespace {

using deadline::Dossier;
using deadline::Event;

struct Migration {
  int version;
  const char* sql;
};

// Forward-only: never edit a shipped migration; append a new one.
constexpr Migration kSqliteStoreMigrations[] = {
    {1, R"sql(
CREATE TABLE dossiers (
  id             INTEGER PRIMARY KEY,
  code           TEXT NOT NULL UNIQUE,
  procedure_code TEXT NOT NULL DEFAULT '',
  procedure_name TEXT NOT NULL DEFAULT '',
  field          TEXT NOT NULL DEFAULT '',
  department     TEXT NOT NULL DEFAULT '',
  handler        TEXT NOT NULL DEFAULT '',
  applicant      TEXT NOT NULL DEFAULT '',
  channel        TEXT NOT NULL,
  received_at    TEXT NOT NULL,
  duration       TEXT,
  due_at         TEXT,
  status         TEXT NOT NULL,
  resolved_at    TEXT,
  updated_at     TEXT NOT NULL,
  open           INTEGER NOT NULL,
  version        INTEGER NOT NULL
);
CREATE INDEX dossiers_open ON dossiers(open);
CREATE INDEX dossiers_version ON dossiers(version);
CREATE INDEX dossiers_received ON dossiers(received_at);
CREATE TABLE events (
  seq        INTEGER PRIMARY KEY,
  dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
  at         TEXT NOT NULL,
  kind       TEXT NOT NULL,
  new_due_at TEXT,
  note       TEXT NOT NULL DEFAULT '',
  UNIQUE (dossier_id, at, kind)
);
CREATE INDEX events_by_dossier ON events(dossier_id, at, seq);
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta (key, value) VALUES ('row_version', 0);
)sql"},
    // Texts written before dunghan composed them (NFC, text/normalize.h): the reader composes
    // what it decodes, but SQL compares the stored bytes (`status --department`, upsert by code).
    // A code whose composed form is already taken by another row is left as it is (dropping or
    // merging dossiers is not a migration's call); `dunghan import` of the file again settles it.
    {2, R"sql(
UPDATE dossiers SET
  procedure_code = dunghan_nfc(procedure_code), procedure_name = dunghan_nfc(procedure_name),
  field = dunghan_nfc(field), department = dunghan_nfc(department),
  handler = dunghan_nfc(handler), applicant = dunghan_nfc(applicant)
WHERE procedure_code IS NOT dunghan_nfc(procedure_code)
   OR procedure_name IS NOT dunghan_nfc(procedure_name) OR field IS NOT dunghan_nfc(field)
   OR department IS NOT dunghan_nfc(department) OR handler IS NOT dunghan_nfc(handler)
   OR applicant IS NOT dunghan_nfc(applicant);
UPDATE OR IGNORE dossiers SET code = dunghan_nfc(code) WHERE code IS NOT dunghan_nfc(code);
UPDATE events SET note = dunghan_nfc(note) WHERE note IS NOT dunghan_nfc(note);
)sql"},
    // The store's identity (StoreIdentity::id): a random id, kept by copies and backups, new for
    // a store created anew, so that the daemon can tell a replaced store from the one it read.
    // "s" + 32 hex digits: text even in meta's INTEGER column.
    {3, R"sql(
INSERT INTO meta (key, value) SELECT 'store_id', 's' || lower(hex(randomblob(16)))
WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'store_id');
)sql"},
};

/// dunghan_nfc(text): the text in NFC; NULL and invalid UTF-8 unchanged. For migrations.
void sql_nfc(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
    sqlite3_result_value(ctx, argv[0]);
    return;
  }
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const std::string_view s(p, static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
  if (text::is_nfc(s)) {
    sqlite3_result_value(ctx, argv[0]);
    return;
  }
  const std::string composed = text::to_nfc(s);
  // SQLite frees the copy (SQLITE_TRANSIENT is an old-style cast our warnings refuse).
  auto* copy = static_cast<char*>(sqlite3_malloc64(composed.size() + 1));
  if (copy == nullptr) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  std::memcpy(copy, composed.data(), composed.size());
  sqlite3_result_text64(ctx, copy, composed.size(), &sqlite3_free, SQLITE_UTF8);
}

constexpr const char* kSqliteDossierSelect =
    "SELECT d.id AS _id, d.code AS code, d.procedure_code AS procedure_code, d.procedure_name AS "
    "procedure_name, d.field AS field, d.department AS department, d.handler AS handler, "
    "d.applicant AS applicant, d.channel AS channel, d.received_at AS received_at, d.duration AS "
    "duration, d.due_at AS due_at, d.status AS status, d.resolved_at AS resolved_at, "
    "d.updated_at AS updated_at FROM dossiers d";
constexpr const char* kSqliteEventSelect =
    "SELECT e.dossier_id AS _id, d.code AS code, e.at AS at, e.kind AS kind, e.new_due_at AS "
    "new_due_at, e.note AS note FROM events e JOIN dossiers d ON d.id = e.dossier_id";

constexpr std::size_t kSqliteCodeChunk = 500;

}  // namespace

struct SqliteStore::Impl {
  StoreSettings settings;
  SQLite::Database db;
  FileIdentity file;     // the file opened (as its path named it just before)
  std::string store_id;  // meta 'store_id'

  Impl(const StoreSettings& s, bool create)
      : settings(s),
        db(s.path.string(), SQLite::OPEN_READWRITE | (create ? SQLite::OPEN_CREATE : 0),
           static_cast<int>(s.busy_timeout.count())) {
    if (sqlite3_create_function_v2(db.getHandle(), "dunghan_nfc", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, &sql_nfc, nullptr,
                                   nullptr, nullptr) != SQLITE_OK) {
      throw StoreError(s.path.string() + ": cannot register dunghan_nfc: " + db.getErrorMsg());
    }
  }

  DecodeOptions decode_options() const {
    DecodeOptions o;
    o.offset = settings.offset;
    return o;
  }

  std::string where(const DossierFilter& f) const {
    std::string w;
    const auto add = [&](const std::string& cond) {
      w += (w.empty() ? " WHERE " : " AND ") + cond;
    };
    if (f.open_only) add("d.open = 1");
    if (f.received_at_or_before) add("d.received_at <= :received_max");
    if (f.not_closed_before) {
      add("(d.open = 1 OR MAX(d.received_at, COALESCE(d.resolved_at, d.updated_at)) >= "
          ":closed_min)");
    }
    if (f.department) add("d.department = :department");
    return w;
  }

  void bind(SQLite::Statement& st, const DossierFilter& f) const {
    if (f.received_at_or_before) {
      st.bind(":received_max", format_local_text(*f.received_at_or_before, settings.offset));
    }
    if (f.not_closed_before) {
      st.bind(":closed_min", format_local_text(*f.not_closed_before, settings.offset));
    }
    if (f.department) st.bind(":department", *f.department);
  }

  /// Walks dossiers selected by `where_sql` (bound by `binder`) with their events, ordered by id.
  template <typename Binder, typename Keep>
  void walk(const std::string& where_sql, Binder binder, Keep keep, const DossierVisitor& visit,
            ReadSummary& summary) {
    SQLite::Statement dq(db, std::string(kSqliteDossierSelect) + where_sql + " ORDER BY d.id");
    SQLite::Statement eq(
        db, std::string(kSqliteEventSelect) + where_sql + " ORDER BY e.dossier_id, e.at, e.seq");
    binder(dq);
    binder(eq);
    const auto dmap = detail::map_columns<kDossierColumnCount>(dq, &dossier_column_index);
    const auto emap = detail::map_columns<kEventColumnCount>(eq, &event_column_index);
    const auto key = [](SQLite::Statement& st) { return st.getColumn(0).getInt64(); };
    std::int64_t row = 0;
    detail::merge_walk(dq, dmap, &eq, emap, key, key, decode_options(), keep, visit, summary, row);
  }

  int schema_version() {
    SQLite::Statement st(db, "SELECT version FROM schema_version");
    return st.executeStep() ? st.getColumn(0).getInt() : 0;
  }

  /// SQLite's private in-memory database (path ":memory:", e.g. the CSV importer's fuzzer): no
  /// file, so nothing to watch for replacement.
  bool in_memory() const { return settings.path == ":memory:"; }

  /// After migrate(): the store's id, and the identity of the file now at the path.
  void read_identity() {
    SQLite::Statement st(db, "SELECT value FROM meta WHERE key = 'store_id'");
    store_id = st.executeStep() ? st.getColumn(0).getString() : std::string();
    if (in_memory()) return;  // no file to watch: it cannot be replaced
    const auto here = file_identity(settings.path);
    if (!here) throw StoreError(settings.path.string() + ": the file vanished while opening it");
    file = *here;
  }

  /// Closing this connection leaves the -wal and -shm files as they are: after a replacement
  /// those names may already belong to the new store (SQLite's checkpoint-on-close would
  /// otherwise truncate or delete them by name).
  void close_without_checkpoint() {
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
                      static_cast<int*>(nullptr));
  }

  void migrate() {
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      int current = 0;
      {
        SQLite::Statement st(db, "SELECT version FROM schema_version");
        if (st.executeStep()) {
          current = st.getColumn(0).getInt();
        } else {
          db.exec("INSERT INTO schema_version (version) VALUES (0)");
        }
      }
      const int latest = SqliteStore::latest_schema_version();
      if (current > latest) {
        throw StoreError(settings.path.string() + ": schema version " + std::to_string(current) +
                         " is newer than this dunghan understands (" + std::to_string(latest) +
                         "); upgrade dunghan");
      }
      for (const Migration& m : kSqliteStoreMigrations) {
        if (m.version <= current) continue;
        db.exec(m.sql);
        SQLite::Statement up(db, "UPDATE schema_version SET version = ?");
        up.bind(1, m.version);
        up.exec();
      }
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  }
};

SqliteStore::SqliteStore(const StoreSettings& settings) {
  if (settings.mapping) {
    throw StoreError(settings.path.string() +
                     ": a database with [store.mapping] is read-only; dunghan never writes to it");
  }
  try {
    if (settings.path.has_parent_path()) {
      std::error_code ec;
      std::filesystem::create_directories(settings.path.parent_path(), ec);
      if (ec) {
        throw StoreError("cannot create the folder " + settings.path.parent_path().string() + ": " +
                         ec.message());
      }
    }
    impl_ = std::make_unique<Impl>(settings, true);
    impl_->migrate();
    impl_->read_identity();
  } catch (const SQLite::Exception& e) {
    throw StoreError(settings.path.string() + ": " + e.what());
  }
}

StoreIdentity SqliteStore::identity() {
  const std::filesystem::path& path = impl_->settings.path;
  if (impl_->in_memory()) return StoreIdentity{impl_->store_id, "memory"};
  const std::optional<FileIdentity> here = file_identity(path);
  if (!here) {
    throw StoreError(path.string() +
                     ": the store file no longer exists (deleted or moved); alerts wait until "
                     "it is back");
  }
  if (*here != impl_->file) {
    // Another file at the path: open it (never create one) before letting go of the old one, so
    // that a file that cannot be opened leaves this store as it was.
    std::unique_ptr<Impl> fresh;
    try {
      fresh = std::make_unique<Impl>(impl_->settings, false);
      fresh->migrate();
      fresh->read_identity();
    } catch (const SQLite::Exception& e) {
      throw StoreError(path.string() + ": " + e.what());
    }
    impl_->close_without_checkpoint();
    impl_ = std::move(fresh);
  }
  return StoreIdentity{impl_->store_id, "file:" + to_string(impl_->file)};
}

SqliteStore::~SqliteStore() = default;

int SqliteStore::latest_schema_version() {
  return kSqliteStoreMigrations[std::size(kSqliteStoreMigrations) - 1].version;
}

int SqliteStore::schema_version() {
  try {
    return impl_->schema_version();
  } catch (const SQLite::Exception& e) {
    throw StoreError(impl_->settings.path.string() + ": " + e.what());
  }
}

std::optional<StoredDossier> SqliteStore::get(std::string_view code) {
  try {
    std::optional<StoredDossier> out;
    detail::ReadTransaction tx(impl_->db);
    ReadSummary summary;
    const std::string c(code);
    impl_->walk(
        " WHERE d.code = :code", [&](SQLite::Statement& st) { st.bind(":code", c); },
        [](const Dossier&) { return true; },
        [&](const Dossier& d, std::span<const Event> ev) {
          out = StoredDossier{d, std::vector<Event>(ev.begin(), ev.end())};
        },
        summary);
    tx.finish();
    return out;
  } catch (const SQLite::Exception& e) {
    throw StoreError(impl_->settings.path.string() + ": " + e.what());
  }
}

std::int64_t SqliteStore::count() {
  try {
    SQLite::Statement st(impl_->db, "SELECT count(*) FROM dossiers");
    st.executeStep();
    return st.getColumn(0).getInt64();
  } catch (const SQLite::Exception& e) {
    throw StoreError(impl_->settings.path.string() + ": " + e.what());
  }
}

ReadSummary SqliteStore::for_each(const DossierFilter& given, const DossierVisitor& visit) {
  const DossierFilter filter = composed(given);
  try {
    ReadSummary summary;
    detail::ReadTransaction tx(impl_->db);
    impl_->walk(
        impl_->where(filter), [&](SQLite::Statement& st) { impl_->bind(st, filter); },
        [&](const Dossier& d) { return matches(filter, d); }, visit, summary);
    tx.finish();
    return summary;
  } catch (const SQLite::Exception& e) {
    throw StoreError(impl_->settings.path.string() + ": " + e.what());
  }
}

ChangedRead SqliteStore::read_changed(const ChangeCursor& since,
                                      std::span<const std::string> also_codes,
                                      const DossierVisitor& visit) {
  try {
    ChangedRead out;
    detail::ReadTransaction tx(impl_->db);
    {
      SQLite::Statement st(impl_->db, "SELECT value FROM meta WHERE key = 'row_version'");
      out.next.version = st.executeStep() ? st.getColumn(0).getInt64() : 0;
    }
    std::int64_t from = since.version;
    if (from > out.next.version) {  // a cursor from another life of the file: read everything
      from = 0;
      out.restarted = true;
    }
    std::unordered_set<std::string> seen;
    const auto all = [](const Dossier&) { return true; };
    impl_->walk(
        " WHERE d.version > :since",
        [&](SQLite::Statement& st) { st.bind(":since", static_cast<int64_t>(from)); }, all,
        [&](const Dossier& d, std::span<const Event> ev) {
          if (!also_codes.empty()) seen.insert(d.code);
          visit(d, ev);
        },
        out.summary);
    for (std::size_t i = 0; i < also_codes.size(); i += kSqliteCodeChunk) {
      const std::size_t n = std::min(kSqliteCodeChunk, also_codes.size() - i);
      impl_->walk(
          " WHERE d.code IN (" + detail::placeholders(n) + ")",
          [&](SQLite::Statement& st) {
            for (std::size_t k = 0; k < n; ++k) st.bind(static_cast<int>(k + 1), also_codes[i + k]);
          },
          [&](const Dossier& d) { return !seen.contains(d.code); }, visit, out.summary);
    }
    tx.finish();
    return out;
  } catch (const SQLite::Exception& e) {
    throw StoreError(impl_->settings.path.string() + ": " + e.what());
  }
}

WriteResult SqliteStore::upsert(std::span<const Dossier> dossiers, std::span<const Event> events) {
  WriteResult result;
  SQLite::Database& db = impl_->db;
  const calendar::UtcOffset off = impl_->settings.offset;
  try {
    db.exec("BEGIN IMMEDIATE");
    try {
      std::int64_t version = 0;
      {
        SQLite::Statement st(db, "SELECT value FROM meta WHERE key = 'row_version'");
        version = (st.executeStep() ? st.getColumn(0).getInt64() : 0) + 1;
      }
      SQLite::Statement ins(
          db,
          "INSERT INTO dossiers (code, procedure_code, procedure_name, field, department, handler, "
          "applicant, channel, received_at, duration, due_at, status, resolved_at, updated_at, "
          "open, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
          "?15, ?16) ON CONFLICT(code) DO UPDATE SET procedure_code = excluded.procedure_code, "
          "procedure_name = excluded.procedure_name, field = excluded.field, department = "
          "excluded.department, handler = excluded.handler, applicant = excluded.applicant, "
          "channel = excluded.channel, received_at = excluded.received_at, duration = "
          "excluded.duration, due_at = excluded.due_at, status = excluded.status, resolved_at = "
          "excluded.resolved_at, updated_at = excluded.updated_at, open = excluded.open, version "
          "= excluded.version WHERE procedure_code IS NOT excluded.procedure_code OR "
          "procedure_name IS NOT excluded.procedure_name OR field IS NOT excluded.field OR "
          "department IS NOT excluded.department OR handler IS NOT excluded.handler OR applicant "
          "IS NOT excluded.applicant OR channel IS NOT excluded.channel OR received_at IS NOT "
          "excluded.received_at OR duration IS NOT excluded.duration OR due_at IS NOT "
          "excluded.due_at OR status IS NOT excluded.status OR resolved_at IS NOT "
          "excluded.resolved_at OR updated_at IS NOT excluded.updated_at");
      const auto bind_opt = [&](SQLite::Statement& st, int i, const std::optional<Instant>& t) {
        if (t) {
          st.bind(i, format_local_text(*t, off));
        } else {
          st.bind(i);
        }
      };
      for (const Dossier& d : dossiers) {
        ins.reset();
        ins.bind(1, d.code);
        ins.bind(2, d.procedure_code);
        ins.bind(3, d.procedure_name);
        ins.bind(4, d.field);
        ins.bind(5, d.department);
        ins.bind(6, d.handler);
        ins.bind(7, d.applicant);
        ins.bind(8, std::string(deadline::to_string(d.channel)));
        ins.bind(9, format_local_text(d.received_at, off));
        if (d.duration) {
          ins.bind(10, calendar::format_duration(*d.duration));
        } else {
          ins.bind(10);
        }
        bind_opt(ins, 11, d.due_at);
        ins.bind(12, std::string(deadline::to_string(d.status)));
        bind_opt(ins, 13, d.resolved_at);
        ins.bind(14, format_local_text(d.updated_at, off));
        ins.bind(15, deadline::is_closed(d.status) ? 0 : 1);
        ins.bind(16, static_cast<int64_t>(version));
        result.dossiers_changed += ins.exec();
      }

      SQLite::Statement find(db, "SELECT id FROM dossiers WHERE code = ?");
      SQLite::Statement ev_ins(
          db,
          "INSERT INTO events (dossier_id, at, kind, new_due_at, note) VALUES (?1, ?2, ?3, ?4, "
          "?5) ON CONFLICT(dossier_id, at, kind) DO UPDATE SET new_due_at = excluded.new_due_at, "
          "note = excluded.note WHERE new_due_at IS NOT excluded.new_due_at OR note IS NOT "
          "excluded.note");
      SQLite::Statement touch(db,
                              "UPDATE dossiers SET version = ?1 WHERE id = ?2 AND version <> ?1");
      for (std::size_t i = 0; i < events.size(); ++i) {
        const Event& e = events[i];
        find.reset();
        find.bind(1, e.code);
        if (!find.executeStep()) {
          result.events_without_dossier.push_back(i);
          continue;
        }
        const std::int64_t id = find.getColumn(0).getInt64();
        ev_ins.reset();
        ev_ins.bind(1, static_cast<int64_t>(id));
        ev_ins.bind(2, format_local_text(e.at, off));
        ev_ins.bind(3, std::string(deadline::to_string(e.kind)));
        bind_opt(ev_ins, 4, e.new_due_at);
        ev_ins.bind(5, e.note);
        if (ev_ins.exec() > 0) {
          ++result.events_changed;
          touch.reset();
          touch.bind(1, static_cast<int64_t>(version));
          touch.bind(2, static_cast<int64_t>(id));
          touch.exec();
        }
      }
      if (result.dossiers_changed > 0 || result.events_changed > 0) {
        SQLite::Statement up(db, "UPDATE meta SET value = ? WHERE key = 'row_version'");
        up.bind(1, static_cast<int64_t>(version));
        up.exec();
      }
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  } catch (const SQLite::Exception& e) {
    throw StoreError(impl_->settings.path.string() + ": " + e.what());
  }
  return result;
}

}  // namespace dunghan::store
