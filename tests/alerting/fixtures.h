#pragma once
// Shared by the alerting tests: the real 2026 calendar (the shipped schedule), local instants
// written by hand, dossier / rule / recipient builders, a recording channel with scripted
// outcomes, and a harness that wires a real SQLite store, a real SQLite ledger and fire schedule,
// a ManualClock and the engine together in a temporary directory.

#include <spdlog/spdlog.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "alerting/engine.h"
#include "alerting/fire_schedule.h"
#include "alerting/ledger.h"
#include "alerting/planner.h"
#include "alerting/rules.h"
#include "calendar/clock.h"
#include "calendar/work_calendar.h"
#include "channels/channel.h"
#include "channels/options.h"
#include "config/schedule_file.h"
#include "deadline/clock.h"
#include "render/templates.h"
#include "store/store.h"

namespace dunghan::alerting::testing {

using calendar::Date;
using calendar::Instant;

inline Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

/// Local (+07:00) wall time → instant, computed here without the calendar module.
inline Instant local(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return Instant{ymd(y, m, d).time_since_epoch()} + std::chrono::hours{hh} +
         std::chrono::minutes{mm} + std::chrono::seconds{ss} - std::chrono::hours{7};
}

/// The agency's calendar: default sessions 07:00–11:30, 13:30–17:00, +07:00, the shipped official
/// schedule (2026: Tết Mon 16/02 – Fri 20/02, New Year 01–02/01 with make-up Sat 10/01, …).
inline std::shared_ptr<const calendar::WorkCalendar> real_calendar() {
  static const std::shared_ptr<const calendar::WorkCalendar> c = [] {
    calendar::CalendarSpec spec;
    spec.schedules.push_back(config::builtin_schedule());
    return calendar::WorkCalendar::build(std::move(spec));
  }();
  return c;
}

inline calendar::Duration wd(std::int64_t n) {
  return calendar::Duration{n, calendar::DurationUnit::working_days};
}

inline deadline::Dossier make_dossier(std::string code, Instant received,
                                      std::optional<calendar::Duration> duration = wd(5),
                                      std::string handler = "cv1",
                                      std::string department = "Phòng Một cửa") {
  deadline::Dossier d;
  d.code = std::move(code);
  d.procedure_code = "1.000001";
  d.procedure_name = "Cấp phép thử nghiệm";
  d.field = "Thử nghiệm";
  d.department = std::move(department);
  d.handler = std::move(handler);
  d.applicant = "Công ty TNHH Thử";
  d.channel = deadline::Channel::direct;
  d.received_at = received;
  d.duration = duration;
  d.updated_at = received;
  return d;
}

inline Recipient person(std::string id, std::string department, std::vector<std::string> roles) {
  Recipient r;
  r.id = id;
  r.name = "Người " + id;
  r.email = id + "@example.gov.vn";
  r.department = std::move(department);
  r.roles = std::move(roles);
  return r;
}

/// cv1, cv2 (handlers) and tp1 (head) of "Phòng Một cửa"; tp2 head of another department; ld1
/// leader.
inline std::vector<Recipient> office_people() {
  return {person("cv1", "Phòng Một cửa", {"handler"}), person("cv2", "Phòng Một cửa", {"handler"}),
          person("tp1", "Phòng Một cửa", {"head"}), person("tp2", "Phòng Khác", {"head"}),
          person("ld1", "Lãnh đạo", {"leader"})};
}

inline Rule make_rule(std::string name, Stage when, std::vector<std::string> to,
                      std::vector<std::string> channels = {"file"},
                      std::optional<std::string> offset = std::nullopt) {
  Rule r;
  r.name = std::move(name);
  r.when = when;
  if (offset) r.offset = parse_offset(*offset);
  for (const std::string& t : to) r.to.push_back(parse_target(t));
  r.channels = std::move(channels);
  return r;
}

/// A channel that records what it was asked to send and answers from a script (default: sent).
class RecordingChannel final : public channels::Channel {
 public:
  struct Call {
    channels::Message message;
    channels::Address to;
    Instant at;
  };
  RecordingChannel(std::string name, channels::SendWindow window, const calendar::Clock& clock)
      : name_(std::move(name)), window_(window), clock_(clock) {}
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "recording"; }
  channels::SendWindow send_window() const override { return window_; }
  channels::Outcome send(const channels::Message& m, const channels::Address& to) override {
    calls.push_back(Call{m, to, clock_.now()});
    if (script) return script(calls.back());
    if (!queue.empty()) {
      channels::Outcome o = queue.front();
      queue.pop_front();
      return o;
    }
    return channels::Outcome::sent_ok();
  }
  std::vector<Call> calls;
  std::deque<channels::Outcome> queue;                   // answers in order, then `sent`
  std::function<channels::Outcome(const Call&)> script;  // overrides `queue` when set

