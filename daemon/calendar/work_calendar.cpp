#include "calendar/work_calendar.h"

// Layout of the precomputed tables (default calendar, 1900–2199: about 0.9 MiB in all).
//
//  day_[i]        one uint32 per date i (i = days since 1900-01-01):
//                   bits 0..16  ordinal: working days strictly before date i (prefix count);
//                   bit  17     the date is a working day;
//                   bits 18..31 index into sets_ (the office sessions the date would have).
//  ord_base_, ord_delta_
//                 the date of the k-th working day (k = 0, 1, …): ord_base_[k >> ord_shift_] +
//                 ord_delta_[k], in days since 1970-01-01; uint16 deltas halve the table.
//  cum_[k]        office minutes of the working days with ordinal < k (cum_[0] = 0, one entry
//                 more than there are working days). Strictly increasing: every session set is
//                 non-empty.
//  entries_       the dated entry that decided each date (after precedence), sorted by date, with
//                 names and sources interned in names_ / sources_.
//
// With these, "add n working days" is two lookups, a count of working days is two lookups, and the
// office time before any instant is cum_[ordinal] plus the part of that day's sessions already
// elapsed; the instant at which a given amount of office time has elapsed is a binary search in
// cum_. Time is handled in seconds internally (instants may carry seconds).

#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

namespace dunghan::calendar {

namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::int64_t kMinutesPerDay = 1440;

constexpr std::int64_t day_number(Date d) {
  return static_cast<std::int64_t>(d.time_since_epoch().count());
}
constexpr Date date_from_number(std::int64_t n) {
  return Date{days{n}};
}

constexpr std::int64_t kFirstDay =
    day_number(Date{std::chrono::year{kFirstSupportedYear} / std::chrono::January / 1});
constexpr std::int64_t kLastDay =
    day_number(Date{std::chrono::year{kLastSupportedYear} / std::chrono::December / 31});
constexpr std::int64_t kDayCount = kLastDay - kFirstDay + 1;
constexpr int kYearCount = kLastSupportedYear - kFirstSupportedYear + 1;

constexpr unsigned kOrdinalBits = 17;
constexpr std::uint32_t kOrdinalMask = (1u << kOrdinalBits) - 1;
constexpr std::uint32_t kWorkingBit = 1u << kOrdinalBits;
constexpr unsigned kSetShift = kOrdinalBits + 1;
constexpr std::size_t kMaxSessionSets = std::size_t{1} << (32 - kSetShift);
static_assert(kDayCount <= kOrdinalMask, "ordinals must fit in 17 bits");

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::string hh_mm_or_raw(minutes m) {
  const auto v = m.count();
  if (v < 0 || v > kMinutesPerDay) return std::to_string(v) + " min";
  return format_hh_mm(m);
}

std::string describe_session(const Session& s) {
  return hh_mm_or_raw(s.start) + "-" + hh_mm_or_raw(s.end);
}

void validate_sessions(const std::vector<Session>& sessions, const std::string& where) {
  if (sessions.empty()) throw CalendarError(where + ": no office sessions");
  for (std::size_t j = 0; j < sessions.size(); ++j) {
    const Session& s = sessions[j];
    if (s.start.count() < 0 || s.end.count() > kMinutesPerDay) {
      throw CalendarError(where + ": session " + describe_session(s) + " lies outside 00:00-24:00");
    }
    if (s.start >= s.end) {
      throw CalendarError(where + ": session " + describe_session(s) +
                          " does not end after it starts");
    }
    if (j > 0 && s.start < sessions[j - 1].end) {
      throw CalendarError(where + ": sessions " + describe_session(sessions[j - 1]) + " and " +
                          describe_session(s) + " overlap or are out of order");
    }
  }
}

bool season_contains(const Season& season, std::chrono::month_day md) {
  if (season.from <= season.to) return season.from <= md && md <= season.to;
  return md >= season.from || md <= season.to;  // wraps over the new year
}

std::string describe_month_day(std::chrono::month_day md) {
  std::string s;
  const unsigned m = static_cast<unsigned>(md.month());
  const unsigned d = static_cast<unsigned>(md.day());
  s += static_cast<char>('0' + m / 10 % 10);
  s += static_cast<char>('0' + m % 10);
  s += '-';
  s += static_cast<char>('0' + d / 10 % 10);
  s += static_cast<char>('0' + d % 10);
  return s;
}

// Precedence levels of a dated entry.
enum class Level { statutory = 0, schedule = 1, admin = 2 };

struct Candidate {
  Level level = Level::statutory;
  DayKind kind = DayKind::holiday;
  std::string name;
  std::string source;
  std::string origin;  // for conflict messages
};

[[noreturn, gnu::cold, gnu::noinline]] void throw_date_out_of_range(Date d) {
  throw CalendarError("date " + format_date(d) + " lies outside the supported range " +
                      std::to_string(kFirstSupportedYear) + "-01-01.." +
                      std::to_string(kLastSupportedYear) + "-12-31");
}

[[noreturn, gnu::cold, gnu::noinline]] void throw_instant_out_of_range(Instant t) {
  throw CalendarError("instant " + std::to_string(t.time_since_epoch().count()) +
                      " s since 1970-01-01 UTC lies outside the supported range " +
                      std::to_string(kFirstSupportedYear) + "-01-01.." +
                      std::to_string(kLastSupportedYear) + "-12-31 (local time)");
}

[[noreturn, gnu::cold, gnu::noinline]] void throw_no_working_day(Date from, std::int64_t n) {
  throw CalendarError("no working day " + std::to_string(n) + " working day(s) from " +
                      format_date(from) + " within the supported range " +
                      std::to_string(kFirstSupportedYear) + ".." +
                      std::to_string(kLastSupportedYear));
}

[[noreturn, gnu::cold, gnu::noinline]] void throw_office_time_out_of_range(Instant t,
                                                                           std::int64_t m) {
  throw CalendarError(std::to_string(m) + " working minutes after instant " +
                      std::to_string(t.time_since_epoch().count()) +
                      " s since 1970-01-01 UTC fall past the supported range (ends " +
                      std::to_string(kLastSupportedYear) + "-12-31)");
}

}  // namespace

