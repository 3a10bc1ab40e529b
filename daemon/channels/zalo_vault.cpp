// The token file as a Zalo token vault (zalo_vault.h). The file's reader and writer are in
// zalo.cpp.
#include "channels/zalo_vault.h"

#include <mutex>
#include <system_error>

namespace dunghan::channels {
namespace {

bool same_pair(const ZaloToken& a, const ZaloToken& b) {
  return a.access_token == b.access_token && a.refresh_token == b.refresh_token;
}

class FileZaloVault final : public ZaloTokenVault {
 public:
  explicit FileZaloVault(std::filesystem::path file)
      : file_(std::move(file)), where_("file " + file_.string()) {}

  const std::string& where() const override { return where_; }

  std::optional<std::string> stamp() override {
    std::error_code ec;
    const auto t = std::filesystem::last_write_time(file_, ec);
    if (ec) return std::nullopt;
    return std::to_string(t.time_since_epoch().count());
  }

  std::optional<StoredZaloToken> load() override {
    // The stamp first: a write between the two reads shows as a changed stamp next time.
    const std::optional<std::string> s = stamp();
    std::optional<ZaloToken> t = read_zalo_token(file_);
    if (!t) return std::nullopt;
    return StoredZaloToken{std::move(*t), s.value_or("")};
  }

  StoredZaloToken seed(const ZaloToken& token) override {
    if (std::optional<StoredZaloToken> found = load()) return *found;
    write_zalo_token(file_, token);
    return StoredZaloToken{token, stamp().value_or("")};
  }

  void store(const ZaloToken& token) override { write_zalo_token(file_, token); }

  ZaloRefreshResult refresh(const ZaloToken& seen, const ZaloExchange& exchange) override {
    std::lock_guard lock(mu_);
    ZaloRefreshResult r;
    ZaloToken current = seen;
    try {
      if (std::optional<StoredZaloToken> found = load()) {
        if (!same_pair(found->token, seen)) {
          r.outcome = Outcome::sent_ok("token replaced in " + file_.string());
          r.token = std::move(*found);
          return r;
        }
        current = found->token;
      }
    } catch (const ChannelError&) {
      // Unreadable now: refresh what the channel holds, and write the file anew.
    }
    ZaloToken fresh;
    r.outcome = exchange(current, fresh);
    r.exchanged = true;
    if (r.outcome.kind != Outcome::Kind::sent) return r;
    try {
      write_zalo_token(file_, fresh);
    } catch (const ChannelError& e) {
      r.outcome = Outcome::failure(std::string("refreshed token could not be saved: ") + e.what());
      r.unsaved = fresh;
      return r;
    }
    r.token = StoredZaloToken{fresh, stamp().value_or("")};
    return r;
  }

 private:
  std::filesystem::path file_;
  std::string where_;
  std::mutex mu_;
};

}  // namespace

std::unique_ptr<ZaloTokenVault> make_file_zalo_vault(std::filesystem::path file) {
  if (!file.is_absolute()) throw ChannelError("Zalo token file path must be absolute");
  return std::make_unique<FileZaloVault>(std::move(file));
}

}  // namespace dunghan::channels
