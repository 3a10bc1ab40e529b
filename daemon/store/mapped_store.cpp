#include "store/mapped_store.h"

#include <soci/soci.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <unordered_set>

#include "store/db_session.h"
#include "store/file_identity.h"
#include "store/sorted_spool.h"
#include "store/sqlite_common.h"
#include "text/normalize.h"
#include "text/utf8.h"

namespace dunghan::store {
namespace {

using deadline::Dossier;
using deadline::Event;
using steady = std::chrono::steady_clock;

constexpr std::size_t kMappedCodeChunk = 500;
/// A full walk remembers the codes of the dossiers it keeps (to spool only their events) up to
/// this many; beyond, every event is spooled.
constexpr std::size_t kMaxKeptCodes = 200000;
constexpr std::size_t kMaxKept = 100;  // problems and bad timestamps kept for store check

template <std::size_t N>
using Owned = std::array<std::optional<std::string>, N>;

template <std::size_t N>
std::array<std::optional<std::string_view>, N> views(const Owned<N>& f) {
  std::array<std::optional<std::string_view>, N> v;
  for (std::size_t i = 0; i < N; ++i) {
    if (f[i]) v[i] = std::string_view(*f[i]);
  }
  return v;
}

/// The query without trailing blanks and semicolons, so that it can be wrapped.
std::string strip_query(std::string_view q) {
  while (!q.empty() && (q.back() == ';' || q.back() == ' ' || q.back() == '\n' ||
                        q.back() == '\r' || q.back() == '\t')) {
    q.remove_suffix(1);
  }
  return std::string(q);
}

bool is_ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_time_column(std::size_t dossier_column) {
  using C = DossierColumn;
  const auto c = static_cast<C>(dossier_column);
  return c == C::received_at || c == C::due_at || c == C::resolved_at || c == C::updated_at;
}
bool is_event_time_column(std::size_t event_column) {
  const auto c = static_cast<EventColumn>(event_column);
  return c == EventColumn::at || c == EventColumn::new_due_at;
}

std::tm to_tm(calendar::Instant t, calendar::UtcOffset zone) {
  const calendar::LocalDateTime l = calendar::to_local(t, zone);
  const std::chrono::year_month_day ymd{l.date};
  std::tm out{};
  out.tm_year = static_cast<int>(ymd.year()) - 1900;
  out.tm_mon = static_cast<int>(static_cast<unsigned>(ymd.month())) - 1;
  out.tm_mday = static_cast<int>(static_cast<unsigned>(ymd.day()));
  const long long s = l.time_of_day.count();
  out.tm_hour = static_cast<int>(s / 3600);
  out.tm_min = static_cast<int>((s / 60) % 60);
  out.tm_sec = static_cast<int>(s % 60);
  return out;
}

/// 1900-01-01 00:00:00: what :since is bound to for a full read (every engine's timestamp types
/// hold it; the calendar starts there).
std::tm lowest_tm() {
  std::tm t{};
  t.tm_year = 0;
  t.tm_mday = 1;
  return t;
}

std::string tm_text(const std::tm& t) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", t.tm_year + 1900, t.tm_mon + 1,
                t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
  return buf;
}

std::string number_text(double x) {
  char buf[64];
  if (x == static_cast<double>(static_cast<long long>(x)) && x > -1e15 && x < 1e15) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(x));
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", x);
  }
  return buf;
}

/// The value of column `i` of `r` as text; nullopt for NULL. Native timestamps become
/// "YYYY-MM-DD HH:MM:SS" (wall time of the session's zone).
std::optional<std::string> cell_text(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_string:
    case soci::dt_xml:
      return r.get<std::string>(i);
    case soci::dt_blob:  // not produced by the backends dunghan uses (bytea, BLOB are strings)
      return std::nullopt;
    case soci::dt_date:
      return tm_text(r.get<std::tm>(i));
    case soci::dt_double:
      return number_text(r.get<double>(i));
    case soci::dt_integer:
      return std::to_string(r.get<int>(i));
    case soci::dt_long_long:
      return std::to_string(r.get<long long>(i));
    case soci::dt_unsigned_long_long:
      return std::to_string(r.get<unsigned long long>(i));
  }
  return std::nullopt;
}

