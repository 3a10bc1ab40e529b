// report: form 6a (Biểu II.06a/VPCP/KSTT) for a quarter, a month, a year or any dates, in text,
// Markdown, CSV, JSON, HTML or an Excel workbook.
#include "app/app.h"

#if defined(DUNGHAN_HAVE_store) && defined(DUNGHAN_HAVE_report)

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <system_error>

#include "app/store_tool.h"
#include "calendar/clock.h"
#include "report/form6a.h"
#include "report/layout.h"
#include "report/period.h"
#include "report/render.h"
#include "report/xlsx_writer.h"
#include "store/sqlite_store.h"

namespace dunghan::app {
namespace {

struct ReportArgs {
  std::optional<std::string> quarter, month, year, from, to, date, output;
  std::string by = "field";
  std::string format = "text";
};

/// The period from exactly one of --quarter, --month, --year, --from/--to; nullopt (with the
/// error printed) otherwise.
std::optional<report::ReportPeriod> period_of(const ReportArgs& a, report::PeriodConvention c) {
  const int given =
      (a.quarter ? 1 : 0) + (a.month ? 1 : 0) + (a.year ? 1 : 0) + ((a.from || a.to) ? 1 : 0);
  if (given != 1) {
    std::cerr << "error: give one period: --quarter 2026-Q3, --month 2026-09, --year 2026, or "
                 "--from D --to D\n";
    return std::nullopt;
  }
  const std::string range = " (years " + std::to_string(report::kFirstPeriodYear) + ".." +
                            std::to_string(report::kLastPeriodYear) + ")";
  if (a.quarter) {
    auto p = report::parse_quarter(*a.quarter, c);
    if (!p)
      std::cerr << "error: --quarter: \"" << *a.quarter << "\" is not a quarter YYYY-Qn" << range
                << '\n';
    return p;
  }
  if (a.month) {
    auto p = report::parse_month(*a.month, c);
    if (!p)
      std::cerr << "error: --month: \"" << *a.month << "\" is not a month YYYY-MM or MM/YYYY"
                << range << '\n';
    return p;
  }
  if (a.year) {
    auto p = report::parse_year(*a.year, c);
    if (!p) std::cerr << "error: --year: \"" << *a.year << "\" is not a year YYYY" << range << '\n';
    return p;
  }
  if (!a.from || !a.to) {
    std::cerr << "error: --from and --to go together\n";
    return std::nullopt;
  }
  const auto from = date_arg(*a.from, "--from");
  const auto to = date_arg(*a.to, "--to");
  if (!from || !to) return std::nullopt;
  if (*to < *from) {
    std::cerr << "error: --to is before --from\n";
    return std::nullopt;
  }
  return report::range_period(*from, *to, c);
}

/// A name beside `file` for writing it before it replaces `file`.
std::filesystem::path temporary_beside(const std::filesystem::path& file) {
  return file.parent_path() /
         ("." + file.filename().string() + ".tmp-" + std::to_string(::getpid()));
}

/// Moves `tmp` over `file`; on failure removes `tmp` and prints the error.
bool replace_with(const std::filesystem::path& tmp, const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (!ec) return true;
  std::cerr << "error: cannot write " << file.string() << ": " << ec.message() << '\n';
  std::filesystem::remove(tmp, ec);
  return false;
}

bool write_text_file(const std::filesystem::path& file, const std::string& bytes) {
  const std::filesystem::path tmp = temporary_beside(file);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (out) out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (out) out.flush();
    if (!out) {
      std::cerr << "error: cannot write " << file.string() << ": " << std::strerror(errno) << '\n';
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return false;
    }
  }
  return replace_with(tmp, file);
}

/// The workbook to `file`, or to stdout when `file` is "-".
bool write_workbook(const report::Form6a& form, const report::FormMeta& meta,
                    const std::string& file) {
  const bool to_stdout = file == "-";
  const std::filesystem::path target =
      to_stdout ? std::filesystem::temp_directory_path() / "dunghan-report.xlsx"
                : std::filesystem::path(file);
  const std::filesystem::path tmp = temporary_beside(target);
  // Try the file first: libxlsxwriter would also print its own error line to stderr.
  if (!std::ofstream(tmp, std::ios::binary | std::ios::trunc)) {
    std::cerr << "error: cannot write " << target.string() << ": " << std::strerror(errno) << '\n';
    return false;
  }
  try {
    report::write_xlsx(form, meta, tmp);
  } catch (const report::XlsxError& e) {
    std::cerr << "error: cannot write the workbook: " << e.what() << '\n';
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    return false;
  }
  if (!to_stdout) return replace_with(tmp, target);
  std::ifstream in(tmp, std::ios::binary);
  std::cout << in.rdbuf();
  std::cout.flush();
  in.close();
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  return static_cast<bool>(std::cout);
}

int run_report(const GlobalOptions& g, const ReportArgs& a) {
  const auto group = report::parse_group_by(a.by);
  const auto fmt = report::parse_format(a.format);
  if (!group || !fmt) {
    std::cerr << "error: --by field|department, --format text|md|csv|json|html|xlsx\n";
    return kUsageOrConfig;
  }
  if (report::is_binary(*fmt) && !a.output) {
    std::cerr << "error: --format xlsx writes an Excel workbook, not text: give --output FILE.xlsx"
                 " (or --output - to send it down a pipe)\n";
    return kUsageOrConfig;
  }
  if (report::is_binary(*fmt) && a.output && *a.output == "-" && ::isatty(1) == 1) {
    std::cerr << "error: --output -: standard output is a terminal; a workbook is binary. Give "
                 "--output FILE.xlsx\n";
    return kUsageOrConfig;
  }
  std::optional<calendar::Date> signed_on;
  if (a.date && !(signed_on = date_arg(*a.date, "--date"))) return kUsageOrConfig;

  auto tool = open_store_tool(g);
  if (!tool) return kUsageOrConfig;
  const auto period = period_of(a, tool->cfg.report.period);
  if (!period) return kUsageOrConfig;
  const calendar::UtcOffset off = tool->settings.offset;

  store::ReadSummary summary;
  report::Form6a form;
  try {
    auto reader = store::open_reader(tool->settings);
    store::DossierFilter filter;
    filter.received_at_or_before =
        calendar::to_instant(period->to + std::chrono::days{1}, std::chrono::seconds{0}, off) -
        std::chrono::seconds{1};
    filter.not_closed_before = calendar::to_instant(period->from, std::chrono::seconds{0}, off);
    report::Form6aBuilder builder(period->from, period->to, *group, *tool->cal, tool->cfg.deadline,
                                  &tool->cfg.procedures);
    summary =
        reader->for_each(filter, [&](const deadline::Dossier& d,
                                     std::span<const deadline::Event> ev) { builder.add(d, ev); });
    form = builder.result();
  } catch (const store::StoreError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kUsageOrConfig;
  } catch (const calendar::CalendarError& e) {
    std::cerr << "error: calendar: " << e.what() << '\n';
    return kUsageOrConfig;
  }

  report::FormMeta meta;
  meta.heading = tool->cfg.report.heading;
  meta.period = *period;
  meta.signed_on =
      signed_on ? *signed_on : calendar::local_date(calendar::SystemClock{}.now(), off);

  bool written = true;
  if (report::is_binary(*fmt)) {
    written = write_workbook(form, meta, *a.output);
  } else {
    const std::string bytes = report::render(form, meta, *fmt);
    if (!a.output || *a.output == "-") {
      std::cout << bytes;
      std::cout.flush();
      written = static_cast<bool>(std::cout);
    } else {
      written = write_text_file(*a.output, bytes);
    }
  }
  if (!written) return kUsageOrConfig;
  if (a.output && *a.output != "-") {
    std::cerr << "Biểu II.06a, " << report::period_words(*period) << ", " << form.rows.size()
              << " dòng: " << *a.output << '\n';
  }
  return report_read_problems(summary);
}

}  // namespace

