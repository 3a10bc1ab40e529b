// A quarter of a realistic one-stop office (Q1 2026: New Year, the make-up Saturday 10/01, Tết
// 16–20/02) under the default rules of config/dunghan.toml, on a `file` channel with the office
// send window, driven event by event with a ManualClock. What must have been sent is worked out
// here, independently of the planner, from each dossier's known appointments (compute_due,
// add_working_days) and the rules as the issue states them; then compared with the file
// channel's lines: every expected alert exactly once, at the expected instant, nothing else.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "calendar/due_date.h"
#include "config/config.h"
#include "fixtures.h"

namespace dunghan::alerting {
namespace {

using calendar::Date;
using calendar::Duration;
using calendar::DurationUnit;
using calendar::WorkingDays;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::local;
using testing::ymd;

constexpr const char* kChannel = "screen";  // the channel the default rules name

struct Procedure {
  const char* code;
  std::optional<Duration> duration;  // empty: from the catalogue (2.000046, 15 working days)
  Duration effective;
  const char* department;
};

const std::vector<Procedure>& procedures() {
  static const std::vector<Procedure> p = {
      {"2.000046", std::nullopt, Duration{15, DurationUnit::working_days},
       "Phòng Quản lý doanh nghiệp"},
      {"1.004227", Duration{5, DurationUnit::working_days}, Duration{5, DurationUnit::working_days},
       "Phòng Quản lý doanh nghiệp"},
      {"2.001001", Duration{3, DurationUnit::working_days}, Duration{3, DurationUnit::working_days},
       "Phòng Đầu tư"},
      {"1.000200", Duration{30, DurationUnit::calendar_days},
       Duration{30, DurationUnit::calendar_days}, "Phòng Đầu tư"},
      {"2.002002", Duration{10, DurationUnit::working_days},
       Duration{10, DurationUnit::working_days}, "Phòng Đầu tư"},
      {"1.009999", Duration{1, DurationUnit::working_days}, Duration{1, DurationUnit::working_days},
       "Phòng Quản lý doanh nghiệp"},
  };
  return p;
}

/// One appointment of a dossier: alerts of due version `version` may go out in [from, until).
struct Segment {
  int version = 0;
  bool extended = false;
  Instant count_start;  // the start of the count in force
  Instant due;          // the appointment (close of its date)
  Instant from;         // when this appointment came into force
  Instant until;        // when it stopped (next appointment, wait, resolution, end)
  /// A wait for the applicant after which the appointment did not move (a restart that lands
  /// on the same due instant keeps the due version): nothing goes out in [hole_from, hole_to).
  std::optional<std::pair<Instant, Instant>> hole;
};

struct Action {
  Instant at;
  std::size_t dossier;
  deadline::Dossier row;                // the dossier row after the action
  std::vector<deadline::Event> events;  // all its events after the action
};

struct Simulated {
  deadline::Dossier initial;
  std::vector<Segment> segments;
  std::optional<Instant> resolved;
};

class QuarterSimulation : public ::testing::Test {
 protected:
  const calendar::WorkCalendar& cal = *testing::real_calendar();
  const Instant start = local(2026, 1, 2, 0);
  const Instant end = local(2026, 3, 31, 23, 59);
  // The daemon is down from Wed 04/03 06:00 to Thu 05/03 10:00 (no cycle runs; the store keeps
  // changing).
  const Instant down_from = local(2026, 3, 4, 6);
  const Instant down_to = local(2026, 3, 5, 10);

  bool down(Instant t) const { return t >= down_from && t < down_to; }

