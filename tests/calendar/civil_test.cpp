#include "calendar/civil.h"

#include <gtest/gtest.h>

#include <string>

namespace dunghan::calendar {
namespace {

using namespace std::chrono_literals;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr UtcOffset kVn{minutes{420}};
constexpr UtcOffset kUtc{minutes{0}};

Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

// 2026-01-01T00:00:00Z is 1767225600 seconds after the epoch (20454 days × 86400).
constexpr Instant kNewYear2026Utc{seconds{1767225600}};

TEST(CivilTest, LocalDateAtVietnamOffsetCrossesMidnightAt17Utc) {
  // 16:59:59Z on 31/12/2025 is 23:59:59 local; 17:00Z is 00:00 on 01/01/2026.
  EXPECT_EQ(local_date(kNewYear2026Utc - 7h - 1s, kVn), ymd(2025, 12, 31));
  EXPECT_EQ(local_date(kNewYear2026Utc - 7h, kVn), ymd(2026, 1, 1));
}

TEST(CivilTest, LocalDateAtNegativeOffset) {
  // 02:00Z on 01/01/2026 is 22:30 on 31/12/2025 at -03:30.
  EXPECT_EQ(local_date(kNewYear2026Utc + 2h, UtcOffset{minutes{-210}}), ymd(2025, 12, 31));
}

TEST(CivilTest, LocalDateBeforeEpochRoundsDown) {
  // 1969-12-31T23:00Z at UTC is still 31/12/1969.
  EXPECT_EQ(local_date(Instant{seconds{-3600}}, kUtc), ymd(1969, 12, 31));
}

TEST(CivilTest, ToLocalSplitsDateAndTime) {
  const LocalDateTime l = to_local(kNewYear2026Utc + 1h + 2min + 3s, kVn);
  EXPECT_EQ(l.date, ymd(2026, 1, 1));
  EXPECT_EQ(l.time_of_day, 8h + 2min + 3s);
}

TEST(CivilTest, ToInstantIsInverseOfToLocal) {
  const Instant t = kNewYear2026Utc + 12345s;
  EXPECT_EQ(to_instant(to_local(t, kVn), kVn), t);
}

TEST(CivilTest, ToInstantAcceptsEndOfDay) {
  EXPECT_EQ(to_instant(ymd(2025, 12, 31), 24h, kVn), to_instant(ymd(2026, 1, 1), 0s, kVn));
  EXPECT_EQ(to_instant(ymd(2026, 1, 1), 7h, kVn), kNewYear2026Utc);
}

TEST(CivilTest, YearOf) {
  EXPECT_EQ(year_of(ymd(2026, 12, 31)), 2026);
  EXPECT_EQ(year_of(ymd(1899, 1, 1)), 1899);
}

TEST(CivilTest, SupportedRangeBoundaries) {
  EXPECT_TRUE(in_supported_range(ymd(1900, 1, 1)));
  EXPECT_TRUE(in_supported_range(ymd(2199, 12, 31)));
  EXPECT_FALSE(in_supported_range(ymd(1899, 12, 31)));
  EXPECT_FALSE(in_supported_range(ymd(2200, 1, 1)));
}

TEST(CivilTest, RequireSupportedThrowsNamingTheDate) {
  EXPECT_NO_THROW(require_supported(ymd(2026, 2, 17)));
  try {
    require_supported(ymd(2200, 1, 1));
    FAIL() << "no throw";
  } catch (const CalendarError& e) {
    EXPECT_NE(std::string(e.what()).find("2200-01-01"), std::string::npos) << e.what();
  }
}

TEST(CivilTest, ParseDateAcceptsIso) {
  EXPECT_EQ(parse_date("2026-02-17"), ymd(2026, 2, 17));
  EXPECT_EQ(parse_date("2024-02-29"), ymd(2024, 2, 29));
}

TEST(CivilTest, ParseDateRejectsImpossibleDates) {
  EXPECT_EQ(parse_date("2026-02-30"), std::nullopt);
  EXPECT_EQ(parse_date("2025-02-29"), std::nullopt);
  EXPECT_EQ(parse_date("2026-13-01"), std::nullopt);
  EXPECT_EQ(parse_date("2026-00-10"), std::nullopt);
  EXPECT_EQ(parse_date("2026-04-31"), std::nullopt);
  EXPECT_EQ(parse_date("2026-04-00"), std::nullopt);
}

TEST(CivilTest, ParseDateRejectsBadSyntax) {
  for (const char* s : {"", "2026", "2026-1-05", "2026-01-5", "26-01-05", "2026/01/05",
                        "2026-01-05 ", " 2026-01-05", "2026-01-05x", "2026-01-05T00:00",
                        "+2026-01-05", "2026-0a-05", "20260105", "2026--1-05"}) {
    EXPECT_EQ(parse_date(s), std::nullopt) << s;
  }
}

TEST(CivilTest, ParseDateDmyAcceptsOneOrTwoDigits) {
  EXPECT_EQ(parse_date_dmy("17/02/2026"), ymd(2026, 2, 17));
  EXPECT_EQ(parse_date_dmy("7/2/2026"), ymd(2026, 2, 7));
  EXPECT_EQ(parse_date_dmy("07/2/2026"), ymd(2026, 2, 7));
}

TEST(CivilTest, ParseDateDmyRejectsGarbage) {
  for (const char* s :
       {"", "30/02/2026", "31/04/2026", "00/01/2026", "01/13/2026", "001/01/2026", "01/01/26",
        "01/01/20266", "01-01-2026", "01/01/2026 ", "1//2026", "2026-01-01", "a1/01/2026"}) {
    EXPECT_EQ(parse_date_dmy(s), std::nullopt) << s;
  }
}

TEST(CivilTest, ParseHhMmAcceptsWholeDayIncluding2400) {
  EXPECT_EQ(parse_hh_mm("00:00"), minutes{0});
  EXPECT_EQ(parse_hh_mm("07:30"), minutes{450});
  EXPECT_EQ(parse_hh_mm("23:59"), minutes{1439});
  EXPECT_EQ(parse_hh_mm("24:00"), minutes{1440});
}

TEST(CivilTest, ParseHhMmRejectsGarbage) {
  for (const char* s : {"", "25:00", "24:01", "12:60", "7:30", "07:3", "0730", "07:30 ", "07:30:00",
                        "-1:00", "07h30", "ab:cd"}) {
    EXPECT_EQ(parse_hh_mm(s), std::nullopt) << s;
  }
}

TEST(CivilTest, ParseUtcOffset) {
  EXPECT_EQ(parse_utc_offset("+07:00"), UtcOffset{minutes{420}});
  EXPECT_EQ(parse_utc_offset("-03:30"), UtcOffset{minutes{-210}});
  EXPECT_EQ(parse_utc_offset("Z"), UtcOffset{minutes{0}});
  EXPECT_EQ(parse_utc_offset("+00:00"), UtcOffset{minutes{0}});
}

TEST(CivilTest, ParseUtcOffsetRejectsGarbage) {
  for (const char* s : {"", "07:00", "+7:00", "+0700", "+07", "+07:60", "+19:00", "+07:00Z", "z",
                        "UTC", "+07:00 "}) {
    EXPECT_EQ(parse_utc_offset(s), std::nullopt) << s;
  }
}

TEST(CivilTest, ParseLocalDatetimeForms) {
  const LocalDateTime want{ymd(2026, 2, 17), 8h + 15min};
  EXPECT_EQ(parse_local_datetime("2026-02-17T08:15"), want);
  EXPECT_EQ(parse_local_datetime("2026-02-17 08:15"), want);
  EXPECT_EQ(parse_local_datetime("17/02/2026 08:15"), want);
  EXPECT_EQ(parse_local_datetime("2026-02-17T08:15:09"),
            (LocalDateTime{ymd(2026, 2, 17), 8h + 15min + 9s}));
  EXPECT_EQ(parse_local_datetime("17/02/2026 08:15:09"),
            (LocalDateTime{ymd(2026, 2, 17), 8h + 15min + 9s}));
}

TEST(CivilTest, ParseLocalDatetimeRejectsGarbage) {
  for (const char* s :
       {"", "2026-02-17", "2026-02-17T", "2026-02-17T25:00", "2026-02-17T24:00", "2026-02-30T08:00",
        "2026-02-17T08:15:60", "2026-02-17T08:15Z", "2026-02-17T08:15 ", "2026-02-17x08:15",
        "17/02/2026T08:15", "2026-02-17T8:15", "2026-02-17T08:15:9", "2026-02-17T08:15:"}) {
    EXPECT_EQ(parse_local_datetime(s), std::nullopt) << s;
  }
}

TEST(CivilTest, ParseInstantWithoutSuffixIsLocal) {
  EXPECT_EQ(parse_instant("2026-01-01T07:00", kVn), kNewYear2026Utc);
  EXPECT_EQ(parse_instant("01/01/2026 07:00:00", kVn), kNewYear2026Utc);
}

TEST(CivilTest, ParseInstantWithSuffixIgnoresDefaultOffset) {
  EXPECT_EQ(parse_instant("2026-01-01T00:00Z", kVn), kNewYear2026Utc);
  EXPECT_EQ(parse_instant("2026-01-01T09:00+09:00", kVn), kNewYear2026Utc);
  EXPECT_EQ(parse_instant("2025-12-31T20:30-03:30", kVn), kNewYear2026Utc);
}

TEST(CivilTest, ParseInstantRejectsGarbage) {
  for (const char* s : {"", "2026-01-01", "2026-01-01T00:00+7", "2026-01-01T00:00Zjunk",
                        "2026-01-01T00:00 +07:00", "2026-01-01T00:00+07:00:00", "now"}) {
    EXPECT_EQ(parse_instant(s, kVn), std::nullopt) << s;
  }
}

TEST(CivilTest, FormatDate) {
  EXPECT_EQ(format_date(ymd(2026, 2, 7)), "2026-02-07");
  EXPECT_EQ(format_date(ymd(999, 1, 1)), "0999-01-01");
  EXPECT_EQ(format_date_vn(ymd(2026, 2, 7)), "07/02/2026");
}

TEST(CivilTest, FormatTimeAndOffset) {
  EXPECT_EQ(format_hh_mm(minutes{450}), "07:30");
  EXPECT_EQ(format_hh_mm(minutes{1440}), "24:00");
  EXPECT_EQ(format_hh_mm(minutes{0}), "00:00");
  EXPECT_EQ(format_utc_offset(kVn), "+07:00");
  EXPECT_EQ(format_utc_offset(UtcOffset{minutes{-210}}), "-03:30");
  EXPECT_EQ(format_utc_offset(kUtc), "+00:00");
}

TEST(CivilTest, FormatInstants) {
  const Instant t = kNewYear2026Utc + 1h + 2min + 3s;
  EXPECT_EQ(format_local_minutes(t, kVn), "2026-01-01T08:02");
  EXPECT_EQ(format_iso(t, kVn), "2026-01-01T08:02:03+07:00");
  EXPECT_EQ(format_iso(t, kUtc), "2026-01-01T01:02:03+00:00");
  EXPECT_EQ(format_iso(kNewYear2026Utc, UtcOffset{minutes{-210}}), "2025-12-31T20:30:00-03:30");
}

TEST(CivilTest, FormatIsoRoundTripsThroughParseInstant) {
  const Instant t = kNewYear2026Utc + 86399s;
  EXPECT_EQ(parse_instant(format_iso(t, kVn), kUtc), t);
}

TEST(CivilTest, WeekdayNamesVn) {
  // 2026-02-16 is a Monday.
  EXPECT_EQ(weekday_name_vn(ymd(2026, 2, 16)), "Thứ Hai");
  EXPECT_EQ(weekday_name_vn(ymd(2026, 2, 17)), "Thứ Ba");
  EXPECT_EQ(weekday_name_vn(ymd(2026, 2, 18)), "Thứ Tư");
  EXPECT_EQ(weekday_name_vn(ymd(2026, 2, 19)), "Thứ Năm");
  EXPECT_EQ(weekday_name_vn(ymd(2026, 2, 20)), "Thứ Sáu");
  EXPECT_EQ(weekday_name_vn(ymd(2026, 2, 21)), "Thứ Bảy");
  EXPECT_EQ(weekday_name_vn(ymd(2026, 2, 22)), "Chủ Nhật");
}

}  // namespace
}  // namespace dunghan::calendar
