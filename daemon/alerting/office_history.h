#pragma once
// How many dossiers each department had open and overdue, day by day: the office pages' 30-day
// chart. Kept in the state database (table office_daily) behind this narrow interface, so that a
// PostgreSQL state database is a new implementation, not a rewrite.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "calendar/civil.h"

namespace dunghan::alerting {

/// One department on one local date (the agency's zone).
struct DepartmentDay {
  calendar::Date day{};
  std::string department;
  std::int64_t open = 0;     // open dossiers (any open state)
  std::int64_t overdue = 0;  // of which overdue
  friend bool operator==(const DepartmentDay&, const DepartmentDay&) = default;
};

/// Errors: members throw std::runtime_error naming the file when the database cannot be read or
/// written. One object may be shared between threads.
class OfficeHistory {
 public:
  virtual ~OfficeHistory() = default;
  /// Replaces the counts of `day` with `counts` (all departments of that day, in one
  /// transaction): the latest snapshot of a day is the one kept. Entries of `counts` whose day is
  /// not `day` are ignored.
  virtual void record(calendar::Date day, const std::vector<DepartmentDay>& counts) = 0;
  /// The counts of the days in [from, to] (both included), by day then department.
  virtual std::vector<DepartmentDay> between(calendar::Date from, calendar::Date to) = 0;
};

/// Opens the history in the SQLite state database at `path` (created and migrated when needed).
/// Throws std::runtime_error naming the file.
std::unique_ptr<OfficeHistory> open_sqlite_office_history(const std::filesystem::path& path);

}  // namespace dunghan::alerting
