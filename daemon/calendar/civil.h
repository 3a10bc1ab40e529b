#pragma once
// Civil dates, instants and the one place where instants meet local wall time.
//
// Conventions (docs/design.md "Contracts every module keeps"):
//  - An Instant is a UTC point in time, whole seconds (std::chrono::sys_seconds).
//  - A Date is a local civil date of the agency, as days since 1970-01-01 (std::chrono::sys_days;
//    the "sys" clock here only supplies the day count, the date itself is local).
//  - The agency's zone is a fixed UTC offset (Vietnam: +07:00, no daylight saving).
// Nothing in this module reads a clock.

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dunghan::calendar {

using Instant = std::chrono::sys_seconds;
using Date = std::chrono::sys_days;

/// Unix seconds (UTC, since 1970-01-01T00:00:00Z) of `t`: how databases and files store an
/// Instant. Never throws.
inline std::int64_t secs(Instant t) {
  return t.time_since_epoch().count();
}
/// The Instant `s` Unix seconds after 1970-01-01T00:00:00Z (the inverse of secs()). Never throws.
inline Instant instant(std::int64_t s) {
  return Instant{std::chrono::seconds{s}};
}

/// First and last civil years that every calendar table covers (both included).
inline constexpr int kFirstSupportedYear = 1900;
inline constexpr int kLastSupportedYear = 2199;

/// Thrown when a date or instant lies outside [kFirstSupportedYear, kLastSupportedYear], or a
/// calendar specification is inconsistent. what() names the offending value.
class CalendarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A duration in minutes of a local day, 0..1440 (1440 = the end of the day, 24:00).
using MinuteOfDay = std::chrono::minutes;

/// A fixed offset from UTC, east positive. Vietnam: +420 minutes.
struct UtcOffset {
  std::chrono::minutes east{420};
  friend bool operator==(const UtcOffset&, const UtcOffset&) = default;
};

/// A local wall-clock moment: a date plus minutes and seconds since local midnight.
struct LocalDateTime {
  Date date;
  std::chrono::seconds time_of_day{0};  // 0 <= time_of_day < 24h
  friend bool operator==(const LocalDateTime&, const LocalDateTime&) = default;
};

/// The local date of `t` at `offset`.
Date local_date(Instant t, UtcOffset offset);
/// The local wall-clock moment of `t` at `offset`.
LocalDateTime to_local(Instant t, UtcOffset offset);
/// The instant of local `date` + `time_of_day` at `offset`. time_of_day may be 24h (next midnight).
Instant to_instant(Date date, std::chrono::seconds time_of_day, UtcOffset offset);
inline Instant to_instant(const LocalDateTime& l, UtcOffset offset) {
  return to_instant(l.date, l.time_of_day, offset);
}

/// The civil year of a date.
int year_of(Date d);
/// True when `d` lies in [kFirstSupportedYear-01-01, kLastSupportedYear-12-31].
bool in_supported_range(Date d);
/// Throws CalendarError naming `d` unless in_supported_range(d).
void require_supported(Date d);

/// Parses "YYYY-MM-DD". Returns nullopt on any syntax error or impossible date.
std::optional<Date> parse_date(std::string_view s);
/// Parses "D/M/YYYY" or "DD/MM/YYYY" (day and month of 1 or 2 digits each). Returns nullopt on
/// error or an impossible date.
std::optional<Date> parse_date_dmy(std::string_view s);
/// Parses "HH:MM" (00:00..24:00) into minutes since midnight. Returns nullopt on error.
std::optional<MinuteOfDay> parse_hh_mm(std::string_view s);
/// Parses "+07:00" / "-03:30" / "Z" (exactly these shapes, |offset| <= 18:00). Returns nullopt on
/// error.
std::optional<UtcOffset> parse_utc_offset(std::string_view s);
/// Parses a local date-time: "YYYY-MM-DDTHH:MM[:SS]", "YYYY-MM-DD HH:MM[:SS]" or
/// "DD/MM/YYYY HH:MM[:SS]" (the date as parse_date_dmy). Time 00:00:00..23:59:59 (no 24:00, no
/// leap second). Returns nullopt on error or trailing characters.
std::optional<LocalDateTime> parse_local_datetime(std::string_view s);
/// Parses an instant: a local date-time as above, optionally followed by "Z" or "+HH:MM"; without a
/// suffix the time is local at `offset`. Returns nullopt on error.
std::optional<Instant> parse_instant(std::string_view s, UtcOffset offset);

/// "YYYY-MM-DD".
std::string format_date(Date d);
/// "DD/MM/YYYY" (Vietnamese usage).
std::string format_date_vn(Date d);
/// "HH:MM".
std::string format_hh_mm(MinuteOfDay m);
/// "+07:00".
std::string format_utc_offset(UtcOffset o);
/// "YYYY-MM-DDTHH:MM" local time at `offset`, no suffix.
std::string format_local_minutes(Instant t, UtcOffset offset);
/// "YYYY-MM-DDTHH:MM:SS+07:00" (ISO 8601 with the offset).
std::string format_iso(Instant t, UtcOffset offset);
/// Vietnamese weekday name: "Thứ Hai" … "Thứ Bảy", "Chủ Nhật".
std::string_view weekday_name_vn(Date d);

}  // namespace dunghan::calendar
