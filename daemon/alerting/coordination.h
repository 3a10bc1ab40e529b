#pragma once
// Several dunghan instances sharing one state database (PostgreSQL, issue 13). The engine asks
// this before it walks the store: only the instance holding the planning lock plans (reads the
// store, writes new ledger rows and the fire schedule); every instance dispatches, claiming rows
// under a lease (Ledger::claim), so the work is shared and no row goes out twice.
//
// With the embedded SQLite state there is no Coordination (a null pointer): the process owns the
// state directory alone (its lock), plans every cycle and may recover() every `sending` row at
// start. With a shared state an instance must never do that: it would take back rows another
// instance is sending. Rows of an instance that died come back when their lease runs out
// (Ledger::recover_expired, every cycle, by any instance).

#include <cstdint>
#include <string>

namespace dunghan::alerting {

class Coordination {
 public:
  virtual ~Coordination() = default;

  /// This instance's id (`[service] instance_id`): in the ledger's claims, in
  /// pg_stat_activity, in /healthz and /metrics.
  virtual const std::string& instance_id() const = 0;

  /// Tries to take (or keep) the planning lock without waiting. True when this instance holds
  /// it now. It is held until resign(), or until the connection that holds it is lost (the
  /// server then gives it to the next instance that asks). Throws std::runtime_error when the
  /// state database cannot be reached (the lock is then not held).
  virtual bool try_lead() = 0;
  /// Whether the last try_lead() got the lock and it was not lost since (no I/O).
  virtual bool leads() const = 0;
  /// Gives the planning lock up (a stop, a reload that replaces this object). Never throws.
  virtual void resign() noexcept = 0;

  /// How many rows this instance holds in `sending` under a lease now. Throws like try_lead().
  virtual std::int64_t leased_rows() = 0;
};

}  // namespace dunghan::alerting
