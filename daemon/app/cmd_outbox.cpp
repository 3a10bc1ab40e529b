// outbox list | retry | cancel: the alert ledger (state.db in the state directory, or the
// PostgreSQL state of [state] kind = "postgresql") for operators.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>

#include <nlohmann/json.hpp>

#include "alerting/ledger.h"
#include "app/app.h"
#include "calendar/clock.h"
#include "log/redact.h"
#include "service/runtime.h"

namespace dunghan::app {
namespace {

using alerting::AlertRow;
using alerting::AlertState;
// Ordered: the keys print in the order written (other commands use nlohmann::json).
using nlohmann::ordered_json;

struct OutboxArgs {
  std::optional<std::string> state;
  std::size_t limit = 100;
  std::string format = "table";
  std::optional<std::string> key;
  bool dead = false;
  std::string reason = "cancelled by an operator";
};

constexpr const char* kStateList =
    "pending, sending, sent, retry, dead, cancelled, skipped, unreachable, silenced";

/// Opens the configured ledger. Null with `missing` set when a SQLite ledger does not exist yet;
/// null with the error printed when it cannot be opened (a server: named, never its password).
std::unique_ptr<alerting::Ledger> open_ledger(const config::Config& cfg, bool& missing) {
  missing = false;
  try {
    auto ledger = service::open_tool_ledger(cfg);
    missing = ledger == nullptr;
    return ledger;
  } catch (const std::exception& e) {
    std::cerr << "error: " << log::redact(e.what()) << '\n';
  }
  return nullptr;
}

/// Opens the existing ledger, or prints why not and returns null.
std::unique_ptr<alerting::Ledger> open_existing(const config::Config& cfg) {
  bool missing = false;
  auto ledger = open_ledger(cfg, missing);
  if (missing) {
    std::cerr << "error: no alert ledger at " << service::state_db_path(cfg).string()
              << " (the daemon has not run with this state directory yet)\n";
  }
  return ledger;
}

ordered_json row_json(const AlertRow& r, calendar::UtcOffset offset) {
  return ordered_json{{"key", r.key},
                      {"state", std::string(to_string(r.state))},
                      {"code", r.id.code},
                      {"rule", r.id.rule},
                      {"due_version", r.id.due_version},
                      {"repeat", r.id.repeat},
                      {"recipient", r.id.recipient},
                      {"channel", r.id.channel},
                      {"stage", std::string(deadline::to_string(r.stage))},
                      {"fire_at", calendar::format_iso(r.fire_at, offset)},
                      {"attempts", r.attempts},
                      {"next_attempt_at", calendar::format_iso(r.next_attempt_at, offset)},
                      {"detail", r.detail},
                      {"digest_key", r.digest_key},
                      {"created_at", calendar::format_iso(r.created_at, offset)},
                      {"updated_at", calendar::format_iso(r.updated_at, offset)},
                      {"sent_at", r.sent_at ? ordered_json(calendar::format_iso(*r.sent_at, offset))
                                            : ordered_json()}};
}

void print_table(const std::vector<AlertRow>& rows, calendar::UtcOffset offset) {
  std::vector<std::vector<std::string>> cells;
  cells.push_back(
      {"key", "state", "code", "rule", "recipient", "channel", "fire_at", "attempts", "detail"});
  for (const AlertRow& r : rows) {
    cells.push_back({r.key, std::string(to_string(r.state)), r.id.code, r.id.rule, r.id.recipient,
                     r.id.channel, calendar::format_local_minutes(r.fire_at, offset),
                     std::to_string(r.attempts), r.detail});
  }
  std::vector<std::size_t> width(cells.front().size(), 0);
  for (const auto& line : cells) {
    for (std::size_t c = 0; c < line.size(); ++c) {
      width[c] = std::max(width[c], display_width(line[c]));
    }
  }
  for (const auto& line : cells) {
    std::string out;
    for (std::size_t c = 0; c < line.size(); ++c) {
      // The last column is not padded (no trailing blanks).
      out += c + 1 < line.size() ? pad(line[c], width[c]) + "  " : line[c];
    }
    std::cout << out << '\n';
  }
}

// ---- outbox list ----------------------------------------------------------------------------

int run_list(const GlobalOptions& g, const OutboxArgs& a) {
  std::optional<AlertState> state;
  if (a.state) {
    state = alerting::parse_alert_state(*a.state);
    if (!state) {
      std::cerr << "error: --state: \"" << *a.state << "\" is not a state (one of: " << kStateList
                << ")\n";
      return kUsageOrConfig;
    }
  }
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return kUsageOrConfig;
  bool missing = false;
  auto ledger = open_ledger(*cfg, missing);
  if (missing) {
    // Nothing was ever planned with this state directory: an empty outbox, not an error.
    if (a.format == "json") std::cout << "[]\n";
    std::cerr << "no alert ledger at " << service::state_db_path(*cfg).string() << " yet\n";
    return kOk;
  }
  if (!ledger) return kUsageOrConfig;
  const std::vector<AlertRow> rows = ledger->list(state, a.limit);
  const calendar::UtcOffset offset = cfg->calendar.offset;
  if (a.format == "json") {
    ordered_json out = ordered_json::array();
    for (const AlertRow& r : rows) out.push_back(row_json(r, offset));
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else if (!rows.empty()) {
    print_table(rows, offset);
  }
  std::int64_t total = 0;
  for (const auto& [s, n] : ledger->counts()) {
    if (!state || s == *state) total += n;
  }
  if (static_cast<std::int64_t>(rows.size()) < total) {
    std::cerr << "showing " << rows.size() << " of " << total
              << " alerts (most recently changed first); use --limit to see more\n";
  }
  return kOk;
}

// ---- outbox retry KEY | --dead --------------------------------------------------------------

int run_retry(const GlobalOptions& g, const OutboxArgs& a) {
  if (a.dead == a.key.has_value()) {
    std::cerr << "error: outbox retry takes either a KEY or --dead\n";
    return kUsageOrConfig;
  }
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return kUsageOrConfig;
  auto ledger = open_existing(*cfg);
  if (!ledger) return kUsageOrConfig;
  const calendar::SystemClock clock;
  if (a.dead) {
    const std::size_t n = ledger->retry_all_dead(clock.now());
    std::cout << "requeued " << n << " dead alert(s); they go out at the next cycle\n";
    return kOk;
  }
  const auto row = ledger->get(*a.key);
  if (!row) {
    std::cerr << "error: no alert with key " << *a.key << '\n';
    return kUsageOrConfig;
  }
  if (ledger->retry(*a.key, clock.now()) == 0) {
    std::cerr << "error: alert " << *a.key << " is " << to_string(row->state)
              << "; only dead, unreachable, retry, cancelled or skipped alerts can be requeued\n";
    return kUsageOrConfig;
  }
  std::cout << *a.key << ": " << to_string(row->state)
            << " -> pending; it goes out at the next cycle\n";
  return kOk;
}

// ---- outbox cancel KEY ----------------------------------------------------------------------

int run_cancel(const GlobalOptions& g, const OutboxArgs& a) {
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return kUsageOrConfig;
  auto ledger = open_existing(*cfg);
  if (!ledger) return kUsageOrConfig;
  const auto row = ledger->get(*a.key);
  if (!row) {
    std::cerr << "error: no alert with key " << *a.key << '\n';
    return kUsageOrConfig;
  }
  const calendar::SystemClock clock;
  if (ledger->cancel(*a.key, clock.now(), a.reason) == 0) {
    std::cerr << "error: alert " << *a.key << " is " << to_string(row->state)
              << "; only pending or retry alerts can be cancelled\n";
    return kUsageOrConfig;
  }
  std::cout << *a.key << ": " << to_string(row->state) << " -> cancelled\n";
  return kOk;
}

}  // namespace

void add_outbox_commands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto a = std::make_shared<OutboxArgs>();
  CLI::App* outbox =
      app.add_subcommand("outbox", "the alert ledger: list, requeue or cancel alerts");
  outbox->require_subcommand(1);

