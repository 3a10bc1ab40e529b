// zalo set-token: seed or replace the Zalo OA token pair in its vault (the token file in the state
// directory, or the shared state database with [state] kind = "postgresql").
#include <fstream>
#include <iostream>

#include "app/app.h"
#include "calendar/clock.h"
#include "channels/options.h"
#include "channels/zalo.h"
#include "log/redact.h"
#include "service/runtime.h"

namespace dunghan::app {
namespace {

struct ZaloArgs {
  std::string channel = "zalo";
  std::string access_file;
  std::string refresh_file;
  int expires_in = 90000;
};

std::optional<std::string> read_token_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  std::string value;
  if (!in || !std::getline(in, value)) {
    std::cerr << "error: cannot read the " << what << " from " << path << '\n';
    return std::nullopt;
  }
  while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
  if (value.empty()) {
    std::cerr << "error: " << path << " holds no " << what << '\n';
    return std::nullopt;
  }
  log::register_secret(value);
  return value;
}

int run_set_token(const GlobalOptions& g, const ZaloArgs& a) {
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return kUsageOrConfig;
  const channels::ZaloOptions* zalo = nullptr;
  for (const auto& o : cfg->channels) {
    if (o.name == a.channel) zalo = std::get_if<channels::ZaloOptions>(&o.kind);
  }
  if (zalo == nullptr) {
    std::cerr << "error: no Zalo channel named " << a.channel << " in the configuration\n";
    return kUsageOrConfig;
  }
  auto access = read_token_file(a.access_file, "access token");
  auto refresh = read_token_file(a.refresh_file, "refresh token");
  if (!access || !refresh) return kUsageOrConfig;
  calendar::SystemClock clock;
  std::string where;
  try {
    // The token file, or the state database shared by every instance ([state] kind =
    // "postgresql").
    auto vault = service::open_zalo_vault(*cfg, a.channel, *zalo);
    where = vault->where();
    vault->store(
        channels::ZaloToken{*access, *refresh, clock.now(), std::chrono::seconds{a.expires_in}});
  } catch (const std::exception& e) {
    std::cerr << "error: " << log::redact(e.what()) << '\n';
    return kUsageOrConfig;
  }
  std::cout << "Zalo token pair written to " << where
            << " (running daemons pick it up at their next send).\n";
  return kOk;
}

}  // namespace

void add_zalo_commands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto a = std::make_shared<ZaloArgs>();
  CLI::App* zalo = app.add_subcommand("zalo", "Zalo OA tokens");
  zalo->require_subcommand(1);
  CLI::App* set = zalo->add_subcommand(
      "set-token", "store an access/refresh token pair (from API Explorer or an OA consent)");
  set->add_option("--channel", a->channel, "the Zalo channel's name (default: zalo)");
  set->add_option("--access-token-file", a->access_file, "file holding the access token")
      ->required();
  set->add_option("--refresh-token-file", a->refresh_file, "file holding the refresh token")
      ->required();
  set->add_option("--expires-in", a->expires_in,
                  "access token lifetime in seconds (default 90000)");
  add_config_option(set, g);
  set->callback([&g, &exit_code, a] { exit_code = run_set_token(g, *a); });
}

}  // namespace dunghan::app