void add_report_commands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* rep = app.add_subcommand("report", "form 6a (Biểu II.06a/VPCP/KSTT) for a period");
  rep->add_option("--quarter", a->quarter, "a quarter, YYYY-Qn (e.g. 2026-Q3)");
  rep->add_option("--month", a->month, "a month, YYYY-MM (e.g. 2026-09)");
  rep->add_option("--year", a->year, "a year, YYYY");
  rep->add_option("--from", a->from, "first date of any period (YYYY-MM-DD), with --to");
  rep->add_option("--to", a->to, "last date of any period (YYYY-MM-DD), with --from");
  rep->add_option("--by", a->by, "rows by field (lĩnh vực) or department")
      ->check(CLI::IsMember({"field", "department"}));
  rep->add_option("--format", a->format, "text, md, csv, json, html or xlsx")
      ->check(CLI::IsMember({"text", "md", "markdown", "csv", "json", "html", "xlsx"}));
  rep->add_option("--output", a->output, "write to FILE instead of the terminal (xlsx: required)")
      ->option_text("FILE");
  rep->add_option("--date", a->date, "the date in the footer (default: today)");
  add_config_option(rep, g);
  rep->footer(
      "Periods: --quarter, --month and --year are cut by [report] period (\"calendar\", the "
      "default, or \"decree09\": from the 15th of the month before to the 14th, Decree "
      "09/2019/NĐ-CP art. 12). The header and footer come from [report].");
  rep->callback([&g, &exit_code, a] { exit_code = run_report(g, *a); });
}

}  // namespace dunghan::app

#else

namespace dunghan::app {
void add_report_commands(CLI::App&, GlobalOptions&, int&) {}
}  // namespace dunghan::app

#endif
