// dunghan's dossier store on PostgreSQL (pg_store.h).
#include "store/pg_store.h"

#include <algorithm>
#include <random>
#include <set>
#include <tuple>
#include <unordered_set>

#include "calendar/due_date.h"
#include "pg/schema.h"
#include "pg/session.h"
#include "store/sqlite_common.h"

namespace dunghan::store {
namespace {

using deadline::Dossier;
using deadline::Event;
using pg::ArrayLiteral;
using pg::Connection;
using pg::Params;
using pg::Result;

constexpr std::string_view kComponent = "store";

constexpr std::string_view kPgStoreMigrations[] = {
    // 0 → 1
    R"sql(
CREATE TABLE dossiers (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code           text NOT NULL UNIQUE,
  procedure_code text NOT NULL DEFAULT '',
  procedure_name text NOT NULL DEFAULT '',
  field          text NOT NULL DEFAULT '',
  department     text NOT NULL DEFAULT '',
  handler        text NOT NULL DEFAULT '',
  applicant      text NOT NULL DEFAULT '',
  channel        text NOT NULL,
  received_at    timestamp(0) NOT NULL,
  duration       text,
  due_at         timestamp(0),
  status         text NOT NULL,
  resolved_at    timestamp(0),
  updated_at     timestamp(0) NOT NULL,
  open           boolean NOT NULL,
  version        bigint NOT NULL
);
COMMENT ON TABLE dossiers IS 'dunghan: dossiers; timestamps are local wall times of the agency';
CREATE INDEX dossiers_open ON dossiers (id) WHERE open;
CREATE INDEX dossiers_version ON dossiers (version);
CREATE INDEX dossiers_received ON dossiers (received_at);
CREATE TABLE events (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dossier_id bigint NOT NULL REFERENCES dossiers (id),
  at         timestamp(0) NOT NULL,
  kind       text NOT NULL,
  new_due_at timestamp(0),
  note       text NOT NULL DEFAULT '',
  UNIQUE (dossier_id, at, kind)
);
CREATE INDEX events_by_dossier ON events (dossier_id, at, seq);
CREATE TABLE store_meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO store_meta (key, value) VALUES ('row_version', '0');
)sql",
};

/// Dossier columns as the walk selects them: the dossier id first, then the canonical columns in
/// kDossierColumns order (so field i is column i + 1).
constexpr const char* kPgDossierSelect =
    "SELECT d.id, d.code, d.procedure_code, d.procedure_name, d.field, d.department, d.handler, "
    "d.applicant, d.channel, d.received_at, d.duration, d.due_at, d.status, d.resolved_at, "
    "d.updated_at FROM dossiers d";
/// Event columns: the dossier id, then kEventColumns order.
constexpr const char* kPgEventSelect =
    "SELECT e.dossier_id, d.code, e.at, e.kind, e.new_due_at, e.note FROM events e JOIN dossiers "
    "d ON d.id = e.dossier_id";

constexpr int kFetch = 5000;

std::string num(std::int64_t n) {
  return std::to_string(n);
}

/// A server-side cursor read in batches of kFetch rows.
class Cursor {
 public:
  Cursor(Connection& c, std::string name, const std::string& query, const Params& params)
      : c_(c), name_(std::move(name)) {
    c_.exec("DECLARE " + name_ + " NO SCROLL CURSOR FOR " + query, params);
  }
  /// Moves to the next row; false at the end.
  bool step() {
    if (++row_ < batch_.rows()) return true;
    if (done_) return false;
    batch_ = c_.exec("FETCH FORWARD " + std::to_string(kFetch) + " FROM " + name_);
    row_ = 0;
    if (batch_.rows() < kFetch) done_ = true;
    return batch_.rows() > 0;
  }
  std::int64_t key() const { return batch_.int64(row_, 0); }
  /// Column `col` of the current row (nullopt for NULL); valid until the next step().
  std::optional<std::string_view> field(int col) const {
    if (batch_.null(row_, col)) return std::nullopt;
    return batch_.text(row_, col);
  }

