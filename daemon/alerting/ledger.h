#pragma once
// The alert ledger: the notification log and the outbox in one durable table (state.db in the
// state directory). An alert's key is derived from (dossier code, rule, due version, repeat
// number, recipient, channel); inserting an existing key is a no-op, which is what makes alerts
// exactly-once per key across restarts.
//
// States:  pending ─┐                     ┌→ sent
//          retry  ──┴→ sending (a lease) ─┼→ retry (next_attempt_at) | pending (given back)
//                                         ├→ dead (attempt or age limit, or a permanent failure)
//                                         ├→ unreachable (permanent for this recipient/channel)
//                                         ├→ cancelled | skipped (no longer applies; missed)
//                                         └→ silenced (a silence holds; next_attempt_at = its end)
//          pending/retry/silenced → cancelled (an operator); operator retry → pending.
// `silenced` is a waiting state like pending and retry (claimed again once next_attempt_at has
// passed, when the silence gate lets it go or silences it again), but it is shown apart: the
// alert was held back on purpose (silences.h), not lost and not sent.
//
// How the dispatcher uses it (one pass):
//   claim(now, limit, lease)  — ONE transaction: up to `limit` due rows (and the rest of any
//                               digest they start) move to `sending`, attempts + 1, with a lease;
//   … decide, render, send …  — no ledger writes;
//   record(outcomes)          — ONE transaction: every claimed row reaches its next state, and the
//                               fallback rows that replace unreachable ones are inserted.
// A crash between the two leaves the batch in `sending`: recover() at start (single owner) or
// recover_expired() every cycle (once the lease has run out) puts it back to `pending`, and it is
// resent with the same key — at-least-once for that narrow window, never lost.
//
// Several processes may share one ledger (issue 13: PostgreSQL): claim() must hand a row to one
// claimer only (SQLite: an IMMEDIATE transaction; PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED), and
// record() applies an outcome only while the row still holds the lease it was claimed with, so a
// claimer whose lease ran out (and whose rows someone else took) cannot overwrite the newer state.
// Transitions that lose such a race report `changed_meanwhile`; they never throw for it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/civil.h"
#include "deadline/alert_stage.h"

namespace dunghan::alerting {

using calendar::Instant;

enum class AlertState {
  pending,
  sending,
  sent,
  retry,
  dead,
  cancelled,
  skipped,
  unreachable,
  silenced,
};

/// "pending", "sending", "sent", "retry", "dead", "cancelled", "skipped", "unreachable",
/// "silenced".
std::string_view to_string(AlertState s);
/// True for the states claim() takes rows from once next_attempt_at has passed: pending, retry
/// and silenced.
bool is_waiting_state(AlertState s);
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
  deadline::AlertStage stage = deadline::AlertStage::before_due;  // the rule's `when`
  Instant fire_at{};  // when the stage came (or comes) due
  AlertState state = AlertState::pending;
  int attempts = 0;           // send attempts made (a claim counts one; see RowOutcome::attempted)
  Instant next_attempt_at{};  // for pending/retry: not before this instant
  std::string detail;         // last outcome or reason (never a secret)
  std::string digest_key;     // non-empty when the row goes out in a digest with others
  Instant created_at{};
  Instant updated_at{};
  std::optional<Instant> sent_at;
  /// In `sending`: the end of the claim's lease (the claimer must record an outcome before it;
  /// afterwards the row may be recovered and claimed again). Empty in every other state.
  std::optional<Instant> sending_until;
};

/// Counts by state, for metrics and /healthz.
using StateCounts = std::map<AlertState, std::int64_t>;

/// The result of a transition that can lose a race.
enum class Transition {
  applied,            // the row moved as asked
  changed_meanwhile,  // the row was no longer as the caller saw it (another claimer, an operator,
                      // an expired lease, an unknown key): nothing was changed
};

/// "applied" | "changed_meanwhile".
std::string_view to_string(Transition t);

/// What became of one claimed row: its next state.
struct RowOutcome {
  std::string key;
  /// The lease the row was claimed with (AlertRow::sending_until of the claimed row). The outcome
  /// applies only while the row is in `sending` with exactly this lease.
  Instant lease{};
  /// sent | retry | pending | silenced | dead | unreachable | skipped | cancelled (never
  /// sending).
  AlertState state = AlertState::sent;
  std::string detail;  // stored as the row's detail (never a secret)
  /// Required for retry, pending and silenced: not before this instant (silenced: the silence's
  /// end). Ignored otherwise.
  std::optional<Instant> next_attempt_at;
  /// False when no send was attempted for the row in this claim (it no longer applied, waited for
  /// a send window, was held by a channel's circuit breaker, …): the attempt that claim() counted
  /// is given back, so waiting never uses up max_attempts.
  bool attempted = true;
};