// ---- spool records: a row number and the canonical fields --------------------------------------

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
std::uint64_t get_u64(std::string_view& in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= std::uint64_t{static_cast<unsigned char>(in[static_cast<std::size_t>(i)])} << (8 * i);
  in.remove_prefix(8);
  return v;
}

template <std::size_t N>
std::string pack(std::int64_t row, const Owned<N>& f) {
  std::string out;
  put_u64(out, static_cast<std::uint64_t>(row));
  for (const auto& v : f) {
    if (!v) {
      put_u64(out, ~std::uint64_t{0});
      continue;
    }
    put_u64(out, v->size());
    out += *v;
  }
  return out;
}

template <std::size_t N>
std::int64_t unpack(std::string_view in, Owned<N>& f) {
  const auto row = static_cast<std::int64_t>(get_u64(in));
  for (auto& v : f) {
    const std::uint64_t n = get_u64(in);
    if (n == ~std::uint64_t{0}) {
      v.reset();
      continue;
    }
    v = std::string(in.substr(0, n));
    in.remove_prefix(n);
  }
  return row;
}

/// The key a row is filed under: the code as decoding composes it (NFC).
std::string code_key(const std::optional<std::string>& raw) {
  if (!raw) return {};
  std::string_view t = *raw;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() &&
         (t.back() == ' ' || t.back() == '\t' || t.back() == '\r' || t.back() == '\n')) {
    t.remove_suffix(1);
  }
  if (t.empty() || !text::is_valid_utf8(t)) return {};
  return text::to_nfc(t);
}

std::string quote_ident(detail::Dialect d, const std::string& name) {
  const char q = (d == detail::Dialect::mysql || d == detail::Dialect::mariadb) ? '`' : '"';
  std::string out(1, q);
  for (char c : name) {
    if (c == q) out += q;
    out += c;
  }
  return out + q;
}

/// Max of an optional instant.
void raise(std::optional<calendar::Instant>& m, calendar::Instant t) {
  if (!m || t > *m) m = t;
}

RowProblem problem_of(const std::optional<std::string_view>& code, std::int64_t row,
                      const FieldError& err, std::string_view prefix = {}) {
  return RowProblem{code ? std::string(*code) : std::string(), row, err.column,
                    std::string(prefix) + err.reason};
}

}  // namespace

bool uses_since(std::string_view sql) {
  enum { normal, single, dquote, backtick, line, block } state = normal;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    switch (state) {
      case normal:
        if (c == '\'')
          state = single;
        else if (c == '"')
          state = dquote;
        else if (c == '`')
          state = backtick;
        else if (c == '-' && next == '-')
          state = line;
        else if (c == '/' && next == '*')
          state = block;
        else if (c == ':' && next != ':' && (i == 0 || sql[i - 1] != ':') &&
                 sql.substr(i + 1, 5) == "since" &&
                 (i + 6 >= sql.size() || !is_ident(sql[i + 6]))) {
          return true;
        }
        break;
      case single:
        if (c == '\'') state = normal;
        break;
      case dquote:
        if (c == '"') state = normal;
        break;
      case backtick:
        if (c == '`') state = normal;
        break;
      case line:
        if (c == '\n') state = normal;
        break;
      case block:
        if (c == '*' && next == '/') {
          state = normal;
          ++i;
        }
        break;
    }
  }
  return false;
}

std::vector<std::string> mapping_warnings(const Mapping& m) {
  std::vector<std::string> out;
  if (!m.dossiers.empty() && !uses_since(m.dossiers)) {
    out.push_back(
        "[store.mapping] dossiers does not use :since, so every poll reads the whole query "
        "(every dossier and, for the changed ones, their events): on a large database add a "
        "condition such as `WHERE NgayCapNhat > :since` on a column the agency's system updates "
        "with each change");
  }
  return out;
}

/// One mapping query as it runs on the current session.
struct QueryShape {
  std::string sql;                   // as configured, stripped
  bool since = false;                // uses :since
  std::vector<std::string> columns;  // every column it returns, named as the database names them
  std::vector<std::size_t> canonical_of;  // projection position → canonical column
  std::string select;                     // SELECT <canonical columns> FROM (Q) dunghan_q
  std::string code;                       // the code column as written in a WHERE clause
  bool present(std::size_t canonical) const {
    return std::find(canonical_of.begin(), canonical_of.end(), canonical) != canonical_of.end();
  }
};

