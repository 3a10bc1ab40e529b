#pragma once
// A small reader for Excel workbooks (.xlsx, Office Open XML SpreadsheetML): the cells of a sheet,
// row by row, as text — what `dunghan import --dossiers F.xlsx` needs, and what tests use to open
// the workbooks `report --format xlsx` writes.
//
// Built on two Debian-packaged C libraries: minizip (the zip container; libminizip-dev) and expat
// (a streaming XML parser; libexpat1-dev). No full object model: a sheet is parsed as a stream,
// so memory stays flat in the number of rows; only the shared-string table is held whole.
//
// What is read:
//  - the sheet list from xl/workbook.xml, each sheet's part resolved through the workbook's
//    relationships (xl/_rels/workbook.xml.rels; the workbook part itself through _rels/.rels);
//    the date system (workbookPr date1904);
//  - shared strings (plain and rich text, phonetic runs left out), inline strings, formula
//    results (the cached value), numbers, booleans, error values, ISO dates (t="d");
//  - styles: a number cell whose cellXfs entry has a date or time number format (the built-in
//    ones and any custom format code with day, month, year, hour or second parts) is a date;
//  - cells without an `r` reference follow the previous cell; rows without one follow the
//    previous row; element prefixes (x:worksheet) and Strict OOXML namespaces are accepted;
//  - Excel's escapes of control characters in text (_x000D_) are decoded.
// Not read: formulas themselves, comments, merged ranges, hidden state, charts, pivot tables.
// Refused (XlsxError): a file that is no zip, a zip without a workbook, a DOCTYPE in any part
// (OOXML has none; refusing it closes the door on entity expansion), a cell reference beyond
// column XFD, a shared-string table above 512 MiB of text, a cell text above 1 MiB.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dunghan::xlsx {

/// The workbook cannot be read. what() is one English line naming the part and, for XML, the line.
class XlsxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class CellType {
  empty,    // no cell, or a cell without a value
  text,     // a shared, inline or formula string
  number,   // a number without a date format
  date,     // a number with a date/time format, or an ISO date cell (t="d")
  boolean,  // TRUE / FALSE
  error,    // #N/A, #DIV/0!, …
};

struct Cell {
  CellType type = CellType::empty;
  /// The value as text: text as stored (NFC or not, as the writer wrote it); a number in the
  /// shortest decimal form that reads back to the same double ("15", "46346.5"); a date as
  /// "YYYY-MM-DD" (a whole serial whose format has no time part), "YYYY-MM-DD HH:MM:SS", or
  /// "HH:MM:SS" (a serial below 1 whose format has only a time part), rounded to the second;
  /// "TRUE" / "FALSE"; the error text ("#N/A"). Empty for an empty cell.
  std::string text;
  /// number and date: the stored value (for a date, Excel's serial day number); else 0.
  double number = 0;
  friend bool operator==(const Cell&, const Cell&) = default;
};

struct Row {
  std::int64_t number = 0;  // 1-based row number in the sheet
  std::vector<Cell> cells;  // index = column (A = 0); ends at the last cell the row holds
};

class Workbook;

/// Reads one sheet row by row. Obtained from Workbook::sheet(); valid while the Workbook lives,
/// and only one SheetReader of a workbook may be read at a time.
class SheetReader {
 public:
  ~SheetReader();
  SheetReader(SheetReader&&) noexcept;
  SheetReader& operator=(SheetReader&&) noexcept;
  SheetReader(const SheetReader&) = delete;
  SheetReader& operator=(const SheetReader&) = delete;

  /// The next row of the sheet that holds at least one cell element (rows are returned in the
  /// order the sheet lists them, which Excel keeps ascending). Returns false at the end of the
  /// sheet. Throws XlsxError for a damaged zip entry or malformed XML.
  bool next(Row& row);
  /// Uncompressed bytes of the sheet's XML read so far (progress).
  std::uint64_t bytes_read() const;
  /// Uncompressed size of the sheet's XML as the zip directory gives it (0 when unknown).
  std::uint64_t total_bytes() const;

  struct Impl;  // opaque

 private:
  friend class Workbook;
  explicit SheetReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Workbook {
 public:
  /// Opens the workbook held by `in` (seekable, binary; must outlive the Workbook): the zip
  /// directory, the workbook part and its relationships, the shared strings and the styles.
  /// Throws XlsxError: not a zip (with what the file seems to be when it is an Excel 97-2003 or
  /// encrypted workbook), no workbook part, a malformed part.
  explicit Workbook(std::istream& in);
  ~Workbook();
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;

  /// The sheet names in the workbook's order (the first is what Excel shows first).
  const std::vector<std::string>& sheet_names() const;
  /// True when the workbook counts serial days from 1904-01-01 (old Mac Excel) instead of 1900.
  bool date1904() const;
  /// A reader of sheet `index` (0 = the first in the workbook's order). Throws XlsxError when
  /// there is no such sheet or its part is missing from the zip.
  SheetReader sheet(std::size_t index);

  struct Impl;  // opaque

 private:
  std::unique_ptr<Impl> impl_;
};

/// Excel's serial day number as text: "YYYY-MM-DD" when `with_time` is false and the serial is
/// a whole day, else "YYYY-MM-DD HH:MM:SS" (rounded to the nearest second). The 1900 system counts
/// from 1899-12-30 and keeps Excel's phantom 29/02/1900 (serials below 61 are one day later than
/// the count says: serial 1 is 1900-01-01); the 1904 system counts from 1904-01-01. Returns ""
/// for a negative, non-finite or out-of-range (after 9999-12-31) serial.
std::string format_serial(double serial, bool date1904, bool with_time);

/// "A" → 0, "Z" → 25, "AA" → 26, … "XFD" → 16383; the letters of a reference like "B12" (the
/// digits are ignored). Returns -1 when `ref` starts with no letter or names a column past XFD.
int column_index(std::string_view ref);

}  // namespace dunghan::xlsx
