#pragma once
// The printed form 6a as an Excel workbook (.xlsx, libxlsxwriter): one sheet "Biểu II.06a" with
// the content of layout.h, ready to print or to file:
//  - the header block: the units top left, the form's code top right, the title, the period and
//    the unit centred/right over the table;
//  - the table: "STT" and the key heading merged over two rows, the three group headings merged
//    over their columns, the column headings, the row of numbers (1)…(13); thin borders on every
//    cell of the table; STT and figures are numbers (format #,##0), not text; the total in bold;
//  - the notes, the place and date, and the two signature blocks under the table;
//  - columns sized for the headings (A 6, B 32, C–M 12 characters); A4 landscape, fitted to one
//    page wide, the heading rows repeated on every page, centred horizontally, print area set.
// Rows (0-based): 0–1 units, 3 title, 4 period, 5 unit, 7–8 headings, 9 numbers, 10… the rows,
// then the total (see kXlsxFirstDataRow).

#include <filesystem>
#include <stdexcept>

#include "report/form6a.h"
#include "report/layout.h"

namespace dunghan::report {

/// The first row (0-based) of the form's rows in the sheet; the total follows the last of them.
inline constexpr int kXlsxFirstDataRow = 10;

/// Thrown when the workbook cannot be written; what() names the file and libxlsxwriter's reason.
class XlsxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Writes the form to `file` (created or replaced; the caller chooses a temporary name and renames
/// it when it wants an atomic replacement). libxlsxwriter keeps its temporary files in the system's
/// temporary folder. Throws XlsxError when the file cannot be written.
void write_xlsx(const Form6a& form, const FormMeta& meta, const std::filesystem::path& file);

}  // namespace dunghan::report