  CLI::App* list = outbox->add_subcommand("list", "alerts, most recently changed first");
  list->add_option("--state", a->state, std::string("only alerts in this state: ") + kStateList);
  list->add_option("--limit", a->limit, "at most this many (default 100)")
      ->check(CLI::Range(std::size_t{1}, std::numeric_limits<std::size_t>::max()));
  list->add_option("--format", a->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  add_config_option(list, g);
  list->callback([&g, &exit_code, a] { exit_code = run_list(g, *a); });

  CLI::App* retry = outbox->add_subcommand(
      "retry", "requeue a dead, unreachable, retry, cancelled or skipped alert (or all dead)");
  retry->add_option("key", a->key, "the alert key (from `outbox list`)");
  retry->add_flag("--dead", a->dead, "requeue every dead alert");
  add_config_option(retry, g);
  retry->callback([&g, &exit_code, a] { exit_code = run_retry(g, *a); });

  CLI::App* cancel = outbox->add_subcommand("cancel", "cancel a pending or retry alert");
  cancel->add_option("key", a->key, "the alert key (from `outbox list`)")->required();
  cancel->add_option("--reason", a->reason, "recorded as the alert's detail");
  add_config_option(cancel, g);
  cancel->callback([&g, &exit_code, a] { exit_code = run_cancel(g, *a); });
}

}  // namespace dunghan::app