struct MappedStore::Impl {
  StoreSettings settings;
  detail::SessionSpec spec;
  std::string description;
  calendar::UtcOffset zone;
  std::unique_ptr<detail::DbSession> session;
  std::optional<FileIdentity> file;  // SQLite: the file `session` opened (as its path named it)
  QueryShape dq, eq;
  bool has_events = false;

  explicit Impl(const StoreSettings& s) : settings(s) {
    const Mapping& m = *s.mapping;
    zone = m.timezone.value_or(s.offset);
    spec.zone = zone;
    spec.password = m.password;
    spec.query_timeout = m.query_timeout;
    spec.busy_timeout = s.busy_timeout;
    if (m.url.empty()) {
      spec.url.engine = DbEngine::sqlite;
      spec.sqlite_file = s.path;
      description = "sqlite " + s.path.string();
    } else {
      auto parsed = parse_db_url(m.url);
      if (const auto* err = std::get_if<DbUrlError>(&parsed)) {
        throw StoreError("[store.mapping] url: " + err->message);
      }
      spec.url = std::get<DbUrl>(parsed);
      if (spec.url.engine == DbEngine::sqlite) {
        spec.sqlite_file = spec.url.file;
        description = "sqlite " + spec.url.file;
      } else {
        description = describe(spec.url);
      }
    }
    dq.sql = strip_query(m.dossiers);
    dq.since = uses_since(dq.sql);
    eq.sql = strip_query(m.events);
    eq.since = uses_since(eq.sql);
    has_events = !eq.sql.empty();
  }

  DecodeOptions decode_options() const {
    DecodeOptions o;
    o.offset = zone;
    return o;
  }

  /// The open session, connecting (and checking the queries) when there is none.
  detail::DbSession& ensure() {
    if (session && session->alive()) return *session;
    session.reset();
    if (spec.url.engine == DbEngine::sqlite) file = file_identity(spec.sqlite_file);
    auto s = std::make_unique<detail::DbSession>(spec);
    try {
      shape(*s, dq, "dossiers", {"code", "received_at", "status"}, &dossier_column_index);
      if (has_events) shape(*s, eq, "events", {"code", "at", "kind"}, &event_column_index);
    } catch (const soci::soci_error& e) {
      s->fail(e, "checking the mapping queries");
    }
    session = std::move(s);
    return *session;
  }

