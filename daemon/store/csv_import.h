#pragma once
// Import of dossiers and events into a DossierStore (`dunghan import`): CSV files, and the first
// sheet of an Excel workbook (.xlsx, read with xlsx/reader.h), the way offices export them.
//
// CSV dialect: UTF-8 with or without a BOM (Excel writes one), comma or semicolon separated
// (detected from the first line that has either: whichever occurs more often outside quotes;
// comma on a tie),
// RFC 4180 quoting (quoted fields may hold separators, doubled quotes and line breaks), CRLF or LF
// line ends. Blank lines are skipped.
// Workbooks: the first sheet in the workbook's order; a row's cells as text (numbers in their
// shortest form, date-formatted cells as date-times), blank rows skipped, cells right of the last
// heading ignored, missing trailing cells empty. A plain number in a date column is Excel's serial
// day number (a date cell that lost its format).
//
// The header: the first record (within the first kHeaderSearch records: title rows above it, as
// exports have, are skipped) whose headings name every required column. Headings are matched by
// import_vocabulary.h: the admin's `--map` entries, the canonical names of row_codec.h and the
// Vietnamese aliases ("Mã hồ sơ", "Ngày tiếp nhận", …), case- and accent-insensitively after NFC.
// Row-number headings ("STT") are dropped silently; other unknown headings are listed in the
// result; two headings naming one column are a file error.
//
// Line numbers are the CSV line where a record starts (a quoted field may span lines) or the
// sheet's row number.
//
// Validation (per row; a bad row is reported and skipped, the others are imported):
//  - dossiers: decode_dossier() rules with the offices' words (DecodeOptions::vietnamese_words:
//    "Đang xử lý", "Đã trả kết quả", "Trực tuyến", …) and, with ImportOptions::calendar, the
//    spreadsheets' date-times (cell_datetime.h: "20/11/2026 8:00", "20/11/2026 08:00:00", a date
//    alone — a receipt or update at the opening of that day, an appointment, result or event at
//    its close); a deadline required: a duration, a due_at, or a procedure_code the catalogue
//    knows. A missing updated_at is the import time. A `handler` is not checked here.
//  - events: decode_event() rules likewise (kind words: "Yêu cầu bổ sung", "Gia hạn", …), and the
//    dossier must already be in the store.
//  - a CSV row with more or fewer fields than the header is refused (column "");
//  - a row with a field that is not UTF-8 is refused (Vietnamese saved in a legacy code page:
//    Excel's plain "CSV" on a Vietnamese Windows writes Windows-1258; TCVN3 and VNI files exist
//    too). Such rows are NOT reported one by one: the result counts them and names the first, so
//    the caller gives one error with the hint. A header that is not UTF-8 makes the whole file an
//    error (CsvError) saying so.
// A file that is no CSV text at all is refused as a whole with what it seems to be: UTF-16
// (Excel's "Unicode Text"), an Excel 97-2003 workbook (.xls) or another binary file.
// Rows are upserted by code (events by code, at, kind) in transactions of `batch_size` rows; the
// file is streamed, memory does not grow with its size (a workbook's shared strings excepted).

#include <cstdint>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "calendar/civil.h"
#include "calendar/work_calendar.h"
#include "deadline/dossier.h"
#include "store/import_vocabulary.h"
#include "store/store.h"

namespace dunghan::store {

/// The file as a whole cannot be imported: no header row, a required column missing from the
/// header, a column named twice, a header that is not UTF-8, a workbook that cannot be read.
/// what() is one English line. Nothing was written.
class CsvError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Records (rows of text fields) to import: a CSV file or the first sheet of a workbook.
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  /// Reads the next non-blank record into `fields` (cleared first). Returns false at the end.
  /// Throws CsvError when the input turns out unreadable (a damaged workbook).
  virtual bool next(std::vector<std::string>& fields) = 0;
  /// Where the record last returned starts: the CSV line (1-based) or the sheet's row number.
  virtual std::int64_t record_line() const = 0;
  /// True when the last record ended inside an open quote at the end of the input (CSV only).
  virtual bool unterminated() const { return false; }
  /// Input consumed so far, for progress: bytes of the CSV file, or of the sheet's XML.
  virtual std::uint64_t bytes_read() const = 0;
  /// What bytes_read() reaches at the end when the source knows it (a sheet's XML); 0: the size
  /// of the file.
  virtual std::uint64_t total_bytes() const { return 0; }
  /// True for a workbook: rows need not have the header's width, and a plain number in a date
  /// column is Excel's serial day number.
  virtual bool is_workbook() const { return false; }
  /// For a workbook: its serial days count from 1904-01-01.
  virtual bool date1904() const { return false; }
  /// The separator an example in an error message uses.
  virtual char delimiter() const { return ','; }
};

