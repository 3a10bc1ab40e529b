#pragma once
// Silences (acknowledgements): "I know, the extension is being signed — stop reminding me until
// Friday". A silence names a dossier, optionally one rule, an end, a reason and who set it. While
// it holds, the dossier's matching alerts are recorded `silenced` in the ledger instead of being
// sent (the dispatcher's silence gate); when it ends, only the latest stage still holding goes
// out. A silence never outlives the dossier's resolution: it ends then.
//
// Kept in the state database behind this narrow interface: the SQLite state.db (table `silences`,
// schema version 5, open_sqlite_silences) or the PostgreSQL state (pg_state.h, open_pg_silences),
// the same contract tests over both (tests/alerting_ledger/silences_test.cpp). The gate that
// applies them is silence_gate.h. Time: every Instant is UTC seconds; `now` is the caller's clock.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "calendar/civil.h"

namespace dunghan::alerting {

using calendar::Instant;

struct Silence {
  std::int64_t id = 0;  // given by the store
  std::string code;     // the dossier's code
  std::string rule;     // one rule's name; empty: every rule of the dossier
  Instant until{};      // the silence holds at instants strictly before `until`
  std::string reason;   // why (required, shown in the history)
  std::string by;       // who set it (a user of the pages, or the CLI's --by)
  Instant created_at{};
  /// Set when it was ended before `until`: expired by hand, or the dossier was resolved.
  std::optional<Instant> ended_at;
  std::string ended_by;  // who expired it, or "resolved" for a dossier's resolution

  /// When it stops holding: `until`, or ended_at when it was ended before.
  Instant end() const { return ended_at && *ended_at < until ? *ended_at : until; }
  /// True when the silence holds at `now` (for any rule).
  bool active(Instant now) const { return now < end(); }
  /// True when the silence holds at `now` for an alert of `alert_rule`.
  bool holds(const std::string& alert_rule, Instant now) const {
    return (rule.empty() || rule == alert_rule) && active(now);
  }
};

/// Of `silences`, the one holding at `now` for `rule` that ends last; nullopt when none holds.
std::optional<Silence> holding(std::span<const Silence> silences, const std::string& rule,
                               Instant now);

/// One line in Vietnamese for people (CLI, `alerts explain`): "#3 HS-001 (mọi quy tắc) đến
/// 04/12/2026 17:00 — đang tạm dừng — bởi lan lúc …: lý do" (times local at `offset`; the state
/// as of `now`: đang tạm dừng, đã kết thúc (by), hết hạn).
std::string describe_vn(const Silence& s, calendar::UtcOffset offset, Instant now);
/// "đang tạm dừng" | "đã kết thúc" | "đã kết thúc (hồ sơ đã giải quyết)" | "đã hết hạn" at `now`.
std::string state_vn(const Silence& s, Instant now);

/// Errors: members throw std::runtime_error naming the file when the database cannot be read or
/// written, std::invalid_argument for a silence that is not valid (empty code or reason, `until`
/// not after `created_at`). One object may be shared between threads.
class SilenceStore {
 public:
  virtual ~SilenceStore() = default;
  /// Stores `s` (id ignored) and returns it with its id.
  virtual Silence add(Silence s) = 0;
  /// Every silence of dossier `code`, newest first.
  virtual std::vector<Silence> for_dossier(const std::string& code) = 0;
  /// Silences holding at `now` (for any rule), or all when `include_ended`; newest first, at most
  /// `limit`.
  virtual std::vector<Silence> list(bool include_ended, Instant now, std::size_t limit) = 0;
  /// The silence with `id`, if any.
  virtual std::optional<Silence> get(std::int64_t id) = 0;
  /// Ends silence `id` at `now` (ended_by = `by`). Returns false when there is no such silence or
  /// it no longer holds.
  virtual bool expire(std::int64_t id, Instant now, const std::string& by) = 0;
  /// Ends every silence of the dossiers `codes` still holding at `now` (ended_by = "resolved"):
  /// the dossiers were resolved (closed). One transaction; returns how many silences ended.
  virtual std::size_t end_for_dossiers(std::span<const std::string> codes, Instant now) = 0;
};

/// Throws std::invalid_argument when `s` is not a silence to store: empty code or reason, or
/// `until` not after `created_at`. Every SilenceStore::add checks with it.
void check_new_silence(const Silence& s);

/// Opens the silences in the SQLite state database at `path` (created and migrated when needed).
/// Throws std::runtime_error naming the file.
std::unique_ptr<SilenceStore> open_sqlite_silences(const std::filesystem::path& path);

}  // namespace dunghan::alerting