  /// Learns what `q` returns (running it with `WHERE 1 = 0`) and builds its projection.
  void shape(detail::DbSession& s, QueryShape& q, const char* which,
             std::initializer_list<std::string_view> required,
             std::optional<std::size_t> (*lookup)(std::string_view)) {
    soci::row r;
    soci::statement st(s.sql());
    st.exchange(soci::into(r));
    std::tm since = lowest_tm();
    if (q.since) st.exchange(soci::use(since, "since"));
    st.alloc();
    try {
      st.prepare("SELECT * FROM (\n" + q.sql + "\n) dunghan_q WHERE 1 = 0");
      s.configure(st);
      st.define_and_bind();
      st.execute(false);
    } catch (const soci::soci_error& e) {
      try {
        s.fail(e, std::string("the ") + which + " query");
      } catch (const StoreUnavailable&) {
        throw;
      } catch (const StoreError& err) {
        throw StoreError("[store.mapping] " + std::string(which) + ": " + err.what());
      }
    }
    q.columns.clear();
    q.canonical_of.clear();
    std::string select;
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::string name = r.get_properties(i).get_name();
      q.columns.push_back(name);
      const auto c = lookup(name);
      if (!c || q.present(*c)) continue;
      q.canonical_of.push_back(*c);
      std::string expr = "dunghan_q." + quote_ident(s.dialect(), name);
      if (s.dialect() == detail::Dialect::sqlite) expr = "CAST(" + expr + " AS TEXT)";
      select += (select.empty() ? "" : ", ") + expr;
      if (*c == 0) q.code = expr;
    }
    for (std::string_view req : required) {
      if (!q.present(*lookup(req))) {
        throw StoreError("[store.mapping] " + std::string(which) + ": the query returns no `" +
                         std::string(req) + "` column (name it with AS " + std::string(req) + ")");
      }
    }
    q.select = "SELECT " + select + " FROM (\n" + q.sql + "\n) dunghan_q";
  }

  /// Runs `q.select + restrict` with :since = `since` and the codes bound to :dunghan_c0…, calling
  /// on_row(fields) for each row (fields by canonical column). Returns the number of rows.
  template <std::size_t N, typename OnRow>
  std::int64_t run(detail::DbSession& s, const QueryShape& q, const std::string& restrict,
                   std::tm since, std::span<const std::string> codes, OnRow on_row) {
    soci::row r;
    soci::statement st(s.sql());
    st.exchange(soci::into(r));
    if (q.since) st.exchange(soci::use(since, "since"));
    std::vector<std::string> bound(codes.begin(), codes.end());
    for (std::size_t k = 0; k < bound.size(); ++k) {
      st.exchange(soci::use(bound[k], "dunghan_c" + std::to_string(k)));
    }
    st.alloc();
    st.prepare(q.select + restrict);
    s.configure(st);
    st.define_and_bind();
    st.execute(false);
    std::int64_t rows = 0;
    Owned<N> fields;
    while (st.fetch()) {
      ++rows;
      for (std::size_t p = 0; p < q.canonical_of.size() && p < r.size(); ++p) {
        const std::size_t c = q.canonical_of[p];
        fields[c] = cell_text(r, p);
        const bool time = N == kDossierColumnCount ? is_time_column(c) : is_event_time_column(c);
        if (time && fields[c] && r.get_properties(p).get_data_type() != soci::dt_date) {
          fields[c] = normalize_time_text(*fields[c], zone);
        }
      }
      on_row(fields);
    }
    return rows;
  }

  std::string restrict_to(const QueryShape& q, std::size_t n) const {
    std::string s = "\nWHERE " + q.code + " IN (";
    for (std::size_t k = 0; k < n; ++k)
      s += (k == 0 ? ":dunghan_c" : ", :dunghan_c") + std::to_string(k);
    return s + ")";
  }

  /// Runs `body(session)` in a read-only transaction; database failures become StoreError /
  /// StoreUnavailable (and a lost connection is dropped, to be reopened by the next read).
  template <typename Body>
  auto read(const char* what, Body body) {
    detail::DbSession& s = ensure();
    struct Tx {
      detail::DbSession& s;
      bool open = false;
      ~Tx() {
        if (open) s.end_read(false);
      }
    } tx{s};
    try {
      s.begin_read();
      tx.open = true;
      auto result = body(s, tx.open);
      if (tx.open) {
        tx.open = false;
        s.end_read(true);
      }
      return result;
    } catch (const soci::soci_error& e) {
      if (tx.open) {
        tx.open = false;
        s.end_read(false);
      }
      fail(s, e, what);
    }
  }

  /// Throws what a database failure means (DbSession::fail), dropping a lost connection.
  [[noreturn]] void fail(detail::DbSession& s, const std::exception& e, const char* what) {
    try {
      s.fail(e, what);
    } catch (...) {
      if (!s.alive()) session.reset();
      throw;
    }
  }

  /// Decodes a dossier row, noting a refused row in `summary`.
  std::optional<Dossier> decode_d(const Owned<kDossierColumnCount>& f, std::int64_t row,
                                  ReadSummary& summary) const {
    const auto v = views(f);
    auto decoded = decode_dossier(v, decode_options());
    if (auto* d = std::get_if<Dossier>(&decoded)) return std::move(*d);
    detail::note_problem(summary, problem_of(v[0], row, std::get<FieldError>(decoded)));
    return std::nullopt;
  }

  struct Walked {
    std::optional<calendar::Instant> max_updated, max_event;
  };

  /// The full walk (file comment). `pre(d)` filters dossiers before spooling; `keep(d, events)`
  /// decides the visit.
  template <typename Pre, typename Keep>
  Walked walk_all(detail::DbSession& s, bool& tx_open, Pre pre, Keep keep,
                  const DossierVisitor& visit, ReadSummary& summary) {
    Walked w;
    SortedSpool spool;
    std::unordered_set<std::string> kept;
    bool kept_complete = true;
    std::int64_t row = 0;
    summary.rows_fetched += run<kDossierColumnCount>(
        s, dq, "", lowest_tm(), {}, [&](const Owned<kDossierColumnCount>& f) {
          ++row;
          const auto d = decode_d(f, row, summary);
          if (!d) return;
          raise(w.max_updated, d->updated_at);
          if (!pre(*d)) return;
          if (kept_complete) {
            if (kept.size() < kMaxKeptCodes) {
              kept.insert(d->code);
            } else {
              kept_complete = false;
              kept.clear();
            }
          }
          spool.add(0, 0, d->code + std::string(1, '\0') + "d", pack(row, f));
        });
    if (has_events) {
      std::int64_t erow = 0;
      summary.rows_fetched += run<kEventColumnCount>(
          s, eq, "", lowest_tm(), {}, [&](const Owned<kEventColumnCount>& f) {
            ++erow;
            const std::string key = code_key(f[0]);
            if (key.empty() || (kept_complete && !kept.contains(key))) return;
            spool.add(0, 0, key + std::string(1, '\0') + "e", pack(erow, f));
          });
    }
    // The database is not needed any more: let it go before the visits (which may be slow).
    tx_open = false;
    s.end_read(true);

    std::string current;
    std::optional<std::pair<std::int64_t, Owned<kDossierColumnCount>>> dossier;
    std::vector<Event> events;
    const auto flush = [&] {
      if (!dossier) {
        events.clear();
        return;
      }
      std::optional<Dossier> d = decode_d(dossier->second, dossier->first, summary);
      if (d) {
        std::stable_sort(events.begin(), events.end(),
                         [](const Event& a, const Event& b) { return a.at < b.at; });
        if (keep(*d, events)) {
          detail::note_not_utf8(views(dossier->second), d->code, dossier->first, summary);
          ++summary.dossiers;
          summary.events += static_cast<std::int64_t>(events.size());
          visit(*d, events);
        }
      }
      dossier.reset();
      events.clear();
    };
    spool.drain([&](std::string_view k3, std::string_view payload) {
      const std::string_view code = k3.substr(0, k3.size() - 2);
      const char kind = k3.back();
      if (code != current) {
        flush();
        current = std::string(code);
      }
      if (kind == 'd') {
        Owned<kDossierColumnCount> f;
        const std::int64_t r = unpack(payload, f);
        if (dossier) {
          detail::note_problem(
              summary, RowProblem{std::string(code), r, "code",
                                  "another row of the dossiers query has the "
                                  "same code (row " +
                                      std::to_string(dossier->first) + "): this one is ignored"});
          return;
        }
        dossier.emplace(r, std::move(f));
        return;
      }
      if (!dossier) return;  // events of a dossier that is not read
      Owned<kEventColumnCount> f;
      const std::int64_t r = unpack(payload, f);
      const auto v = views(f);
      auto e = decode_event(v, decode_options());
      if (auto* good = std::get_if<Event>(&e)) {
        raise(w.max_event, good->at);
        events.push_back(std::move(*good));
      } else {
        detail::note_problem(
            summary, problem_of(std::string_view(code), r, std::get<FieldError>(e), "event: "));
      }
    });
    flush();
    return w;
  }

  /// Reads the dossiers with `codes` and their events (kMappedCodeChunk codes per query) and visits
  /// those `keep` accepts, in code order within each chunk.
  template <typename Keep>
  void walk_codes(detail::DbSession& s, std::span<const std::string> codes, Keep keep,
                  const DossierVisitor& visit, ReadSummary& summary) {
    for (std::size_t i = 0; i < codes.size(); i += kMappedCodeChunk) {
      const auto chunk = codes.subspan(i, std::min(kMappedCodeChunk, codes.size() - i));
      std::map<std::string, std::pair<std::int64_t, Owned<kDossierColumnCount>>> found;
      std::int64_t row = 0;
      summary.rows_fetched +=
          run<kDossierColumnCount>(s, dq, restrict_to(dq, chunk.size()), lowest_tm(), chunk,
                                   [&](const Owned<kDossierColumnCount>& f) {
                                     ++row;
                                     found.try_emplace(code_key(f[0]), row, f);
                                   });
      visit_with_events(s, found, keep, visit, summary);
    }
  }

  /// Fetches the events of the dossiers in `rows` (code → row number and fields) and visits them.
  template <typename Keep>
  void visit_with_events(
      detail::DbSession& s,
      const std::map<std::string, std::pair<std::int64_t, Owned<kDossierColumnCount>>>& rows,
      Keep keep, const DossierVisitor& visit, ReadSummary& summary) {
    if (rows.empty()) return;
    std::map<std::string, std::vector<std::pair<std::int64_t, Owned<kEventColumnCount>>>> events;
    if (has_events) {
      std::vector<std::string> codes;
      for (const auto& [code, r] : rows) codes.push_back(*r.second[0]);
      std::int64_t erow = 0;
      summary.rows_fetched +=
          run<kEventColumnCount>(s, eq, restrict_to(eq, codes.size()), lowest_tm(), codes,
                                 [&](const Owned<kEventColumnCount>& f) {
                                   ++erow;
                                   events[code_key(f[0])].emplace_back(erow, f);
                                 });
    }
    for (const auto& [code, r] : rows) {
      std::optional<Dossier> d = decode_d(r.second, r.first, summary);
      if (!d || !keep(*d)) continue;
      std::vector<Event> ev;
      for (const auto& [erow, f] : events[code]) {
        auto e = decode_event(views(f), decode_options());
        if (auto* good = std::get_if<Event>(&e)) {
          ev.push_back(std::move(*good));
        } else {
          detail::note_problem(summary, problem_of(std::string_view(code), erow,
                                                   std::get<FieldError>(e), "event: "));
        }
      }
      std::stable_sort(ev.begin(), ev.end(),
                       [](const Event& a, const Event& b) { return a.at < b.at; });
      detail::note_not_utf8(views(r.second), d->code, r.first, summary);
      ++summary.dossiers;
      summary.events += static_cast<std::int64_t>(ev.size());
      visit(*d, ev);
    }
  }
};

