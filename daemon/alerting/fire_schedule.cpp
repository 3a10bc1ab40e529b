#include "alerting/fire_schedule.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "alerting/state_db.h"

namespace dunghan::alerting {

struct FireSchedule::Impl {
  explicit Impl(const std::filesystem::path& path)
      : db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=FULL");
    db.exec("PRAGMA busy_timeout=5000");
    db.exec("PRAGMA journal_size_limit=1048576");
    migrate_state_db(db, path);
  }
  SQLite::Database db;
};

FireSchedule::FireSchedule(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FireSchedule::~FireSchedule() = default;

std::unique_ptr<FireSchedule> FireSchedule::open(const std::filesystem::path& path) {
  try {
    return std::unique_ptr<FireSchedule>(new FireSchedule(std::make_unique<Impl>(path)));
  } catch (const SQLite::Exception& e) {
    throw std::runtime_error("cannot open the state database " + path.string() + ": " + e.what());
  }
}

void FireSchedule::set(const std::string& code, std::optional<calendar::Instant> at) {
  set_all({{code, at}});
}

void FireSchedule::set_all(
    const std::vector<std::pair<std::string, std::optional<calendar::Instant>>>& items) {
  if (items.empty()) return;
  SQLite::Transaction tx(impl_->db);
  SQLite::Statement upsert(impl_->db,
                           "INSERT INTO next_fire(code, at) VALUES(?, ?) "
                           "ON CONFLICT(code) DO UPDATE SET at = excluded.at");
  SQLite::Statement erase(impl_->db, "DELETE FROM next_fire WHERE code = ?");
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

std::vector<std::string> FireSchedule::due(calendar::Instant now) {
  SQLite::Statement q(impl_->db, "SELECT code FROM next_fire WHERE at <= ? ORDER BY at");
  q.bind(1, static_cast<std::int64_t>(now.time_since_epoch().count()));
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

std::optional<calendar::Instant> FireSchedule::earliest() {
  SQLite::Statement q(impl_->db, "SELECT MIN(at) FROM next_fire");
  if (q.executeStep() && !q.getColumn(0).isNull()) {
    return calendar::Instant{std::chrono::seconds{q.getColumn(0).getInt64()}};
  }
  return std::nullopt;
}

}  // namespace dunghan::alerting
