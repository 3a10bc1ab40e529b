// store init, import, status, audit: the dossier store as command-line tools (report:
// cmd_report.cpp).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/store_tool.h"

#ifdef DUNGHAN_HAVE_store
#include "alerting/rules.h"
#include "app/routing_warnings.h"
#include "calendar/due_date.h"
#include "deadline/clock.h"
#include "store/as_of.h"
#include "store/csv_import.h"
#include "store/import_vocabulary.h"
#include "store/pg_store.h"
#include "store/sorted_spool.h"
#include "store/sqlite_store.h"
#include "store/store.h"
#endif

namespace dunghan::app {

#ifdef DUNGHAN_HAVE_store
namespace {

using calendar::Date;
using calendar::Instant;
using nlohmann::json;

Instant now_instant() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string csv_quote(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

// ---- store init ---------------------------------------------------------------------------------

int run_store_init(const GlobalOptions& g) {
  auto tool = open_store_tool(g);
  if (!tool) return kUsageOrConfig;
  if (tool->settings.mapping) {
    std::cerr << "error: [store.mapping] is set: " << tool->settings.path.string()
              << " is another program's database, read-only for dunghan; nothing to initialise\n";
    return kUsageOrConfig;
  }
  try {
    if (tool->settings.server) {
      store::PgStore s(tool->settings);
      const int version = s.schema_version();  // connects, creates or migrates the schema
      std::cout << "Store ready: " << s.description() << " (schema version " << version << ", "
                << s.count() << " dossiers)\n";
      return kOk;
    }
    store::SqliteStore s(tool->settings);
    std::cout << "Store ready: " << tool->settings.path.string() << " (schema version "
              << s.schema_version() << ", " << s.count() << " dossiers)\n";
    return kOk;
  } catch (const store::StoreError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kUsageOrConfig;
  }
}

// ---- import -------------------------------------------------------------------------------------

/// A one-line progress bar on stderr, only on a terminal and for files of at least 4 MiB.
class Progress {
 public:
  Progress(const std::string& label, std::uintmax_t total)
      : label_(label), total_(total), on_(isatty(2) == 1 && total >= (4u << 20)) {}
  ~Progress() {
    if (on_ && shown_) std::cerr << '\n';
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void update(std::uint64_t done) {
    if (!on_ || total_ == 0) return;
    const int pct = static_cast<int>(std::min<std::uint64_t>(100, done * 100 / total_));
    if (pct == last_) return;
    last_ = pct;
    shown_ = true;
    const int bar = pct * 30 / 100;
    std::cerr << '\r' << label_ << " [" << std::string(static_cast<std::size_t>(bar), '#')
              << std::string(static_cast<std::size_t>(30 - bar), ' ') << "] " << pct << "%"
              << std::flush;
  }

 private:
  std::string label_;
  std::uintmax_t total_;
  bool on_;
  bool shown_ = false;
  int last_ = -1;
};

int run_import(const GlobalOptions& g, const std::optional<std::string>& dossiers_file,
               const std::optional<std::string>& events_file,
               const std::vector<std::string>& map_texts) {
  if (!dossiers_file && !events_file) {
    std::cerr << "error: import: give --dossiers FILE (.csv or .xlsx) and/or --events FILE\n";
    return kUsageOrConfig;
  }
  for (const auto* f : {&dossiers_file, &events_file}) {
    if (*f && !std::filesystem::is_regular_file(**f)) {
      std::cerr << "error: " << **f << ": no such file\n";
      return kUsageOrConfig;
    }
  }
  std::vector<store::HeadingMapping> mappings;
  for (const std::string& m : map_texts) {
    auto parsed = store::parse_heading_mapping(m);
    if (!parsed) {
      std::cerr << "error: --map: \"" << m
                << "\" is not HEADING=column (e.g. --map \"Số "
                   "phiếu=code\")\n";
      return kUsageOrConfig;
    }
    if (!store::is_canonical_column(store::ImportKind::dossiers, parsed->column) &&
        !store::is_canonical_column(store::ImportKind::events, parsed->column)) {
      std::cerr << "error: --map: \"" << parsed->column
                << "\" is no column of dunghan (dossiers: code, procedure_code, procedure_name, "
                   "field, department, handler, applicant, channel, received_at, duration, due_at, "
                   "status, resolved_at, updated_at; events: code, at, kind, new_due_at, note)\n";
      return kUsageOrConfig;
    }
    mappings.push_back(std::move(*parsed));
  }
  auto tool = open_store_tool(g);
  if (!tool) return kUsageOrConfig;
  if (tool->settings.mapping) {
    std::cerr << "error: [store.mapping] is set: the dossiers live in another program's database, "
                 "which dunghan never writes; import is for dunghan's own store\n";
    return kUsageOrConfig;
  }
  std::unique_ptr<store::DossierStore> st;
  try {
    st = store::open_store(tool->settings);
  } catch (const store::StoreError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kUsageOrConfig;
  }
  bool rejected = false;
  const auto one = [&](const std::string& file, bool dossiers) -> bool {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cerr << "error: " << file << ": cannot open\n";
      return false;
    }
    store::ImportOptions o;
    o.offset = tool->settings.offset;
    o.catalogue = &tool->cfg.procedures;
    o.calendar = tool->cal.get();
    o.mappings = mappings;
    o.now = now_instant();
    o.on_problem = [&](const store::ImportProblem& p) {
      std::cerr << file << ":" << p.line << ": ";
      if (!p.column.empty()) std::cerr << "column `" << p.column << "`: ";
      std::cerr << p.reason;
      if (!p.code.empty()) std::cerr << " (code " << p.code << ")";
      std::cerr << " — row rejected\n";
    };
    try {
      const std::unique_ptr<store::RecordSource> source = store::open_records(in);
      std::error_code ec;
      const std::uintmax_t size =
          source->total_bytes() > 0 ? source->total_bytes() : std::filesystem::file_size(file, ec);
      Progress progress(file, size);
      o.progress = [&](std::uint64_t done) { progress.update(done); };
      const store::ImportResult r = dossiers ? store::import_dossiers(*source, *st, o)
                                             : store::import_events(*source, *st, o);
      if (r.header_line > 1) {
        std::cerr << file << ":" << r.header_line << ": note: the header is on "
                  << (source->is_workbook() ? "row " : "line ") << r.header_line << "; the "
                  << (r.header_line - 1) << " above it were skipped as titles\n";
      }
      for (const std::string& c : r.ignored_columns) {
        std::cerr << file << ":" << r.header_line << ": warning: unknown column `" << c
                  << "` ignored (--map \"" << c << "=COLUMN\" imports it)\n";
      }
      std::cout << file << ": " << r.rows << (dossiers ? " dossier" : " event") << " rows, "
                << r.taken << " imported (" << r.changed << " new or changed), " << r.rejected
                << " rejected\n";
      if (const auto& f = r.first_not_utf8) {
        // One error for the file, not one per row: the cause is the file's encoding.
        std::cerr << "error: " << file << ": " << r.not_utf8
                  << " row(s) are not UTF-8 text and were not imported (first: line " << f->line
                  << ", column `" << f->column << "`"
                  << (f->code.empty() ? "" : ", code " + f->code) << "): " << f->reason << '\n';
      }
      rejected = rejected || r.rejected > 0;
      if (r.rows > 0 && r.taken == 0) {
        std::cerr << "error: " << file << ": nothing was imported\n";
        return false;
      }
      return true;
    } catch (const store::CsvError& e) {
      std::cerr << "error: " << file << ": " << e.what() << " — nothing imported from it\n";
    } catch (const store::StoreError& e) {
      std::cerr << "error: " << e.what() << '\n';
    }
    return false;
  };
  if (dossiers_file && !one(*dossiers_file, true)) return kUsageOrConfig;
  if (events_file && !one(*events_file, false)) return kUsageOrConfig;
  try {
    warn_routing(tool->cfg, *st, std::cerr);  // warnings only: the import stands
  } catch (const store::StoreError& e) {
    std::cerr << "warning: cannot check the routing: " << e.what() << '\n';
  }
  return rejected ? kPartial : kOk;
}

// ---- status -------------------------------------------------------------------------------------

/// Appended to the state of a dossier with a lateness anomaly in the `status` table.
constexpr std::string_view kLatenessMarker = " (*)";

std::string_view state_label_vn(deadline::ClockState s) {
  using S = deadline::ClockState;
  switch (s) {
    case S::waiting_applicant:
      return "Chờ bổ sung/tạm dừng";
    case S::overdue:
      return "Quá hạn";
    case S::due_today:
      return "Đến hạn hôm nay";
    case S::due_soon:
      return "Sắp đến hạn";
    case S::not_due:
      return "Trong hạn";
    default:
      return deadline::to_string(s);
  }
}

/// Working time as "[-]H:MM" (hours of office time).
std::string format_working(std::int64_t minutes) {
  const bool neg = minutes < 0;
  const std::int64_t m = neg ? -minutes : minutes;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%lld:%02lld", neg ? "-" : "", static_cast<long long>(m / 60),
                static_cast<long long>(m % 60));
  return buf;
}

struct StatusRow {
  std::string code;
  deadline::ClockState state;
  bool valid;
  Instant due;
  Date due_date;
  std::int64_t left;
  std::string department;
  std::string handler;
  std::string
      lateness;  // the lateness anomalies' kinds (docs/rules.md §2), joined by ';'; "" when none
  bool unroutable = false;  // a rule that matches it reaches nobody for some target
};

/// The kinds of the clock's lateness anomalies, joined by ';' (one per anomaly, in order).
std::string lateness_kinds(const deadline::DossierClock& c) {
  std::string out;
  for (const deadline::Anomaly& a : c.anomalies) {
    if (!deadline::is_lateness(a.kind)) continue;
    if (!out.empty()) out += ';';
    out += deadline::to_string(a.kind);
  }
  return out;
}

std::vector<std::string> split_kinds(std::string_view joined) {
  std::vector<std::string> out;
  while (!joined.empty()) {
    const std::size_t semi = joined.find(';');
    out.emplace_back(joined.substr(0, semi));
    if (semi == std::string_view::npos) break;
    joined.remove_prefix(semi + 1);
  }
  return out;
}

/// Most urgent first: dossiers whose clock runs (earliest due first), then those waiting for the
/// applicant, then those whose clock could not be computed; ties by code.
int urgency_rank(const StatusRow& r) {
  if (!r.valid) return 2;
  return r.state == deadline::ClockState::waiting_applicant ? 1 : 0;
}

/// The fixed-size part of a StatusRow in the sort spool's payload.
struct PackedStatus {
  std::int64_t due;
  std::int64_t due_date;
  std::int64_t left;
  std::uint32_t department_bytes;
  std::uint32_t handler_bytes;
  std::uint8_t state;
  std::uint8_t valid;
  std::uint8_t unroutable;
};

/// Spool payload: PackedStatus, department, handler, lateness (the code is the spool's k3).
std::string pack_status(const StatusRow& r) {
  PackedStatus p{};
  p.due = r.due.time_since_epoch().count();
  p.due_date = r.due_date.time_since_epoch().count();
  p.left = r.left;
  p.department_bytes = static_cast<std::uint32_t>(r.department.size());
  p.handler_bytes = static_cast<std::uint32_t>(r.handler.size());
  p.state = static_cast<std::uint8_t>(r.state);
  p.valid = r.valid ? 1 : 0;
  p.unroutable = r.unroutable ? 1 : 0;
  std::string out(sizeof p, '\0');
  std::memcpy(out.data(), &p, sizeof p);
  out += r.department;
  out += r.handler;
  out += r.lateness;
  return out;
}

StatusRow unpack_status(std::string_view code, std::string_view payload) {
  PackedStatus p{};
  std::memcpy(&p, payload.data(), sizeof p);
  payload.remove_prefix(sizeof p);
  StatusRow r;
  r.code = code;
  r.state = static_cast<deadline::ClockState>(p.state);
  r.valid = p.valid != 0;
  r.unroutable = p.unroutable != 0;
  r.due = Instant(std::chrono::seconds(p.due));
  r.due_date = Date(std::chrono::days(p.due_date));
  r.left = p.left;
  r.department = payload.substr(0, p.department_bytes);
  r.handler = payload.substr(p.department_bytes, p.handler_bytes);
  r.lateness = payload.substr(std::size_t{p.department_bytes} + p.handler_bytes);
  return r;
}

int run_status(const GlobalOptions& g, const std::optional<std::string>& at_text,
               const std::optional<std::string>& state_filter,
               const std::optional<std::string>& department, const std::string& format) {
  auto tool = open_store_tool(g);
  if (!tool) return kUsageOrConfig;
  const calendar::UtcOffset off = tool->settings.offset;
  const Instant now = now_instant();
  Instant at = now;
  if (at_text) {
    auto t = calendar::parse_instant(*at_text, off);
    if (!t) {
      std::cerr << "error: --at: \"" << *at_text
                << "\" is not a date-time (YYYY-MM-DDTHH:MM, optionally with Z or +07:00)\n";
      return kUsageOrConfig;
    }
    at = *t;
  }
  // Open dossiers are sorted through a spool on disk, so memory stays flat however many there are
  // (10^5 in a province); what the table needs up front (widths, counts) is gathered on the way in.
  bool provisional = false;
  store::ReadSummary summary;
  std::size_t wcode = 10, wdep = 6;
  std::map<deadline::ClockState, std::int64_t> by_state;
  std::map<deadline::AnomalyKind, std::int64_t> lateness_by_kind;
  try {
    store::SortedSpool spool;
    auto reader = store::open_reader(tool->settings);
    store::DossierFilter filter;
    filter.department = department;
    const alerting::Directory directory(tool->cfg.recipients);
    std::int64_t unroutable = 0;
    // The office as it stood at `at`: a dossier closed since was open then (store/as_of.h).
    summary = store::for_each_open_at(
        *reader, at, filter, {*tool->cal, tool->cfg.deadline, &tool->cfg.procedures},
        [&](const deadline::Dossier& d, std::span<const deadline::Event>,
            const deadline::DossierClock& c) {
          if (state_filter && deadline::to_string(c.state) != *state_filter) return;
          provisional = provisional || c.provisional;
          StatusRow r{d.code,       c.state,      c.valid,   c.current_due,    c.due_date,
                      c.left.count, d.department, d.handler, lateness_kinds(c)};
          for (const auto& rc : alerting::check_routes(d, c.extended, tool->cfg.rules, directory)) {
            r.unroutable = r.unroutable || !rc.problems.empty();
          }
          unroutable += r.unroutable ? 1 : 0;
          const int rank = urgency_rank(r);
          spool.add(rank, rank != 2 ? r.due.time_since_epoch().count() : 0, r.code, pack_status(r));
          wcode = std::max(wcode, display_width(r.code));
          wdep = std::max(wdep, display_width(r.department));
          ++by_state[r.state];
          for (const deadline::Anomaly& a : c.anomalies) {
            if (deadline::is_lateness(a.kind)) ++lateness_by_kind[a.kind];
          }
        },
        now);
    const auto each_row = [&](const std::function<void(const StatusRow&)>& f) {
      spool.drain([&](std::string_view code, std::string_view payload) {
        f(unpack_status(code, payload));
      });
    };
    if (format == "json") {
      // Written object by object: the output of 10^5 dossiers is never held as one JSON tree.
      std::cout << '[';
      bool first = true;
      each_row([&](const StatusRow& r) {
        json o = {{"code", r.code}, {"state", std::string(deadline::to_string(r.state))}};
        o["due_at"] = r.valid ? json(calendar::format_iso(r.due, off)) : json(nullptr);
        o["due_date"] = r.valid ? json(calendar::format_date(r.due_date)) : json(nullptr);
        o["working_minutes_left"] = r.valid ? json(r.left) : json(nullptr);
        o["department"] = r.department;
        o["handler"] = r.handler;
        o["unroutable"] = r.unroutable;
        o["anomalies"] = split_kinds(r.lateness);
        std::cout << (first ? "\n  " : ",\n  ")
                  << o.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        first = false;
      });
      std::cout << (first ? "]\n" : "\n]\n");
    } else if (format == "csv") {
      std::cout
          << "code,state,due_at,due_date,working_minutes_left,department,handler,anomalies\r\n";
      each_row([&](const StatusRow& r) {
        std::cout << csv_quote(r.code) << ',' << deadline::to_string(r.state) << ','
                  << (r.valid ? calendar::format_iso(r.due, off) : "") << ','
                  << (r.valid ? calendar::format_date(r.due_date) : "") << ','
                  << (r.valid ? std::to_string(r.left) : "") << ',' << csv_quote(r.department)
                  << ',' << csv_quote(r.handler) << ',' << r.lateness << "\r\n";
      });
    } else {
      std::cout << "Hồ sơ đang giải quyết tại " << calendar::format_local_minutes(at, off) << " ("
                << spool.size() << " hồ sơ)\n\n";
      std::cout << pad("Mã hồ sơ", wcode) << "  " << pad("Tình trạng", 21) << "  "
                << pad("Hạn xử lý", 16) << "  " << pad("Còn lại", 9) << "  " << pad("Đơn vị", wdep)
                << "  Cán bộ\n";
      each_row([&](const StatusRow& r) {
        const std::string label = std::string(state_label_vn(r.state)) +
                                  (r.lateness.empty() ? "" : std::string(kLatenessMarker));
        std::cout << pad(r.code, wcode) << "  " << pad(label, 21) << "  "
                  << pad(r.valid ? calendar::format_date_vn(r.due_date) + " " +
                                       calendar::format_local_minutes(r.due, off).substr(11)
                                 : "(không xác định)",
                         16)
                  << "  " << pad(r.valid ? format_working(r.left) : "", 9) << "  "
                  << pad(r.department, wdep) << "  " << r.handler
                  << (r.unroutable ? "  (!) không tìm được người nhận" : "") << '\n';
      });
      std::cout << "\nTổng:";
      for (const auto& [s, n] : by_state) std::cout << "  " << state_label_vn(s) << " " << n << ";";
      std::cout << "\n(Còn lại: giờ làm việc H:MM; số âm là đã quá hạn)\n";
      if (unroutable > 0) {
        std::cout << "(!) " << unroutable
                  << " hồ sơ có cảnh báo không tìm được người nhận: xem `dunghan alerts routes "
                     "--code MÃ`.\n";
      }
      if (!lateness_by_kind.empty()) {
        std::cout << "(*) Thao tác muộn không khắc phục được việc trễ hạn (NĐ 61/2018 Đ19):";
        for (const auto& [k, n] : lateness_by_kind) {
          std::cout << "  " << deadline::label_vn(k) << " " << n << ";";
        }
        std::cout << "\n    Chi tiết: dunghan alerts explain MÃ_HỒ_SƠ, dunghan audit\n";
      }
      if (provisional) {
        std::cout << "Lưu ý: một số hạn tính theo lịch TẠM TÍNH (chưa có lịch nghỉ chính thức).\n";
      }
    }
  } catch (const store::StoreError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kUsageOrConfig;
  }
  return report_read_problems(summary);
}

// ---- audit --------------------------------------------------------------------------------------

/// A lateness anomaly (docs/rules.md §2) of one dossier, for `audit`.
struct LatenessFinding {
  std::string code;
  deadline::Anomaly anomaly;
};

int run_audit(const GlobalOptions& g, const std::optional<std::string>& from_text,
              const std::optional<std::string>& to_text, const std::string& format) {
  std::optional<Date> from, to;
  if (from_text && !(from = date_arg(*from_text, "--from"))) return kUsageOrConfig;
  if (to_text && !(to = date_arg(*to_text, "--to"))) return kUsageOrConfig;
  auto tool = open_store_tool(g);
  if (!tool) return kUsageOrConfig;
  const calendar::UtcOffset off = tool->settings.offset;
  std::vector<deadline::AuditFinding> findings;
  std::vector<LatenessFinding> lateness;
  std::int64_t checked = 0;
  std::int64_t examined = 0;
  store::ReadSummary summary;
  // Lateness anomalies are taken from the events up to now, or to the end of --to.
  Instant clock_at = now_instant();
  try {
    auto reader = store::open_reader(tool->settings);
    store::DossierFilter filter;
    if (to) {
      filter.received_at_or_before =
          calendar::to_instant(*to + std::chrono::days{1}, std::chrono::seconds{0}, off) -
          std::chrono::seconds{1};
      clock_at = std::min(clock_at, *filter.received_at_or_before);
    }
    summary = reader->for_each(filter, [&](const deadline::Dossier& d,
                                           std::span<const deadline::Event> events) {
      if (from && calendar::local_date(d.received_at, off) < *from) return;
      ++examined;
      if (!events.empty()) {
        const deadline::DossierClock c = deadline::compute_clock(
            d, events, *tool->cal, tool->cfg.deadline, &tool->cfg.procedures, clock_at);
        for (const deadline::Anomaly& a : c.anomalies) {
          if (deadline::is_lateness(a.kind)) lateness.push_back({d.code, a});
        }
      }
      if (!d.due_at) return;
      ++checked;
      try {
        if (auto f = deadline::audit(d, *tool->cal, tool->cfg.deadline, &tool->cfg.procedures)) {
          findings.push_back(std::move(*f));
        }
      } catch (const calendar::CalendarError& e) {
        std::cerr << "warning: " << d.code << ": " << e.what() << '\n';
      }
    });
  } catch (const store::StoreError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return kUsageOrConfig;
  }
  if (format == "json") {
    json calendar_findings = json::array();
    for (const auto& f : findings) {
      calendar_findings.push_back({{"code", f.code},
                                   {"issued_date", calendar::format_date(f.issued_date)},
                                   {"computed_date", calendar::format_date(f.computed_date)},
                                   {"working_days_difference", f.working_days_difference},
                                   {"reason", f.reason}});
    }
    json late = json::array();
    for (const LatenessFinding& l : lateness) {
      late.push_back(
          {{"code", l.code},
           {"kind", std::string(deadline::to_string(l.anomaly.kind))},
           {"warning", deadline::is_lateness_warning(l.anomaly.kind)},
           {"at", l.anomaly.at ? json(calendar::format_iso(*l.anomaly.at, off)) : json(nullptr)},
           {"label", std::string(deadline::label_vn(l.anomaly.kind))},
           {"message", l.anomaly.message}});
    }
    const json out = {{"dossiers_examined", examined},
                      {"with_issued_date", checked},
                      {"calendar", calendar_findings},
                      {"lateness", late}};
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else {
    std::cout << "Đối chiếu ngày hẹn trả với lịch làm việc: " << checked << " hồ sơ có ngày hẹn, "
              << findings.size() << " hồ sơ lệch\n";
    if (!findings.empty()) {
      std::size_t w = 10;
      for (const auto& f : findings) w = std::max(w, display_width(f.code));
      std::cout << '\n'
                << pad("Mã hồ sơ", w) << "  Ngày hẹn trả  Theo lịch   Lệch (ngày LV)  Lý do\n";
      for (const auto& f : findings) {
        std::cout << pad(f.code, w) << "  " << pad(calendar::format_date_vn(f.issued_date), 12)
                  << "  " << pad(calendar::format_date_vn(f.computed_date), 10) << "  "
                  << pad((f.working_days_difference > 0 ? "+" : "") +
                             std::to_string(f.working_days_difference),
                         14)
                  << "  " << f.reason << '\n';
      }
    }
    std::cout << "\nThao tác muộn không khắc phục được việc trễ hạn (NĐ 61/2018 Đ19): " << examined
              << " hồ sơ, " << lateness.size() << " ghi nhận\n";
    if (!lateness.empty()) {
      std::size_t w = 10;
      for (const LatenessFinding& l : lateness) w = std::max(w, display_width(l.code));
      std::cout << '\n' << pad("Mã hồ sơ", w) << "  " << pad("Lúc", 16) << "  Ghi nhận\n";
      for (const LatenessFinding& l : lateness) {
        std::cout << pad(l.code, w) << "  "
                  << pad(l.anomaly.at ? calendar::format_local_minutes(*l.anomaly.at, off) : "", 16)
                  << "  " << deadline::label_vn(l.anomaly.kind)
                  << (deadline::is_lateness_warning(l.anomaly.kind) ? " (cảnh báo)" : "") << " — "
                  << l.anomaly.message << '\n';
      }
    }
  }
  return report_read_problems(summary);
}

/// The footer of `import --help`: columns, headings, words, date forms and an example.
std::string import_help() {
  const auto list = [](const auto& words) {
    std::string out;
    for (const auto& [canonical, aliases] : words) {
      out += "  " + std::string(canonical) + ":";
      bool first = true;
      for (std::string_view w : aliases) {
        out += (first ? " " : " | ") + std::string(w);  // a heading may hold a comma
        first = false;
      }
      out += '\n';
    }
    return out;
  };
  return "Files: CSV (UTF-8, with or without BOM; comma or semicolon; CRLF or LF) or an Excel "
         "workbook (.xlsx, first sheet). The header row names the columns (title rows above it "
         "are skipped); headings match case- and accent-insensitively.\n\n"
         "Dossier columns (required: code, received_at, status; and a deadline: duration, due_at "
         "or a catalogued procedure_code), with the Vietnamese headings understood:\n" +
         list(store::heading_aliases(store::ImportKind::dossiers)) +
         "\nEvent columns (required: code, at, kind; new_due_at for extended):\n" +
         list(store::heading_aliases(store::ImportKind::events)) + "\nStatus words:\n" +
         list(store::status_words()) + "\nChannel words:\n" + list(store::channel_words()) +
         "\nEvent words:\n" + list(store::event_kind_words()) +
         "\nDate-times: 20/11/2026 8:00, 20/11/2026 08:00:00, 20/11/2026 8:00 SA/CH, "
         "2026-11-20 08:00; a date alone (20/11/2026) is a receipt at the day's opening, an "
         "appointment, result or event at its close; in .xlsx, date cells and serial numbers.\n"
         "Example:\n"
         "  Mã hồ sơ,Mã TTHC,Lĩnh vực,Ngày tiếp nhận,Thời hạn,Ngày hẹn trả,Trạng thái\n"
         "  HS-001,1.009645,Đầu tư,20/11/2026 8:00,15 ngày làm việc,11/12/2026,Đang xử lý\n"
         "  dunghan import --dossiers hoso.xlsx --map \"Số phiếu=code\"\n"
         "A file that is not UTF-8 (Excel's plain CSV: Windows-1258) is refused with one hint; "
         "exit 1 when nothing was imported, 2 when some rows were rejected.";
}

struct DossierArgs {
  std::vector<std::string> maps;
  std::optional<std::string> dossiers_file, events_file;
  std::optional<std::string> at, state, department;
  std::string format = "table";
  std::optional<std::string> audit_from, audit_to;
  std::string audit_format = "table";
};

}  // namespace

void add_dossier_commands(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto a = std::make_shared<DossierArgs>();

  CLI::App* st = app.add_subcommand("store", "the dossier store");
  st->require_subcommand(1);
  CLI::App* init =
      st->add_subcommand("init", "create or migrate the dossier store (SQLite file or PostgreSQL)");
  add_config_option(init, g);
  add_config_option(st, g);
  init->callback([&g, &exit_code] { exit_code = run_store_init(g); });
  add_store_check_command(*st, g, exit_code);

  CLI::App* imp = app.add_subcommand(
      "import", "import dossiers and events from CSV files or Excel workbooks (.xlsx)");
  imp->add_option("--dossiers", a->dossiers_file,
                  "dossiers: a CSV file or an .xlsx workbook (its first sheet)")
      ->option_text("FILE");
  imp->add_option("--events", a->events_file, "events: a CSV file or an .xlsx workbook")
      ->option_text("FILE");
  imp->add_option("--map", a->maps,
                  "a heading of your file and the column it holds, e.g. \"Số phiếu=code\" "
                  "(repeatable)")
      ->option_text("\"HEADING=column\"");
  add_config_option(imp, g);
  imp->footer(import_help());
  imp->callback([&g, &exit_code, a] {
    exit_code = run_import(g, a->dossiers_file, a->events_file, a->maps);
  });

  CLI::App* sts = app.add_subcommand("status", "open dossiers, most urgent first");
  sts->add_option(
      "--at", a->at,
      "the instant, local YYYY-MM-DDTHH:MM (default: now); a past instant shows the "
      "office as it stood then (dossiers closed since are listed with their state then)");
  sts->add_option("--state", a->state, "only this state")
      ->check(CLI::IsMember({"waiting_applicant", "overdue", "due_today", "due_soon", "not_due"}));
  sts->add_option("--department", a->department, "only this department");
  sts->add_option("--format", a->format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  add_config_option(sts, g);
  sts->callback([&g, &exit_code, a] {
    exit_code = run_status(g, a->at, a->state, a->department, a->format);
  });

  CLI::App* aud = app.add_subcommand(
      "audit",
      "issued appointments that disagree with the calendar, and lateness anomalies (late "
      "extensions and supplementation requests, docs/rules.md §2)");
  aud->add_option("--from", a->audit_from, "first receipt date (YYYY-MM-DD)");
  aud->add_option("--to", a->audit_to, "last receipt date (YYYY-MM-DD)");
  aud->add_option("--format", a->audit_format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  add_config_option(aud, g);
  aud->callback([&g, &exit_code, a] {
    exit_code = run_audit(g, a->audit_from, a->audit_to, a->audit_format);
  });
}

#else  // no store module in this build

void add_dossier_commands(CLI::App&, GlobalOptions&, int&) {}

#endif

}  // namespace dunghan::app
