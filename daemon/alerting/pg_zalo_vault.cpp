// The Zalo token vault on the PostgreSQL state (pg_zalo_vault.h).
#include "alerting/pg_zalo_vault.h"

#include <chrono>
#include <optional>
#include <system_error>

#include <spdlog/spdlog.h>

#include "alerting/pg_state.h"
#include "log/logging.h"
#include "log/redact.h"
#include "pg/session.h"

namespace dunghan::alerting {
namespace {

using channels::ChannelError;
using channels::Outcome;
using channels::StoredZaloToken;
using channels::ZaloToken;
using channels::ZaloVaultUnavailable;
using pg::Connection;
using pg::Result;

constexpr const char* kTokenSelect =
    "SELECT access_token, refresh_token, obtained_at, expires_in, version FROM zalo_token WHERE "
    "channel = $1";

bool same_pair(const ZaloToken& a, const ZaloToken& b) {
  return a.access_token == b.access_token && a.refresh_token == b.refresh_token;
}

StoredZaloToken read_pair(const Result& r) {
  StoredZaloToken s;
  s.token.access_token = r.str(0, 0);
  s.token.refresh_token = r.str(0, 1);
  log::register_secret(s.token.access_token);
  log::register_secret(s.token.refresh_token);
  s.token.obtained_at = calendar::Instant{std::chrono::seconds{r.int64(0, 2)}};
  s.token.expires_in = std::chrono::seconds{r.int64(0, 3)};
  s.stamp = r.str(0, 4);
  return s;
}

std::string now_secs() {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
}

class PgZaloVault final : public channels::ZaloTokenVault {
 public:
  PgZaloVault(std::shared_ptr<pg::Session> session, std::string channel, std::string instance,
              std::filesystem::path import_file)
      : session_(std::move(session)),
        channel_(std::move(channel)),
        instance_(std::move(instance)),
        import_file_(std::move(import_file)),
        where_(session_->description() + " table zalo_token, channel " + channel_) {}

  const std::string& where() const override { return where_; }

  std::optional<std::string> stamp() override {
    return guarded([&](Connection& c) -> std::optional<std::string> {
      import_once(c);
      const Result r = c.exec("SELECT version FROM zalo_token WHERE channel = $1", {channel_});
      if (r.rows() == 0) return std::nullopt;
      return r.str(0, 0);
    });
  }

  std::optional<StoredZaloToken> load() override {
    return guarded([&](Connection& c) -> std::optional<StoredZaloToken> {
      import_once(c);
      const Result r = c.exec(kTokenSelect, {channel_});
      if (r.rows() == 0) return std::nullopt;
      return read_pair(r);
    });
  }

  StoredZaloToken seed(const ZaloToken& token) override {
    return guarded([&](Connection& c) {
      import_once(c);
      insert(c, token, false);
      const Result r = c.exec(kTokenSelect, {channel_});
      if (r.rows() == 0) throw ChannelError("no Zalo token in " + where_ + " after seeding it");
      return read_pair(r);
    });
  }

  void store(const ZaloToken& token) override {
    guarded([&](Connection& c) {
      insert(c, token, true);
      return 0;
    });
  }

  channels::ZaloRefreshResult refresh(const ZaloToken& seen,
                                      const channels::ZaloExchange& exchange) override {
    channels::ZaloRefreshResult r;
    std::optional<ZaloToken> fresh_pair;
    try {
      session_->run([&](Connection& c) {
        pg::Transaction tx(c);
        // Every instance refreshing this channel queues here; the lock ends with the transaction.
        const Result row = c.exec(std::string(kTokenSelect) + " FOR UPDATE", {channel_});
        if (row.rows() == 0) {
          r.outcome =
              Outcome::failure("no Zalo token in " + where_ + "; run `dunghan zalo set-token`");
          return;
        }
        StoredZaloToken stored = read_pair(row);
        if (!same_pair(stored.token, seen)) {
          tx.commit();
          r.outcome = Outcome::sent_ok("token refreshed by another instance");
          r.token = std::move(stored);
          return;
        }
        ZaloToken fresh;
        r.exchanged = true;
        r.outcome = exchange(stored.token, fresh);
        if (r.outcome.kind != Outcome::Kind::sent) return;  // nothing changed: ROLLBACK
        fresh_pair = fresh;
        const Result v = c.exec(
            "UPDATE zalo_token SET access_token = $2, refresh_token = $3, obtained_at = $4, "
            "expires_in = $5, version = version + 1, updated_at = $6, updated_by = $7 WHERE "
            "channel = $1 RETURNING version",
            {channel_, fresh.access_token, fresh.refresh_token,
             std::to_string(calendar::secs(fresh.obtained_at)),
             std::to_string(fresh.expires_in.count()), now_secs(), instance_});
        tx.commit();
        r.token = StoredZaloToken{fresh, v.str(0, 0)};
      });
    } catch (const pg::Error& e) {
      const std::string why = log::redact(e.what());
      r.token.reset();
      if (fresh_pair) {
        // Zalo rotated the pair (the old refresh token is dead) but it is not stored.
        r.outcome = Outcome::failure("refreshed token could not be saved: " + why);
        r.unsaved = fresh_pair;
      } else if (r.exchanged) {
        // The exchange failed and so did the ROLLBACK's connection: keep the exchange's outcome.
      } else {
        r.outcome = Outcome::channel_unavailable("Zalo token store unavailable: " + why);
      }
    }
    return r;
  }

