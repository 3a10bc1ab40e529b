#pragma once
// The next firing instant of each open dossier, kept in the state database beside the ledger, so
// a cycle reads from the store only the dossiers that changed plus those whose next alert time
// has come (docs/design.md "The data flow of one cycle", step 1). Two implementations: the table
// `next_fire` in the SQLite state.db (open()) and in PostgreSQL (pg_state.h).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "calendar/civil.h"

namespace dunghan::alerting {

/// Errors: every member throws std::runtime_error when the database cannot be read or written
/// (a transaction is then rolled back). Time: UTC instants.
class FireSchedule {
 public:
  /// Opens (creating) the table `next_fire` in the SQLite database at `path`. Throws
  /// std::runtime_error naming the file.
  static std::unique_ptr<FireSchedule> open(const std::filesystem::path& path);
  virtual ~FireSchedule() = default;

  /// Records the next firing of `code`, or removes it when `at` is empty.
  void set(const std::string& code, std::optional<calendar::Instant> at) { set_all({{code, at}}); }
  /// Many updates in one transaction (in order: a later item for the same code wins).
  virtual void set_all(
      const std::vector<std::pair<std::string, std::optional<calendar::Instant>>>& items) = 0;
  /// Codes whose next firing is at or before `now`, earliest first.
  virtual std::vector<std::string> due(calendar::Instant now) = 0;
  /// The earliest recorded firing, if any.
  virtual std::optional<calendar::Instant> earliest() = 0;
};

}  // namespace dunghan::alerting