MappedStore::MappedStore(const StoreSettings& settings) {
  if (!settings.mapping || settings.mapping->dossiers.empty()) {
    throw StoreError("[store.mapping]: the `dossiers` query is required");
  }
  impl_ = std::make_unique<Impl>(settings);
  // A mapped SQLite file that cannot be opened, or a mapping that does not fit it, is an error of
  // the configuration: said now. A server is connected to at the first read (which reports it
  // while it is down): opening the store never waits for a network.
  if (impl_->spec.url.engine == DbEngine::sqlite) impl_->ensure();
}

MappedStore::~MappedStore() = default;

const std::string& MappedStore::description() const {
  return impl_->description;
}

void MappedStore::connect() {
  impl_->ensure();
}

std::optional<StoredDossier> MappedStore::get(std::string_view code) {
  return impl_->read("reading one dossier", [&](detail::DbSession& s, bool&) {
    std::optional<StoredDossier> out;
    ReadSummary summary;
    const std::string c(code);
    impl_->walk_codes(
        s, std::span<const std::string>(&c, 1), [](const Dossier&) { return true; },
        [&](const Dossier& d, std::span<const Event> ev) {
          out = StoredDossier{d, std::vector<Event>(ev.begin(), ev.end())};
        },
        summary);
    return out;
  });
}

