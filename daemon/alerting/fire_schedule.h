#pragma once
// The next firing instant of each open dossier, kept in the state database beside the ledger, so
// a cycle reads from the store only the dossiers that changed plus those whose next alert time
// has come (docs/design.md "The data flow of one cycle", step 1).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "calendar/civil.h"

namespace dunghan::alerting {

class FireSchedule {
 public:
  /// Opens (creating) the table `next_fire` in the SQLite database at `path`. Throws
  /// std::runtime_error naming the file.
  static std::unique_ptr<FireSchedule> open(const std::filesystem::path& path);
  ~FireSchedule();

  /// Records the next firing of `code`, or removes it when `at` is empty.
  void set(const std::string& code, std::optional<calendar::Instant> at);
  /// Many updates in one transaction.
  void set_all(const std::vector<std::pair<std::string, std::optional<calendar::Instant>>>& items);
  /// Codes whose next firing is at or before `now`.
  std::vector<std::string> due(calendar::Instant now);
  /// The earliest recorded firing, if any.
  std::optional<calendar::Instant> earliest();

  struct Impl;

 private:
  explicit FireSchedule(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dunghan::alerting
