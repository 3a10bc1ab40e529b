#include "pg/schema.h"

namespace dunghan::pg {

std::string lock_key_sql(int param_index) {
  return "hashtextextended('dunghan:' || current_schema() || ':' || $" +
         std::to_string(param_index) + "::text, 0)";
}

int schema_version(Connection& c, std::string_view component) {
  const Result exists = c.exec(
      "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = "
      "'dunghan_schema'");
  if (exists.rows() == 0) return 0;
  const Result r =
      c.exec("SELECT version FROM dunghan_schema WHERE component = $1", {std::string(component)});
  return r.rows() == 0 ? 0 : static_cast<int>(r.int64(0, 0));
}

int migrate(Connection& c, std::string_view component, Migrations migrations) {
  const int latest = static_cast<int>(migrations.size());
  Transaction tx(c);
  // Instances starting together wait here; the lock ends with the transaction.
  c.exec("SELECT pg_advisory_xact_lock(" + lock_key_sql(1) + ")",
         {"migrate/" + std::string(component)});
  c.exec(
      "CREATE TABLE IF NOT EXISTS dunghan_schema (component text PRIMARY KEY, version integer NOT "
      "NULL)");
  const Result r =
      c.exec("SELECT version FROM dunghan_schema WHERE component = $1", {std::string(component)});
  const int found = r.rows() == 0 ? 0 : static_cast<int>(r.int64(0, 0));
  if (found > latest) {
    throw Error(c.description() + ": the " + std::string(component) + " schema is at version " +
                    std::to_string(found) + ", written by a newer dunghan (this one knows " +
                    std::to_string(latest) + "); refusing to use it",
                "");
  }
  for (int v = found; v < latest; ++v) c.exec(migrations[static_cast<std::size_t>(v)]);
  if (found < latest) {
    c.exec(
        "INSERT INTO dunghan_schema (component, version) VALUES ($1, $2) ON CONFLICT (component) "
        "DO UPDATE SET version = excluded.version",
        {std::string(component), std::to_string(latest)});
  }
  tx.commit();
  return found;
}

bool try_lock(Connection& c, std::string_view purpose) {
  const Result r =
      c.exec("SELECT pg_try_advisory_lock(" + lock_key_sql(1) + ")", {std::string(purpose)});
  return r.text(0, 0) == "t";
}

bool unlock(Connection& c, std::string_view purpose) {
  const Result r =
      c.exec("SELECT pg_advisory_unlock(" + lock_key_sql(1) + ")", {std::string(purpose)});
  return r.text(0, 0) == "t";
}

void ArrayLiteral::add(std::string_view text) {
  comma();
  s_ += '"';
  for (const char ch : text) {
    if (ch == '"' || ch == '\\') s_ += '\\';
    s_ += ch;
  }
  s_ += '"';
}

void ArrayLiteral::add(std::int64_t n) {
  comma();
  s_ += std::to_string(n);
}

void ArrayLiteral::add_null() {
  comma();
  s_ += "NULL";
}

}  // namespace dunghan::pg