std::int64_t MappedStore::count() {
  return impl_->read("counting the dossiers", [&](detail::DbSession& s, bool&) {
    soci::row r;
    soci::statement st(s.sql());
    st.exchange(soci::into(r));
    std::tm since = lowest_tm();
    if (impl_->dq.since) st.exchange(soci::use(since, "since"));
    st.alloc();
    st.prepare("SELECT COUNT(*) FROM (\n" + impl_->dq.sql + "\n) dunghan_q");
    s.configure(st);
    st.define_and_bind();
    st.execute(false);
    std::int64_t n = 0;
    if (st.fetch()) {
      if (const auto t = cell_text(r, 0)) n = std::stoll(*t);
    }
    return n;
  });
}

ReadSummary MappedStore::for_each(const DossierFilter& given, const DossierVisitor& visit) {
  const DossierFilter filter = composed(given);
  return impl_->read("reading the dossiers", [&](detail::DbSession& s, bool& tx_open) {
    ReadSummary summary;
    impl_->walk_all(
        s, tx_open, [&](const Dossier& d) { return matches(filter, d); },
        [](const Dossier&, std::span<const Event>) { return true; }, visit, summary);
    return summary;
  });
}

ChangedRead MappedStore::read_changed(const ChangeCursor& since,
                                      std::span<const std::string> also_codes,
                                      const DossierVisitor& visit) {
  return impl_->read("reading the changed dossiers", [&](detail::DbSession& s, bool& tx_open) {
    Impl& m = *impl_;
    ChangedRead out;
    out.next = since;
    std::unordered_set<std::string> seen;
    const auto track = [&](const Dossier& d, std::span<const Event> ev) {
      if (!also_codes.empty()) seen.insert(d.code);
      visit(d, ev);
    };
    const std::optional<calendar::Instant> events_since =
        since.events_since ? since.events_since : since.updated_since;
    if (!since.updated_since || !m.dq.since) {
      // A full pass (the first read, or a query without :since): the changed dossiers are kept.
      const Impl::Walked w = m.walk_all(
          s, tx_open, [](const Dossier&) { return true; },
          [&](const Dossier& d, std::span<const Event> ev) {
            if (!since.updated_since || d.updated_at >= *since.updated_since) return true;
            return events_since && std::any_of(ev.begin(), ev.end(), [&](const Event& e) {
                     return e.at > *events_since;
                   });
          },
          track, out.summary);
      if (w.max_updated) raise(out.next.updated_since, *w.max_updated);
      if (w.max_event) raise(out.next.events_since, *w.max_event);
      if (!tx_open) {
        // walk_all ended the transaction; the requested codes get one of their own.
        s.begin_read();
        tx_open = true;
      }
    } else {
      // Q with the cursor gives the changed dossiers; E with its cursor the ones with new events.
      std::map<std::string, std::pair<std::int64_t, Owned<kDossierColumnCount>>> changed;
      std::int64_t row = 0;
      out.summary.rows_fetched +=
          m.run<kDossierColumnCount>(s, m.dq, "", to_tm(*since.updated_since, m.zone), {},
                                     [&](const Owned<kDossierColumnCount>& f) {
                                       ++row;
                                       const auto d = m.decode_d(f, row, out.summary);
                                       if (!d) return;
                                       raise(out.next.updated_since, d->updated_at);
                                       changed.try_emplace(d->code, row, f);
                                     });
      std::vector<std::string> with_events;
      if (m.has_events && m.eq.since && events_since) {
        std::set<std::string> codes;
        out.summary.rows_fetched += m.run<kEventColumnCount>(
            s, m.eq, "", to_tm(*events_since, m.zone), {}, [&](const Owned<kEventColumnCount>& f) {
              auto e = decode_event(views(f), m.decode_options());
              if (auto* good = std::get_if<Event>(&e)) {
                raise(out.next.events_since, good->at);
                if (!changed.contains(good->code)) codes.insert(good->code);
              }
            });
        with_events.assign(codes.begin(), codes.end());
      }
      // Visit the changed dossiers kMappedCodeChunk at a time, each chunk with its events.
      auto it = changed.begin();
      while (it != changed.end()) {
        std::map<std::string, std::pair<std::int64_t, Owned<kDossierColumnCount>>> chunk;
        while (it != changed.end() && chunk.size() < kMappedCodeChunk) {
          chunk.insert(*it);
          ++it;
        }
        m.visit_with_events(
            s, chunk, [](const Dossier&) { return true; }, track, out.summary);
      }
      m.walk_codes(
          s, with_events, [](const Dossier&) { return true; }, track, out.summary);
    }
    if (!also_codes.empty()) {
      std::vector<std::string> rest;
      for (const std::string& c : also_codes) {
        if (!seen.contains(c)) rest.push_back(c);
      }
      m.walk_codes(
          s, rest, [](const Dossier&) { return true; }, visit, out.summary);
    }
    return out;
  });
}