struct WorkCalendar::Impl {
  struct SessionSet {
    std::vector<Session> sessions;
    std::int64_t minutes = 0;
  };
  struct Entry {  // 12 bytes
    std::int32_t date;
    std::uint32_t name;
    std::uint16_t source;
    std::uint8_t kind;
  };

  CalendarSpec spec;
  std::int64_t offset_s = 0;
  std::vector<std::uint32_t> day;
  std::vector<std::int32_t> ord_base;
  std::vector<std::uint16_t> ord_delta;
  unsigned ord_shift = 0;
  std::vector<std::uint32_t> cum;
  std::vector<SessionSet> sets;
  std::vector<std::uint8_t> provisional;  // per year
  std::vector<Entry> entries;
  std::vector<std::string> names;
  std::vector<std::string> sources;

  std::int64_t working_count() const { return static_cast<std::int64_t>(ord_delta.size()); }

  // Index of `d` in day; throws outside the range.
  std::int64_t index_of(Date d) const {
    const std::int64_t i = day_number(d) - kFirstDay;
    if (static_cast<std::uint64_t>(i) >= static_cast<std::uint64_t>(kDayCount)) {
      throw_date_out_of_range(d);
    }
    return i;
  }

  std::int64_t date_of_ordinal(std::int64_t k) const {
    return ord_base[static_cast<std::size_t>(k >> ord_shift)] +
           ord_delta[static_cast<std::size_t>(k)];
  }

  static std::int64_t prefix(std::uint32_t e) { return e & kOrdinalMask; }
  static bool working(std::uint32_t e) { return (e & kWorkingBit) != 0; }
  const SessionSet& set_of(std::uint32_t e) const { return sets[e >> kSetShift]; }

  // Local seconds since 1970-01-01 00:00 local of instant t, with its day index checked.
  struct Local {
    std::int64_t day_index;  // index into `day`
    std::int64_t tod;        // seconds since local midnight, 0..86399
  };
  Local local_of(Instant t) const {
    const std::int64_t local = t.time_since_epoch().count() + offset_s;
    const std::int64_t dn = floor_div(local, kSecondsPerDay);
    const std::int64_t i = dn - kFirstDay;
    if (static_cast<std::uint64_t>(i) >= static_cast<std::uint64_t>(kDayCount)) {
      throw_instant_out_of_range(t);
    }
    return {i, local - dn * kSecondsPerDay};
  }
  Instant instant_at(std::int64_t day_index, std::int64_t tod) const {
    return Instant{seconds{(day_index + kFirstDay) * kSecondsPerDay + tod - offset_s}};
  }

