#pragma once
// The dossier model (hồ sơ TTHC): what the store holds for each dossier, its events, and the
// procedure catalogue. Plain value types; no I/O, no clock.
//
// Times: every Instant is UTC (std::chrono::sys_seconds). The store keeps them as local date-times
// of the agency's zone (calendar::to_local / to_instant convert); this model never does.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/civil.h"
#include "calendar/due_date.h"

namespace dunghan::deadline {

using calendar::Instant;

/// How the dossier reached the one-stop shop (form 6a columns 4 and 5).
enum class Channel {
  online,  // trực tuyến (public-service portal)
  direct,  // trực tiếp (at the counter)
  post,    // dịch vụ bưu chính công ích (BCCI)
};

/// The dossier's status as the store has it now (as of Dossier::updated_at).
enum class Status {
  processing,          // đang giải quyết
  waiting_supplement,  // chờ bổ sung (a supplement_requested event not yet answered)
  paused,              // tạm dừng (a paused event not yet resumed)
  resolved,            // đã giải quyết, result returned (resolved_at = the return instant)
  returned,            // trả lại hồ sơ (refused / sent back; resolved_at = that instant)
  withdrawn,           // công dân xin rút (resolved_at = that instant)
};

/// What an event records.
enum class EventKind {
  supplement_requested,  // yêu cầu bổ sung (Decree 61/2018 art. 19(4)): the clock stops
  supplement_received,   // the complete dossier arrived: restart or resume (DeadlineOptions)
  paused,                // another pause that the law excludes (e.g. waiting for a confirmation)
  resumed,               // the end of such a pause
  extended,  // Phiếu xin lỗi và hẹn lại (art. 19(9)): new_due_at is the new appointment
};

/// "online" | "direct" | "post".
std::string_view to_string(Channel c);
/// "processing" | "waiting_supplement" | "paused" | "resolved" | "returned" | "withdrawn".
std::string_view to_string(Status s);
/// "supplement_requested" | "supplement_received" | "paused" | "resumed" | "extended".
std::string_view to_string(EventKind k);

/// Parse the canonical names above. ASCII case-insensitive; surrounding blanks ignored.
/// Returns nullopt for anything else (no other aliases: the CSV importer maps its own vocabulary).
std::optional<Channel> parse_channel(std::string_view s);
std::optional<Status> parse_status(std::string_view s);
std::optional<EventKind> parse_event_kind(std::string_view s);

/// True for resolved, returned and withdrawn: the dossier has left the one-stop's hands.
constexpr bool is_closed(Status s) {
  return s == Status::resolved || s == Status::returned || s == Status::withdrawn;
}

/// One dossier. `code` is its identity (mã hồ sơ), unique in the store.
struct Dossier {
  std::string code;            // mã hồ sơ, unique
  std::string procedure_code;  // mã thủ tục; key into the ProcedureCatalogue
  std::string procedure_name;  // tên thủ tục (as the store has it; may be empty)
  std::string field;           // lĩnh vực (row of form 6a)
  std::string department;      // đơn vị / phòng ban xử lý
  std::string handler;         // recipient id of the officer in charge (alerting)
  std::string applicant;       // người nộp
  Channel channel = Channel::direct;
  Instant received_at{};  // moment of receipt (before any normalisation / cut-off)
  /// The procedure's legal duration. Absent: take it from the ProcedureCatalogue.
  std::optional<calendar::Duration> duration;
  /// The issued appointment printed on the receipt slip (ngày hẹn trả). When present it is
  /// authoritative for alerts and classification (docs/rules.md §2). Later appointments arrive as
  /// `extended` events, not by rewriting this field.
  std::optional<Instant> due_at;
  Status status = Status::processing;
  /// For resolved / returned / withdrawn: the instant the dossier left (result returned, dossier
  /// sent back or withdrawn). Absent for open dossiers.
  std::optional<Instant> resolved_at;
  Instant updated_at{};  // last change of this row in the source system

  friend bool operator==(const Dossier&, const Dossier&) = default;
};

/// One event of a dossier's history. A dossier's events are ordered by `at` (ties: in the order
/// the store recorded them).
struct Event {
  std::string code;  // the dossier's code
  Instant at{};
  EventKind kind = EventKind::paused;
  std::optional<Instant> new_due_at;  // only for `extended`: the new appointment
  std::string note;

  friend bool operator==(const Event&, const Event&) = default;
};

/// The effective instant a closed dossier left: resolved_at, or updated_at when resolved_at is
/// missing; never earlier than received_at (a resolution recorded before the receipt is bad data
/// and is clamped to the receipt). nullopt when the status is open. Form 6a and the clock both use
/// this, so a dossier is counted consistently.
std::optional<Instant> closed_at(const Dossier& d);

/// True when `d` was open at instant `at` (docs/rules.md §4, "the state of a dossier at an
/// instant"): received at or before `at`, and not closed by then (closed_at(d) absent or after
/// `at`). A dossier resolved, returned or withdrawn after `at` was open at `at`, whatever its
/// status now.
bool open_at(const Dossier& d, Instant at);

/// One entry of the procedure catalogue (danh mục TTHC).
struct Procedure {
  std::string code;
  std::string name;
  std::string field;
  calendar::Duration duration;
  /// Receipt at or after this local time counts from the next working day (docs/rules.md §2
  /// "Cut-off").
  std::optional<calendar::MinuteOfDay> cutoff;

  friend bool operator==(const Procedure&, const Procedure&) = default;
};

/// The procedure catalogue, keyed by procedure code.
class ProcedureCatalogue {
 public:
  /// Adds or replaces the entry with `p.code`.
  void add(Procedure p);
  /// The entry for `code`, or nullptr. The pointer stays valid until the next add().
  const Procedure* find(std::string_view code) const;
  std::size_t size() const { return by_code_.size(); }
  /// All entries, ordered by code.
  std::vector<Procedure> entries() const;

 private:
  std::map<std::string, Procedure, std::less<>> by_code_;
};

}  // namespace dunghan::deadline