/// One group commit of the dispatcher.
struct RecordBatch {
  std::vector<RowOutcome> outcomes;
  /// New rows inserted in the same transaction, as by insert() (fallbacks to a rule's next
  /// channel: a crash never records an unreachable row without its fallback). Inserted whatever
  /// the outcomes' transitions; an existing key is left alone.
  std::vector<AlertRow> new_rows;
};

struct RecordResult {
  std::vector<Transition> transitions;  // one per outcome, in order
  std::vector<bool> inserted;           // one per new row, in order: false when the key existed
};

/// The ledger. Errors: every member throws std::runtime_error (SQLite::Exception for the SQLite
/// implementation) when the database cannot be read or written; the transaction is then rolled
/// back and every row keeps its previous state. Invalid arguments throw std::invalid_argument
/// (nothing changed). A lost race is never an exception: it is Transition::changed_meanwhile or a
/// count of 0.
/// Threads: one object may be shared between threads (the SQLite implementation serialises calls
/// with a mutex); several processes may open the same file (WAL, busy timeout 5 s).
/// Time: every Instant is UTC seconds; `now` is the caller's clock (the ledger reads none).
class Ledger {
 public:
  virtual ~Ledger() = default;

  /// Inserts `row` (state pending or skipped; next_attempt_at = fire_at when unset) unless its key
  /// exists. Returns true when inserted. One transaction.
  /// The key is alert_key(row.id); `row.key` may be empty, otherwise it must equal that.
  /// created_at = row.created_at (fire_at when unset), updated_at = created_at; attempts start at
  /// 0; sent_at and sending_until are null. Throws std::invalid_argument for another state or a
  /// mismatched key.
  virtual bool insert(const AlertRow& row) = 0;
  /// Inserts many rows in one transaction (all or nothing); returns how many were new.
  virtual std::size_t insert_all(const std::vector<AlertRow>& rows) = 0;

  /// Read only: rows in a waiting state (pending, retry, silenced) with next_attempt_at <= now,
  /// ordered by (next_attempt_at, fire_at, key), at most `limit`. Claims nothing (previews, tests).
  virtual std::vector<AlertRow> due(Instant now, std::size_t limit) = 0;
  /// The earliest next_attempt_at of rows in a waiting state (pending, retry, silenced), if any.
  virtual std::optional<Instant> next_attempt() = 0;

  /// Claims due work in ONE transaction: the first `limit` rows in a waiting state (pending,
  /// retry, silenced) with next_attempt_at <= now, in the order of due(), plus every other such
  /// row that shares a
  /// non-empty digest_key with one of them (a digest is claimed whole, so the result may exceed
  /// `limit`). Each moves to `sending` with attempts + 1, updated_at = now and sending_until =
  /// now + lease. Returns the claimed rows as they now are, in that order. A row is handed to one
  /// claimer only, also across processes. limit 0 claims nothing. Throws std::invalid_argument
  /// for a lease <= 0.
  virtual std::vector<AlertRow> claim(Instant now, std::size_t limit,
                                      std::chrono::seconds lease) = 0;

  /// Records the outcomes of claimed rows and inserts `batch.new_rows`, in ONE transaction. For
  /// each outcome whose row is in `sending` with sending_until == outcome.lease: state, detail and
  /// updated_at = now are set; next_attempt_at for retry/pending; sent_at = now for sent; attempts
  /// - 1 when !attempted; sending_until is cleared → Transition::applied. Any other row (unknown
  /// key, another state, another lease) is left alone → changed_meanwhile. Throws
  /// std::invalid_argument, before writing anything, for an outcome to `sending`, a retry or
  /// pending outcome without next_attempt_at, or a new row insert() would refuse.
  virtual RecordResult record(const RecordBatch& batch, Instant now) = 0;

  /// Every cycle: rows in `sending` whose lease has run out (sending_until <= now, or no lease:
  /// a row left by an older dunghan) go back to `pending`, due now, attempts kept (the resend is
  /// attempt n+1, with the same key). Safe while other processes send from the ledger: a live
  /// lease is never touched. Returns how many rows moved.
  virtual std::size_t recover_expired(Instant now) = 0;
  /// Start-up recovery: EVERY row in `sending` goes back to `pending` (due now; attempts kept).
  /// Only for the single owner of the state directory (no other process may be sending from this
  /// ledger). Returns how many.
  virtual std::size_t recover(Instant now) = 0;