  Instant opening(Date d) const {
    return calendar::to_instant(d, cal.sessions_on(d).front().start, cal.offset());
  }
  bool in_office(Instant t) const {
    const Date d = calendar::local_date(t, cal.offset());
    if (!cal.is_working_day(d)) return false;
    const auto tod = calendar::to_local(t, cal.offset()).time_of_day;
    for (const calendar::Session& s : cal.sessions_on(d)) {
      if (tod >= s.start && tod < s.end) return true;
    }
    return false;
  }
  /// The first instant >= t in an office session (scanning day by day; test code, not fast).
  Instant next_office(Instant t) const {
    if (in_office(t)) return t;
    Date d = calendar::local_date(t, cal.offset());
    for (int i = 0; i < 40; ++i, d += days{1}) {
      for (const calendar::Session& s : cal.sessions_on(d)) {
        const Instant open = calendar::to_instant(d, s.start, cal.offset());
        if (open >= t) return open;
      }
    }
    throw std::runtime_error("no office time");
  }
  /// When an alert that came due at `t` can go out on an office channel with the daemon up.
  Instant send_instant(Instant t) const {
    Instant s = next_office(t);
    if (down(s)) s = next_office(down_to);
    return s;
  }
  Instant random_office_minute(Date d, std::mt19937& rng) const {
    const auto sessions = cal.sessions_on(d);
    std::vector<Instant> choices;
    for (const calendar::Session& s : sessions) {
      for (auto m = s.start; m < s.end; m += minutes{1}) {
        choices.push_back(calendar::to_instant(d, m, cal.offset()));
      }
    }
    return choices[std::uniform_int_distribution<std::size_t>(0, choices.size() - 1)(rng)];
  }
  Date date_of(Instant t) const { return calendar::local_date(t, cal.offset()); }
  Date add_wd(Date d, int n) const { return cal.add_working_days(d, WorkingDays{n}); }
};

/// Default rules as the issue and config/dunghan.toml state them, checked against what the
/// sample file holds so that the simulation exercises the shipped rules.
void check_default_rules(const std::vector<Rule>& rules) {
  std::map<std::string, const Rule*> by;
  for (const Rule& r : rules) by[r.name] = &r;
  ASSERT_EQ(by.size(), 5u);
  ASSERT_TRUE(by.count("nhac-truoc-2-ngay") && by.count("han-chot-xin-gia-han") &&
              by.count("den-han-hom-nay") && by.count("qua-han") &&
              by.count("qua-han-sau-gia-han"));
  EXPECT_EQ(by["nhac-truoc-2-ngay"]->offset->duration, testing::wd(2));
  EXPECT_EQ(by["han-chot-xin-gia-han"]->offset->duration, testing::wd(1));
  EXPECT_EQ(by["den-han-hom-nay"]->when, Stage::due_today);
  EXPECT_EQ(by["qua-han"]->repeat, testing::wd(1));
  EXPECT_EQ(by["qua-han"]->stop_after, 30);
  EXPECT_EQ(by["qua-han"]->match.extended, false);
  EXPECT_EQ(by["qua-han-sau-gia-han"]->match.extended, true);
  for (const Rule& r : rules) EXPECT_EQ(r.channels, std::vector<std::string>{kChannel});
}

/// Parses "YYYY-MM-DDTHH:MM:SS+07:00" by hand.
Instant parse_sent_at(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  char tail[16] = {};
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d%15s", &y, &mo, &d, &h, &mi, &se, tail) != 7 ||
      std::string(tail) != "+07:00") {
    throw std::runtime_error("bad sent_at " + s);
  }
  return local(y, static_cast<unsigned>(mo), static_cast<unsigned>(d), h, mi, se);
}

TEST_F(QuarterSimulation, EveryStageExactlyOnceInOfficeHoursAndNothingAfterResolution) {
  const auto wall_start = std::chrono::steady_clock::now();
  config::Config cfg =
      config::load_config(std::filesystem::path(DUNGHAN_SOURCE_DIR) / "config" / "dunghan.toml");
  check_default_rules(cfg.rules);
  if (HasFatalFailure()) return;
  // The sample's `screen` channel sends at any hour; the simulation runs its rules on a channel
  // held to office hours (below), so the rules count repetitions as such a channel sends them.
  for (Rule& r : cfg.rules) {
    EXPECT_TRUE(r.sends_at_any_hour) << r.name;
    r.sends_at_any_hour = false;
  }

  // People: the sample's three, plus handlers of both departments and the head of the second.
  std::vector<Recipient> people = cfg.recipients;
  people.push_back(testing::person("cv_dn2", "Phòng Quản lý doanh nghiệp", {"handler"}));
  people.push_back(testing::person("cv_dt1", "Phòng Đầu tư", {"handler"}));
  people.push_back(testing::person("cv_dt2", "Phòng Đầu tư", {"handler"}));
  people.push_back(testing::person("tp_dt", "Phòng Đầu tư", {"head", "handler"}));
  const std::map<std::string, std::vector<std::string>> handlers = {
      {"Phòng Quản lý doanh nghiệp", {"nguyenvana", "cv_dn2", "nghiviec"}},  // nghiviec: left
      {"Phòng Đầu tư", {"cv_dt1", "cv_dt2", "tp_dt"}}};
  std::set<std::string> known;
  for (const Recipient& p : people) known.insert(p.id);

  // --- the office's quarter ----------------------------------------------------------------
  const unsigned seed = 20260331;
  std::mt19937 rng(seed);
  auto chance = [&rng](double p) { return std::uniform_real_distribution<>(0, 1)(rng) < p; };
  auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

  std::vector<Simulated> sims;
  std::vector<Action> actions;
  const int kDossiers = 130;
  for (int i = 0; i < kDossiers + 2; ++i) {
    Simulated sim;
    const Procedure& proc =
        i >= kDossiers ? procedures()[1] : procedures()[static_cast<std::size_t>(pick(0, 5))];
    Instant received;
    if (i == kDossiers) {
      received = local(2026, 2, 26,
                       9);  // 5 wd: due Thu 05/03: its last-day reminder falls in the downtime
    } else if (i == kDossiers + 1) {
      received = local(2026, 2, 6, 8);  // 5 wd: due Fri 13/02, the eve of Tết; resolved late
    } else {
      Date day = ymd(2026, 1, 2) + days{pick(0, 63)};
      if (chance(0.8)) {
        day = cal.next_working_day_on_or_after(day);
        received = random_office_minute(day, rng);
      } else {
        received = calendar::to_instant(day, minutes{pick(5 * 60, 22 * 60)}, cal.offset());
      }
    }
    deadline::Dossier d;
    d.code = "H01." + std::to_string(1000 + i);
    d.procedure_code = proc.code;
    d.procedure_name = std::string("Thủ tục ") + proc.code;
    d.field = "Doanh nghiệp";
    d.department = proc.department;
    const auto& hs = handlers.at(proc.department);
    d.handler = hs[static_cast<std::size_t>(pick(0, static_cast<int>(hs.size()) - 1))];
    if (i >= kDossiers) d.handler = "nguyenvana";
    d.applicant = "Người nộp " + std::to_string(i);
    d.channel = in_office(received) ? deadline::Channel::direct : deadline::Channel::online;
    d.received_at = received;
    d.duration = proc.duration;
    d.updated_at = received;
    d.status = deadline::Status::processing;

    std::vector<deadline::Event> events;
    const std::size_t idx = sims.size();
    auto act = [&](Instant at) { actions.push_back(Action{at, idx, d, events}); };
    act(received);

    const calendar::DueResult first = calendar::compute_due(cal, received, proc.effective);
    Segment seg{0, false, first.counting_from, first.due_at, received, end, std::nullopt};
    const bool long_enough =
        proc.effective.unit != DurationUnit::working_days || proc.effective.amount >= 5;
    const int scenario = i >= kDossiers ? 100 : pick(0, 99);  // fixed cases: no event
    Instant last_event = received;
    if (scenario < 15) {
      // Supplementation requested 1–2 working days after the count starts; the complete dossier
      // arrives 1–5 working days later at 14:00 and the full duration runs again (restart).
      const Instant asked =
          opening(add_wd(date_of(seg.count_start), pick(1, 2))) + hours{3};  // 10:00
      if (asked < seg.due) {
        const Instant back = opening(add_wd(date_of(asked), pick(1, 5))) + hours{7};  // 14:00
        seg.until = asked;
        sim.segments.push_back(seg);
        d.status = deadline::Status::waiting_supplement;
        d.updated_at = asked;
        events.push_back({d.code, asked, deadline::EventKind::supplement_requested, {}, ""});
        act(asked);
        d.status = deadline::Status::processing;
        d.updated_at = back;
        events.push_back({d.code, back, deadline::EventKind::supplement_received, {}, ""});
        act(back);
        const calendar::DueResult again = calendar::compute_due(cal, back, proc.effective);
        if (again.due_at == seg.due) {
          // e.g. 30 calendar days landing in Tết both times: the same appointment, the same
          // due version; what came due while waiting was skipped.
          sim.segments.pop_back();
          seg.until = end;
          seg.hole = std::pair{asked, back};
        } else {
          seg = Segment{1, false, again.counting_from, again.due_at, back, end, std::nullopt};
        }
        last_event = back;
      }
    } else if (scenario < 25 && long_enough) {
      // Extension asked on the last allowed day (1 working day before the due date) at 15:00:
      // new appointment 5 working days after the original due date.
      const Instant asked = opening(add_wd(date_of(seg.due), -1)) + hours{8};
      if (asked > received) {
        const Instant new_due = cal.close_of_day(add_wd(date_of(seg.due), 5));
        seg.until = asked;
        sim.segments.push_back(seg);
        events.push_back({d.code, asked, deadline::EventKind::extended, new_due, "hẹn lại"});
        d.updated_at = asked;
        act(asked);
        seg = Segment{1, true, seg.count_start, new_due, asked, end, std::nullopt};
        last_event = asked;
      }
    } else if (scenario < 30 && long_enough) {
      // A late extension, 2 working days after the dossier became overdue, at 10:00.
      const Instant asked = opening(add_wd(date_of(seg.due), 2)) + hours{3};
      const Instant new_due = cal.close_of_day(add_wd(date_of(asked), 3));
      seg.until = asked;
      sim.segments.push_back(seg);
      events.push_back({d.code, asked, deadline::EventKind::extended, new_due, "hẹn lại"});
      d.updated_at = asked;
      act(asked);
      seg = Segment{1, true, seg.count_start, new_due, asked, end, std::nullopt};
      last_event = asked;
    }
    // Resolution relative to the appointment in force: early, on the due date, late or never.
    const int outcome = i >= kDossiers ? 70 : pick(0, 99);  // fixed cases: late
    std::optional<Instant> resolved;
    const Date due_date = date_of(seg.due);
    if (outcome < 40) {
      resolved = random_office_minute(add_wd(due_date, -pick(1, 3)), rng);
    } else if (outcome < 60) {
      resolved = random_office_minute(due_date, rng);
    } else if (outcome < 85) {
      resolved = random_office_minute(add_wd(due_date, pick(1, 6)), rng);
    }
    if (i == kDossiers + 1) resolved = local(2026, 2, 25, 10);
    if (resolved) {
      if (*resolved <= last_event) resolved = last_event + minutes{30};
      if (*resolved <= end) {
        seg.until = *resolved;
        d.status = deadline::Status::resolved;
        d.resolved_at = resolved;
        d.updated_at = *resolved;
        act(*resolved);
        sim.resolved = resolved;
      }
    }
    sim.segments.push_back(seg);
    sim.initial = actions[actions.size() - 1].row;
    sims.push_back(std::move(sim));
  }
  std::stable_sort(actions.begin(), actions.end(),
                   [](const Action& a, const Action& b) { return a.at < b.at; });

  // --- the expectation, from the appointments and the rules --------------------------------
  auto recipients_of = [&](const deadline::Dossier& d, bool handler, bool heads, bool leaders) {
    std::vector<std::string> out;
    auto add = [&out](const std::string& id) {
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    };
    if (handler && known.count(d.handler)) add(d.handler);
    for (const Recipient& p : people) {
      if (heads && p.has_role("head") && p.department == d.department) add(p.id);
    }
    for (const Recipient& p : people) {
      if (leaders && p.has_role("leader")) add(p.id);
    }
    return out;
  };
  struct Expected {
    std::string code, rule;
    int version, repeat;
    std::string recipient;
    Instant at;
  };
  std::map<std::string, Expected> expected;  // key → what and when
  auto expect = [&](const deadline::Dossier& d, const std::string& rule, const Segment& seg,
                    int repeat, const std::vector<std::string>& to, Instant at) {
    if (seg.hole && at >= seg.hole->first && at < seg.hole->second) return;
    for (const std::string& r : to) {
      const std::string key = alert_key(AlertId{d.code, rule, seg.version, repeat, r, kChannel});
      expected[key] = Expected{d.code, rule, seg.version, repeat, r, at};
    }
  };
  for (const Simulated& sim : sims) {
    const deadline::Dossier& d = sim.initial;
    for (const Segment& seg : sim.segments) {
      const Date due_date = date_of(seg.due);
      const Instant until = std::min(seg.until, end + seconds{1});
      // before_due, N working days: the opening of the N-th working day before the due date,
      // never before the count starts; only while not yet due and not yet on the due date
      // (unless it fell on the due date).
      // When both come due at once for the handler (the daemon was down, the count started
      // late), only the later (1 day) goes: the 2-day one is skipped ("a later stage came due").
      std::optional<Instant> sent_at[2];
      std::optional<Instant> fire_of[2];
      int i = 0;
      for (auto [rule, n, handler, heads] : {std::tuple{"nhac-truoc-2-ngay", 2, true, false},
                                             std::tuple{"han-chot-xin-gia-han", 1, true, true}}) {
        const Instant fire = std::max(opening(add_wd(due_date, -n)), seg.count_start);
        const Instant s = send_instant(std::max(fire, seg.from));
        if (s < until && s < seg.due && (date_of(s) != due_date || date_of(fire) == due_date)) {
          sent_at[i] = s;
          fire_of[i] = fire;
        }
        ++i;
      }
      if (sent_at[0]) {
        const bool outrun = sent_at[1] && *sent_at[1] == *sent_at[0] && *fire_of[1] > *fire_of[0];
        expect(d, "nhac-truoc-2-ngay", seg, 0, recipients_of(d, !outrun, false, false),
               *sent_at[0]);
      }
      if (sent_at[1]) {
        expect(d, "han-chot-xin-gia-han", seg, 0, recipients_of(d, true, true, false), *sent_at[1]);
      }
      // due_today: the opening of the due date, while it is the due date.
      {
        const Instant s = send_instant(std::max(opening(due_date), seg.from));
        if (s < until && date_of(s) == due_date) {
          expect(d, "den-han-hom-nay", seg, 0, recipients_of(d, true, true, false), s);
        }
      }
      // overdue, every working day (repetition 0 just after the due instant, k the k-th working
      // day after the first overdue working day), at most 30; only the latest that came due goes.
      const bool ext = seg.extended;
      const std::string rule = ext ? "qua-han-sau-gia-han" : "qua-han";
      const Date first_overdue_day = add_wd(due_date, 1);
      auto fire_k = [&](int k) {
        return k == 0 ? seg.due + seconds{1} : opening(add_wd(first_overdue_day, k));
      };
      for (int k = 0; k < 30; ++k) {
        const Instant s = send_instant(std::max(fire_k(k), seg.from));
        if (s >= until) break;
        if (k + 1 < 30 && fire_k(k + 1) <= s) continue;  // a later repetition came due
        expect(d, rule, seg, k, recipients_of(d, false, !ext, true), s);
      }
    }
  }

  // --- the engine, driven event by event ---------------------------------------------------
  testing::Harness h(start);
  h.add_file_channel(kChannel, channels::SendWindow::office);
  h.settings.deadline = cfg.deadline;
  h.settings.catalogue = &cfg.procedures;
  h.settings.max_attempts = cfg.alerts.max_attempts;
  h.settings.max_age = cfg.alerts.max_age;
  // Every stage its own message, counted one by one: the flood guard has tests of its own.
  h.settings.max_messages_per_recipient = 0;
  h.start(cfg.rules, people);

  std::size_t next_action = 0;
  std::optional<Instant> wake;
  int cycles = 0;
  std::int64_t skipped = 0, cancelled = 0, postponed = 0;
  for (Instant now = start; now <= end;) {
    for (; next_action < actions.size() && actions[next_action].at <= now; ++next_action) {
      h.upsert(actions[next_action].row, actions[next_action].events);
    }
    if (!down(now)) {
      h.clock.set(now);
      const CycleReport r = h.engine->run_cycle();
      ++cycles;
      skipped += r.skipped;
      cancelled += r.cancelled;
      postponed += r.postponed;
      wake = r.next_wake;
    }
    // Next step: the next half hour, the next store change, or the engine's next wake.
    Instant next = now - seconds{now.time_since_epoch().count() % 1800} + seconds{1800};
    if (next_action < actions.size()) next = std::min(next, actions[next_action].at);
    if (wake && *wake > now) next = std::min(next, *wake);
    now = next;
  }

  // --- what the file channel recorded ------------------------------------------------------
  const auto lines = testing::read_jsonl(h.file_of(kChannel));
  std::map<std::string, std::vector<std::string>> got;  // key → sent_at of each line
  std::map<std::string, Instant> resolved_at;
  for (const Simulated& sim : sims) {
    if (sim.resolved) resolved_at[sim.initial.code] = *sim.resolved;
  }
  int outside_office = 0, after_resolution = 0;
  for (const nlohmann::json& line : lines) {
    const std::string sent_at = line["sent_at"];
    got[line["key"]].push_back(sent_at);
    const Instant t = parse_sent_at(sent_at);
    if (!in_office(t)) {
      ++outside_office;
      ADD_FAILURE() << "sent outside office hours: " << line.dump();
    }
    auto r = resolved_at.find(line["code"]);
    if (r != resolved_at.end() && t >= r->second) {
      ++after_resolution;
      ADD_FAILURE() << "sent after resolution: " << line.dump();
    }
  }
  EXPECT_EQ(outside_office, 0);
  EXPECT_EQ(after_resolution, 0);

  std::map<std::string, std::size_t> last_action_of;
  for (std::size_t i = 0; i < actions.size(); ++i) last_action_of[actions[i].row.code] = i;
  int missing = 0, duplicated = 0, wrong_time = 0, unexpected = 0;
  for (const auto& [key, e] : expected) {
    auto it = got.find(key);
    const std::string what = e.code + " " + e.rule + " v" + std::to_string(e.version) + " #" +
                             std::to_string(e.repeat) + " → " + e.recipient + " expected at " +
                             calendar::format_iso(e.at, cal.offset());
    if (it == got.end()) {
      if (++missing <= 15) {
        const Action& a = actions[last_action_of.at(e.code)];
        const deadline::DossierClock c =
            deadline::compute_clock(a.row, a.events, cal, cfg.deadline, &cfg.procedures, end);
        std::string evs;
        for (const deadline::Event& ev : a.events) {
          evs += " " + std::string(deadline::to_string(ev.kind)) + "@" +
                 calendar::format_iso(ev.at, cal.offset());
        }
        ADD_FAILURE() << e.code << " at the end: due version " << c.due_version << ", due "
                      << calendar::format_iso(c.current_due, cal.offset()) << ", received "
                      << calendar::format_iso(a.row.received_at, cal.offset()) << ";" << evs;
        auto row = h.ledger->get(key);
        ADD_FAILURE() << "missing: " << what << " (ledger: "
                      << (row ? std::string(to_string(row->state)) + " " + row->detail
                              : std::string("no row"))
                      << ")";
      }
      continue;
    }
    if (it->second.size() != 1 && ++duplicated <= 15) {
      ADD_FAILURE() << "sent " << it->second.size() << " times: " << what;
    }
    if (it->second.front() != calendar::format_iso(e.at, cal.offset()) && ++wrong_time <= 15) {
      ADD_FAILURE() << "sent at " << it->second.front() << ": " << what;
    }
  }
  for (const nlohmann::json& line : lines) {
    if (!expected.count(line["key"]) && ++unexpected <= 15) {
      ADD_FAILURE() << "unexpected: " << line["code"] << " " << line["rule"] << " → "
                    << line["recipient"] << " at " << line["sent_at"]
                    << " fire_at=" << line["fire_at"];
    }
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(duplicated, 0);
  EXPECT_EQ(wrong_time, 0);
  EXPECT_EQ(unexpected, 0);
  EXPECT_EQ(lines.size(), expected.size());

  // The fixed cases: the last-day reminder that fell in the downtime was skipped, not sent; the
  // dossier due on the eve of Tết got its overdue notice on the first working day after it.
  const deadline::Dossier& down_case = sims[kDossiers].initial;
  const auto skipped_row = h.ledger->get(alert_key(
      AlertId{down_case.code, "han-chot-xin-gia-han", 0, 0, down_case.handler, kChannel}));
  ASSERT_TRUE(skipped_row.has_value());
  EXPECT_EQ(skipped_row->state, AlertState::skipped);
  const auto tet = h.ledger->get(
      alert_key(AlertId{sims[kDossiers + 1].initial.code, "qua-han", 0, 0, "tranthib", kChannel}));
  ASSERT_TRUE(tet.has_value());
  EXPECT_EQ(tet->state, AlertState::sent);
  EXPECT_EQ(tet->sent_at, local(2026, 2, 23, 7));
  EXPECT_GT(skipped, 0);
  EXPECT_GT(cancelled + postponed, 0);
  // Nothing is left in flight but what waits for after the end of the quarter.
  for (const AlertRow& r : h.ledger->list(AlertState::sending, 10)) ADD_FAILURE() << r.key;
  for (const AlertRow& r : h.ledger->list(AlertState::dead, 10)) {
    ADD_FAILURE() << "dead: " << r.id.code << " " << r.id.rule << " " << r.detail;
  }

  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::ostringstream summary;
  summary << sims.size() << " dossiers, " << actions.size() << " store changes, " << cycles
          << " cycles, " << expected.size() << " alerts expected, " << lines.size()
          << " sent, skipped " << skipped << ", cancelled " << cancelled << ", postponed "
          << postponed << ", " << secs << " s";
  std::cout << "[ quarter  ] " << summary.str() << '\n';
  RecordProperty("summary", summary.str());
}

}  // namespace
}  // namespace dunghan::alerting
