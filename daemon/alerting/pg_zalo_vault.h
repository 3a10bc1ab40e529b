#pragma once
// The Zalo token vault on the PostgreSQL state (`[state] kind = "postgresql"`): one row per Zalo
// channel in table zalo_token (migration 2 of the state schema, pg_state.cpp), shared by every
// instance on the same state, so that the single-use refresh token is refreshed once for all.
//
// refresh() runs in one transaction on a connection of its own: SELECT … FOR UPDATE on the
// channel's row (other instances queue there), compare with the pair the caller holds, ask Zalo
// only when nobody else has, UPDATE with the new pair and a higher version, COMMIT — so the lock
// is held during the OAuth call (bounded by the channel's connect and request timeouts). stamp()
// is the row's version. A database outage is ZaloVaultUnavailable (the channel retries), never a
// stop.
//
// Import: while the table holds no row for the channel and `import_file` (its token file in
// this instance's state directory) exists, the first use stores the file's pair (INSERT … ON
// CONFLICT DO NOTHING: with several instances the first one wins), renames the file to
// FILE.imported so that it is never imported again, and logs event=zalo_token_imported.

#include <filesystem>
#include <memory>
#include <string>

#include "channels/zalo_vault.h"
#include "pg/connection.h"

namespace dunghan::alerting {

/// The vault of Zalo channel `channel` on the state database `spec`, on a connection of its own
/// (connects at first use). `instance_id` is recorded with each write (updated_by). Never throws
/// for the server: its members throw ZaloVaultUnavailable while it cannot be reached.
std::unique_ptr<channels::ZaloTokenVault> open_pg_zalo_vault(const pg::ConnectSpec& spec,
                                                             const std::string& channel,
                                                             const std::string& instance_id,
                                                             std::filesystem::path import_file);

}  // namespace dunghan::alerting
