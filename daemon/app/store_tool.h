#pragma once
// Shared by the commands that read the dossier store (cmd_dossiers.cpp, cmd_report.cpp): the
// configuration, calendar and store settings of one run, and how a read's bad rows are shown.
// Only in builds with the store module.

#ifdef DUNGHAN_HAVE_store

#include <memory>
#include <optional>

#include "app/app.h"
#include "calendar/work_calendar.h"
#include "config/config.h"
#include "store/store.h"

namespace dunghan::app {

struct StoreTool {
  config::Config cfg;
  std::shared_ptr<const calendar::WorkCalendar> cal;
  store::StoreSettings settings;
};

/// Loads the configuration (load_for_tool), builds its calendar and the store settings. On error
/// prints it to stderr and returns nullopt.
std::optional<StoreTool> open_store_tool(const GlobalOptions& g);

/// Adds `--config FILE` to a subcommand (the same option as the global one).
void add_config_option(CLI::App* cmd, GlobalOptions& g);

/// Prints the bad rows of a read to stderr (warnings naming row, code and column); returns kPartial
/// when rows were rejected, kOk otherwise.
int report_read_problems(const store::ReadSummary& s);

}  // namespace dunghan::app

#endif
