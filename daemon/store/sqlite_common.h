#pragma once
// Internal to store/: pieces shared by SqliteStore and MappedStore (not a public interface).

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "store/row_codec.h"
#include "store/store.h"

namespace dunghan::store::detail {

/// For each canonical column, its index in a statement's result (or -1).
template <std::size_t N>
struct ColumnMap {
  std::array<int, N> index{};
};

template <std::size_t N>
ColumnMap<N> map_columns(const SQLite::Statement& st,
                         std::optional<std::size_t> (*lookup)(std::string_view)) {
  ColumnMap<N> m;
  m.index.fill(-1);
  for (int i = 0; i < st.getColumnCount(); ++i) {
    if (auto c = lookup(st.getColumnName(i))) {
      if (m.index[*c] < 0) m.index[*c] = i;
    }
  }
  return m;
}

/// The fields of the current row (views valid until the statement steps again).
template <std::size_t N>
std::array<std::optional<std::string_view>, N> row_fields(SQLite::Statement& st,
                                                          const ColumnMap<N>& m) {
  std::array<std::optional<std::string_view>, N> f;
  for (std::size_t c = 0; c < N; ++c) {
    const int i = m.index[c];
    if (i < 0) continue;
    SQLite::Column col = st.getColumn(i);
    if (col.isNull()) continue;
    const char* text = col.getText();
    f[c] = std::string_view(text, static_cast<std::size_t>(col.getBytes()));
  }
  return f;
}

/// "?,?,…,?" with `n` placeholders (for IN (…) lists).
inline std::string placeholders(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += i == 0 ? "?" : ",?";
  return s;
}

inline void note_problem(ReadSummary& s, RowProblem p) {
  ++s.rejected;
  if (s.problems.size() < ReadSummary::kMaxKeptProblems) s.problems.push_back(std::move(p));
}

/// Counts a decoded dossier row with a text field that is not UTF-8 (ReadSummary::not_utf8). The
/// code is valid UTF-8: decoding refuses a row whose code is not.
inline void note_not_utf8(const DossierFields& fields, const std::string& code, std::int64_t row,
                          ReadSummary& s) {
  const auto bad = first_not_utf8(fields);
  if (!bad || s.not_utf8++ > 0) return;
  s.first_not_utf8 = RowProblem{code, row, std::string(kDossierColumns[*bad]), "not UTF-8 text"};
}

/// BEGIN … COMMIT around a read, rolled back when an exception leaves the scope.
class ReadTransaction {
 public:
  explicit ReadTransaction(SQLite::Database& db) : db_(db) { db_.exec("BEGIN"); }
  ~ReadTransaction() {
    try {
      db_.exec(done_ ? "COMMIT" : "ROLLBACK");
    } catch (...) {  // nothing sensible to do in a destructor
    }
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  void finish() { done_ = true; }

 private:
  SQLite::Database& db_;
  bool done_ = false;
};

/// Walks a dossier statement and an event statement sorted by the same key, visiting each decoded
/// dossier with its events. `dkey(stmt)` / `ekey(stmt)` read the key of the current row;
/// `keep(dossier)` filters after decoding. Keys must be totally ordered with < and ==.
template <typename DKey, typename EKey, typename Keep>
void merge_walk(SQLite::Statement& dq, const ColumnMap<kDossierColumnCount>& dmap,
                SQLite::Statement* eq, const ColumnMap<kEventColumnCount>& emap, DKey dkey,
                EKey ekey, const DecodeOptions& options, Keep keep, const DossierVisitor& visit,
                ReadSummary& summary, std::int64_t& row) {
  bool ev = eq != nullptr && eq->executeStep();
  std::int64_t erow = ev ? 1 : 0;
  std::vector<deadline::Event> events;
  while (dq.executeStep()) {
    ++row;
    const auto key = dkey(dq);
    const DossierFields fields = row_fields(dq, dmap);  // views into dq's current row
    auto decoded = decode_dossier(fields, options);
    events.clear();
    while (ev && ekey(*eq) < key) {
      ev = eq->executeStep();
      ++erow;
    }
    const bool ok = std::holds_alternative<deadline::Dossier>(decoded);
    while (ev && ekey(*eq) == key) {
      if (ok) {
        auto e = decode_event(row_fields(*eq, emap), options);
        if (auto* good = std::get_if<deadline::Event>(&e)) {
          events.push_back(std::move(*good));
        } else {
          auto& err = std::get<FieldError>(e);
          note_problem(summary, RowProblem{std::get<deadline::Dossier>(decoded).code, erow,
                                           err.column, "event: " + err.reason});
        }
      }
      ev = eq->executeStep();
      ++erow;
    }
    if (!ok) {
      auto& err = std::get<FieldError>(decoded);
      const auto code = fields[0];
      note_problem(summary, RowProblem{code ? std::string(*code) : std::string(), row, err.column,
                                       err.reason});
      continue;
    }
    const auto& d = std::get<deadline::Dossier>(decoded);
    if (!keep(d)) continue;
    note_not_utf8(fields, d.code, row, summary);
    std::stable_sort(
        events.begin(), events.end(),
        [](const deadline::Event& a, const deadline::Event& b) { return a.at < b.at; });
    ++summary.dossiers;
    summary.events += static_cast<std::int64_t>(events.size());
    visit(d, events);
  }
}

}  // namespace dunghan::store::detail
