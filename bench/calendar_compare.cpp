// "Add n working days" on 10^6 random (date, n) pairs: dunghan's WorkCalendar against QuantLib's
// Calendar::advance (BespokeCalendar) and a naive day-by-day loop; numpy.busday_offset runs in a
// separate Python process (bench/calendar_compare drives both). Built by bench/calendar_compare,
// not by CMake.
//
//   calendar_compare gen DIR    writes DIR/dates.bin, DIR/n.bin (int32 each, 10^6 values; dates in
//                               days since 1970-01-01) and DIR/holidays.bin (int32 days)
//   calendar_compare run DIR    reads those and DIR/numpy_out.bin + DIR/numpy_ns.txt, times the
//                               three C++ implementations, checks all four agree on every pair,
//                               prints timings and, last, one JSON line. Exit 1 on disagreement.
//
// The calendar: Monday–Friday, the weekday holidays 2019–2026 of docs/rules.md §1.4's table, no
// make-up Saturdays (numpy's weekmask cannot express one). Dates are drawn from 2019–2025 and n
// from 1..60, so every answer lies before the end of the 2026 list.

#include <ql/time/calendars/bespokecalendar.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "calendar/work_calendar.h"

namespace cal = dunghan::calendar;
using std::chrono::days;

namespace {

constexpr std::size_t kPairs = 1'000'000;

// Weekdays off, 2019–2026 (docs/rules.md §1), ranges inclusive.
struct Span {
  const char* from;
  const char* to;
};
constexpr Span kHolidays[] = {
    // 2019
    {"2019-01-01", "2019-01-01"},
    {"2019-02-04", "2019-02-08"},
    {"2019-04-15", "2019-04-15"},
    {"2019-04-29", "2019-05-01"},
    {"2019-09-02", "2019-09-02"},
    // 2020
    {"2020-01-01", "2020-01-01"},
    {"2020-01-23", "2020-01-29"},
    {"2020-04-02", "2020-04-02"},
    {"2020-04-30", "2020-05-01"},
    {"2020-09-02", "2020-09-02"},
    // 2021
    {"2021-01-01", "2021-01-01"},
    {"2021-02-10", "2021-02-16"},
    {"2021-04-21", "2021-04-21"},
    {"2021-04-30", "2021-04-30"},
    {"2021-05-03", "2021-05-03"},
    {"2021-09-02", "2021-09-03"},
    // 2022
    {"2022-01-03", "2022-01-03"},
    {"2022-01-31", "2022-02-04"},
    {"2022-04-11", "2022-04-11"},
    {"2022-05-02", "2022-05-03"},
    {"2022-09-01", "2022-09-02"},
    // 2023
    {"2023-01-02", "2023-01-02"},
    {"2023-01-20", "2023-01-26"},
    {"2023-05-01", "2023-05-03"},
    {"2023-09-01", "2023-09-01"},
    {"2023-09-04", "2023-09-04"},
    // 2024
    {"2024-01-01", "2024-01-01"},
    {"2024-02-08", "2024-02-14"},
    {"2024-04-18", "2024-04-18"},
    {"2024-04-29", "2024-05-01"},
    {"2024-09-02", "2024-09-03"},
    // 2025
    {"2025-01-01", "2025-01-01"},
    {"2025-01-27", "2025-01-31"},
    {"2025-04-07", "2025-04-07"},
    {"2025-04-30", "2025-05-02"},
    {"2025-09-01", "2025-09-02"},
    // 2026
    {"2026-01-01", "2026-01-02"},
    {"2026-02-16", "2026-02-20"},
    {"2026-04-27", "2026-04-27"},
    {"2026-04-30", "2026-05-01"},
    {"2026-08-31", "2026-09-02"},
};

std::int32_t day_of(const char* iso) {
  const auto d = cal::parse_date(iso);
  if (!d) throw std::runtime_error(std::string("bad date ") + iso);
  return static_cast<std::int32_t>(d->time_since_epoch().count());
}

// Holidays as days since 1970; weekends dropped (there are none in the table, but be safe).
std::vector<std::int32_t> holidays() {
  std::vector<std::int32_t> out;
  for (const Span& s : kHolidays) {
    for (std::int32_t d = day_of(s.from); d <= day_of(s.to); ++d) {
      const std::chrono::weekday wd{cal::Date{days{d}}};
      if (wd != std::chrono::Saturday && wd != std::chrono::Sunday) out.push_back(d);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

template <class T>
void write_bin(const std::string& path, const std::vector<T>& v) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(v.data()),
          static_cast<std::streamsize>(v.size() * sizeof(T)));
  if (!f) throw std::runtime_error("cannot write " + path);
}

template <class T>
std::vector<T> read_bin(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) throw std::runtime_error("cannot read " + path);
  const auto bytes = static_cast<std::size_t>(f.tellg());
  std::vector<T> v(bytes / sizeof(T));
  f.seekg(0);
  f.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(bytes));
  return v;
}