 private:
  Connection& c_;
  std::string name_;
  Result batch_;
  int row_ = -1;
  bool done_ = false;
};

template <std::size_t N>
std::array<std::optional<std::string_view>, N> fields_of(const Cursor& cur) {
  std::array<std::optional<std::string_view>, N> f;
  for (std::size_t i = 0; i < N; ++i) f[i] = cur.field(static_cast<int>(i) + 1);
  return f;
}

/// A filter as SQL over `d` with its parameters appended to `params`.
std::string where_of(const DossierFilter& f, calendar::UtcOffset off, Params& params) {
  std::string w;
  const auto add = [&](const std::string& cond) { w += (w.empty() ? " WHERE " : " AND ") + cond; };
  const auto param = [&](std::string value) {
    params.emplace_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  if (f.open_only) add("d.open");
  if (f.received_at_or_before) {
    add("d.received_at <= " + param(format_local_text(*f.received_at_or_before, off)) +
        "::timestamp");
  }
  if (f.not_closed_before) {
    add("(d.open OR GREATEST(d.received_at, COALESCE(d.resolved_at, d.updated_at)) >= " +
        param(format_local_text(*f.not_closed_before, off)) + "::timestamp)");
  }
  if (f.department) add("d.department = " + param(*f.department));
  return w;
}

}  // namespace

struct PgStore::Impl {
  StoreSettings settings;
  std::shared_ptr<pg::Session> session;
  int cursors = 0;

  explicit Impl(const StoreSettings& s)
      : settings(s), session(std::make_shared<pg::Session>(*s.server)) {
    session->on_connect([](Connection& c) {
      pg::migrate(c, kComponent, kPgStoreMigrations);
      // A random id made once with the store: a restored copy keeps it, a new store has another.
      std::random_device rd;
      const std::string id = std::to_string(rd()) + std::to_string(rd()) + std::to_string(rd());
      c.exec(
          "INSERT INTO store_meta (key, value) VALUES ('store_id', $1) ON CONFLICT (key) DO "
          "NOTHING",
          {id});
    });
  }

  DecodeOptions decode_options() const {
    DecodeOptions o;
    o.offset = settings.offset;
    return o;
  }

  /// Runs `fn` on the connection; every failure becomes StoreError naming the server.
  template <typename F>
  auto run(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
    try {
      return session->run(std::forward<F>(fn));
    } catch (const pg::Error& e) {
      throw StoreError(std::string("dossier store: ") + e.what());
    }
  }

