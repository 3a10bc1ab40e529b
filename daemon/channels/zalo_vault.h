#pragma once
// Where a Zalo channel keeps its OA token pair (docs/channels.md §1.2), behind a narrow interface:
// a file in the state directory (FileZaloVault, one instance), or a table shared by several
// instances (alerting/pg_zalo_vault.h, `[state] kind = "postgresql"`).
//
// Zalo's refresh token is single-use: two holders of one pair that both refresh it break the
// channel. refresh() is therefore single-flight across every holder of the same stored pair: under
// an exclusive lock it re-reads the pair, uses one another holder stored meanwhile, and only
// otherwise asks Zalo — storing the new pair before the lock is released.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "calendar/civil.h"
#include "channels/channel.h"
#include "channels/options.h"

namespace dunghan::channels {

/// The OA token pair as kept in a vault. Token file layout:
///   {"access_token": "...", "refresh_token": "...", "obtained_at": <Unix seconds>,
///    "expires_in": <seconds>}
struct ZaloToken {
  std::string access_token;
  std::string refresh_token;
  calendar::Instant obtained_at{};
  std::chrono::seconds expires_in{90000};  // 25 h
};

/// A pair with the stamp it was read under (see ZaloTokenVault::stamp).
struct StoredZaloToken {
  ZaloToken token;
  std::string stamp;
};

/// The vault cannot be reached now (a database outage): the channel retries later. what() names
/// the place, never a token.
class ZaloVaultUnavailable : public ChannelError {
 public:
  using ChannelError::ChannelError;
};

/// One call to Zalo's OAuth endpoint with `current`: on success returns sent and sets `fresh`;
/// otherwise the outcome a send gets (retry, or failed). Must not throw.
using ZaloExchange = std::function<Outcome(const ZaloToken& current, ZaloToken& fresh)>;

/// What ZaloTokenVault::refresh did.
struct ZaloRefreshResult {
  /// sent: `token` is the pair to use now. Otherwise the exchange's outcome, or failed when the
  /// new pair could not be stored (`unsaved` then holds it), or retry (channel_down) when the
  /// vault could not be reached before anything was asked of Zalo.
  Outcome outcome;
  std::optional<StoredZaloToken> token;
  /// True when this call asked Zalo; false when another holder had refreshed already.
  bool exchanged = false;
  /// A pair Zalo issued that the vault could not store (the old refresh token is dead already).
  std::optional<ZaloToken> unsaved;
};

class ZaloTokenVault {
 public:
  virtual ~ZaloTokenVault() = default;
  /// Where the pair lives, for messages and logs ("file /var/lib/dunghan/zalo-token.json",
  /// "postgresql HOST:PORT/DB (user U) zalo_token zalo"). Never a secret.
  virtual const std::string& where() const = 0;
  /// A value that changes whenever the stored pair changes (`dunghan zalo set-token`, another
  /// holder's refresh); nullopt when no pair is stored. Throws ZaloVaultUnavailable (outage) or
  /// ChannelError.
  virtual std::optional<std::string> stamp() = 0;
  /// The stored pair; nullopt when none. Registers both tokens with log::register_secret. Throws
  /// ZaloVaultUnavailable or ChannelError (unreadable, not a token pair; never a token in it).
  virtual std::optional<StoredZaloToken> load() = 0;
  /// Stores `token` unless a pair is stored already, and returns the stored pair (the given one
  /// or the one found). Throws like load().
  virtual StoredZaloToken seed(const ZaloToken& token) = 0;
  /// Replaces the stored pair durably (`dunghan zalo set-token`). Throws like load().
  virtual void store(const ZaloToken& token) = 0;
  /// Refreshes single-flight (see the top of this file): under the vault's exclusive lock, reads
  /// the stored pair; when it differs from `seen` (another holder refreshed, or set-token ran),
  /// returns it without calling `exchange`; otherwise calls `exchange` with it and, on success,
  /// stores the new pair before releasing the lock. Never throws.
  virtual ZaloRefreshResult refresh(const ZaloToken& seen, const ZaloExchange& exchange) = 0;
};

/// Reads the token file. nullopt when it does not exist; throws ChannelError when it exists but
/// cannot be read or parsed (message names the path, never a token). Registers both tokens with
/// log::register_secret.
std::optional<ZaloToken> read_zalo_token(const std::filesystem::path& file);
/// Writes the token file durably: a temporary file in the same folder (mode 0600), fsync, rename
/// over `file`, fsync of the folder. Throws ChannelError on any I/O error (the old file is then
/// untouched).
void write_zalo_token(const std::filesystem::path& file, const ZaloToken& token);
/// The token file of `options`: token_file, resolved against `state_dir` when relative.
std::filesystem::path zalo_token_path(const ZaloOptions& options,
                                      const std::filesystem::path& state_dir);

/// The token file as a vault (one instance; its state directory is its own). stamp() is the
/// file's modification time; refresh() is single-flight within the process (a mutex of the
/// vault) and re-reads the file before asking Zalo. `file` must be absolute.
std::unique_ptr<ZaloTokenVault> make_file_zalo_vault(std::filesystem::path file);

}  // namespace dunghan::channels
