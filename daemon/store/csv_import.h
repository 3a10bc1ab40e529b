#pragma once
// CSV import of dossiers and events into a DossierStore (`dunghan import`).
//
// File format: UTF-8 with or without a BOM (Excel writes one), a header row, comma or semicolon
// separated (detected from the header: whichever occurs more often outside quotes; comma on a tie),
// RFC 4180 quoting (quoted fields may hold separators, doubled quotes and line breaks), CRLF or LF
// line ends. Blank lines are skipped. Columns are the canonical names of row_codec.h in any order
// (ASCII case-insensitive); unknown columns are ignored and listed in the result.
//
// Line numbers count the header as line 1; a record whose quoted field spans lines is reported at
// the line where the record starts.
//
// Validation (per row; a bad row is reported and skipped, the others are imported):
//  - dossiers: decode_dossier() rules, channel aliases allowed, and a deadline required: a
//    duration, a due_at, or a procedure_code the catalogue knows. A missing updated_at is the
//    import time. A `handler` that is no configured recipient is not checked here.
//  - events: decode_event() rules, and the dossier must already be in the store.
//  - a row with more or fewer fields than the header is refused (column "");
//  - a row with a field that is not UTF-8 is refused (that column): Vietnamese saved in a legacy
//    code page (Excel's plain "CSV" on a Vietnamese Windows writes Windows-1258; TCVN3 and VNI
//    files exist too) would otherwise be stored as bytes no report, e-mail or Zalo can show.
// A file that is no text at all is refused as a whole with what it seems to be: UTF-16 (Excel's
// "Unicode Text"), an Excel workbook (.xlsx, .xls) or another binary file.
// Rows are upserted by code (events by code, at, kind) in transactions of `batch_size` rows; the
// file is streamed, memory does not grow with its size.

#include <cstdint>
#include <functional>
#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

#include "calendar/civil.h"
#include "deadline/dossier.h"
#include "store/store.h"

namespace dunghan::store {

/// The file as a whole cannot be imported: no header row, a required column missing from the
/// header, a column named twice. what() is one English line. Nothing was written.
class CsvError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A streaming RFC 4180 reader (see the file comment for the dialect).
class CsvReader {
 public:
  /// Skips a UTF-8 BOM and detects the separator from the first record. `in` must outlive the
  /// reader. Throws CsvError when the file starts as no UTF-8 text file does (a UTF-16 BOM, an
  /// Excel workbook's signature, NUL bytes in the first 4 KiB), naming what it seems to be.
  explicit CsvReader(std::istream& in);

  /// ',' or ';'.
  char delimiter() const { return delim_; }

  /// Reads the next non-blank record into `fields` (cleared first). Returns false at the end of
  /// the input. A record still inside quotes at the end of the input is returned with
  /// unterminated() true.
  bool next(std::vector<std::string>& fields);
  /// The 1-based line where the record last returned by next() starts.
  std::int64_t record_line() const { return record_line_; }
  /// True when the last record ended inside an open quote at the end of the input.
  bool unterminated() const { return unterminated_; }
  /// Bytes consumed so far (BOM included).
  std::uint64_t bytes_read() const { return consumed_; }

 private:
  int get();
  int peek();
  bool fill();

  std::istream& in_;
  std::vector<char> buf_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::uint64_t consumed_ = 0;
  std::int64_t line_ = 1;
  std::int64_t record_line_ = 0;
  bool unterminated_ = false;
  char delim_ = ',';
};

/// A refused row.
struct ImportProblem {
  std::int64_t line = 0;  // the line where the record starts (header = line 1)
  std::string column;     // canonical column name, "" for the row as a whole
  std::string reason;     // English, one line
  std::string code;       // the row's code when it has one
};

struct ImportOptions {
  calendar::UtcOffset offset;  // date-times in the file are local at this offset
  /// Procedures whose duration a row may omit. May be null.
  const deadline::ProcedureCatalogue* catalogue = nullptr;
  /// updated_at of rows without one (the caller's "now").
  calendar::Instant now{};
  std::size_t batch_size = 5000;  // rows per transaction
  /// Called after each committed batch with bytes_read() so far (progress bars). May be empty.
  std::function<void(std::uint64_t)> progress;
  /// Called for each refused row, in the order found. May be empty.
  std::function<void(const ImportProblem&)> on_problem;
};

struct ImportResult {
  std::int64_t rows = 0;                     // data records read (blank lines excluded)
  std::int64_t taken = 0;                    // rows upserted
  std::int64_t rejected = 0;                 // rows refused (each reported through on_problem)
  std::int64_t changed = 0;                  // of `taken`: rows that inserted or changed something
  std::int64_t not_utf8 = 0;                 // of `rejected`: rows with a field not in UTF-8
  std::vector<std::string> ignored_columns;  // header names that are no canonical column
};

/// Imports dossiers from `in`. Throws CsvError (header problems; nothing written) and StoreError
/// (the store failed; batches committed before stay).
ImportResult import_dossiers_csv(std::istream& in, DossierStore& store,
                                 const ImportOptions& options);

/// Imports events (columns code, at, kind required; new_due_at, note optional). Throws as above.
ImportResult import_events_csv(std::istream& in, DossierStore& store, const ImportOptions& options);

}  // namespace dunghan::store
