#pragma once
// Versioned schemas and advisory locks in the connection's current schema (search_path), so that
// two dunghan deployments can share one database in two schemas without meeting.
//
// The table `dunghan_schema(component, version)` records each component's version ("store",
// "state"). migrate() brings a component up to date in ONE transaction under a transaction-level
// advisory lock: several instances starting at once queue on the lock, the first applies the
// migrations, the others find them applied. Forward-only: a database written by a newer dunghan
// is refused, never downgraded.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "pg/connection.h"

namespace dunghan::pg {

/// Migration i brings a component from version i to version i + 1 (SQL, several statements).
/// Append only; never edit one that has shipped.
using Migrations = std::span<const std::string_view>;

/// Brings `component` to version migrations.size() (see above). Returns the version found before.
/// Throws Error when the database holds a newer version than `migrations` knows ("… written by a
/// newer dunghan"), Unavailable / Error on a failure (nothing applied then).
int migrate(Connection& c, std::string_view component, Migrations migrations);

/// The version of `component` recorded in the database (0 when none). Throws like exec().
int schema_version(Connection& c, std::string_view component);

/// SQL for the advisory-lock key of `purpose` in the current schema:
/// hashtextextended('dunghan:' || current_schema() || ':' || PURPOSE, 0), with PURPOSE as the
/// parameter $N given.
std::string lock_key_sql(int param_index);

/// Takes the session-level advisory lock of `purpose` without waiting. True when this session
/// holds it now (also when it held it already: the lock counts, release once per success).
bool try_lock(Connection& c, std::string_view purpose);
/// Releases one hold of the session-level lock of `purpose`. True when it was held.
bool unlock(Connection& c, std::string_view purpose);

/// A PostgreSQL array literal for a text parameter cast to an array type in SQL ($1::text[],
/// $2::bigint[]): "{…}" with every element double-quoted and '"' and '\' escaped; add_null()
/// gives NULL. Texts must not hold NUL bytes (PostgreSQL text cannot).
class ArrayLiteral {
 public:
  ArrayLiteral() : s_("{") {}
  void add(std::string_view text);
  void add(std::int64_t n);
  void add_null();
  /// The literal; the builder is left empty-but-valid for reuse after clear().
  std::string str() const { return s_ + "}"; }
  std::size_t size() const { return n_; }
  void clear() {
    s_ = "{";
    n_ = 0;
  }

 private:
  void comma() {
    if (n_++ > 0) s_ += ',';
  }
  std::string s_;
  std::size_t n_ = 0;
};

}  // namespace dunghan::pg