 private:
  std::string name_;
  channels::SendWindow window_;
  const calendar::Clock& clock_;
};

/// One JSON object per line of a file channel's output.
inline std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& p) {
  std::vector<nlohmann::json> out;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

/// A directory on tmpfs when there is one (the simulations fsync a lot; durability across a
/// power cut is not what they test), removed at the end.
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device rd;
    std::filesystem::path base = std::filesystem::temp_directory_path();
    std::error_code ec;
    if (std::filesystem::is_directory("/dev/shm", ec)) base = "/dev/shm";
    path_ = base / ("dunghan-alerting-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Real store, ledger, fire schedule and engine in a scratch directory, driven by a ManualClock.
struct Harness {
  explicit Harness(Instant start) : clock(start) {
    spdlog::set_level(spdlog::level::off);
    store::StoreSettings s;
    s.path = dir.path() / "dossiers.db";
    s.offset = cal->offset();
    store = store::open_store(s);
    ledger = open_sqlite_ledger(dir.path() / "state.db");
    schedule = FireSchedule::open(dir.path() / "state.db");
  }

  /// A `file` channel named `name` writing to dir/NAME.jsonl.
  channels::Channel* add_file_channel(const std::string& name, channels::SendWindow window) {
    channels::ChannelOptions o;
    o.name = name;
    o.type = "file";
    o.send_window = window;
    o.utc_offset = cal->offset();
    o.kind = channels::FileOptions{dir.path() / (name + ".jsonl")};
    owned.push_back(channels::make_channel(o, clock, dir.path()));
    by_name[name] = owned.back().get();
    return owned.back().get();
  }
  RecordingChannel* add_recording_channel(const std::string& name, channels::SendWindow window) {
    auto ch = std::make_unique<RecordingChannel>(name, window, clock);
    RecordingChannel* raw = ch.get();
    owned.push_back(std::move(ch));
    by_name[name] = raw;
    return raw;
  }
  std::filesystem::path file_of(const std::string& name) const {
    return dir.path() / (name + ".jsonl");
  }

  /// (Re)builds the engine, as a restart of the daemon would (the ledger and store stay).
  Engine& start(std::vector<Rule> rules, std::vector<Recipient> people = office_people(),
                std::uint64_t seed = 42) {
    settings.rules = std::move(rules);
    settings.directory = Directory(std::move(people));
    engine = std::make_unique<Engine>(settings, cal, *store, *ledger, *schedule, by_name, templates,
                                      clock, seed);
    return *engine;
  }

  void upsert(const deadline::Dossier& d, std::vector<deadline::Event> events = {}) {
    store->upsert(std::span<const deadline::Dossier>(&d, 1), events);
  }

  CycleReport cycle_at(Instant t) {
    clock.set(t);
    return engine->run_cycle();
  }

  AlertRow row(const AlertId& id) {
    auto r = ledger->get(alert_key(id));
    if (!r) throw std::runtime_error("no ledger row for " + id.code + "/" + id.rule);
    return *r;
  }

  ScratchDir dir;
  std::shared_ptr<const calendar::WorkCalendar> cal = real_calendar();
  calendar::ManualClock clock;
  std::unique_ptr<store::DossierStore> store;
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<FireSchedule> schedule;
  render::Templates templates = render::Templates::load(std::nullopt);
  std::vector<std::unique_ptr<channels::Channel>> owned;
  std::map<std::string, channels::Channel*> by_name;
  EngineSettings settings;
  std::unique_ptr<Engine> engine;
};

}  // namespace dunghan::alerting::testing
