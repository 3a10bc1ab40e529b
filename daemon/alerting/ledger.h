#pragma once
// The alert ledger: the notification log and the outbox in one durable table (state.db in the
// state directory). An alert's key is derived from (dossier code, rule, due version, repeat
// number, recipient, channel); inserting an existing key is a no-op, which is what makes alerts
// exactly-once per key across restarts.
//
// States:  pending → sending → sent
//                            → retry (next_attempt_at) → sending …
//                            → dead (attempt or age limit, or a permanent failure)
//                            → unreachable (permanent for this recipient on this channel)
//          pending/retry → cancelled (dossier resolved, due changed, rule gone) | skipped (the
//          stage's condition no longer held when it came due; or an older repetition)
// Every transition is one transaction. After a crash, rows caught in `sending` are put back to
// `pending` by recover() and resent with the same key (at-least-once for that narrow case).
//
// The interface is narrow so that a PostgreSQL implementation (FOR UPDATE SKIP LOCKED on the
// outbox) can follow without changing callers.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/civil.h"

namespace dunghan::alerting {

using calendar::Instant;

enum class AlertState { pending, sending, sent, retry, dead, cancelled, skipped, unreachable };

/// "pending", "sending", "sent", "retry", "dead", "cancelled", "skipped", "unreachable".
std::string_view to_string(AlertState s);
std::optional<AlertState> parse_alert_state(std::string_view s);

/// The identity of an alert: what the key is derived from.
struct AlertId {
  std::string code;       // dossier code
  std::string rule;       // rule name
  int due_version = 0;    // DossierClock::due_version
  int repeat = 0;         // repetition number of the stage, 0 = first
  std::string recipient;  // recipient id
  std::string channel;    // channel name
  friend bool operator==(const AlertId&, const AlertId&) = default;
};

/// "a" followed by 32 lowercase hex digits: the first 128 bits of the SHA-256 of
/// "dunghan-alert-v1;" followed by each field as a netstring (decimal byte length, ':', the UTF-8
/// bytes, ','), in the order code, rule, due_version, repeat, recipient, channel (numbers in
/// decimal). Stable across versions (changing it would resend everything); never throws on a
/// working OpenSSL. Safe as email Message-ID local part, webhook-id and Zalo tracking_id
/// (33 chars, [a-z0-9]).
std::string alert_key(const AlertId& id);

/// One row of the ledger.
struct AlertRow {
  std::string key;
  AlertId id;
  std::string stage;  // the rule's `when`, e.g. "before_due"
  Instant fire_at{};  // when the stage came (or comes) due
  AlertState state = AlertState::pending;
  int attempts = 0;           // send attempts made
  Instant next_attempt_at{};  // for pending/retry: not before this instant
  std::string detail;         // last outcome or reason (never a secret)
  std::string digest_key;     // non-empty when the row goes out in a digest with others
  Instant created_at{};
  Instant updated_at{};
  std::optional<Instant> sent_at;
};

/// Counts by state, for metrics and /healthz.
using StateCounts = std::map<AlertState, std::int64_t>;

/// The ledger. Errors: every member throws std::runtime_error (SQLite::Exception for the SQLite
/// implementation) when the database cannot be read or written; the transaction is then rolled
/// back and the row keeps its previous state.
/// Threads: one object may be shared between threads (the SQLite implementation serialises calls
/// with a mutex); several processes may open the same file (WAL, busy timeout 5 s).
class Ledger {
 public:
  virtual ~Ledger() = default;

  /// Inserts `row` (state pending or skipped; next_attempt_at = fire_at when unset) unless its key
  /// exists. Returns true when inserted. One transaction.
  /// The key is alert_key(row.id); `row.key` may be empty, otherwise it must equal that.
  /// created_at = row.created_at (fire_at when unset), updated_at = created_at; attempts start at
  /// 0; sent_at is null. Throws std::invalid_argument for another state or a mismatched key.
  virtual bool insert(const AlertRow& row) = 0;
  /// Inserts many rows in one transaction; returns how many were new.
  virtual std::size_t insert_all(const std::vector<AlertRow>& rows) = 0;

  /// Rows in state pending or retry with next_attempt_at <= now, oldest first, at most `limit`.
  virtual std::vector<AlertRow> due(Instant now, std::size_t limit) = 0;
  /// The earliest next_attempt_at of pending and retry rows, if any.
  virtual std::optional<Instant> next_attempt() = 0;

  /// Moves `key` from pending/retry to sending (attempts + 1). Returns false when the row is not in
  /// pending or retry (someone else took it, or it was cancelled).
  virtual bool begin_send(const std::string& key, Instant now) = 0;
  /// Moves `key` to a final or waiting state with `detail`. For retry and pending,
  /// `next_attempt_at` is required. For sent, sent_at = now.
  /// Allowed: sending → pending | retry | sent | dead | unreachable | skipped | cancelled;
  /// pending/retry → pending | retry | dead | unreachable | skipped | cancelled (never straight to
  /// sent: a send starts with begin_send). Throws std::invalid_argument when `state` is sending or
  /// next_attempt_at is missing, std::logic_error for an unknown key or a transition not allowed
  /// (e.g. finishing a row that is already sent).
  virtual void finish(const std::string& key, AlertState state, Instant now, std::string detail,
                      std::optional<Instant> next_attempt_at = std::nullopt) = 0;
  /// Postpones a pending/retry row without counting an attempt (closed send window, digest).
  /// Does nothing when the row is not (or no longer) pending or retry, e.g. an operator cancelled
  /// it meanwhile, or the key is unknown.
  virtual void postpone(const std::string& key, Instant next_attempt_at, std::string detail) = 0;

  /// Start-up recovery: every row in `sending` goes back to `pending` (due now; attempts kept, so
  /// the resend is attempt n+1). Call only when no other process is sending from this ledger.
  /// Returns how many.
  virtual std::size_t recover(Instant now) = 0;

  /// Operator actions: `dunghan outbox retry KEY` / `--dead`, `dunghan outbox cancel KEY`.
  /// retry: dead/unreachable/retry/cancelled/skipped → pending now (attempts reset). Returns the
  /// number of rows changed (0 for an unknown key or a row in another state: use get() to tell).
  virtual std::size_t retry(const std::string& key, Instant now) = 0;
  /// Every row in `dead` → pending now (attempts reset). Returns the number of rows changed.
  virtual std::size_t retry_all_dead(Instant now) = 0;
  /// cancel: pending/retry → cancelled. Returns the number of rows changed.
  virtual std::size_t cancel(const std::string& key, Instant now, std::string reason) = 0;

  virtual std::optional<AlertRow> get(const std::string& key) = 0;
  /// Rows in `state` (all states when nullopt), most recently changed (updated_at) first, then by
  /// key; at most `limit`.
  virtual std::vector<AlertRow> list(std::optional<AlertState> state, std::size_t limit) = 0;
  virtual StateCounts counts() = 0;

  /// Small key/value store in the same database, for cursors (e.g. the store's last read).
  virtual std::optional<std::string> get_meta(const std::string& name) = 0;
  virtual void set_meta(const std::string& name, const std::string& value) = 0;
};

/// The file name of the ledger in the state directory.
inline constexpr std::string_view kLedgerFileName = "state.db";

/// Opens (creating and migrating) the SQLite ledger at `path` (WAL, synchronous=FULL so a
/// committed transition survives power loss). The parent directory must exist. Migrations are
/// forward-only: a file written by a newer schema is refused. Throws std::runtime_error naming
/// the file.
std::unique_ptr<Ledger> open_sqlite_ledger(const std::filesystem::path& path);

}  // namespace dunghan::alerting
