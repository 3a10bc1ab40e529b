// store check: run the `[store.mapping]` queries once and show what they give — the admin's tool
// for writing a mapping onto an agency's database.
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/app.h"

#ifdef DUNGHAN_HAVE_store
#include "log/redact.h"
#include "service/runtime.h"
#include "store/mapped_store.h"
#include "store/row_codec.h"
#endif

namespace dunghan::app {

#ifdef DUNGHAN_HAVE_store
namespace {

using nlohmann::json;

struct CheckArgs {
  std::size_t rows = 5;
  std::string format = "text";
};

std::string problem_text(const store::RowProblem& p) {
  std::string s = "row " + std::to_string(p.row);
  if (!p.code.empty()) s += " (code " + p.code + ")";
  if (!p.column.empty()) s += ", `" + p.column + "`";
  return s + ": " + p.reason;
}

json problem_json(const store::RowProblem& p) {
  return {{"row", p.row}, {"code", p.code}, {"column", p.column}, {"reason", p.reason}};
}

json check_json(const store::MappingCheck& c, calendar::UtcOffset zone) {
  json j;
  j["database"] = c.database;
  j["identity"] = c.identity;
  j["milliseconds"] = {{"connect", c.connect_time.count()},
                       {"dossiers", c.dossiers_time.count()},
                       {"events", c.events_time.count()}};
  j["dossiers"] = {{"rows", c.dossier_rows},
                   {"decoded", c.dossiers_ok},
                   {"uses_since", c.dossiers_since},
                   {"not_utf8", c.not_utf8},
                   {"unmapped_columns", c.unmapped_dossier_columns},
                   {"absent_columns", c.absent_dossier_columns}};
  j["events"] = {{"configured", c.has_events},
                 {"rows", c.event_rows},
                 {"decoded", c.events_ok},
                 {"uses_since", c.events_since},
                 {"unmapped_columns", c.unmapped_event_columns}};
  json samples = json::array();
  for (const auto& s : c.samples) {
    json row;
    row["row"] = s.row;
    json read = json::object();
    for (std::size_t i = 0; i < store::kDossierColumnCount; ++i) {
      if (s.fields[i]) read[std::string(store::kDossierColumns[i])] = *s.fields[i];
    }
    row["read"] = std::move(read);
    if (const auto* d = std::get_if<deadline::Dossier>(&s.decoded)) {
      const auto f = store::encode_dossier(*d, zone);
      json dec = json::object();
      for (std::size_t i = 0; i < f.size(); ++i) dec[std::string(store::kDossierColumns[i])] = f[i];
      row["decoded"] = std::move(dec);
    } else {
      const auto& e = std::get<store::FieldError>(s.decoded);
      row["refused"] = {{"column", e.column}, {"reason", e.reason}};
    }
    samples.push_back(std::move(row));
  }
  j["samples"] = std::move(samples);
  json bad = json::array();
  for (const auto& p : c.bad_times) bad.push_back(problem_json(p));
  j["bad_timestamps"] = {{"count", c.bad_time_count}, {"first", std::move(bad)}};
  json refused = json::array();
  for (const auto& p : c.problems) refused.push_back(problem_json(p));
  j["refused_rows"] = {{"count", c.rejected}, {"first", std::move(refused)}};
  return j;
}

void print_text(const store::MappingCheck& c, calendar::UtcOffset zone, std::ostream& out) {
  const auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? std::string("none") : s;
  };
  out << "Database: " << c.database << "\nIdentity: " << c.identity << "\nConnected in "
      << c.connect_time.count() << " ms.\n";
  out << "Dossiers query: " << c.dossier_rows << " row(s) in " << c.dossiers_time.count() << " ms; "
      << c.dossiers_ok << " decoded; uses :since: " << (c.dossiers_since ? "yes" : "no") << "\n";
  if (c.has_events) {
    out << "Events query: " << c.event_rows << " row(s) in " << c.events_time.count() << " ms; "
        << c.events_ok << " decoded; uses :since: " << (c.events_since ? "yes" : "no") << "\n";
  } else {
    out << "Events query: none (every dossier has no events)\n";
  }
  out << "Columns that are no canonical column (ignored): dossiers: "
      << list(c.unmapped_dossier_columns) << "; events: " << list(c.unmapped_event_columns) << "\n";
  out << "Optional columns the dossiers query does not return: " << list(c.absent_dossier_columns)
      << "\n";
  if (!c.samples.empty()) out << "First " << c.samples.size() << " dossier row(s):\n";
  for (const auto& s : c.samples) {
    out << "  row " << s.row << ":\n";
    if (const auto* d = std::get_if<deadline::Dossier>(&s.decoded)) {
      const auto f = store::encode_dossier(*d, zone);
      for (std::size_t i = 0; i < f.size(); ++i) {
        const std::string& read = s.fields[i] ? *s.fields[i] : std::string("(no column)");
        out << "    " << pad(std::string(store::kDossierColumns[i]), 15) << " " << f[i];
        if (s.fields[i] && *s.fields[i] != f[i]) out << "   (read: " << read << ")";
        out << "\n";
      }
    } else {
      for (std::size_t i = 0; i < s.fields.size(); ++i) {
        if (s.fields[i]) {
          out << "    " << pad(std::string(store::kDossierColumns[i]), 15) << " " << *s.fields[i]
              << "\n";
        }
      }
      const auto& e = std::get<store::FieldError>(s.decoded);
      out << "    refused: `" << e.column << "`: " << e.reason << "\n";
    }
  }
  if (c.bad_time_count > 0) {
    out << "Timestamps that could not be read (" << c.bad_time_count << "):\n";
    for (const auto& p : c.bad_times) out << "  " << problem_text(p) << "\n";
  }
  if (c.rejected > 0) {
    out << "Refused rows (" << c.rejected << "; dunghan skips them and reads the others):\n";
    for (const auto& p : c.problems) out << "  " << problem_text(p) << "\n";
  }
  if (c.not_utf8 > 0) {
    out << c.not_utf8
        << " dossier row(s) hold text that is not UTF-8 (a legacy encoding such as TCVN3): their "
           "texts will not display\n";
  }
}

int run_store_check(const GlobalOptions& g, const CheckArgs& a) {
  auto cfg = load_for_tool(g, std::cerr);
  if (!cfg) return kUsageOrConfig;
  if (!cfg->store.mapping) {
    std::cerr << "error: there is no [store.mapping] in the configuration: dunghan reads its own "
                 "store, there is no mapping to check\n";
    return kUsageOrConfig;
  }
  const store::StoreSettings settings = service::store_settings(*cfg);
  const calendar::UtcOffset zone = settings.mapping->timezone.value_or(settings.offset);
  try {
    store::MappedStore store(settings);
    const store::MappingCheck c = store.check(a.rows);
    if (a.format == "json") {
      std::cout << check_json(c, zone).dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    } else {
      print_text(c, zone, std::cout);
    }
    for (const std::string& w : store::mapping_warnings(*settings.mapping)) {
      std::cerr << "warning: " << w << '\n';
    }
    return c.rejected > 0 || c.bad_time_count > 0 ? kPartial : kOk;
  } catch (const store::StoreError& e) {
    std::cerr << "error: " << log::redact(e.what()) << '\n';
    return kUsageOrConfig;
  }
}

}  // namespace

void add_store_check_command(CLI::App& store_cmd, GlobalOptions& g, int& exit_code) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* check = store_cmd.add_subcommand(
      "check", "run [store.mapping] once: rows, decoded fields, unmapped columns, bad timestamps");
  check->add_option("--rows", a->rows, "dossier rows shown in detail (default 5)");
  check->add_option("--format", a->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  add_config_option(check, g);
  check->callback([&g, &exit_code, a] { exit_code = run_store_check(g, *a); });
}

#else

void add_store_check_command(CLI::App&, GlobalOptions&, int&) {}

#endif

}  // namespace dunghan::app
