// The fire schedule in the SQLite state database (schema: state_db.cpp).
#include "alerting/fire_schedule.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "alerting/state_db.h"

namespace dunghan::alerting {
namespace {

class SqliteFireSchedule final : public FireSchedule {
 public:
  explicit SqliteFireSchedule(const std::filesystem::path& path)
      : db_(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    db_.exec("PRAGMA journal_mode=WAL");
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec("PRAGMA busy_timeout=5000");
    db_.exec("PRAGMA journal_size_limit=1048576");
    migrate_state_db(db_, path);
  }

  void set_all(
      const std::vector<std::pair<std::string, std::optional<calendar::Instant>>>& items) override {
    if (items.empty()) return;
    SQLite::Transaction tx(db_);
    SQLite::Statement upsert(db_,
                             "INSERT INTO next_fire(code, at) VALUES(?, ?) "
                             "ON CONFLICT(code) DO UPDATE SET at = excluded.at");
    SQLite::Statement erase(db_, "DELETE FROM next_fire WHERE code = ?");
    for (const auto& [code, at] : items) {
      if (at) {
        upsert.bind(1, code);
        upsert.bind(2, static_cast<std::int64_t>(at->time_since_epoch().count()));
        upsert.exec();
        upsert.reset();
      } else {
        erase.bind(1, code);
        erase.exec();
        erase.reset();
      }
    }
    tx.commit();
  }

  std::vector<std::string> due(calendar::Instant now) override {
    SQLite::Statement q(db_, "SELECT code FROM next_fire WHERE at <= ? ORDER BY at");
    q.bind(1, static_cast<std::int64_t>(now.time_since_epoch().count()));
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  }

  std::optional<calendar::Instant> earliest() override {
    SQLite::Statement q(db_, "SELECT MIN(at) FROM next_fire");
    if (q.executeStep() && !q.getColumn(0).isNull()) {
      return calendar::Instant{std::chrono::seconds{q.getColumn(0).getInt64()}};
    }
    return std::nullopt;
  }

 private:
  SQLite::Database db_;
};

}  // namespace

std::unique_ptr<FireSchedule> FireSchedule::open(const std::filesystem::path& path) {
  try {
    return std::make_unique<SqliteFireSchedule>(path);
  } catch (const SQLite::Exception& e) {
    throw std::runtime_error("cannot open the state database " + path.string() + ": " + e.what());
  }
}

}  // namespace dunghan::alerting
