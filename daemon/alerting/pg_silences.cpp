// The silences on the PostgreSQL state (pg_state.h, open_pg_silences): the same contract as the
// SQLite table of state.db (silences.h), shared by every instance of a several-instance set-up.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "alerting/pg_state.h"
#include "alerting/silences.h"
#include "pg/connection.h"
#include "pg/session.h"

namespace dunghan::alerting {
namespace {

using pg::Connection;
using pg::Result;

constexpr const char* kSilenceSelect =
    "SELECT id, code, rule, until, reason, created_by, created_at, ended_at, ended_by FROM "
    "silences";
/// Still holding at $1 (Unix seconds).
constexpr const char* kHolding = "until > $1 AND (ended_at IS NULL OR ended_at > $1)";
constexpr const char* kNewestFirst = " ORDER BY created_at DESC, id DESC";

using calendar::instant;
using calendar::secs;

std::vector<Silence> read_silences(const Result& r) {
  std::vector<Silence> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    Silence s;
    s.id = r.int64(i, 0);
    s.code = r.str(i, 1);
    s.rule = r.str(i, 2);
    s.until = instant(r.int64(i, 3));
    s.reason = r.str(i, 4);
    s.by = r.str(i, 5);
    s.created_at = instant(r.int64(i, 6));
    if (!r.null(i, 7)) s.ended_at = instant(r.int64(i, 7));
    s.ended_by = r.str(i, 8);
    out.push_back(std::move(s));
  }
  return out;
}

/// `codes` as a PostgreSQL array literal of text: {"a","b"} with '"' and '\' escaped.
std::string text_array(std::span<const std::string> codes) {
  std::string out = "{";
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : codes[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

class PgSilences final : public SilenceStore {
 public:
  explicit PgSilences(std::shared_ptr<pg::Session> session) : session_(std::move(session)) {}

  Silence add(Silence s) override {
    check_new_silence(s);
    return session_->run([&](Connection& c) {
      const Result r = c.exec(
          "INSERT INTO silences (code, rule, until, reason, created_by, created_at) VALUES ($1, "
          "$2, $3, $4, $5, $6) RETURNING id",
          {s.code, s.rule, std::to_string(secs(s.until)), s.reason, s.by,
           std::to_string(secs(s.created_at))});
      s.id = r.int64(0, 0);
      s.ended_at.reset();
      s.ended_by.clear();
      return s;
    });
  }

  std::vector<Silence> for_dossier(const std::string& code) override {
    return session_->run([&](Connection& c) {
      return read_silences(
          c.exec(std::string(kSilenceSelect) + " WHERE code = $1" + kNewestFirst, {code}));
    });
  }

  std::vector<Silence> list(bool include_ended, Instant now, std::size_t limit) override {
    const std::string n = std::to_string(std::min<std::size_t>(limit, std::size_t{1} << 30));
    return session_->run([&](Connection& c) {
      if (include_ended)
        return read_silences(c.exec(std::string(kSilenceSelect) + kNewestFirst + " LIMIT $1", {n}));
      return read_silences(
          c.exec(std::string(kSilenceSelect) + " WHERE " + kHolding + kNewestFirst + " LIMIT $2",
                 {std::to_string(secs(now)), n}));
    });
  }

  std::optional<Silence> get(std::int64_t id) override {
    return session_->run([&](Connection& c) -> std::optional<Silence> {
      std::vector<Silence> one = read_silences(
          c.exec(std::string(kSilenceSelect) + " WHERE id = $1", {std::to_string(id)}));
      if (one.empty()) return std::nullopt;
      return std::move(one.front());
    });
  }

  bool expire(std::int64_t id, Instant now, const std::string& by) override {
    return session_->run([&](Connection& c) {
      return c.exec(std::string("UPDATE silences SET ended_at = $1, ended_by = $2 WHERE id = $3 "
                                "AND ") +
                        kHolding,
                    {std::to_string(secs(now)), by, std::to_string(id)})
                 .affected() > 0;
    });
  }

  std::size_t end_for_dossiers(std::span<const std::string> codes, Instant now) override {
    if (codes.empty()) return 0;
    return session_->run([&](Connection& c) {
      // One statement for the cycle's closed dossiers (most were never silenced).
      return static_cast<std::size_t>(
          c.exec(std::string("UPDATE silences SET ended_at = $1, ended_by = 'resolved' WHERE "
                             "code = ANY($2::text[]) AND ") +
                     kHolding,
                 {std::to_string(secs(now)), text_array(codes)})
              .affected());
    });
  }

 private:
  std::shared_ptr<pg::Session> session_;
};

}  // namespace

std::unique_ptr<SilenceStore> open_pg_silences(const pg::ConnectSpec& spec) {
  return std::make_unique<PgSilences>(open_pg_state_session(spec));
}

}  // namespace dunghan::alerting