  // Office seconds from the start of the range up to instant (day_index, tod).
  std::int64_t office_seconds_before(const Local& l) const {
    const std::uint32_t e = day[static_cast<std::size_t>(l.day_index)];
    std::int64_t s = static_cast<std::int64_t>(cum[static_cast<std::size_t>(prefix(e))]) * 60;
    if (!working(e)) return s;
    for (const Session& ses : set_of(e).sessions) {
      const std::int64_t start = ses.start.count() * 60;
      if (l.tod <= start) break;
      s += std::min<std::int64_t>(l.tod, ses.end.count() * 60) - start;
    }
    return s;
  }

  std::optional<std::size_t> find_entry(std::int64_t dn) const {
    const auto it = std::lower_bound(entries.begin(), entries.end(), dn,
                                     [](const Entry& e, std::int64_t v) { return e.date < v; });
    if (it == entries.end() || it->date != dn) return std::nullopt;
    return static_cast<std::size_t>(it - entries.begin());
  }

  DayEntry to_day_entry(const Entry& e) const {
    return DayEntry{date_from_number(e.date), static_cast<DayKind>(e.kind), names[e.name],
                    sources[e.source]};
  }
};

namespace {

void validate_spec(const CalendarSpec& spec) {
  if (spec.offset.east < -std::chrono::hours{18} || spec.offset.east > std::chrono::hours{18}) {
    throw CalendarError("UTC offset " + std::to_string(spec.offset.east.count()) +
                        " min is outside -18:00..+18:00");
  }
  if (spec.hours_per_day < 1 || spec.hours_per_day > 24) {
    throw CalendarError("hours_per_day " + std::to_string(spec.hours_per_day) +
                        " is outside 1..24");
  }
  validate_sessions(spec.sessions, "office sessions");
  if (spec.seasons.size() + 1 > kMaxSessionSets) {
    throw CalendarError("too many seasons (" + std::to_string(spec.seasons.size()) + ")");
  }
  for (const Season& season : spec.seasons) {
    if (!season.from.ok() || !season.to.ok()) {
      throw CalendarError("season with an impossible date (" +
                          std::to_string(static_cast<unsigned>(season.from.month())) + "/" +
                          std::to_string(static_cast<unsigned>(season.from.day())) + " or " +
                          std::to_string(static_cast<unsigned>(season.to.month())) + "/" +
                          std::to_string(static_cast<unsigned>(season.to.day())) + ")");
    }
    validate_sessions(season.sessions, "season " + describe_month_day(season.from) + ".." +
                                           describe_month_day(season.to));
  }
}

void require_entry_in_range(Date d, const std::string& what) {
  if (!in_supported_range(d)) {
    throw CalendarError(what + ": date " + format_date(d) + " lies outside the supported range " +
                        std::to_string(kFirstSupportedYear) + ".." +
                        std::to_string(kLastSupportedYear));
  }
}

// Resolves every dated entry by precedence into one Candidate per date (days since 1970).
std::map<std::int64_t, Candidate> resolve_entries(const CalendarSpec& spec,
                                                  std::vector<std::uint8_t>& provisional) {
  std::map<std::int64_t, Candidate> out;

  // Which years the official schedules declare.
  std::vector<std::uint8_t> declared(kYearCount, 0);
  for (const Schedule& sch : spec.schedules) {
    for (int y : sch.years) {
      if (y < kFirstSupportedYear || y > kLastSupportedYear) {
        throw CalendarError(
            sch.origin + ": year " + std::to_string(y) + " lies outside the supported range " +
            std::to_string(kFirstSupportedYear) + ".." + std::to_string(kLastSupportedYear));
      }
      declared[static_cast<std::size_t>(y - kFirstSupportedYear)] = 1;
    }
  }
  provisional.assign(kYearCount, 0);
  for (int j = 0; j < kYearCount; ++j)
    provisional[static_cast<std::size_t>(j)] = declared[static_cast<std::size_t>(j)] ? 0 : 1;

  // 3. Statutory rules for undeclared years.
  if (spec.statutory_rules) {
    for (int y = kFirstSupportedYear; y <= kLastSupportedYear; ++y) {
      if (declared[static_cast<std::size_t>(y - kFirstSupportedYear)]) continue;
      const StatutoryYear sy = statutory_year(y, spec.rest_days);
      auto put = [&](const DayEntry& e) {
        if (!in_supported_range(e.date)) return;
        Candidate c{Level::statutory, e.kind, e.name, e.source, "statutory rules"};
        out.insert_or_assign(day_number(e.date), std::move(c));
      };
      for (const DayEntry& e : sy.holidays) put(e);
      for (const DayEntry& e : sy.days_off) put(e);  // the entries that decide win on a shared date
    }
  }

  // 2. Official schedules: their entries apply on their dates (in a declared year the statutory
  // rules were skipped above). Two schedules may list a date twice only with the same effect.
  for (const Schedule& sch : spec.schedules) {
    for (const DayEntry& e : sch.entries) {
      require_entry_in_range(e.date, sch.origin);
      if (e.kind == DayKind::admin_day_off || e.kind == DayKind::admin_working_day) {
        throw CalendarError(sch.origin + ": entry " + format_date(e.date) + " has kind " +
                            std::string(to_string(e.kind)) + ", which only the admin's own " +
                            "entries may have");
      }
      const std::int64_t dn = day_number(e.date);
      auto it = out.find(dn);
      if (it != out.end() && it->second.level == Level::schedule) {
        if (is_day_off(it->second.kind) != is_day_off(e.kind)) {
          throw CalendarError("conflicting schedule entries for " + format_date(e.date) + ": " +
                              std::string(to_string(it->second.kind)) + " in " + it->second.origin +
                              ", " + std::string(to_string(e.kind)) + " in " + sch.origin);
        }
        continue;  // same effect: keep the first
      }
      out.insert_or_assign(dn, Candidate{Level::schedule, e.kind, e.name, e.source, sch.origin});
    }
  }

  // 1. The admin's own entries always win.
  std::map<std::int64_t, bool> admin;  // date -> day off?
  auto put_admin = [&](const DayOverride& o, bool off) {
    require_entry_in_range(o.date, off ? "[[calendar.day_off]]" : "[[calendar.working_day]]");
    const std::int64_t dn = day_number(o.date);
    auto [it, inserted] = admin.emplace(dn, off);
    if (!inserted) {
      if (it->second != off) {
        throw CalendarError("the date " + format_date(o.date) +
                            " is both an admin day off and an admin working day");
      }
      return;  // duplicate: keep the first
    }
    out.insert_or_assign(
        dn, Candidate{Level::admin, off ? DayKind::admin_day_off : DayKind::admin_working_day,
                      o.name, "config", "config"});
  };
  for (const DayOverride& o : spec.days_off) put_admin(o, true);
  for (const DayOverride& o : spec.working_days) put_admin(o, false);
  return out;
}

}  // namespace

