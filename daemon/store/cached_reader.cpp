#include "store/cached_reader.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "store/row_codec.h"

namespace dunghan::store {
namespace {

using deadline::Dossier;
using deadline::Event;
using nlohmann::json;

/// Copies are written at UTC: the file does not depend on the configured zone.
constexpr calendar::UtcOffset kUtc{std::chrono::minutes{0}};

std::string encode(const Dossier& d, std::span<const Event> events) {
  json j;
  j["d"] = encode_dossier(d, kUtc);
  json ev = json::array();
  for (const Event& e : events) ev.push_back(encode_event(e, kUtc));
  j["e"] = std::move(ev);
  return j.dump();
}

std::optional<StoredDossier> decode(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.contains("d") || !j.contains("e")) return std::nullopt;
  DecodeOptions o;
  o.offset = kUtc;
  const auto d_texts = j["d"].get<std::vector<std::string>>();
  if (d_texts.size() != kDossierColumnCount) return std::nullopt;
  DossierFields f;
  for (std::size_t i = 0; i < kDossierColumnCount; ++i) f[i] = d_texts[i];
  auto d = decode_dossier(f, o);
  if (!std::holds_alternative<Dossier>(d)) return std::nullopt;
  StoredDossier out{std::get<Dossier>(std::move(d)), {}};
  for (const json& e : j["e"]) {
    const auto texts = e.get<std::vector<std::string>>();
    if (texts.size() != kEventColumnCount) return std::nullopt;
    EventFields ef;
    for (std::size_t i = 0; i < kEventColumnCount; ++i) ef[i] = texts[i];
    auto ev = decode_event(ef, o);
    if (!std::holds_alternative<Event>(ev)) return std::nullopt;
    out.events.push_back(std::get<Event>(std::move(ev)));
  }
  return out;
}

}  // namespace

struct CachedReader::Impl {
  std::unique_ptr<DossierReader> inner;
  std::filesystem::path path;
  SQLite::Database db;
  bool down = false;
  std::string reason;           // why the store could not be read (last failure)
  StoreIdentity last_identity;  // of the database the copies belong to (empty: none yet)

  Impl(std::unique_ptr<DossierReader> r, const std::filesystem::path& p)
      : inner(std::move(r)),
        path(p),
        db(p.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000) {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec(
        "CREATE TABLE IF NOT EXISTS dossier (code TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL) "
        "WITHOUT ROWID;"
        "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) "
        "WITHOUT ROWID;");
    SQLite::Statement st(db, "SELECT value FROM meta WHERE name = 'identity'");
    if (st.executeStep()) last_identity = parse_identity(st.getColumn(0).getString());
  }

  /// to_string(StoreIdentity)'s form back ("id=ID location=LOCATION", "-" for an empty one).
  static StoreIdentity parse_identity(const std::string& text) {
    StoreIdentity out;
    const std::size_t loc = text.find(" location=");
    if (!text.starts_with("id=") || loc == std::string::npos) return out;
    out.id = text.substr(3, loc - 3);
    out.location = text.substr(loc + 10);
    if (out.id == "-") out.id.clear();
    if (out.location == "-") out.location.clear();
    return out;
  }

  /// Keeps (open) or drops (closed) the copy of `d`; unchanged copies are not rewritten.
  void remember(const Dossier& d, std::span<const Event> events) {
    if (deadline::is_closed(d.status)) {
      SQLite::Statement st(db, "DELETE FROM dossier WHERE code = ?");
      st.bind(1, d.code);
      st.exec();
      return;
    }
    SQLite::Statement st(db,
                         "INSERT INTO dossier (code, body) VALUES (?, ?) ON CONFLICT (code) DO "
                         "UPDATE SET body = excluded.body WHERE body <> excluded.body");
    st.bind(1, d.code);
    st.bind(2, encode(d, events));
    st.exec();
  }

  void forget(std::string_view code) {
    SQLite::Statement st(db, "DELETE FROM dossier WHERE code = ?");
    st.bind(1, std::string(code));
    st.exec();
  }

  std::optional<StoredDossier> copy(std::string_view code) {
    SQLite::Statement st(db, "SELECT body FROM dossier WHERE code = ?");
    st.bind(1, std::string(code));
    if (!st.executeStep()) return std::nullopt;
    return decode(st.getColumn(0).getString());
  }

  /// Compares the store's identity with the one the copies belong to; drops them on a change.
  void check_identity(const StoreIdentity& id) {
    if (id == StoreIdentity{} || id == last_identity) return;
    SQLite::Transaction tx(db);
    if (last_identity != StoreIdentity{}) db.exec("DELETE FROM dossier");
    SQLite::Statement st(db, "INSERT OR REPLACE INTO meta (name, value) VALUES ('identity', ?)");
    st.bind(1, to_string(id));
    st.exec();
    tx.commit();
    last_identity = id;
  }