/// A streaming RFC 4180 reader (see the file comment for the dialect).
class CsvReader : public RecordSource {
 public:
  /// Skips a UTF-8 BOM and detects the separator from the first line that has one. `in` must
  /// outlive the reader. Throws CsvError when the file starts as no UTF-8 text file does (a UTF-16
  /// BOM, an Excel workbook's signature, NUL bytes in the first 4 KiB), naming what it seems to be.
  explicit CsvReader(std::istream& in);

  /// ',' or ';'.
  char delimiter() const override { return delim_; }

  /// Reads the next non-blank record into `fields` (cleared first). Returns false at the end of
  /// the input. A record still inside quotes at the end of the input is returned with
  /// unterminated() true.
  bool next(std::vector<std::string>& fields) override;
  /// The 1-based line where the record last returned by next() starts.
  std::int64_t record_line() const override { return record_line_; }
  /// True when the last record ended inside an open quote at the end of the input.
  bool unterminated() const override { return unterminated_; }
  /// Bytes consumed so far (BOM included).
  std::uint64_t bytes_read() const override { return consumed_; }

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

/// The first sheet of an Excel workbook as records (see the file comment).
class XlsxRecords : public RecordSource {
 public:
  /// Opens the workbook in `in` (seekable; must outlive this) and its first sheet. Throws CsvError
  /// saying what is wrong (not a workbook, an .xls, a damaged part).
  explicit XlsxRecords(std::istream& in);
  ~XlsxRecords() override;
  bool next(std::vector<std::string>& fields) override;
  std::int64_t record_line() const override { return line_; }
  std::uint64_t bytes_read() const override;
  std::uint64_t total_bytes() const override;
  bool is_workbook() const override { return true; }
  bool date1904() const override;
  /// The name of the sheet read.
  const std::string& sheet_name() const { return sheet_name_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::int64_t line_ = 0;
  std::string sheet_name_;
};

/// The records of `in`: a workbook (XlsxRecords) when it starts as a zip archive does, a CSV file
/// (CsvReader) otherwise. `in` must be seekable and outlive the source. Throws CsvError.
std::unique_ptr<RecordSource> open_records(std::istream& in);

/// How many records from the top the header is searched in (title rows of an export above it).
inline constexpr int kHeaderSearch = 20;

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
  /// The working calendar: set, date-times are read as spreadsheets write them and a date alone
  /// counts at the opening or the close of that day's office time (see the file comment). Null:
  /// only the stores' strict forms ("YYYY-MM-DD HH:MM[:SS]", "DD/MM/YYYY HH:MM[:SS]").
  const calendar::WorkCalendar* calendar = nullptr;
  /// The admin's own headings (`--map "Heading=column"`); entries whose column is not of the
  /// imported kind are ignored.
  std::vector<HeadingMapping> mappings;
  /// updated_at of rows without one (the caller's "now").
  calendar::Instant now{};
  std::size_t batch_size = 5000;  // rows per transaction
  /// Called after each committed batch with bytes_read() so far (progress bars). May be empty.
  std::function<void(std::uint64_t)> progress;
  /// Called for each refused row, in the order found. May be empty.
  std::function<void(const ImportProblem&)> on_problem;
};

struct ImportResult {
  std::int64_t rows = 0;      // data records read (blank lines excluded)
  std::int64_t taken = 0;     // rows upserted
  std::int64_t rejected = 0;  // rows refused (each reported through on_problem)
  std::int64_t changed = 0;   // of `taken`: rows that inserted or changed something
  /// Of `rejected`: rows with a field not in UTF-8. They are not passed to on_problem; the first
  /// one is `first_not_utf8` (line, column, code when readable).
  std::int64_t not_utf8 = 0;
  std::optional<ImportProblem> first_not_utf8;
  std::vector<std::string> ignored_columns;  // headings that name no column (row numbers aside)
  std::int64_t header_line = 0;              // where the header was found (records above: titles)
};

/// Imports dossiers from `source`. Throws CsvError (header problems; nothing written) and
/// StoreError (the store failed; batches committed before stay).
ImportResult import_dossiers(RecordSource& source, DossierStore& store,
                             const ImportOptions& options);

/// Imports events (columns code, at, kind required; new_due_at, note optional). Throws as above.
ImportResult import_events(RecordSource& source, DossierStore& store, const ImportOptions& options);

/// The same over a CSV text in `in` (CsvReader).
ImportResult import_dossiers_csv(std::istream& in, DossierStore& store,
                                 const ImportOptions& options);
ImportResult import_events_csv(std::istream& in, DossierStore& store, const ImportOptions& options);

}  // namespace dunghan::store
