#include "alerting/silences.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <mutex>
#include <stdexcept>
#include <type_traits>

#include "alerting/state_db.h"

namespace dunghan::alerting {
namespace {

constexpr const char* kSilenceColumns =
    "id, code, rule, until, reason, created_by, created_at, ended_at, ended_by";

using calendar::instant;
using calendar::secs;

Silence read(const SQLite::Statement& st) {
  Silence s;
  s.id = st.getColumn(0).getInt64();
  s.code = st.getColumn(1).getString();
  s.rule = st.getColumn(2).getString();
  s.until = instant(st.getColumn(3).getInt64());
  s.reason = st.getColumn(4).getString();
  s.by = st.getColumn(5).getString();
  s.created_at = instant(st.getColumn(6).getInt64());
  if (!st.getColumn(7).isNull()) s.ended_at = instant(st.getColumn(7).getInt64());
  s.ended_by = st.getColumn(8).getString();
  return s;
}

class SqliteSilences final : public SilenceStore {
 public:
  explicit SqliteSilences(const std::filesystem::path& path)
      : path_(path), db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000) {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = FULL");
    migrate_state_db(db_, path_);
  }

  Silence add(Silence s) override {
    check_new_silence(s);
    return guarded([&] {
      SQLite::Statement st(db_,
                           "INSERT INTO silences (code, rule, until, reason, created_by, "
                           "created_at, ended_at, ended_by) VALUES (?, ?, ?, ?, ?, ?, NULL, '')");
      st.bind(1, s.code);
      st.bind(2, s.rule);
      st.bind(3, secs(s.until));
      st.bind(4, s.reason);
      st.bind(5, s.by);
      st.bind(6, secs(s.created_at));
      st.exec();
      s.id = db_.getLastInsertRowid();
      s.ended_at.reset();
      s.ended_by.clear();
      return s;
    });
  }

  std::vector<Silence> for_dossier(const std::string& code) override {
    return guarded([&] {
      SQLite::Statement st(db_, std::string("SELECT ") + kSilenceColumns +
                                    " FROM silences WHERE code = ? ORDER BY created_at DESC, id "
                                    "DESC");
      st.bind(1, code);
      return all(st);
    });
  }

  std::vector<Silence> list(bool include_ended, Instant now, std::size_t limit) override {
    return guarded([&] {
      std::string sql = std::string("SELECT ") + kSilenceColumns + " FROM silences";
      if (!include_ended) sql += " WHERE until > ? AND (ended_at IS NULL OR ended_at > ?)";
      sql += " ORDER BY created_at DESC, id DESC LIMIT ?";
      SQLite::Statement st(db_, sql);
      int i = 1;
      if (!include_ended) {
        st.bind(i++, secs(now));
        st.bind(i++, secs(now));
      }
      st.bind(i, static_cast<std::int64_t>(std::min<std::size_t>(limit, 1u << 30)));
      return all(st);
    });
  }

  std::optional<Silence> get(std::int64_t id) override {
    return guarded([&]() -> std::optional<Silence> {
      SQLite::Statement st(
          db_, std::string("SELECT ") + kSilenceColumns + " FROM silences WHERE id = ?");
      st.bind(1, id);
      if (!st.executeStep()) return std::nullopt;
      return read(st);
    });
  }

  bool expire(std::int64_t id, Instant now, const std::string& by) override {
    return guarded([&] {
      SQLite::Statement st(db_,
                           "UPDATE silences SET ended_at = ?, ended_by = ? WHERE id = ? AND "
                           "until > ? AND (ended_at IS NULL OR ended_at > ?)");
      st.bind(1, secs(now));
      st.bind(2, by);
      st.bind(3, id);
      st.bind(4, secs(now));
      st.bind(5, secs(now));
      return st.exec() > 0;
    });
  }

  std::size_t end_for_dossiers(std::span<const std::string> codes, Instant now) override {
    if (codes.empty()) return 0;
    return guarded([&] {
      // Most closed dossiers were never silenced: look first, write only when there is work.
      std::vector<std::string> silenced;
      {
        SQLite::Statement st(db_,
                             "SELECT 1 FROM silences WHERE code = ? AND until > ? AND "
                             "(ended_at IS NULL OR ended_at > ?) LIMIT 1");
        for (const std::string& code : codes) {
          st.reset();
          st.bind(1, code);
          st.bind(2, secs(now));
          st.bind(3, secs(now));
          if (st.executeStep()) silenced.push_back(code);
        }
      }
      if (silenced.empty()) return std::size_t{0};
      SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement st(db_,
                           "UPDATE silences SET ended_at = ?, ended_by = 'resolved' WHERE code = ? "
                           "AND until > ? AND (ended_at IS NULL OR ended_at > ?)");
      std::size_t n = 0;
      for (const std::string& code : silenced) {
        st.reset();
        st.bind(1, secs(now));
        st.bind(2, code);
        st.bind(3, secs(now));
        st.bind(4, secs(now));
        n += static_cast<std::size_t>(st.exec());
      }
      tx.commit();
      return n;
    });
  }

 private:
  template <class F>
  std::invoke_result_t<F> guarded(F&& f) {
    std::lock_guard lock(mu_);
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      throw std::runtime_error("state database " + path_.string() + ": " + e.what());
    }
  }

  static std::vector<Silence> all(SQLite::Statement& st) {
    std::vector<Silence> out;
    while (st.executeStep()) out.push_back(read(st));
    return out;
  }

  std::filesystem::path path_;
  SQLite::Database db_;
  std::mutex mu_;
};

}  // namespace

void check_new_silence(const Silence& s) {
  if (s.code.empty()) throw std::invalid_argument("a silence needs a dossier code");
  if (s.reason.empty()) throw std::invalid_argument("a silence needs a reason");
  if (s.until <= s.created_at) throw std::invalid_argument("a silence must end after it starts");
}

std::optional<Silence> holding(std::span<const Silence> silences, const std::string& rule,
                               Instant now) {
  std::optional<Silence> best;
  for (const Silence& s : silences) {
    if (s.holds(rule, now) && (!best || s.end() > best->end())) best = s;
  }
  return best;
}

std::string state_vn(const Silence& s, Instant now) {
  if (s.active(now)) return "đang tạm dừng";
  if (s.ended_at && *s.ended_at < s.until) {
    return s.ended_by == "resolved"
               ? "đã kết thúc (hồ sơ đã giải quyết)"
               : "đã kết thúc" + (s.ended_by.empty() ? "" : " bởi " + s.ended_by);
  }
  return "đã hết hạn";
}

std::string describe_vn(const Silence& s, calendar::UtcOffset offset, Instant now) {
  auto when = [&](Instant t) {
    const calendar::LocalDateTime l = calendar::to_local(t, offset);
    return calendar::format_date_vn(l.date) + " " +
           calendar::format_local_minutes(t, offset).substr(11);
  };
  return "#" + std::to_string(s.id) + " " + s.code + " (" +
         (s.rule.empty() ? std::string("mọi quy tắc") : "quy tắc " + s.rule) + ") đến " +
         when(s.end()) + " — " + state_vn(s, now) + " — bởi " + (s.by.empty() ? "?" : s.by) +
         " lúc " + when(s.created_at) + ": " + s.reason;
}

std::unique_ptr<SilenceStore> open_sqlite_silences(const std::filesystem::path& path) {
  try {
    return std::make_unique<SqliteSilences>(path);
  } catch (const SQLite::Exception& e) {
    throw std::runtime_error("cannot open the state database " + path.string() + ": " + e.what());
  }
}

}  // namespace dunghan::alerting
