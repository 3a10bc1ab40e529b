#pragma once
// Date-time cells as offices' spreadsheets hold them (`dunghan import`): Excel's own renderings
// of a date-time ("20/11/2026 8:00", "20/11/2026 08:00:00", "20/11/2026 8:00 SA"), ISO text, and
// dates without a time. Pure: no I/O, no clock.

#include <chrono>
#include <optional>
#include <string_view>

#include "calendar/civil.h"
#include "calendar/work_calendar.h"

namespace dunghan::store {

/// A cell's local date, with its time of day when the cell has one.
struct CellDateTime {
  calendar::Date date;
  std::optional<std::chrono::seconds> time_of_day;  // absent: the cell holds a date only
  friend bool operator==(const CellDateTime&, const CellDateTime&) = default;
};

/// Parses, blanks around ignored:
///  - "YYYY-MM-DD H:MM[:SS]", "YYYY-MM-DDTH:MM[:SS]", "D/M/YYYY H:MM[:SS]" — day, month and hour
///    of one or two digits, minutes and seconds of two;
///  - the same followed by a 12-hour marker, as Excel writes with Vietnamese or English regional
///    settings: "SA" or "AM" (hours 1–12, 12 SA = 00), "CH" or "PM" (12 CH = 12);
///  - a date alone: "YYYY-MM-DD", "D/M/YYYY".
/// Returns nullopt for anything else, an impossible date, or a time outside 00:00:00–23:59:59.
std::optional<CellDateTime> parse_cell_datetime(std::string_view s);

/// When a cell without a time counts (docs/rules.md §2 keeps instants; a date alone must become
/// one).
enum class DayPart {
  opening,  // the opening of the day's first office session: a receipt, an update
  close,    // the close of the day's last office session: an appointment, a result, an event
};

/// The instant of `cell` at the calendar's offset: its own time when it has one, else the opening
/// or the close of that date's office sessions — the date's own sessions on a working day, the
/// configured default sessions on a day off (a receipt on a day off then rolls on as any receipt
/// outside office time). Throws calendar::CalendarError for a date outside the supported range.
calendar::Instant cell_instant(const CellDateTime& cell, DayPart part,
                               const calendar::WorkCalendar& cal);

/// True when `s` (blanks around ignored) is a plain decimal number "123" or "123.45": how a date
/// cell of an XLSX reads when its style is not a date format (Excel's serial day number).
bool is_plain_number(std::string_view s);

}  // namespace dunghan::store