  /// A transaction around the copies written by one read (committed also when the read fails:
  /// what was read is still the latest copy).
  struct Batch {
    SQLite::Database& db;
    explicit Batch(SQLite::Database& d) : db(d) { db.exec("BEGIN"); }
    ~Batch() {
      try {
        db.exec("COMMIT");
      } catch (...) {  // nothing better to do in a destructor; the copies are a cache
      }
    }
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;
  };

  /// A visitor that keeps copies and notes the codes visited; `threw` tells a failure of `visit`
  /// itself from a failure of the store.
  struct Recording {
    Impl& impl;
    const DossierVisitor& visit;
    std::unordered_set<std::string> seen;
    bool threw = false;
    void operator()(const Dossier& d, std::span<const Event> ev) {
      impl.remember(d, ev);
      seen.insert(d.code);
      try {
        visit(d, ev);
      } catch (...) {
        threw = true;
        throw;
      }
    }
  };

  void failed(const StoreError& e) {
    down = true;
    reason = e.what();
  }
};

CachedReader::CachedReader(std::unique_ptr<DossierReader> inner,
                           const std::filesystem::path& cache_file) {
  std::error_code ec;
  if (cache_file.has_parent_path())
    std::filesystem::create_directories(cache_file.parent_path(), ec);
  try {
    impl_ = std::make_unique<Impl>(std::move(inner), cache_file);
  } catch (const SQLite::Exception& e) {
    throw StoreError(cache_file.string() + ": cannot open the dossier cache: " + e.what());
  }
}

CachedReader::~CachedReader() = default;

std::optional<StoredDossier> CachedReader::get(std::string_view code) {
  Impl& m = *impl_;
  if (!m.down) {
    try {
      std::optional<StoredDossier> d = m.inner->get(code);
      if (d) {
        m.remember(d->dossier, d->events);
      } else {
        m.forget(code);
      }
      return d;
    } catch (const StoreError& e) {
      m.failed(e);
    }
  }
  if (auto copy = m.copy(code)) return copy;
  throw StoreUnavailable(m.reason + " (and no copy of dossier " + std::string(code) +
                         " was kept: its alert waits until the store can be read)");
}

std::int64_t CachedReader::count() {
  return impl_->inner->count();
}

ReadSummary CachedReader::for_each(const DossierFilter& given, const DossierVisitor& visit) {
  Impl& m = *impl_;
  Impl::Recording rec{m, visit, {}, false};
  try {
    Impl::Batch batch(m.db);
    ReadSummary s = m.inner->for_each(given, std::ref(rec));
    m.down = false;
    return s;
  } catch (const StoreError& e) {
    if (rec.threw) throw;
    m.failed(e);
  }
  const DossierFilter filter = composed(given);
  ReadSummary s;
  s.unavailable = m.reason;
  SQLite::Statement st(m.db, "SELECT code, body FROM dossier ORDER BY code");
  while (st.executeStep()) {
    if (rec.seen.contains(st.getColumn(0).getString())) continue;
    const auto d = decode(st.getColumn(1).getString());
    if (!d || !matches(filter, d->dossier)) continue;
    ++s.dossiers;
    s.events += static_cast<std::int64_t>(d->events.size());
    visit(d->dossier, d->events);
  }
  return s;
}

ChangedRead CachedReader::read_changed(const ChangeCursor& since,
                                       std::span<const std::string> also_codes,
                                       const DossierVisitor& visit) {
  Impl& m = *impl_;
  Impl::Recording rec{m, visit, {}, false};
  try {
    m.check_identity(m.inner->identity());
    Impl::Batch batch(m.db);
    ChangedRead r = m.inner->read_changed(since, also_codes, std::ref(rec));
    m.down = false;
    return r;
  } catch (const StoreError& e) {
    if (rec.threw) throw;
    m.failed(e);
  }
  ChangedRead out;
  out.next = since;
  out.summary.unavailable = m.reason;
  for (const std::string& code : also_codes) {
    if (rec.seen.contains(code)) continue;
    if (const auto d = m.copy(code)) {
      ++out.summary.dossiers;
      out.summary.events += static_cast<std::int64_t>(d->events.size());
      visit(d->dossier, d->events);
    }
  }
  return out;
}

bool CachedReader::read_only() const {
  return impl_->inner->read_only();
}

StoreIdentity CachedReader::identity() {
  Impl& m = *impl_;
  try {
    StoreIdentity id = m.inner->identity();
    m.check_identity(id);
    return id;
  } catch (const StoreError& e) {
    m.failed(e);
    if (m.last_identity != StoreIdentity{}) return m.last_identity;
    throw;
  }
}

std::int64_t CachedReader::cached() const {
  SQLite::Statement st(impl_->db, "SELECT COUNT(*) FROM dossier");
  st.executeStep();
  return st.getColumn(0).getInt64();
}

}  // namespace dunghan::store
