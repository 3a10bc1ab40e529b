// silence add | list | expire: stop reminding about one dossier for a while, with who and why
// (alerting/silences.h). The daemon applies silences at its next cycle.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "alerting/silence_ops.h"
#include "alerting/silences.h"
#include "app/app.h"
#include "calendar/clock.h"
#include "log/redact.h"
#include "service/api.h"
#include "service/runtime.h"
#include "store/store.h"

namespace dunghan::app {
namespace {

// Ordered: the keys print in the order written (other commands use nlohmann::json).
using nlohmann::ordered_json;

constexpr const char* kNoState = "error: no state database yet (the daemon has not run)\n";

struct SilenceArgs {
  std::string code;
  std::string rule;
  std::string until;
  std::string reason;
  std::optional<std::string> by;
  bool all = false;
  std::string format = "table";
  std::int64_t id = 0;
};

/// The login name (sudo's user first), for --by's default.
std::string login_name() {
  for (const char* v : {"SUDO_USER", "USER", "USERNAME", "LOGNAME"}) {
    if (const char* u = std::getenv(v); u != nullptr && *u != '\0') return u;
  }
  return "cli";
}

int run_add(const GlobalOptions& g, const SilenceArgs& a) {
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return kUsageOrConfig;
  const calendar::SystemClock clock;
  const calendar::Instant now = clock.now();
  try {
    std::filesystem::create_directories(cfg->service.state_dir);
    auto silences = service::open_state_silences(*cfg, true);  // created: never null
    auto store = store::open_reader(service::store_settings(*cfg));
    const alerting::Silence s = alerting::add_silence(
        *silences, *store, cfg->rules,
        alerting::SilenceRequest{a.code, a.rule, a.until, a.reason, a.by.value_or(login_name())},
        now, cfg->calendar.offset);
    std::cout << alerting::describe_vn(s, cfg->calendar.offset, now) << '\n';
    return kOk;
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "error: " << log::redact(e.what()) << '\n';
  }
  return kUsageOrConfig;
}

int run_list(const GlobalOptions& g, const SilenceArgs& a) {
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return kUsageOrConfig;
  const calendar::SystemClock clock;
  const calendar::Instant now = clock.now();
  try {
    std::vector<alerting::Silence> rows;
    if (auto silences = service::open_state_silences(*cfg, false)) {
      rows = silences->list(a.all, now, 10000);
    }
    if (a.format == "json") {
      ordered_json out = ordered_json::array();
      for (const auto& s : rows) out.push_back(service::silence_json(s, now, cfg->calendar.offset));
      std::cout << out.dump(2, ' ', false, ordered_json::error_handler_t::replace) << '\n';
      return kOk;
    }
    if (rows.empty()) std::cout << "Không có tạm dừng nhắc nào.\n";
    for (const auto& s : rows)
      std::cout << alerting::describe_vn(s, cfg->calendar.offset, now) << '\n';
    return kOk;
  } catch (const std::exception& e) {
    std::cerr << "error: " << log::redact(e.what()) << '\n';
  }
  return kUsageOrConfig;
}

int run_expire(const GlobalOptions& g, const SilenceArgs& a) {
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return kUsageOrConfig;
  const calendar::SystemClock clock;
  const calendar::Instant now = clock.now();
  try {
    auto silences = service::open_state_silences(*cfg, false);
    auto ledger = service::open_tool_ledger(*cfg);
    if (!silences || !ledger) {
      std::cerr << kNoState;
      return kUsageOrConfig;
    }
    const std::optional<alerting::Silence> s =
        alerting::expire_silence(*silences, *ledger, a.id, now, a.by.value_or(login_name()));
    if (!s) {
      std::cerr << "error: no silence #" << a.id << " holds now (see dunghan silence list --all)\n";
      return kUsageOrConfig;
    }
    std::cout << alerting::describe_vn(*s, cfg->calendar.offset, now) << '\n';
    return kOk;
  } catch (const std::exception& e) {
    std::cerr << "error: " << log::redact(e.what()) << '\n';
  }
  return kUsageOrConfig;
}

}  // namespace

void add_silence_commands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto a = std::make_shared<SilenceArgs>();
  auto config_opt = [&g](CLI::App* cmd) { add_config_option(cmd, g); };
  CLI::App* silence = app.add_subcommand(
      "silence", "stop reminding about a dossier until a date (acknowledgement), with a reason");
  silence->require_subcommand(1);

  CLI::App* add = silence->add_subcommand("add", "silence a dossier's alerts until a date");
  add->add_option("code", a->code, "dossier code")->required();
  add->add_option("--rule", a->rule, "only this rule (default: every rule)");
  add->add_option("--until", a->until,
                  "YYYY-MM-DD (through that day) or YYYY-MM-DDTHH:MM (local time)")
      ->required();
  add->add_option("--reason", a->reason, "why (shown in the dossier's history)")->required();
  add->add_option("--by", a->by, "who (default: the login name)");
  config_opt(add);
  add->callback([&g, &exit_code, a] { exit_code = run_add(g, *a); });

  CLI::App* list = silence->add_subcommand("list", "silences that hold now (--all: every one)");
  list->add_flag("--all", a->all, "also those that ended");
  list->add_option("--format", a->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  config_opt(list);
  list->callback([&g, &exit_code, a] { exit_code = run_list(g, *a); });

  CLI::App* expire = silence->add_subcommand("expire", "end a silence now");
  expire->add_option("id", a->id, "the silence's number (silence list)")->required();
  expire->add_option("--by", a->by, "who (default: the login name)");
  config_opt(expire);
  expire->callback([&g, &exit_code, a] { exit_code = run_expire(g, *a); });
}

}  // namespace dunghan::app
