#include "channels/channel.h"

#include <iostream>

#include "channels/console.h"
#include "channels/email.h"
#include "channels/options.h"
#include "channels/webhook.h"
#include "channels/zalo.h"

namespace dunghan::channels {

std::string_view to_string(Outcome::Kind k) {
  switch (k) {
    case Outcome::Kind::sent:
      return "sent";
    case Outcome::Kind::retry:
      return "retry";
    case Outcome::Kind::unreachable:
      return "unreachable";
    case Outcome::Kind::failed:
      return "failed";
  }
  return "failed";
}

std::string_view to_string(SendWindow w) {
  return w == SendWindow::always ? "always" : "office";
}

std::unique_ptr<Channel> make_channel(const ChannelOptions& options, const calendar::Clock& clock,
                                      const std::filesystem::path& state_dir,
                                      const ZaloVaultFactory& zalo_vaults) {
  struct Visitor {
    const ChannelOptions& o;
    const calendar::Clock& clock;
    const std::filesystem::path& state_dir;
    const ZaloVaultFactory& zalo_vaults;
    std::unique_ptr<Channel> operator()(const ConsoleOptions&) const {
      return std::make_unique<ConsoleChannel>(o.name, o.send_window, clock, o.utc_offset,
                                              std::cout);
    }
    std::unique_ptr<Channel> operator()(const FileOptions& f) const {
      if (f.path.empty()) throw ChannelError("channel " + o.name + ": `path` is empty");
      return std::make_unique<FileChannel>(o.name, o.send_window, f.path, clock, o.utc_offset);
    }
    std::unique_ptr<Channel> operator()(const EmailOptions& e) const {
      return std::make_unique<EmailChannel>(o.name, o.send_window, e, clock, o.utc_offset);
    }
    std::unique_ptr<Channel> operator()(const ZaloOptions& z) const {
      ZaloOptions copy = z;
      copy.token_file =
          zalo_token_path(z, state_dir.empty() ? std::filesystem::path(".") : state_dir);
      copy.token_file = std::filesystem::absolute(copy.token_file);
      if (zalo_vaults) {
        auto vault = zalo_vaults(o.name, copy);
        return std::make_unique<ZaloChannel>(o.name, o.send_window, std::move(copy), clock,
                                             std::move(vault));
      }
      return std::make_unique<ZaloChannel>(o.name, o.send_window, std::move(copy), clock);
    }
    std::unique_ptr<Channel> operator()(const WebhookOptions& w) const {
      return std::make_unique<WebhookChannel>(o.name, o.send_window, w, clock, o.utc_offset);
    }
  };
  return std::visit(Visitor{options, clock, state_dir, zalo_vaults}, options.kind);
}

}  // namespace dunghan::channels
