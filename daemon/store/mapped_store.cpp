#include "store/mapped_store.h"

#include <filesystem>
#include <unordered_set>

#include "store/file_identity.h"
#include "store/sqlite_common.h"

namespace dunghan::store {
namespace {

using deadline::Dossier;
using deadline::Event;

constexpr std::size_t kCodeChunk = 500;

/// The query without trailing blanks and semicolons, so that it can be wrapped.
std::string strip_query(std::string_view q) {
  while (!q.empty() && (q.back() == ';' || q.back() == ' ' || q.back() == '\n' ||
                        q.back() == '\r' || q.back() == '\t')) {
    q.remove_suffix(1);
  }
  return std::string(q);
}

}  // namespace

struct MappedStore::Impl {
  StoreSettings settings;
  std::optional<FileIdentity> file;  // the file opened (as its path named it just before)
  SQLite::Database db;
  std::string dossiers_q;
  std::string events_q;  // empty: no events
  bool dossiers_since = false;
  bool events_since = false;

  explicit Impl(const StoreSettings& s)
      : settings(s),
        file(file_identity(s.path)),
        db(s.path.string(), SQLite::OPEN_READONLY, static_cast<int>(s.busy_timeout.count())) {
    db.exec("PRAGMA query_only = 1");
    dossiers_q = strip_query(s.mapping->dossiers);
    events_q = strip_query(s.mapping->events);
    dossiers_since =
        check(dossiers_q, "dossiers", {"code", "received_at", "status"}, &dossier_column_index);
    if (!events_q.empty()) {
      events_since = check(events_q, "events", {"code", "at", "kind"}, &event_column_index);
    }
  }

  /// Compiles `q`, checks its required columns; returns whether it uses :since.
  bool check(const std::string& q, const char* which, std::initializer_list<std::string_view> req,
             std::optional<std::size_t> (*lookup)(std::string_view)) {
    try {
      SQLite::Statement st(db, q);
      std::vector<std::string> have;
      for (int i = 0; i < st.getColumnCount(); ++i) {
        if (auto c = lookup(st.getColumnName(i))) have.emplace_back(st.getColumnName(i));
      }
      for (std::string_view r : req) {
        bool found = false;
        for (const auto& h : have) found = found || lookup(h) == lookup(r);
        if (!found) {
          throw StoreError("[store.mapping] " + std::string(which) + ": the query returns no `" +
                           std::string(r) + "` column (name it with AS " + std::string(r) + ")");
        }
      }
      return st.getIndex(":since") != 0;
    } catch (const SQLite::Exception& e) {
      throw StoreError("[store.mapping] " + std::string(which) + ": " + e.what());
    }
  }

  DecodeOptions decode_options() const {
    DecodeOptions o;
    o.offset = settings.offset;
    return o;
  }

  void bind_since(SQLite::Statement& st, bool has, const std::string& value) {
    if (has) st.bind(":since", value);
  }

  /// Merge-walks Q and E (restricted by `restrict_sql`, e.g. a code list) sorted by code.
  template <typename Binder, typename Keep>
  void walk(const std::string& restrict_sql, const std::string& since, Binder binder, Keep keep,
            const DossierVisitor& visit, ReadSummary& summary) {
    SQLite::Statement dq(
        db, "SELECT * FROM (" + dossiers_q + ")" + restrict_sql + " ORDER BY CAST(code AS TEXT)");
    bind_since(dq, dossiers_since, since);
    binder(dq);
    const auto dmap = detail::map_columns<kDossierColumnCount>(dq, &dossier_column_index);
    const int dcode = dmap.index[static_cast<std::size_t>(DossierColumn::code)];
    std::optional<SQLite::Statement> eq;
    detail::ColumnMap<kEventColumnCount> emap;
    int ecode = 0;
    if (!events_q.empty()) {
      eq.emplace(db, "SELECT * FROM (" + events_q + ")" + restrict_sql +
                         " ORDER BY CAST(code AS TEXT), at");
      bind_since(*eq, events_since, std::string(kLowestLocalText));
      binder(*eq);
      emap = detail::map_columns<kEventColumnCount>(*eq, &event_column_index);
      ecode = emap.index[static_cast<std::size_t>(EventColumn::code)];
    }
    const auto dkey = [dcode](SQLite::Statement& st) {
      return std::string(st.getColumn(dcode).getText());
    };
    const auto ekey = [ecode](SQLite::Statement& st) {
      return std::string(st.getColumn(ecode).getText());
    };
    std::int64_t row = 0;
    detail::merge_walk(dq, dmap, eq ? &*eq : nullptr, emap, dkey, ekey, decode_options(), keep,
                       visit, summary, row);
  }

  /// Walks the dossiers with the given codes, kCodeChunk at a time.
  template <typename Keep>
  void walk_codes(std::span<const std::string> codes, Keep keep, const DossierVisitor& visit,
                  ReadSummary& summary) {
    for (std::size_t i = 0; i < codes.size(); i += kCodeChunk) {
      const std::size_t n = std::min(kCodeChunk, codes.size() - i);
      walk(
          " WHERE CAST(code AS TEXT) IN (" + detail::placeholders(n) + ")",
          std::string(kLowestLocalText),
          [&](SQLite::Statement& st) {
            // Positional parameters come after any named one: bind by their own indices.
            for (std::size_t k = 0; k < n; ++k) {
              st.bind(st.getBindParameterCount() - static_cast<int>(n) + static_cast<int>(k) + 1,
                      codes[i + k]);
            }
          },
          keep, visit, summary);
    }
  }