  /// Operator actions: `dunghan outbox retry KEY` / `--dead`, `dunghan outbox cancel KEY`.
  /// retry: dead/unreachable/retry/cancelled/skipped → pending now (attempts reset). Returns the
  /// number of rows changed (0 for an unknown key or a row in another state: use get() to tell).
  virtual std::size_t retry(const std::string& key, Instant now) = 0;
  /// Every row in `dead` → pending now (attempts reset). Returns the number of rows changed.
  virtual std::size_t retry_all_dead(Instant now) = 0;
  /// cancel: pending/retry/silenced → cancelled. Returns the number of rows changed (a row being
  /// sent cannot be cancelled: 0).
  virtual std::size_t cancel(const std::string& key, Instant now, std::string reason) = 0;

  /// A silence of dossier `code` ended early (`dunghan silence expire`): its rows in `silenced`
  /// that wait past `now` become due at `now` (updated_at = now), so the next dispatch pass takes
  /// them (and sends only the latest stage still holding). Returns how many rows changed.
  virtual std::size_t release_silenced(const std::string& code, Instant now) = 0;

  virtual std::optional<AlertRow> get(const std::string& key) = 0;
  /// Rows in `state` (all states when nullopt), most recently changed (updated_at) first, then by
  /// key; at most `limit`.
  virtual std::vector<AlertRow> list(std::optional<AlertState> state, std::size_t limit) = 0;
  virtual StateCounts counts() = 0;
  /// Every row of dossier `code` (all rules, due versions, recipients, channels), newest first
  /// (created_at, then fire_at, descending; then key), at most `limit`: the dossier's alert
  /// history. The default walks list(); implementations answer from an index.
  virtual std::vector<AlertRow> for_dossier(const std::string& code, std::size_t limit);
  /// Copies rows in as they are (`dunghan state copy`, from another ledger's list()): every field
  /// kept (state, attempts, times, detail; the key is recomputed from the id and must match), but
  /// a row in `sending` comes in as `pending`, due at its next_attempt_at (no claimer holds it
  /// here). A key already present is left alone. Returns the rows written. Throws like insert();
  /// the default throws std::logic_error (ledgers that cannot restore rows, e.g. test fakes).
  virtual std::size_t restore(const std::vector<AlertRow>& rows);

  /// How many rows without a digest key (single messages, and the rows of the flood guard's own
  /// digests) went out to `recipient` on `channel` at or after `since` (state sent, sent_at >=
  /// since): the flood guard's count (flood.h). The default walks list(sent); implementations
  /// answer from an index.
  virtual std::size_t sent_singles_since(const std::string& recipient, const std::string& channel,
                                         Instant since);

  /// Small key/value store in the same database, for cursors (e.g. the store's last read).
  virtual std::optional<std::string> get_meta(const std::string& name) = 0;
  virtual void set_meta(const std::string& name, const std::string& value) = 0;

  /// Folds the write-ahead log into the database file and truncates it, so that the ledger
  /// needs little free disk space (SQLite: wal_checkpoint(TRUNCATE); a reader in another process
  /// may make it fold only part, which is not an error). Call between cycles. Throws like the
  /// other members (e.g. the disk is full). The default does nothing (a ledger without a log).
  virtual void checkpoint() {}
};

/// The checks every implementation makes on its arguments (one place, so all agree).
/// Throws std::invalid_argument naming the row or outcome. `key` is alert_key(row.id).
void check_insert(const AlertRow& row, const std::string& key);
void check_outcome(const RowOutcome& outcome);

/// True when `e` is an error of the SQLite state database (the ledger or the fire schedule):
/// a full disk, an I/O error, a locked or corrupt file, as opposed to a bug or an invalid
/// argument. Lets a caller that does not know SQLite name the file and the free space.
bool is_state_db_error(const std::exception& e);

/// The file name of the ledger in the state directory.
inline constexpr std::string_view kLedgerFileName = "state.db";

/// Opens (creating and migrating) the SQLite ledger at `path` (WAL, synchronous=FULL so a
/// committed transition survives power loss; only claim() commits without waiting for the disk —
/// a claim lost in a power cut is one that never happened: its rows are pending again and go out
/// with the same keys, as after a crash — and the next record() makes it durable; the log is
/// truncated to 1 MiB whenever it is reset, and to nothing by checkpoint()). The parent directory
/// must exist. Migrations are forward-only: a file written by a newer schema is refused.
/// `busy_timeout`: how long a write waits for another connection's lock before it throws. Throws
/// std::runtime_error naming the file.
std::unique_ptr<Ledger> open_sqlite_ledger(
    const std::filesystem::path& path,
    std::chrono::milliseconds busy_timeout = std::chrono::milliseconds{5000});

}  // namespace dunghan::alerting