std::shared_ptr<const WorkCalendar> WorkCalendar::build(CalendarSpec spec) {
  validate_spec(spec);
  auto m = std::make_unique<Impl>();
  m->offset_s = spec.offset.east.count() * 60;

  const std::map<std::int64_t, Candidate> resolved = resolve_entries(spec, m->provisional);

  // Session sets: 0 = the default sessions, 1 + j = season j.
  m->sets.push_back({spec.sessions, 0});
  for (const Season& s : spec.seasons) m->sets.push_back({s.sessions, 0});
  for (Impl::SessionSet& set : m->sets) {
    for (const Session& s : set.sessions) set.minutes += (s.end - s.start).count();
  }

  // Per-date flags and tables.
  m->day.resize(static_cast<std::size_t>(kDayCount));
  std::vector<std::int64_t> working_dates;
  working_dates.reserve(static_cast<std::size_t>(kDayCount));
  m->cum.reserve(static_cast<std::size_t>(kDayCount) / 7 * 5 + 16);
  m->cum.push_back(0);
  auto entry_it = resolved.begin();
  std::uint64_t total_minutes = 0;
  for (std::int64_t i = 0; i < kDayCount; ++i) {
    const std::int64_t dn = kFirstDay + i;
    const Date d = date_from_number(dn);
    bool working = !spec.rest_days.contains(std::chrono::weekday{d});
    while (entry_it != resolved.end() && entry_it->first < dn) ++entry_it;
    if (entry_it != resolved.end() && entry_it->first == dn) {
      working = !is_day_off(entry_it->second.kind);
    }
    std::uint32_t set_index = 0;
    if (!spec.seasons.empty()) {
      const std::chrono::year_month_day ymd{d};
      const std::chrono::month_day md{ymd.month(), ymd.day()};
      for (std::size_t j = 0; j < spec.seasons.size(); ++j) {
        if (season_contains(spec.seasons[j], md)) {
          set_index = static_cast<std::uint32_t>(j + 1);
          break;
        }
      }
    }
    const auto ordinal = static_cast<std::uint32_t>(working_dates.size());
    m->day[static_cast<std::size_t>(i)] =
        ordinal | (working ? kWorkingBit : 0u) | (set_index << kSetShift);
    if (working) {
      working_dates.push_back(dn);
      total_minutes += static_cast<std::uint64_t>(m->sets[set_index].minutes);
      m->cum.push_back(static_cast<std::uint32_t>(total_minutes));
    }
  }

  // Date of each ordinal: the largest block size whose deltas fit in 16 bits.
  const std::size_t w = working_dates.size();
  for (unsigned shift = 12;; --shift) {
    const std::size_t block = std::size_t{1} << shift;
    bool fits = true;
    for (std::size_t b = 0; b < w && fits; b += block) {
      const std::size_t last = std::min(w, b + block) - 1;
      fits = working_dates[last] - working_dates[b] <= std::numeric_limits<std::uint16_t>::max();
    }
    if (fits || shift == 0) {
      m->ord_shift = shift;
      break;
    }
  }
  m->ord_delta.resize(w);
  m->ord_base.resize((w >> m->ord_shift) + 1, 0);
  for (std::size_t k = 0; k < w; ++k) {
    const std::size_t b = k >> m->ord_shift;
    if ((k & ((std::size_t{1} << m->ord_shift) - 1)) == 0) {
      m->ord_base[b] = static_cast<std::int32_t>(working_dates[k]);
    }
    m->ord_delta[k] = static_cast<std::uint16_t>(working_dates[k] - m->ord_base[b]);
  }
  m->cum.shrink_to_fit();

  // Dated entries for describe() / entries_in_year(), names and sources interned.
  std::unordered_map<std::string, std::uint32_t> name_ids;
  std::unordered_map<std::string, std::uint32_t> source_ids;
  auto intern = [](std::unordered_map<std::string, std::uint32_t>& ids,
                   std::vector<std::string>& pool, const std::string& s) {
    auto [it, inserted] = ids.emplace(s, static_cast<std::uint32_t>(pool.size()));
    if (inserted) pool.push_back(s);
    return it->second;
  };
  m->entries.reserve(resolved.size());
  for (const auto& [dn, c] : resolved) {
    const std::uint32_t source = intern(source_ids, m->sources, c.source);
    if (source > std::numeric_limits<std::uint16_t>::max()) {
      throw CalendarError("too many distinct entry sources (over 65535)");
    }
    m->entries.push_back(
        Impl::Entry{static_cast<std::int32_t>(dn), intern(name_ids, m->names, c.name),
                    static_cast<std::uint16_t>(source), static_cast<std::uint8_t>(c.kind)});
  }
  m->names.shrink_to_fit();
  m->sources.shrink_to_fit();

  m->spec = std::move(spec);
  return std::shared_ptr<const WorkCalendar>(new WorkCalendar(std::move(m)));
}

