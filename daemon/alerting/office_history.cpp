#include "alerting/office_history.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <mutex>
#include <stdexcept>

#include "alerting/state_db.h"

namespace dunghan::alerting {
namespace {

class SqliteOfficeHistory final : public OfficeHistory {
 public:
  explicit SqliteOfficeHistory(const std::filesystem::path& path)
      : path_(path), db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000) {
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = FULL");
    migrate_state_db(db_, path_);
  }

  void record(calendar::Date day, const std::vector<DepartmentDay>& counts) override {
    std::lock_guard lock(mu_);
    try {
      SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
      SQLite::Statement del(db_, "DELETE FROM office_daily WHERE day = ?");
      del.bind(1, calendar::format_date(day));
      del.exec();
      SQLite::Statement ins(db_,
                            "INSERT OR REPLACE INTO office_daily (day, department, open, overdue) "
                            "VALUES (?, ?, ?, ?)");
      for (const DepartmentDay& c : counts) {
        if (c.day != day) continue;
        ins.bind(1, calendar::format_date(day));
        ins.bind(2, c.department);
        ins.bind(3, c.open);
        ins.bind(4, c.overdue);
        ins.exec();
        ins.reset();
      }
      tx.commit();
    } catch (const SQLite::Exception& e) {
      throw std::runtime_error("state database " + path_.string() + ": " + e.what());
    }
  }

  std::vector<DepartmentDay> between(calendar::Date from, calendar::Date to) override {
    std::lock_guard lock(mu_);
    std::vector<DepartmentDay> out;
    try {
      SQLite::Statement st(db_,
                           "SELECT day, department, open, overdue FROM office_daily WHERE day >= ? "
                           "AND day <= ? ORDER BY day, department");
      st.bind(1, calendar::format_date(from));
      st.bind(2, calendar::format_date(to));
      while (st.executeStep()) {
        const auto d = calendar::parse_date(st.getColumn(0).getString());
        if (!d) continue;
        out.push_back(DepartmentDay{*d, st.getColumn(1).getString(), st.getColumn(2).getInt64(),
                                    st.getColumn(3).getInt64()});
      }
    } catch (const SQLite::Exception& e) {
      throw std::runtime_error("state database " + path_.string() + ": " + e.what());
    }
    return out;
  }

 private:
  std::filesystem::path path_;
  SQLite::Database db_;
  std::mutex mu_;
};

}  // namespace

std::unique_ptr<OfficeHistory> open_sqlite_office_history(const std::filesystem::path& path) {
  try {
    return std::make_unique<SqliteOfficeHistory>(path);
  } catch (const SQLite::Exception& e) {
    throw std::runtime_error("cannot open the state database " + path.string() + ": " + e.what());
  }
}

}  // namespace dunghan::alerting