  /// Streams the dossiers selected by `where_sql` (over `d`, with `params`) and their events,
  /// merged by dossier id, inside the caller's transaction.
  template <typename Keep>
  void walk(Connection& c, const std::string& where_sql, const Params& params, Keep keep,
            const DossierVisitor& visit, ReadSummary& summary, std::int64_t& row) {
    const std::string n = std::to_string(++cursors);
    Cursor dq(c, "dq" + n, std::string(kPgDossierSelect) + where_sql + " ORDER BY d.id", params);
    Cursor eq(c, "eq" + n,
              std::string(kPgEventSelect) + where_sql + " ORDER BY e.dossier_id, e.at, e.seq",
              params);
    const DecodeOptions options = decode_options();
    bool ev = eq.step();
    std::int64_t erow = ev ? 1 : 0;
    std::vector<Event> events;
    while (dq.step()) {
      ++row;
      const std::int64_t key = dq.key();
      const DossierFields fields = fields_of<kDossierColumnCount>(dq);
      auto decoded = decode_dossier(fields, options);
      events.clear();
      while (ev && eq.key() < key) {
        ev = eq.step();
        ++erow;
      }
      const bool ok = std::holds_alternative<Dossier>(decoded);
      while (ev && eq.key() == key) {
        if (ok) {
          auto e = decode_event(fields_of<kEventColumnCount>(eq), options);
          if (auto* good = std::get_if<Event>(&e)) {
            events.push_back(std::move(*good));
          } else {
            auto& err = std::get<FieldError>(e);
            detail::note_problem(summary, RowProblem{std::get<Dossier>(decoded).code, erow,
                                                     err.column, "event: " + err.reason});
          }
        }
        ev = eq.step();
        ++erow;
      }
      if (!ok) {
        auto& err = std::get<FieldError>(decoded);
        detail::note_problem(summary, RowProblem{fields[0] ? std::string(*fields[0]) : "", row,
                                                 err.column, err.reason});
        continue;
      }
      const Dossier& d = std::get<Dossier>(decoded);
      if (!keep(d)) continue;
      detail::note_not_utf8(fields, d.code, row, summary);
      std::stable_sort(events.begin(), events.end(),
                       [](const Event& a, const Event& b) { return a.at < b.at; });
      ++summary.dossiers;
      summary.events += static_cast<std::int64_t>(events.size());
      visit(d, events);
    }
    c.exec("CLOSE dq" + n + "; CLOSE eq" + n);
  }
};

PgStore::PgStore(const StoreSettings& settings) {
  if (!settings.server) throw StoreError("PgStore: no PostgreSQL server in the settings");
  impl_ = std::make_unique<Impl>(settings);
}

PgStore::~PgStore() = default;

int PgStore::latest_schema_version() {
  return static_cast<int>(std::size(kPgStoreMigrations));
}

int PgStore::schema_version() {
  return impl_->run([&](Connection& c) { return pg::schema_version(c, kComponent); });
}

const std::string& PgStore::description() const {
  return impl_->session->description();
}

std::optional<StoredDossier> PgStore::get(std::string_view code) {
  return impl_->run([&](Connection& c) {
    std::optional<StoredDossier> out;
    pg::Transaction tx(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    ReadSummary summary;
    std::int64_t row = 0;
    impl_->walk(
        c, " WHERE d.code = $1", {std::string(code)}, [](const Dossier&) { return true; },
        [&](const Dossier& d, std::span<const Event> ev) {
          out = StoredDossier{d, std::vector<Event>(ev.begin(), ev.end())};
        },
        summary, row);
    tx.commit();
    return out;
  });
}

StoreIdentity PgStore::identity() {
  return impl_->run([&](Connection& c) {
    const Result r =
        c.exec_prepared("store_identity",
                        "SELECT (SELECT value FROM store_meta WHERE key = 'store_id'), "
                        "(SELECT system_identifier FROM pg_control_system()), "
                        "(SELECT oid FROM pg_database WHERE datname = current_database()), "
                        "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
                        {});
    return StoreIdentity{r.str(0, 0), "pg:" + r.str(0, 1) + "/" + r.str(0, 2) + "/" + r.str(0, 3)};
  });
}

std::int64_t PgStore::count() {
  return impl_->run(
      [&](Connection& c) { return c.exec("SELECT count(*) FROM dossiers").int64(0, 0); });
}

ReadSummary PgStore::for_each(const DossierFilter& given, const DossierVisitor& visit) {
  const DossierFilter filter = composed(given);
  return impl_->run([&](Connection& c) {
    ReadSummary summary;
    pg::Transaction tx(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    Params params;
    const std::string where = where_of(filter, impl_->settings.offset, params);
    std::int64_t row = 0;
    impl_->walk(
        c, where, params, [&](const Dossier& d) { return matches(filter, d); }, visit, summary,
        row);
    tx.commit();
    return summary;
  });
}

ChangedRead PgStore::read_changed(const ChangeCursor& since,
                                  std::span<const std::string> also_codes,
                                  const DossierVisitor& visit) {
  return impl_->run([&](Connection& c) {
    ChangedRead out;
    pg::Transaction tx(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    out.next.version =
        c.exec("SELECT value::bigint FROM store_meta WHERE key = 'row_version'").int64(0, 0);
    std::unordered_set<std::string> seen;
    std::int64_t row = 0;
    impl_->walk(
        c, " WHERE d.version > $1", {num(since.version)}, [](const Dossier&) { return true; },
        [&](const Dossier& d, std::span<const Event> ev) {
          if (!also_codes.empty()) seen.insert(d.code);
          visit(d, ev);
        },
        out.summary, row);
    if (!also_codes.empty()) {
      ArrayLiteral codes;
      for (const std::string& code : also_codes) codes.add(code);
      impl_->walk(
          c, " WHERE d.code = ANY($1::text[])", {codes.str()},
          [&](const Dossier& d) { return !seen.contains(d.code); }, visit, out.summary, row);
    }
    tx.commit();
    return out;
  });
}

namespace {

/// Splits [0, n) into runs in which `key(i)` never repeats (ON CONFLICT DO UPDATE may touch a row
/// once per statement; a later duplicate goes to the next run, so the last one wins as in SQLite).
template <typename Key>
std::vector<std::pair<std::size_t, std::size_t>> unique_runs(std::size_t n, Key key) {
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  std::set<decltype(key(0))> in_run;
  std::size_t start = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!in_run.insert(key(i)).second) {
      runs.emplace_back(start, i);
      start = i;
      in_run.clear();
      in_run.insert(key(i));
    }
  }
  if (start < n) runs.emplace_back(start, n);
  return runs;
}

}  // namespace

WriteResult PgStore::upsert(std::span<const Dossier> dossiers, std::span<const Event> events) {
  const calendar::UtcOffset off = impl_->settings.offset;
  const auto opt_time = [&](ArrayLiteral& a, const std::optional<Instant>& t) {
    if (t) {
      a.add(format_local_text(*t, off));
    } else {
      a.add_null();
    }
  };
  return impl_->run([&](Connection& c) {
    WriteResult result;
    pg::Transaction tx(c);
    const std::int64_t version =
        c.exec("SELECT value::bigint FROM store_meta WHERE key = 'row_version' FOR UPDATE")
            .int64(0, 0) +
        1;
    const std::string v = num(version);
    for (const auto& [begin, end] :
         unique_runs(dossiers.size(), [&](std::size_t i) { return dossiers[i].code; })) {
      ArrayLiteral code, pcode, pname, field, dept, handler, applicant, channel, received, duration,
          due, status, resolved, updated, open;
      for (std::size_t i = begin; i < end; ++i) {
        const Dossier& d = dossiers[i];
        code.add(d.code);
        pcode.add(d.procedure_code);
        pname.add(d.procedure_name);
        field.add(d.field);
        dept.add(d.department);
        handler.add(d.handler);
        applicant.add(d.applicant);
        channel.add(deadline::to_string(d.channel));
        received.add(format_local_text(d.received_at, off));
        if (d.duration) {
          duration.add(calendar::format_duration(*d.duration));
        } else {
          duration.add_null();
        }
        opt_time(due, d.due_at);
        status.add(deadline::to_string(d.status));
        opt_time(resolved, d.resolved_at);
        updated.add(format_local_text(d.updated_at, off));
        open.add(deadline::is_closed(d.status) ? "f" : "t");
      }
      const Result r = c.exec_prepared(
          "store_upsert",
          "INSERT INTO dossiers (code, procedure_code, procedure_name, field, department, "
          "handler, applicant, channel, received_at, duration, due_at, status, resolved_at, "
          "updated_at, open, version) SELECT t.*, $16::bigint FROM unnest($1::text[], $2::text[], "
          "$3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], "
          "$9::timestamp[], $10::text[], $11::timestamp[], $12::text[], $13::timestamp[], "
          "$14::timestamp[], $15::boolean[]) AS t ON CONFLICT (code) DO UPDATE SET "
          "procedure_code = excluded.procedure_code, procedure_name = excluded.procedure_name, "
          "field = excluded.field, department = excluded.department, handler = excluded.handler, "
          "applicant = excluded.applicant, channel = excluded.channel, received_at = "
          "excluded.received_at, duration = excluded.duration, due_at = excluded.due_at, status = "
          "excluded.status, resolved_at = excluded.resolved_at, updated_at = excluded.updated_at, "
          "open = excluded.open, version = excluded.version WHERE (dossiers.procedure_code, "
          "dossiers.procedure_name, dossiers.field, dossiers.department, dossiers.handler, "
          "dossiers.applicant, dossiers.channel, dossiers.received_at, dossiers.duration, "
          "dossiers.due_at, dossiers.status, dossiers.resolved_at, dossiers.updated_at) IS "
          "DISTINCT FROM (excluded.procedure_code, excluded.procedure_name, excluded.field, "
          "excluded.department, excluded.handler, excluded.applicant, excluded.channel, "
          "excluded.received_at, excluded.duration, excluded.due_at, excluded.status, "
          "excluded.resolved_at, excluded.updated_at) RETURNING 1",
          {code.str(), pcode.str(), pname.str(), field.str(), dept.str(), handler.str(),
           applicant.str(), channel.str(), received.str(), duration.str(), due.str(), status.str(),
           resolved.str(), updated.str(), open.str(), v});
      result.dossiers_changed += r.rows();
    }

    if (!events.empty()) {
      {
        ArrayLiteral codes;
        for (const Event& e : events) codes.add(e.code);
        const Result missing = c.exec(
            "SELECT t.i - 1 FROM unnest($1::text[]) WITH ORDINALITY AS t(code, i) WHERE NOT EXISTS "
            "(SELECT 1 FROM dossiers d WHERE d.code = t.code) ORDER BY t.i",
            {codes.str()});
        for (int i = 0; i < missing.rows(); ++i) {
          result.events_without_dossier.push_back(static_cast<std::size_t>(missing.int64(i, 0)));
        }
      }
      for (const auto& [begin, end] : unique_runs(events.size(), [&](std::size_t i) {
             return std::tuple(events[i].code, events[i].at, events[i].kind);
           })) {
        ArrayLiteral code, at, kind, new_due, note;
        for (std::size_t i = begin; i < end; ++i) {
          const Event& e = events[i];
          code.add(e.code);
          at.add(format_local_text(e.at, off));
          kind.add(deadline::to_string(e.kind));
          opt_time(new_due, e.new_due_at);
          note.add(e.note);
        }
        const Result r = c.exec_prepared(
            "store_events",
            "WITH changed AS (INSERT INTO events (dossier_id, at, kind, new_due_at, note) SELECT "
            "d.id, t.at, t.kind, t.new_due_at, t.note FROM unnest($1::text[], $2::timestamp[], "
            "$3::text[], $4::timestamp[], $5::text[]) AS t(code, at, kind, new_due_at, note) JOIN "
            "dossiers d ON d.code = t.code ON CONFLICT (dossier_id, at, kind) DO UPDATE SET "
            "new_due_at = excluded.new_due_at, note = excluded.note WHERE (events.new_due_at, "
            "events.note) IS DISTINCT FROM (excluded.new_due_at, excluded.note) RETURNING "
            "dossier_id), touched AS (UPDATE dossiers SET version = $6::bigint WHERE id IN (SELECT "
            "dossier_id FROM changed) AND version <> $6::bigint) SELECT count(*) FROM changed",
            {code.str(), at.str(), kind.str(), new_due.str(), note.str(), v});
        result.events_changed += r.int64(0, 0);
      }
    }
    if (result.dossiers_changed > 0 || result.events_changed > 0) {
      c.exec("UPDATE store_meta SET value = $1 WHERE key = 'row_version'", {v});
    }
    tx.commit();
    return result;
  });
}

}  // namespace dunghan::store