WorkCalendar::WorkCalendar(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WorkCalendar::~WorkCalendar() = default;

const CalendarSpec& WorkCalendar::spec() const {
  return impl_->spec;
}
UtcOffset WorkCalendar::offset() const {
  return impl_->spec.offset;
}

bool WorkCalendar::is_working_day(Date d) const {
  return Impl::working(impl_->day[static_cast<std::size_t>(impl_->index_of(d))]);
}

DayInfo WorkCalendar::describe(Date d) const {
  const Impl& m = *impl_;
  const std::uint32_t e = m.day[static_cast<std::size_t>(m.index_of(d))];
  DayInfo info;
  info.date = d;
  info.working = Impl::working(e);
  info.rest_day = m.spec.rest_days.contains(std::chrono::weekday{d});
  info.provisional = m.provisional[static_cast<std::size_t>(year_of(d) - kFirstSupportedYear)] != 0;
  if (const auto idx = m.find_entry(day_number(d))) {
    const Impl::Entry& en = m.entries[*idx];
    info.kind = static_cast<DayKind>(en.kind);
    info.name = m.names[en.name];
    info.source = m.sources[en.source];
  }
  return info;
}

bool WorkCalendar::is_provisional(int year) const {
  if (year < kFirstSupportedYear || year > kLastSupportedYear) {
    throw CalendarError("year " + std::to_string(year) + " lies outside the supported range " +
                        std::to_string(kFirstSupportedYear) + ".." +
                        std::to_string(kLastSupportedYear));
  }
  return impl_->provisional[static_cast<std::size_t>(year - kFirstSupportedYear)] != 0;
}

std::vector<DayEntry> WorkCalendar::entries_in_year(int year) const {
  (void)is_provisional(year);  // range check
  const Impl& m = *impl_;
  const std::int64_t first = day_number(Date{std::chrono::year{year} / std::chrono::January / 1});
  const std::int64_t last = day_number(Date{std::chrono::year{year} / std::chrono::December / 31});
  auto it = std::lower_bound(m.entries.begin(), m.entries.end(), first,
                             [](const Impl::Entry& e, std::int64_t v) { return e.date < v; });
  std::vector<DayEntry> out;
  for (; it != m.entries.end() && it->date <= last; ++it) out.push_back(m.to_day_entry(*it));
  return out;
}

Date WorkCalendar::add_working_days(Date d, WorkingDays n) const {
  const Impl& m = *impl_;
  const std::int64_t i = m.index_of(d);
  if (n.count == 0) return d;
  if (n.count > kDayCount || n.count < -kDayCount) throw_no_working_day(d, n.count);
  const std::uint32_t e = m.day[static_cast<std::size_t>(i)];
  // n > 0: the working days strictly after d start at ordinal prefix + working(d).
  const std::int64_t k = n.count > 0 ? Impl::prefix(e) + ((e >> kOrdinalBits) & 1u) + n.count - 1
                                     : Impl::prefix(e) + n.count;
  if (static_cast<std::uint64_t>(k) >= static_cast<std::uint64_t>(m.working_count())) {
    throw_no_working_day(d, n.count);
  }
  return date_from_number(m.date_of_ordinal(k));
}

Date WorkCalendar::next_working_day_on_or_after(Date d) const {
  const Impl& m = *impl_;
  const std::int64_t k = Impl::prefix(m.day[static_cast<std::size_t>(m.index_of(d))]);
  if (k >= m.working_count()) throw_no_working_day(d, 0);
  return date_from_number(m.date_of_ordinal(k));
}

WorkingDays WorkCalendar::count_working_days(Date from, Date to) const {
  const Impl& m = *impl_;
  const std::uint32_t a = m.day[static_cast<std::size_t>(m.index_of(from))];
  const std::uint32_t b = m.day[static_cast<std::size_t>(m.index_of(to))];
  if (to < from) return WorkingDays{0};
  return WorkingDays{Impl::prefix(b) + (Impl::working(b) ? 1 : 0) - Impl::prefix(a)};
}

std::span<const Session> WorkCalendar::sessions_on(Date d) const {
  const Impl& m = *impl_;
  const std::uint32_t e = m.day[static_cast<std::size_t>(m.index_of(d))];
  if (!Impl::working(e)) return {};
  return m.set_of(e).sessions;
}

WorkingMinutes WorkCalendar::office_minutes_on(Date d) const {
  const Impl& m = *impl_;
  const std::uint32_t e = m.day[static_cast<std::size_t>(m.index_of(d))];
  return WorkingMinutes{Impl::working(e) ? m.set_of(e).minutes : 0};
}

Instant WorkCalendar::close_of_day(Date d) const {
  const Impl& m = *impl_;
  const std::int64_t i = m.index_of(d);
  const std::uint32_t e = m.day[static_cast<std::size_t>(i)];
  if (!Impl::working(e)) {
    throw CalendarError("close_of_day: " + format_date(d) + " is not a working day");
  }
  return m.instant_at(i, m.set_of(e).sessions.back().end.count() * 60);
}

Instant WorkCalendar::roll_to_office_time(Instant t) const {
  const Impl& m = *impl_;
  const Impl::Local l = m.local_of(t);
  const std::uint32_t e = m.day[static_cast<std::size_t>(l.day_index)];
  if (Impl::working(e)) {
    for (const Session& s : m.set_of(e).sessions) {
      if (l.tod < s.end.count() * 60) {
        const std::int64_t start = s.start.count() * 60;
        return l.tod >= start ? t : m.instant_at(l.day_index, start);
      }
    }
  }
  const std::int64_t k = Impl::prefix(e) + (Impl::working(e) ? 1 : 0);
  if (k >= m.working_count()) {
    throw_no_working_day(date_from_number(kFirstDay + l.day_index), 1);
  }
  const std::int64_t next = m.date_of_ordinal(k) - kFirstDay;
  const std::uint32_t ne = m.day[static_cast<std::size_t>(next)];
  return m.instant_at(next, m.set_of(ne).sessions.front().start.count() * 60);
}

Instant WorkCalendar::add_working_minutes(Instant t, WorkingMinutes minutes_to_add) const {
  const Impl& m = *impl_;
  const Impl::Local l = m.local_of(t);
  if (minutes_to_add.count < 0) {
    throw CalendarError("add_working_minutes: negative amount " +
                        std::to_string(minutes_to_add.count));
  }
  if (minutes_to_add.count == 0) return t;
  const std::int64_t total = static_cast<std::int64_t>(m.cum.back());
  if (minutes_to_add.count > total) throw_office_time_out_of_range(t, minutes_to_add.count);
  const std::int64_t target = m.office_seconds_before(l) + minutes_to_add.count * 60;
  if (target > total * 60) throw_office_time_out_of_range(t, minutes_to_add.count);
  // The working day k with cum[k]*60 < target <= cum[k+1]*60.
  const std::int64_t target_min = (target + 59) / 60;
  const auto it =
      std::lower_bound(m.cum.begin(), m.cum.end(), static_cast<std::uint32_t>(target_min));
  const std::int64_t k = (it - m.cum.begin()) - 1;
  std::int64_t rest = target - static_cast<std::int64_t>(m.cum[static_cast<std::size_t>(k)]) * 60;
  const std::int64_t di = m.date_of_ordinal(k) - kFirstDay;
  const std::uint32_t e = m.day[static_cast<std::size_t>(di)];
  for (const Session& s : m.set_of(e).sessions) {
    const std::int64_t len = (s.end - s.start).count() * 60;
    if (rest <= len) return m.instant_at(di, s.start.count() * 60 + rest);
    rest -= len;
  }
  // Unreachable: cum[k+1] - cum[k] is the office time of day k.
  throw CalendarError("add_working_minutes: internal table inconsistency");
}

WorkingMinutes WorkCalendar::working_minutes_between(Instant a, Instant b) const {
  const Impl& m = *impl_;
  const std::int64_t sa = m.office_seconds_before(m.local_of(a));
  const std::int64_t sb = m.office_seconds_before(m.local_of(b));
  return WorkingMinutes{(sb - sa) / 60};
}

std::size_t WorkCalendar::memory_bytes() const {
  const Impl& m = *impl_;
  std::size_t n = sizeof(Impl);
  n += m.day.capacity() * sizeof(std::uint32_t);
  n += m.ord_base.capacity() * sizeof(std::int32_t);
  n += m.ord_delta.capacity() * sizeof(std::uint16_t);
  n += m.cum.capacity() * sizeof(std::uint32_t);
  n += m.provisional.capacity();
  n += m.entries.capacity() * sizeof(Impl::Entry);
  n += m.sets.capacity() * sizeof(Impl::SessionSet);
  for (const auto& s : m.sets) n += s.sessions.capacity() * sizeof(Session);
  for (const auto* pool : {&m.names, &m.sources}) {
    n += pool->capacity() * sizeof(std::string);
    for (const std::string& s : *pool) {
      if (s.capacity() > 15) n += s.capacity() + 1;  // outside the small-string buffer
    }
  }
  return n;
}

}  // namespace dunghan::calendar