  StoreError error(const std::exception& e) const {
    return StoreError(settings.path.string() + " (read-only, [store.mapping]): " + e.what());
  }
};

MappedStore::MappedStore(const StoreSettings& settings) {
  if (!settings.mapping || settings.mapping->dossiers.empty()) {
    throw StoreError("[store.mapping]: the `dossiers` query is required");
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(settings.path, ec)) {
    throw StoreError(settings.path.string() +
                     ": no such database file (a mapped database is "
                     "opened read-only and never created)");
  }
  try {
    impl_ = std::make_unique<Impl>(settings);
  } catch (const SQLite::Exception& e) {
    throw StoreError(settings.path.string() + ": " + e.what());
  }
}

MappedStore::~MappedStore() = default;

StoreIdentity MappedStore::identity() {
  const std::filesystem::path& path = impl_->settings.path;
  const std::optional<FileIdentity> here = file_identity(path);
  if (!here) {
    throw StoreError(path.string() +
                     " (read-only, [store.mapping]): the database file no longer exists (deleted "
                     "or moved); alerts wait until it is back");
  }
  if (here != impl_->file) {
    try {
      impl_ = std::make_unique<Impl>(impl_->settings);  // the old connection never wrote
    } catch (const SQLite::Exception& e) {
      throw impl_->error(e);
    }
  }
  return StoreIdentity{"", "file:" + to_string(*here)};
}

std::optional<StoredDossier> MappedStore::get(std::string_view code) {
  try {
    std::optional<StoredDossier> out;
    ReadSummary summary;
    const std::string c(code);
    detail::ReadTransaction tx(impl_->db);
    impl_->walk_codes(
        std::span<const std::string>(&c, 1), [](const Dossier&) { return true; },
        [&](const Dossier& d, std::span<const Event> ev) {
          out = StoredDossier{d, std::vector<Event>(ev.begin(), ev.end())};
        },
        summary);
    tx.finish();
    return out;
  } catch (const SQLite::Exception& e) {
    throw impl_->error(e);
  }
}

std::int64_t MappedStore::count() {
  try {
    SQLite::Statement st(impl_->db, "SELECT count(*) FROM (" + impl_->dossiers_q + ")");
    impl_->bind_since(st, impl_->dossiers_since, std::string(kLowestLocalText));
    st.executeStep();
    return st.getColumn(0).getInt64();
  } catch (const SQLite::Exception& e) {
    throw impl_->error(e);
  }
}

ReadSummary MappedStore::for_each(const DossierFilter& given, const DossierVisitor& visit) {
  const DossierFilter filter = composed(given);
  try {
    ReadSummary summary;
    detail::ReadTransaction tx(impl_->db);
    impl_->walk(
        "", std::string(kLowestLocalText), [](SQLite::Statement&) {},
        [&](const Dossier& d) { return matches(filter, d); }, visit, summary);
    tx.finish();
    return summary;
  } catch (const SQLite::Exception& e) {
    throw impl_->error(e);
  }
}

ChangedRead MappedStore::read_changed(const ChangeCursor& since,
                                      std::span<const std::string> also_codes,
                                      const DossierVisitor& visit) {
  try {
    ChangedRead out;
    out.next = since;
    detail::ReadTransaction tx(impl_->db);
    std::unordered_set<std::string> seen;
    const auto track = [&](const Dossier& d, std::span<const Event> ev) {
      if (!out.next.updated_since || d.updated_at > *out.next.updated_since) {
        out.next.updated_since = d.updated_at;
      }
      if (!also_codes.empty()) seen.insert(d.code);
      visit(d, ev);
    };
    if (!since.updated_since || !impl_->dossiers_since) {
      // A full pass (the first read, or a query without :since): changed rows kept in memory.
      impl_->walk(
          "", std::string(kLowestLocalText), [](SQLite::Statement&) {},
          [&](const Dossier& d) {
            return !since.updated_since || d.updated_at >= *since.updated_since;
          },
          track, out.summary);
    } else {
      // The query selects the changed rows; read their codes, then each chunk with its events.
      std::vector<std::string> codes;
      {
        SQLite::Statement dq(impl_->db, "SELECT * FROM (" + impl_->dossiers_q + ")");
        dq.bind(":since", format_local_text(*since.updated_since, impl_->settings.offset));
        const auto dmap = detail::map_columns<kDossierColumnCount>(dq, &dossier_column_index);
        std::int64_t row = 0;
        while (dq.executeStep()) {
          ++row;
          auto decoded = decode_dossier(detail::row_fields(dq, dmap), impl_->decode_options());
          if (auto* d = std::get_if<Dossier>(&decoded)) {
            codes.push_back(d->code);
          } else {
            const auto& err = std::get<FieldError>(decoded);
            const auto code = detail::row_fields(dq, dmap)[0];
            detail::note_problem(out.summary, RowProblem{code ? std::string(*code) : std::string(),
                                                         row, err.column, err.reason});
          }
        }
      }
      impl_->walk_codes(
          codes, [](const Dossier&) { return true; }, track, out.summary);
    }
    if (!also_codes.empty()) {
      impl_->walk_codes(
          also_codes, [&](const Dossier& d) { return !seen.contains(d.code); }, visit, out.summary);
    }
    tx.finish();
    return out;
  } catch (const SQLite::Exception& e) {
    throw impl_->error(e);
  }
}

}  // namespace dunghan::store
