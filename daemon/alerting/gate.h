#pragma once
// Stage 2, gate: may a row that is still owed go out now? A list of gates, each asked in order for
// every row revalidation kept: the age limit, an unconfigured channel, the channel's circuit
// breaker, the channel's send window — and any gate added later (a silence, issue 15), which
// can end a row in a state of its own or make it wait.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alerting/breaker.h"
#include "alerting/pipeline.h"
#include "calendar/work_calendar.h"

namespace dunghan::alerting {

/// One gate's answer for one row.
struct GateDecision {
  enum class Kind {
    pass,  // this gate lets it go on
    wait,  // give the row back to wait until `until`, without using an attempt
    end,   // end the row in `state` (e.g. dead, or a silence's own state)
  };
  Kind kind = Kind::pass;
  AlertState state = AlertState::dead;  // end
  std::optional<Instant> until;         // wait; end in a waiting state (silenced): its end
  std::string reason;                   // wait, end: stored in the ledger and logged
  Tally tally = Tally::none;            // what it counts as (wait: postponed or held)
  bool fallback = false;                // end: also insert a row for the rule's next channel

  static GateDecision pass() { return {}; }
  static GateDecision wait(Instant until, std::string reason, Tally tally);
  static GateDecision end(AlertState state, std::string reason, bool fallback = false);
  /// Ends the row in `silenced` until `until` (then claimed again), no attempt used.
  static GateDecision silence(Instant until, std::string reason);
};

class Gate {
 public:
  virtual ~Gate() = default;
  virtual std::string_view name() const = 0;
  /// Judges one revalidated, undecided candidate (dossier, clock, rule and recipient set;
  /// `channel` null when the row's channel is not configured) at `now`. Must not throw for a row.
  virtual GateDecision check(const Candidate& c, Instant now) const = 0;
};

/// Dead when the row has waited longer than `max_age`. Age counts from when the alert could first
/// go out: time spent waiting for a closed office send window (a night, a weekend, Tết) is not
/// age — such an alert waits for the next opening, it is not dropped.
class AgeGate final : public Gate {
 public:
  AgeGate(std::chrono::seconds max_age, const calendar::WorkCalendar& cal);
  std::string_view name() const override { return "age"; }
  GateDecision check(const Candidate& c, Instant now) const override;

 private:
  std::chrono::seconds max_age_;
  const calendar::WorkCalendar& cal_;
};

/// Dead, with a fallback to the rule's next channel, when the row's channel is not configured.
class ConfiguredChannelGate final : public Gate {
 public:
  std::string_view name() const override { return "channel"; }
  GateDecision check(const Candidate& c, Instant now) const override;
};

/// Holds the row (until the next probe, no attempt used) while its channel's circuit breaker is
/// open and no probe is due. `breakers(name)` returns the channel's breaker or nullptr.
class CircuitGate final : public Gate {
 public:
  explicit CircuitGate(std::function<const CircuitBreaker*(const std::string&)> breakers);
  std::string_view name() const override { return "circuit"; }
  GateDecision check(const Candidate& c, Instant now) const override;

 private:
  std::function<const CircuitBreaker*(const std::string&)> breakers_;
};

/// Postpones the row to the next opening when its channel sends in office hours only and the
/// office is closed at `now`.
class SendWindowGate final : public Gate {
 public:
  explicit SendWindowGate(const calendar::WorkCalendar& cal);
  std::string_view name() const override { return "send_window"; }
  GateDecision check(const Candidate& c, Instant now) const override;

 private:
  const calendar::WorkCalendar& cal_;
};

class GateStage final : public DispatchStage {
 public:
  GateStage() = default;
  /// Appends `gate` (asked after the gates before it).
  void add(std::unique_ptr<Gate> gate);
  std::string_view name() const override { return "gate"; }
  /// For each undecided candidate, the first gate that does not pass decides: wait → the row
  /// waits (pending or retry, no attempt used); end → the row ends in the gate's state.
  void run(Batch& batch, const Progress& progress) override;

 private:
  std::vector<std::unique_ptr<Gate>> gates_;
};

}  // namespace dunghan::alerting
