#include "calendar/due_date.h"

#include <array>
#include <cstdint>

namespace dunghan::calendar {

namespace {

// Folds a duration text for matching: ASCII letters to lower case, the few Vietnamese letters of
// the vocabulary (à, ê, ệ, ơ, ờ, upper or lower case, precomposed or with combining marks) to their
// base letter, and runs of blanks (space, tab, CR, LF, no-break space) to one space, trimmed.
// Diacritics are therefore optional ("15 ngay lam viec" is accepted). Returns false on any other
// non-ASCII character or invalid UTF-8.
bool fold(std::string_view s, std::string& out) {
  out.clear();
  bool pending_space = false;
  auto emit = [&](char c) {
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out += c;
  };
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0;
    std::size_t len = 0;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
    } else if ((b0 & 0xE0) == 0xC0) {
      cp = b0 & 0x1Fu;
      len = 2;
    } else if ((b0 & 0xF0) == 0xE0) {
      cp = b0 & 0x0Fu;
      len = 3;
    } else {
      return false;  // 4-byte sequences hold nothing we accept
    }
    if (i + len > s.size()) return false;
    for (std::size_t j = 1; j < len; ++j) {
      const auto b = static_cast<unsigned char>(s[i + j]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    i += len;
    if (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0x00A0) {
      pending_space = true;
      continue;
    }
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      emit(c);
      continue;
    }
    switch (cp) {
      case 0x00E0:  // à
      case 0x00C0:  // À
        emit('a');
        break;
      case 0x00EA:  // ê
      case 0x00CA:  // Ê
      case 0x1EC7:  // ệ
      case 0x1EC6:  // Ệ
        emit('e');
        break;
      case 0x01A1:  // ơ
      case 0x01A0:  // Ơ
      case 0x1EDD:  // ờ
      case 0x1EDC:  // Ờ
        emit('o');
        break;
      case 0x0300:  // combining grave
      case 0x0302:  // combining circumflex
      case 0x031B:  // combining horn
      case 0x0323:  // combining dot below
        break;
      default:
        return false;
    }
  }
  return true;
}

struct UnitWord {
  std::string_view text;
  DurationUnit unit;
};

constexpr std::array<UnitWord, 11> kUnits{{
    {"working days", DurationUnit::working_days},
    {"working day", DurationUnit::working_days},
    {"ngay lam viec", DurationUnit::working_days},
    {"working hours", DurationUnit::working_hours},
    {"working hour", DurationUnit::working_hours},
    {"gio lam viec", DurationUnit::working_hours},
    {"calendar days", DurationUnit::calendar_days},
    {"calendar day", DurationUnit::calendar_days},
    {"days", DurationUnit::calendar_days},
    {"day", DurationUnit::calendar_days},
    {"ngay", DurationUnit::calendar_days},
}};

constexpr std::int64_t kMaxAmount = 100000;

[[noreturn]] void throw_bad_amount(std::int64_t amount) {
  throw CalendarError("duration amount " + std::to_string(amount) + " is outside 0.." +
                      std::to_string(kMaxAmount));
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view s) {
  std::string f;
  if (!fold(s, f)) return std::nullopt;
  std::size_t i = 0;
  std::int64_t amount = 0;
  while (i < f.size() && f[i] >= '0' && f[i] <= '9') {
    amount = amount * 10 + (f[i] - '0');
    if (amount > kMaxAmount) return std::nullopt;
    ++i;
  }
  if (i == 0 || i + 1 >= f.size() || f[i] != ' ') return std::nullopt;
  const std::string_view unit = std::string_view{f}.substr(i + 1);
  for (const UnitWord& u : kUnits) {
    if (unit == u.text) return Duration{amount, u.unit};
  }
  return std::nullopt;
}

std::string format_duration(const Duration& d) {
  std::string s = std::to_string(d.amount);
  const bool one = d.amount == 1;
  switch (d.unit) {
    case DurationUnit::working_days:
      return s + (one ? " working day" : " working days");
    case DurationUnit::working_hours:
      return s + (one ? " working hour" : " working hours");
    case DurationUnit::calendar_days:
      return s + (one ? " day" : " days");
  }
  return s;
}

std::string format_duration_vn(const Duration& d) {
  std::string s = std::to_string(d.amount);
  switch (d.unit) {
    case DurationUnit::working_days:
      return s + " ngày làm việc";
    case DurationUnit::working_hours:
      return s + " giờ làm việc";
    case DurationUnit::calendar_days:
      return s + " ngày";
  }
  return s;
}

DueResult compute_due(const WorkCalendar& cal, Instant received, const Duration& duration,
                      const DueOptions& options) {
  if (duration.amount < 0 || duration.amount > kMaxAmount) throw_bad_amount(duration.amount);
  const UtcOffset offset = cal.offset();
  const LocalDateTime local = to_local(received, offset);
  require_supported(local.date);

  DueResult r;
  r.received = received;
  if (options.cutoff && local.time_of_day >= *options.cutoff) {
    // Counts as received at the opening of the first working day after the receipt date.
    r.counting_from =
        cal.roll_to_office_time(to_instant(local.date, std::chrono::hours{24}, offset));
  } else {
    r.counting_from = cal.roll_to_office_time(received);
  }
  const Date receipt_day = local_date(r.counting_from, offset);

  const bool as_hours =
      duration.unit == DurationUnit::working_hours ||
      (duration.unit == DurationUnit::working_days && options.working_days_as_hours);
  if (as_hours) {
    const std::int64_t hours = duration.unit == DurationUnit::working_hours
                                   ? duration.amount
                                   : duration.amount * cal.spec().hours_per_day;
    r.due_at = cal.add_working_minutes(r.counting_from, WorkingMinutes{hours * 60});
    r.due_date = local_date(r.due_at, offset);
  } else {
    if (duration.unit == DurationUnit::working_days) {
      r.due_date = cal.add_working_days(receipt_day, WorkingDays{duration.amount});
    } else {
      const Date plain = receipt_day + std::chrono::days{duration.amount};
      require_supported(plain);
      r.due_date = cal.next_working_day_on_or_after(plain);
    }
    r.due_at = cal.close_of_day(r.due_date);
  }

  for (int y = year_of(local.date); y <= year_of(r.due_date) && !r.provisional; ++y) {
    r.provisional = cal.is_provisional(y);
  }
  return r;
}

}  // namespace dunghan::calendar
