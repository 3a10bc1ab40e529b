#pragma once
// What the dispatch stages pass along (engine.h describes the stages): the rows one claim handed
// out, each with what the stages learnt about it and, once a stage has decided, its verdict; and
// the messages (envelopes) built from them. Plain values; no I/O.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/ledger.h"
#include "alerting/rules.h"
#include "channels/channel.h"
#include "deadline/clock.h"
#include "store/store.h"

namespace dunghan::alerting {

/// What a verdict adds to the cycle's counts (CycleReport) once the ledger has applied it.
enum class Tally {
  none,
  sent,
  retried,
  dead,
  unreachable,
  cancelled,
  skipped,
  postponed,  // waits for its channel's send window
  held,       // waits for its channel to come back (circuit breaker), no attempt used
  released,   // given back unsent (a stop, a store error): waits, no attempt used
  silenced,   // held back by a silence until it ends (silences.h), no attempt used
};

/// How one claimed row ends this pass: the ledger outcome, and what to count and log.
struct Verdict {
  AlertState state = AlertState::pending;  // never sending
  std::string detail;                      // stored in the ledger and logged (never a secret)
  std::optional<Instant> next_attempt_at;  // required for pending and retry
  bool attempted = false;                  // a send was attempted for it in this pass
  Tally tally = Tally::none;
  /// The label counted in dunghan_alerts_total{channel,outcome} ("sent", "retry", "dead",
  /// "unreachable", "failed"; "silenced": held back by a silence, no attempt); empty when no
  /// send was attempted.
  std::string metric;
  /// A row for the rule's next channel, inserted in the same transaction (fallback).
  std::optional<AlertRow> fallback;
  bool operator_error = false;  // the channel says an operator must act (logged as an error)
};

/// A dossier as the store has it now, with its clock at the batch's instant.
struct LoadedDossier {
  store::StoredDossier stored;
  deadline::DossierClock clock;
};

/// One claimed row on its way through the stages. The pointers are set by revalidation and point
/// into the batch's dossiers and the engine's settings: valid while the batch is.
struct Candidate {
  AlertRow row;                            // as claimed: state sending, attempts counted, lease set
  const LoadedDossier* dossier = nullptr;  // the dossier and its clock now
  const Rule* rule = nullptr;
  const Recipient* recipient = nullptr;
  channels::Channel* channel = nullptr;  // nullptr: not configured
  /// Set once by the stage that decides; later stages leave the candidate alone.
  std::optional<Verdict> verdict;
  bool recorded = false;  // the recorder has written the verdict to the ledger

  bool decided() const { return verdict.has_value(); }
};

/// One message to send: one row, or several rows of a digest.
struct Envelope {
  std::string key;  // the message key: the row's key, or the digest key
  std::vector<Candidate*> rows;
  /// Rendered as a digest (a digest key's rows, or the flood guard's overflow), even of one row.
  bool digest = false;
  channels::Channel* channel = nullptr;
  channels::Message message;  // set by rendering
  channels::Address to;       // set by rendering
  bool rendered = false;
};

/// The work of one claim.
struct Batch {
  Instant now{};
  /// The claimed rows. Never resized once the stages run (Envelope points into it).
  std::vector<Candidate> candidates;
  std::vector<Envelope> envelopes;  // built by the grouping stage
  /// The dossiers of the batch, each read from the store and clocked once (code → dossier; null:
  /// the store has none).
  std::map<std::string, std::unique_ptr<LoadedDossier>> dossiers;
  /// Routing problems found on the way (no channel left to fall back to), for the cycle report.
  std::vector<std::string> problems;
  /// Polled before each send (false: a stop was asked for; what is not sent waits again). May be
  /// called from the send stage's worker threads.
  std::function<bool()> keep_going = [] { return true; };
  /// The first error that stopped part of the pass (a store that cannot be read): the rows it
  /// touched were given back; the engine reports it as the cycle's failure after recording.
  std::optional<std::string> error;

  /// The candidates not yet decided.
  std::vector<Candidate*> open();
};

/// The state a row claimed from pending or retry goes back to when it waits again: retry when
/// it has made attempts before this claim, else pending.
AlertState waiting_state(const AlertRow& claimed);

/// "sent", "retried", … (the CycleReport field's name); "none" for Tally::none.
std::string_view to_string(Tally t);

}  // namespace dunghan::alerting