 private:
  template <typename F>
  auto guarded(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
    try {
      return session_->run(std::forward<F>(fn));
    } catch (const pg::Unavailable& e) {
      throw ZaloVaultUnavailable(log::redact(e.what()));
    } catch (const pg::Error& e) {
      throw ChannelError(log::redact(e.what()));
    }
  }

  /// INSERT the pair; `replace`: overwrite a stored one (version + 1), else keep it. True when
  /// a row was written.
  bool insert(Connection& c, const ZaloToken& t, bool replace) {
    log::register_secret(t.access_token);
    log::register_secret(t.refresh_token);
    std::string sql =
        "INSERT INTO zalo_token (channel, access_token, refresh_token, obtained_at, expires_in, "
        "version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, 1, $6, $7) ON CONFLICT "
        "(channel) DO ";
    sql += replace ? "UPDATE SET access_token = excluded.access_token, refresh_token = "
                     "excluded.refresh_token, obtained_at = excluded.obtained_at, expires_in = "
                     "excluded.expires_in, version = zalo_token.version + 1, updated_at = "
                     "excluded.updated_at, updated_by = excluded.updated_by"
                   : "NOTHING";
    return c.exec(sql, {channel_, t.access_token, t.refresh_token,
                        std::to_string(calendar::secs(t.obtained_at)),
                        std::to_string(t.expires_in.count()), now_secs(), instance_})
               .affected() > 0;
  }

  /// The import of the instance's token file (pg_zalo_vault.h), checked once per vault.
  void import_once(Connection& c) {
    if (import_checked_ || import_file_.empty()) return;
    std::error_code ec;
    if (!std::filesystem::exists(import_file_, ec)) {
      import_checked_ = true;
      return;
    }
    const std::string file = log::kv_value(import_file_.string());
    if (c.exec("SELECT 1 FROM zalo_token WHERE channel = $1", {channel_}).rows() > 0) {
      import_checked_ = true;
      spdlog::warn(
          "event=zalo_token_file_ignored channel={} file={} reason=pair_already_in_database",
          log::kv_value(channel_), file);
      return;
    }
    std::optional<ZaloToken> t;
    try {
      t = channels::read_zalo_token(import_file_);
    } catch (const ChannelError& e) {
      import_checked_ = true;
      spdlog::error("event=zalo_token_import_failed channel={} file={} error={}",
                    log::kv_value(channel_), file, log::kv_value(log::redact(e.what())));
      return;
    }
    if (!t) return;  // gone meanwhile
    // Several instances at once: the first one's pair wins, the others' files are set aside too.
    const bool stored = insert(c, *t, false);
    import_checked_ = true;
    std::filesystem::path done = import_file_;
    done += ".imported";
    std::filesystem::rename(import_file_, done, ec);
    spdlog::info("event={} channel={} file={} to={} renamed_to={}{}",
                 stored ? "zalo_token_imported" : "zalo_token_file_ignored",
                 log::kv_value(channel_), file, log::kv_value(session_->description()),
                 log::kv_value(done.string()),
                 ec ? " rename_error=" + log::kv_value(ec.message()) : std::string());
  }

  std::shared_ptr<pg::Session> session_;
  std::string channel_;
  std::string instance_;
  std::filesystem::path import_file_;
  std::string where_;
  bool import_checked_ = false;
};

}  // namespace

std::unique_ptr<channels::ZaloTokenVault> open_pg_zalo_vault(const pg::ConnectSpec& spec,
                                                             const std::string& channel,
                                                             const std::string& instance_id,
                                                             std::filesystem::path import_file) {
  return std::make_unique<PgZaloVault>(open_pg_state_session(spec), channel, instance_id,
                                       std::move(import_file));
}

}  // namespace dunghan::alerting