// CPU time of this thread in nanoseconds. CPU time rather than wall time: the machine is shared,
// and preemption would otherwise dominate the longer runs (numpy, QuantLib) more than the short
// ones.
double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Best thread CPU time of `reps` runs of f(), in nanoseconds per pair.
template <class F>
double best_ns_per_op(int reps, F f) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const double t0 = thread_cpu_ns();
    f();
    best = std::min(best, thread_cpu_ns() - t0);
  }
  return best / static_cast<double>(kPairs);
}

int gen(const std::string& dir) {
  std::mt19937_64 rng(20260101);
  const std::int32_t first = day_of("2019-01-01");
  const std::int32_t last = day_of("2025-12-31");
  std::uniform_int_distribution<std::int32_t> date(first, last);
  std::uniform_int_distribution<std::int32_t> count(1, 60);
  std::vector<std::int32_t> d(kPairs);
  std::vector<std::int32_t> n(kPairs);
  for (std::size_t i = 0; i < kPairs; ++i) {
    d[i] = date(rng);
    n[i] = count(rng);
  }
  write_bin(dir + "/dates.bin", d);
  write_bin(dir + "/n.bin", n);
  write_bin(dir + "/holidays.bin", holidays());
  return 0;
}

int run(const std::string& dir) {
  const auto d = read_bin<std::int32_t>(dir + "/dates.bin");
  const auto n = read_bin<std::int32_t>(dir + "/n.bin");
  const auto numpy_out = read_bin<std::int32_t>(dir + "/numpy_out.bin");
  double numpy_ns = 0;
  std::ifstream(dir + "/numpy_ns.txt") >> numpy_ns;
  if (d.size() != kPairs || n.size() != kPairs || numpy_out.size() != kPairs || numpy_ns <= 0) {
    std::cerr << "calendar_compare: missing or short input in " << dir << "\n";
    return 2;
  }
  const std::vector<std::int32_t> hol = holidays();

  // dunghan: the bench calendar, and the default calendar for the memory figure.
  cal::CalendarSpec spec;
  spec.statutory_rules = false;  // only the listed holidays, like numpy and QuantLib
  cal::Schedule sched;
  sched.origin = "bench";
  for (int y = 2019; y <= 2026; ++y) sched.years.push_back(y);
  for (std::int32_t h : hol) {
    sched.entries.push_back(
        {cal::Date{days{h}}, cal::DayKind::holiday, "holiday", "docs/rules.md §1"});
  }
  spec.schedules = {sched};
  auto t0 = std::chrono::steady_clock::now();
  const auto wc = cal::WorkCalendar::build(spec);
  auto t1 = std::chrono::steady_clock::now();
  const auto default_cal = cal::WorkCalendar::build(cal::CalendarSpec{});
  auto t2 = std::chrono::steady_clock::now();
  std::printf(
      "build: bench calendar %.1f ms, default calendar (statutory rules 1900-2199) %.1f ms\n",
      std::chrono::duration<double, std::milli>(t1 - t0).count(),
      std::chrono::duration<double, std::milli>(t2 - t1).count());
  std::printf("memory_bytes 1900-2199: default calendar %zu (%.3f MiB), bench calendar %zu\n",
              default_cal->memory_bytes(),
              static_cast<double>(default_cal->memory_bytes()) / 1048576.0, wc->memory_bytes());

  std::vector<std::int32_t> ours(kPairs);
  const double ours_ns = best_ns_per_op(20, [&] {
    for (std::size_t i = 0; i < kPairs; ++i) {
      ours[i] = static_cast<std::int32_t>(
          wc->add_working_days(cal::Date{days{d[i]}}, cal::WorkingDays{n[i]})
              .time_since_epoch()
              .count());
    }
  });

  // Naive: a working flag per date, stepped one day at a time.
  const std::int32_t lo = day_of("2018-12-01");
  const std::int32_t hi = day_of("2027-12-31");
  std::vector<std::uint8_t> working(static_cast<std::size_t>(hi - lo + 1));
  for (std::int32_t x = lo; x <= hi; ++x) {
    const std::chrono::weekday wd{cal::Date{days{x}}};
    working[static_cast<std::size_t>(x - lo)] = wd != std::chrono::Saturday &&
                                                wd != std::chrono::Sunday &&
                                                !std::binary_search(hol.begin(), hol.end(), x);
  }
  std::vector<std::int32_t> naive(kPairs);
  const double naive_ns = best_ns_per_op(3, [&] {
    for (std::size_t i = 0; i < kPairs; ++i) {
      std::int32_t x = d[i];
      for (std::int32_t left = n[i]; left > 0;) {
        ++x;
        left -= working[static_cast<std::size_t>(x - lo)];
      }
      naive[i] = x;
    }
  });

  // QuantLib: BespokeCalendar with the same weekend and holidays; advance(d, n, Days) steps one
  // business day at a time and returns the n-th business day strictly after d (n > 0).
  constexpr std::int32_t kSerialOf1970 = 25569;  // QuantLib/Excel serial of 1970-01-01
  QuantLib::BespokeCalendar ql("dunghan-bench");
  ql.addWeekend(QuantLib::Saturday);
  ql.addWeekend(QuantLib::Sunday);
  for (std::int32_t h : hol) ql.addHoliday(QuantLib::Date(h + kSerialOf1970));
  std::vector<std::int32_t> quantlib(kPairs);
  const double quantlib_ns = best_ns_per_op(1, [&] {
    for (std::size_t i = 0; i < kPairs; ++i) {
      const QuantLib::Date r =
          ql.advance(QuantLib::Date(d[i] + kSerialOf1970), n[i], QuantLib::Days);
      quantlib[i] = static_cast<std::int32_t>(r.serialNumber()) - kSerialOf1970;
    }
  });

  std::size_t disagree = 0;
  for (std::size_t i = 0; i < kPairs; ++i) {
    if (ours[i] == naive[i] && ours[i] == numpy_out[i] && ours[i] == quantlib[i]) continue;
    if (++disagree <= 10) {
      std::printf("DISAGREE %s + %d: dunghan %s numpy %s quantlib %s naive %s\n",
                  cal::format_date(cal::Date{days{d[i]}}).c_str(), n[i],
                  cal::format_date(cal::Date{days{ours[i]}}).c_str(),
                  cal::format_date(cal::Date{days{numpy_out[i]}}).c_str(),
                  cal::format_date(cal::Date{days{quantlib[i]}}).c_str(),
                  cal::format_date(cal::Date{days{naive[i]}}).c_str());
    }
  }
  std::printf("pairs: %zu, disagreements: %zu\n", kPairs, disagree);
  std::printf("ns per op: dunghan %.2f, numpy %.2f, quantlib %.1f, naive %.2f\n", ours_ns, numpy_ns,
              quantlib_ns, naive_ns);
  std::printf("dunghan speed-up: %.1fx numpy, %.0fx quantlib, %.1fx naive\n", numpy_ns / ours_ns,
              quantlib_ns / ours_ns, naive_ns / ours_ns);
  std::printf(
      "{\"ns_per_op\": {\"dunghan\": %.3f, \"numpy\": %.3f, \"quantlib\": %.3f, \"naive\": %.3f}, "
      "\"agree\": %s}\n",
      ours_ns, numpy_ns, quantlib_ns, naive_ns, disagree == 0 ? "true" : "false");
  return disagree == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: calendar_compare gen|run DIR\n";
    return 2;
  }
  try {
    const std::string mode = argv[1];
    if (mode == "gen") return gen(argv[2]);
    if (mode == "run") return run(argv[2]);
  } catch (const std::exception& e) {
    std::cerr << "calendar_compare: " << e.what() << "\n";
    return 2;
  }
  std::cerr << "usage: calendar_compare gen|run DIR\n";
  return 2;
}
