// libFuzzer target: `dunghan import` — the CSV reader and the dossier and event import into a
// fresh in-memory SQLite store (the real SqliteStore, schema and migrations included).
// Input: the dossiers CSV, optionally followed by a form feed ('\f') and an events CSV.
// Properties: never throws anything but CsvError (a file refused as a whole); every row is taken
// or rejected, each rejection reported once with a line after the header; whatever was taken
// reads back from the store without a bad row, its texts valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <span>
#include <sstream>
#include <string>

#include "fuzz_check.h"
#include "store/csv_import.h"
#include "store/sqlite_store.h"
#include "text/utf8.h"

namespace {

using namespace dunghan;

void check_result(const store::ImportResult& r, std::int64_t reported, std::int64_t min_line,
                  std::int64_t max_line) {
  fuzz::check(r.rows == r.taken + r.rejected, "rows != taken + rejected");
  // Rows not in UTF-8 are counted, not reported one by one (one error with the hint names the
  // first: ImportResult::first_not_utf8); every other rejection is reported once.
  fuzz::check(r.rejected - r.not_utf8 == reported, "rejected rows not reported once each");
  fuzz::check((r.not_utf8 > 0) == r.first_not_utf8.has_value(), "not-UTF-8 rows without the first");
  fuzz::check(r.changed <= r.taken && r.not_utf8 <= r.rejected, "inconsistent counts");
  fuzz::check(min_line >= 2 || reported == 0, "a problem reported at or before the header line");
  (void)max_line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_text(data, size);
  const std::size_t ff = input.find('\f');
  const std::string_view dossiers_csv = input.substr(0, ff);
  const std::string_view events_csv =
      ff == std::string_view::npos ? std::string_view() : input.substr(ff + 1);

  store::StoreSettings settings;
  settings.path = ":memory:";  // SQLite's private in-memory database: fresh for every input
  store::SqliteStore db(settings);
  deadline::ProcedureCatalogue catalogue;
  catalogue.add(deadline::Procedure{"1.001",
                                    "Cấp phép lao động",
                                    "Lao động",
                                    {15, calendar::DurationUnit::working_days},
                                    std::nullopt});
  store::ImportOptions options;
  options.catalogue = &catalogue;
  options.now = calendar::Instant{std::chrono::seconds{1'800'000'000}};
  options.batch_size = 7;  // several transactions even for small inputs
  std::int64_t reported = 0, min_line = INT64_MAX, max_line = 0;
  options.on_problem = [&](const store::ImportProblem& p) {
    ++reported;
    min_line = std::min(min_line, p.line);
    max_line = std::max(max_line, p.line);
  };

  std::int64_t taken = 0;
  try {
    std::istringstream in{std::string(dossiers_csv)};
    const store::ImportResult r = store::import_dossiers_csv(in, db, options);
    check_result(r, reported, min_line, max_line);
    taken = r.taken;
  } catch (const store::CsvError&) {
    fuzz::check(reported == 0, "rows reported for a file refused as a whole");
  }
  if (!events_csv.empty()) {
    reported = 0, min_line = INT64_MAX, max_line = 0;
    try {
      std::istringstream in{std::string(events_csv)};
      check_result(store::import_events_csv(in, db, options), reported, min_line, max_line);
    } catch (const store::CsvError&) {
    }
  }

  // What was taken reads back, all of it, without a bad row.
  const std::int64_t count = db.count();
  fuzz::check(count <= taken, "more dossiers in the store than rows taken");
  fuzz::check(taken == 0 || count > 0, "rows taken but the store is empty");
  std::int64_t visited = 0;
  const store::ReadSummary s =
      db.for_each({}, [&](const deadline::Dossier& d, std::span<const deadline::Event> events) {
        ++visited;
        fuzz::check(!d.code.empty(), "a dossier without a code was stored");
        for (const std::string* t : {&d.code, &d.procedure_code, &d.procedure_name, &d.field,
                                     &d.department, &d.handler, &d.applicant}) {
          fuzz::check(text::is_valid_utf8(*t), "a stored text is not UTF-8");
        }
        for (const deadline::Event& e : events) {
          fuzz::check(e.code == d.code, "an event read back under another dossier");
        }
      });
  fuzz::check(s.rejected == 0, "the import wrote a row the store cannot read back");
  fuzz::check(visited == count, "for_each did not visit every stored dossier");
  return 0;
}