StoreIdentity MappedStore::identity() {
  Impl& m = *impl_;
  if (m.spec.url.engine == DbEngine::sqlite) {
    // A file: which one the path names now (one stat(2)); another file there (replaced, restored
    // from a backup) is opened and its queries checked again (the old connection never wrote).
    const std::optional<FileIdentity> here = file_identity(m.spec.sqlite_file);
    if (!here) {
      throw StoreError(m.description +
                       " (read-only, [store.mapping]): the database file no longer exists "
                       "(deleted or moved); alerts wait until it is back");
    }
    if (here != m.file) m.session.reset();
    m.ensure();
    return StoreIdentity{"", "file:" + to_string(*here)};
  }
  std::string where = impl_->read("reading the database's identity",
                                  [](detail::DbSession& s, bool&) { return s.identity(); });
  for (char& c : where) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') c = '_';
  }
  return StoreIdentity{"", std::move(where)};
}

MappingCheck MappedStore::check(std::size_t sample_rows) {
  MappingCheck out;
  Impl& m = *impl_;
  out.database = m.description;
  out.dossiers_since = m.dq.since;
  out.events_since = m.eq.since;
  out.has_events = m.has_events;
  const auto t0 = steady::now();
  m.ensure();
  out.connect_time = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t0);
  out.identity = to_string(identity());
  for (const std::string& c : m.dq.columns) {
    if (!dossier_column_index(c)) out.unmapped_dossier_columns.push_back(c);
  }
  for (const std::string& c : m.eq.columns) {
    if (!event_column_index(c)) out.unmapped_event_columns.push_back(c);
  }
  for (std::size_t c = 0; c < kDossierColumnCount; ++c) {
    if (!m.dq.present(c)) out.absent_dossier_columns.emplace_back(kDossierColumns[c]);
  }
  const auto bad_time = [&](const std::optional<std::string>& code, std::int64_t row,
                            std::string_view column, const std::string& value) {
    ++out.bad_time_count;
    if (out.bad_times.size() < kMaxKept) {
      out.bad_times.push_back(RowProblem{code.value_or(""), row, std::string(column),
                                         "\"" + value +
                                             "\" is not a date-time (expected YYYY-MM-DD "
                                             "HH:MM[:SS], DD/MM/YYYY HH:MM[:SS] or a timestamp "
                                             "type of the database)"});
    }
  };
  const auto refused = [&](RowProblem p) {
    ++out.rejected;
    if (out.problems.size() < kMaxKept) out.problems.push_back(std::move(p));
  };
  m.read("running the mapping", [&](detail::DbSession& s, bool&) {
    auto t = steady::now();
    std::int64_t row = 0;
    out.dossier_rows = m.run<kDossierColumnCount>(
        s, m.dq, "", lowest_tm(), {}, [&](const Owned<kDossierColumnCount>& f) {
          ++row;
          for (std::size_t c = 0; c < kDossierColumnCount; ++c) {
            if (is_time_column(c) && f[c] && !f[c]->empty() && !parse_local_text(*f[c], m.zone)) {
              bad_time(f[0], row, kDossierColumns[c], *f[c]);
            }
          }
          const auto v = views(f);
          auto decoded = decode_dossier(v, m.decode_options());
          if (std::holds_alternative<Dossier>(decoded)) {
            ++out.dossiers_ok;
            if (first_not_utf8(v)) ++out.not_utf8;
          } else {
            refused(problem_of(v[0], row, std::get<FieldError>(decoded)));
          }
          if (out.samples.size() < sample_rows) {
            out.samples.push_back(MappingCheck::Sample{row, f, std::move(decoded)});
          }
        });
    out.dossiers_time = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t);
    if (m.has_events) {
      t = steady::now();
      std::int64_t erow = 0;
      out.event_rows = m.run<kEventColumnCount>(
          s, m.eq, "", lowest_tm(), {}, [&](const Owned<kEventColumnCount>& f) {
            ++erow;
            for (std::size_t c = 0; c < kEventColumnCount; ++c) {
              if (is_event_time_column(c) && f[c] && !f[c]->empty() &&
                  !parse_local_text(*f[c], m.zone)) {
                bad_time(f[0], erow, "event " + std::string(kEventColumns[c]), *f[c]);
              }
            }
            const auto v = views(f);
            auto e = decode_event(v, m.decode_options());
            if (std::holds_alternative<Event>(e)) {
              ++out.events_ok;
            } else {
              refused(problem_of(v[0], erow, std::get<FieldError>(e), "event: "));
            }
          });
      out.events_time = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t);
    }
    return 0;
  });
  return out;
}

}  // namespace dunghan::store
