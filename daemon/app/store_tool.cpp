// The dossier store as the command-line tools open it (store_tool.h).
#ifdef DUNGHAN_HAVE_store

#include "app/store_tool.h"

#include <cstdint>
#include <iostream>

#include "service/runtime.h"

namespace dunghan::app {

std::optional<StoreTool> open_store_tool(const GlobalOptions& g) {
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return std::nullopt;
  try {
    auto cal = config::build_calendar(*cfg);
    store::StoreSettings s = service::store_settings(*cfg);
    s.offset = cal->offset();
    return StoreTool{std::move(*cfg), std::move(cal), std::move(s)};
  } catch (const calendar::CalendarError& e) {
    std::cerr << "error: calendar: " << e.what() << '\n';
  } catch (const std::runtime_error& e) {  // a [store] url that cannot be used
    std::cerr << "error: " << e.what() << '\n';
  }
  return std::nullopt;
}

int report_read_problems(const store::ReadSummary& s) {
  for (const store::RowProblem& p : s.problems) {
    std::cerr << "warning: store row " << p.row;
    if (!p.code.empty()) std::cerr << " (code " << p.code << ")";
    if (!p.column.empty()) std::cerr << ", column `" << p.column << "`";
    std::cerr << ": " << p.reason << " — skipped\n";
  }
  if (s.rejected > static_cast<std::int64_t>(s.problems.size())) {
    std::cerr << "warning: … and " << (s.rejected - static_cast<std::int64_t>(s.problems.size()))
              << " more bad rows\n";
  }
  if (const auto& f = s.first_not_utf8) {
    std::cerr << "warning: " << s.not_utf8
              << " dossier row(s) hold text that is not UTF-8 (first: store row " << f->row;
    if (!f->code.empty()) std::cerr << ", code " << f->code;
    std::cerr << ", column `" << f->column
              << "`); the database seems to use a legacy encoding (TCVN3, Windows-1258): those "
                 "rows are counted, their texts will not display\n";
  }
  return s.rejected > 0 ? kPartial : kOk;
}

}  // namespace dunghan::app

#endif
