#include "deadline/clock.h"

#include <algorithm>
#include <array>
#include <utility>

#include "calendar/due_date.h"

namespace dunghan::deadline {

using calendar::Date;
using calendar::WorkingDays;
using calendar::WorkingMinutes;

namespace {

constexpr std::array<std::string_view, 10> kStateNames{
    "waiting_applicant", "overdue", "due_today", "due_soon",  "not_due", "early",
    "on_time",           "late",    "returned",  "withdrawn",
};

constexpr std::array<std::string_view, 22> kAnomalyNames{
    "no_due",
    "unknown_procedure",
    "calendar_error",
    "event_other_dossier",
    "events_unordered",
    "event_before_receipt",
    "event_after_close",
    "repeated_supplement_request",
    "unmatched_supplement_received",
    "repeated_pause",
    "unmatched_resumed",
    "extension_without_due",
    "second_extension",
    "restart_without_duration",
    "missing_resolved_at",
    "resolved_before_receipt",
    "status_without_event",
    "extension_after_due",
    "extension_late_notice",
    "supplement_after_due",
    "supplement_late_request",
    "supplement_repeated",
};

std::string describe_instant(Instant t, const calendar::WorkCalendar& cal) {
  return calendar::format_iso(t, cal.offset());
}

// The running state of the event replay.
class Replay {
 public:
  Replay(const Dossier& d, const calendar::WorkCalendar& cal, const DeadlineOptions& options,
         std::optional<calendar::Duration> duration, calendar::DueOptions due_options,
         DossierClock& clock)
      : d_(d),
        cal_(cal),
        options_(options),
        duration_(duration),
        due_options_(due_options),
        clock_(clock) {}

  void start() {
    if (duration_) {
      const calendar::DueResult r =
          calendar::compute_due(cal_, d_.received_at, *duration_, due_options_);
      clock_.computed_due = r.due_at;
      clock_.counting_from = r.counting_from;
      clock_.provisional = clock_.provisional || r.provisional;
    } else {
      clock_.counting_from = cal_.roll_to_office_time(d_.received_at);
    }
    clock_.issued_due = d_.due_at;
    clock_.original_due = d_.due_at ? *d_.due_at : *clock_.computed_due;
    clock_.current_due = clock_.original_due;
  }

  void apply(const Event& e) {
    switch (e.kind) {
      case EventKind::supplement_requested: {
        if (supplement_since_ || late_supplement_open_) {
          note(AnomalyKind::repeated_supplement_request, e.at,
               "supplement_requested while already waiting for a supplement; ignored");
          return;
        }
        ++rounds_;
        if (rounds_ > 1) {
          note(AnomalyKind::supplement_repeated, e.at,
               "supplementation round " + std::to_string(rounds_) + " requested at " +
                   describe_instant(e.at, cal_) +
                   ": the law allows one request for supplementation (Decree 61/2018 art. 19(4))");
        }
        if (after_due_in_force(e.at, "supplementation requested")) {
          late_supplement_open_ = true;
          return;
        }
        if (rounds_ == 1) {
          const Instant window_end =
              calendar::compute_due(cal_, d_.received_at, options_.supplement_request_within,
                                    due_options_)
                  .due_at;
          if (e.at > window_end) {
            note(AnomalyKind::supplement_late_request, e.at,
                 "supplementation requested at " + describe_instant(e.at, cal_) + ", later than " +
                     calendar::format_duration(options_.supplement_request_within) +
                     " after the receipt (the window closed " + describe_instant(window_end, cal_) +
                     "); the restart counts (Decree 61/2018 art. 19(4))");
          }
        }
        supplement_since_ = e.at;
        begin_stop(e.at);
        return;
      }
      case EventKind::supplement_received:
        if (late_supplement_open_) {
          // The answer to a request made after the due: the clock never stopped, nothing restarts.
          late_supplement_open_ = false;
          return;
        }
        if (!supplement_since_) {
          note(AnomalyKind::unmatched_supplement_received, e.at,
               "supplement_received without a pending supplement_requested; ignored");
          return;
        }
        supplement_since_.reset();
        if (options_.supplement == SupplementMode::restart) {
          if (duration_) {
            restart(e.at);
            return;
          }
          note(AnomalyKind::restart_without_duration, e.at,
               "supplement mode restart needs a duration; the waiting time is excluded instead");
        }
        if (!pause_since_) end_stop(e.at);
        return;
      case EventKind::paused:
        if (pause_since_) {
          note(AnomalyKind::repeated_pause, e.at, "paused while already paused; ignored");
          return;
        }
        pause_since_ = e.at;
        begin_stop(e.at);
        return;
      case EventKind::resumed:
        if (!pause_since_) {
          note(AnomalyKind::unmatched_resumed, e.at, "resumed without a pause; ignored");
          return;
        }
        pause_since_.reset();
        if (!supplement_since_) end_stop(e.at);
        return;
      case EventKind::extended:
        if (!e.new_due_at) {
          note(AnomalyKind::extension_without_due, e.at, "extended without new_due_at; ignored");
          return;
        }
        if (clock_.extended) {
          note(AnomalyKind::second_extension, e.at,
               "second extension to " + describe_instant(*e.new_due_at, cal_) +
                   " not applied: an appointment may be rescheduled only once "
                   "(Decree 61/2018 art. 19(9))");
          return;
        }
        check_extension_in_time(e.at);
        clock_.extended = true;
        set_current(*e.new_due_at);
        return;
    }
  }

  /// The dossier's status says it waits but the events show no open wait of that kind and no
  /// event of that kind at all: assume the wait began at updated_at. A supplementation wait that
  /// would begin after the due in force is supplement_after_due and stops nothing.
  void assume_wait_from_status(EventKind kind, Instant since) {
    if (kind == EventKind::supplement_requested) {
      if (after_due_in_force(since, "status waiting_supplement (assumed since updated_at)")) return;
      supplement_since_ = since;
    } else {
      pause_since_ = since;
    }
    begin_stop(since);
  }

  /// A wait still open when the dossier closed ends there with pause semantics.
  void end_waits_at_close(Instant closing) {
    if (!stopped_since_) return;
    supplement_since_.reset();
    pause_since_.reset();
    end_stop(closing);
  }

  bool waiting() const { return stopped_since_.has_value(); }
  std::optional<Instant> stopped_since() const { return stopped_since_; }
  bool supplement_open() const { return supplement_since_.has_value(); }
  bool pause_open() const { return pause_since_.has_value(); }
  WorkingMinutes excluded() const { return excluded_; }
  /// The appointment lateness is judged against (DossierClock::judged_due).
  Instant judged_due() const {
    return judged_by_original_ ? clock_.original_due : clock_.current_due;
  }

 private:
  /// `due` as in force at `t`: moved by the office time of a stop still open at `t` (that time is
  /// excluded once the stop ends).
  Instant in_force_at(Instant due, Instant t) const {
    if (!stopped_since_ || t <= *stopped_since_) return due;
    return cal_.add_working_minutes(due, cal_.working_minutes_between(*stopped_since_, t));
  }

  /// Notes supplement_after_due and returns true when `t` is after the due in force at `t`.
  bool after_due_in_force(Instant t, std::string_view what) {
    const Instant due = in_force_at(judged_due(), t);
    if (t <= due) return false;
    note(AnomalyKind::supplement_after_due, t,
         std::string(what) + " at " + describe_instant(t, cal_) + ", after the due instant " +
             describe_instant(due, cal_) +
             ": it stops nothing and the dossier stays overdue (Decree 61/2018 art. 19(4))");
    return true;
  }

  /// docs/rules.md §2: an extension is due no later than 1 working day before the original due
  /// date.
  void check_extension_in_time(Instant t) {
    const Instant original = in_force_at(clock_.original_due, t);
    if (t > original) {
      note(AnomalyKind::extension_after_due, t,
           "extension recorded at " + describe_instant(t, cal_) +
               ", after the original due instant " + describe_instant(original, cal_) +
               ": the new appointment drives the alerts, the dossier is judged against the "
               "original one (Decree 61/2018 art. 19(9))");
      judged_by_original_ = true;
      return;
    }
    const Date original_date = calendar::local_date(original, cal_.offset());
    const Date last_in_time = cal_.add_working_days(original_date, WorkingDays{-1});
    if (calendar::local_date(t, cal_.offset()) > last_in_time) {
      note(AnomalyKind::extension_late_notice, t,
           "extension recorded at " + describe_instant(t, cal_) + ", later than " +
               calendar::format_date_vn(last_in_time) +
               " (1 working day before the original due date " +
               calendar::format_date_vn(original_date) +
               "); the extension counts (Decree 61/2018 art. 19(9))");
    }
  }

  void note(AnomalyKind kind, Instant at, std::string message) {
    clock_.anomalies.push_back(Anomaly{kind, at, std::move(message)});
  }

  void begin_stop(Instant t) {
    if (!stopped_since_) stopped_since_ = t;
  }

  void end_stop(Instant t) {
    if (!stopped_since_) return;
    const WorkingMinutes m = cal_.working_minutes_between(*stopped_since_, t);
    stopped_since_.reset();
    if (m.count <= 0) return;
    excluded_.count += m.count;
    if (clock_.computed_due)
      clock_.computed_due = cal_.add_working_minutes(*clock_.computed_due, m);
    clock_.original_due = cal_.add_working_minutes(clock_.original_due, m);
    set_current(cal_.add_working_minutes(clock_.current_due, m));
  }

  void restart(Instant t) {
    const calendar::DueResult r = calendar::compute_due(cal_, t, *duration_, due_options_);
    clock_.provisional = clock_.provisional || r.provisional;
    clock_.computed_due = r.due_at;
    clock_.counting_from = r.counting_from;
    clock_.original_due = r.due_at;
    excluded_ = WorkingMinutes{0};
    // A pause still open continues from the restart.
    stopped_since_.reset();
    if (pause_since_) stopped_since_ = t;
    set_current(r.due_at);
  }

  void set_current(Instant due) {
    if (due != clock_.current_due) ++clock_.due_version;
    clock_.current_due = due;
  }

  const Dossier& d_;
  const calendar::WorkCalendar& cal_;
  const DeadlineOptions& options_;
  std::optional<calendar::Duration> duration_;
  calendar::DueOptions due_options_;
  DossierClock& clock_;

  std::optional<Instant> supplement_since_;
  std::optional<Instant> pause_since_;
  std::optional<Instant> stopped_since_;  // start of the current stop (any wait open)
  WorkingMinutes excluded_{0};            // stopped office time since counting_from
  int rounds_ = 0;                        // supplementation rounds requested so far
  bool late_supplement_open_ = false;     // a request after the due, not yet answered
  bool judged_by_original_ = false;       // extension_after_due: judged against original_due
};

ClockState classify_resolution(Instant resolved, Instant due, const calendar::WorkCalendar& cal,
                               CompareMode compare) {
  const Date rd = calendar::local_date(resolved, cal.offset());
  const Date dd = calendar::local_date(due, cal.offset());
  if (rd < dd) return ClockState::early;
  if (rd > dd) return ClockState::late;
  if (compare == CompareMode::instant && resolved > due) return ClockState::late;
  return ClockState::on_time;
}

bool is_due_soon(const DossierClock& c, const calendar::WorkCalendar& cal,
                 const DeadlineOptions& options) {
  const Date today = calendar::local_date(c.at, cal.offset());
  const std::int64_t n = options.due_soon.amount;
  switch (options.due_soon.unit) {
    case calendar::DurationUnit::working_days:
      return c.due_date <= cal.add_working_days(today, WorkingDays{n});
    case calendar::DurationUnit::calendar_days:
      return c.due_date <= today + std::chrono::days{n};
    case calendar::DurationUnit::working_hours:
      return c.left.count <= n * 60;
  }
  return false;
}

ClockState placeholder_state(Status s) {
  switch (s) {
    case Status::resolved:
      return ClockState::on_time;
    case Status::returned:
      return ClockState::returned;
    case Status::withdrawn:
      return ClockState::withdrawn;
    case Status::processing:
    case Status::waiting_supplement:
    case Status::paused:
      break;
  }
  return ClockState::not_due;
}

}  // namespace

std::string_view to_string(ClockState s) {
  const auto i = static_cast<std::size_t>(s);
  return i < kStateNames.size() ? kStateNames[i] : "?";
}

std::string_view to_string(AnomalyKind k) {
  const auto i = static_cast<std::size_t>(k);
  return i < kAnomalyNames.size() ? kAnomalyNames[i] : "?";
}

std::string_view label_vn(AnomalyKind k) {
  switch (k) {
    case AnomalyKind::no_due:
      return "Không xác định được thời hạn (thiếu thời hạn giải quyết và ngày hẹn trả)";
    case AnomalyKind::unknown_procedure:
      return "Mã thủ tục không có trong danh mục";
    case AnomalyKind::calendar_error:
      return "Ngày nằm ngoài phạm vi lịch làm việc";
    case AnomalyKind::event_other_dossier:
      return "Sự kiện ghi mã hồ sơ khác (bỏ qua)";
    case AnomalyKind::events_unordered:
      return "Sự kiện không theo thứ tự thời gian (đã sắp xếp lại)";
    case AnomalyKind::event_before_receipt:
      return "Sự kiện trước thời điểm tiếp nhận (bỏ qua)";
    case AnomalyKind::event_after_close:
      return "Sự kiện sau khi hồ sơ đã kết thúc (bỏ qua)";
    case AnomalyKind::repeated_supplement_request:
      return "Yêu cầu bổ sung khi đang chờ bổ sung (bỏ qua)";
    case AnomalyKind::unmatched_supplement_received:
      return "Nhận bổ sung khi không có yêu cầu bổ sung (bỏ qua)";
    case AnomalyKind::repeated_pause:
      return "Tạm dừng khi đang tạm dừng (bỏ qua)";
    case AnomalyKind::unmatched_resumed:
      return "Tiếp tục xử lý khi không tạm dừng (bỏ qua)";
    case AnomalyKind::extension_without_due:
      return "Gia hạn không có ngày hẹn trả mới (bỏ qua)";
    case AnomalyKind::second_extension:
      return "Gia hạn lần thứ hai (không áp dụng)";
    case AnomalyKind::restart_without_duration:
      return "Tính lại thời hạn nhưng thiếu thời hạn giải quyết (tính như tạm dừng)";
    case AnomalyKind::missing_resolved_at:
      return "Đã kết thúc nhưng thiếu thời điểm giải quyết (dùng thời điểm cập nhật)";
    case AnomalyKind::resolved_before_receipt:
      return "Thời điểm giải quyết trước thời điểm tiếp nhận";
    case AnomalyKind::status_without_event:
      return "Trạng thái chờ hoặc tạm dừng không có sự kiện tương ứng";
    case AnomalyKind::extension_after_due:
      return "Gia hạn sau khi đã quá hạn";
    case AnomalyKind::extension_late_notice:
      return "Gia hạn muộn (sau ngày làm việc trước ngày hẹn)";
    case AnomalyKind::supplement_after_due:
      return "Yêu cầu bổ sung sau khi đã quá hạn";
    case AnomalyKind::supplement_late_request:
      return "Yêu cầu bổ sung muộn";
    case AnomalyKind::supplement_repeated:
      return "Yêu cầu bổ sung nhiều lần";
  }
  return to_string(k);
}

std::optional<AnomalyKind> anomaly_kind_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kAnomalyNames.size(); ++i) {
    if (kAnomalyNames[i] == name) return static_cast<AnomalyKind>(i);
  }
  return std::nullopt;
}

bool DossierClock::has(AnomalyKind k) const {
  return std::any_of(anomalies.begin(), anomalies.end(),
                     [k](const Anomaly& a) { return a.kind == k; });
}

bool DossierClock::has_lateness() const {
  return std::any_of(anomalies.begin(), anomalies.end(),
                     [](const Anomaly& a) { return is_lateness(a.kind); });
}

std::optional<calendar::Duration> duration_for(const Dossier& d,
                                               const ProcedureCatalogue* catalogue) {
  if (d.duration) return d.duration;
  const Procedure* proc = catalogue != nullptr ? catalogue->find(d.procedure_code) : nullptr;
  if (proc != nullptr) return proc->duration;
  return std::nullopt;
}

calendar::DueOptions due_options_for(const Procedure* procedure, const DeadlineOptions& options) {
  calendar::DueOptions o;
  if (procedure != nullptr) o.cutoff = procedure->cutoff;
  o.working_days_as_hours = options.working_days_as == WorkingDaysAs::hours;
  return o;
}

DossierClock compute_clock(const Dossier& d, std::span<const Event> events,
                           const calendar::WorkCalendar& cal, const DeadlineOptions& options,
                           const ProcedureCatalogue* catalogue, Instant at) {
  DossierClock clock;
  clock.at = at;

  const Procedure* proc = catalogue != nullptr ? catalogue->find(d.procedure_code) : nullptr;
  const std::optional<calendar::Duration> duration = duration_for(d, catalogue);
  const calendar::DueOptions due_options = due_options_for(proc, options);

  // The closing instant, and whether the dossier had closed by `at`.
  const std::optional<Instant> closing = closed_at(d);
  if (is_closed(d.status)) {
    if (!d.resolved_at) {
      clock.anomalies.push_back(
          {AnomalyKind::missing_resolved_at, std::nullopt,
           "status " + std::string(to_string(d.status)) + " without resolved_at; updated_at used"});
    } else if (*d.resolved_at < d.received_at) {
      clock.anomalies.push_back({AnomalyKind::resolved_before_receipt, d.resolved_at,
                                 "resolved_at before received_at; received_at used"});
    }
  }
  const bool closed_by_at = closing && *closing <= at;
  if (closed_by_at) clock.closed = closing;

  if (!duration && !d.due_at) {
    if (!d.procedure_code.empty() && catalogue != nullptr && proc == nullptr) {
      clock.anomalies.push_back({AnomalyKind::unknown_procedure, std::nullopt,
                                 "procedure " + d.procedure_code + " not in the catalogue"});
    }
    clock.invalid_reason = "no duration (dossier or catalogue) and no issued due_at";
    clock.anomalies.push_back({AnomalyKind::no_due, std::nullopt, clock.invalid_reason});
    clock.state = closed_by_at ? placeholder_state(d.status) : ClockState::not_due;
    return clock;
  }

  // Select and order the events that apply.
  std::vector<const Event*> applied;
  applied.reserve(events.size());
  bool other_reported = false;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (e.code != d.code) {
      if (!other_reported) {
        clock.anomalies.push_back(
            {AnomalyKind::event_other_dossier, e.at, "event for dossier " + e.code + " ignored"});
        other_reported = true;
      }
      continue;
    }
    if (e.at > at) continue;  // the future at `at`: not an anomaly
    if (e.at < d.received_at) {
      clock.anomalies.push_back({AnomalyKind::event_before_receipt, e.at,
                                 std::string(to_string(e.kind)) + " before receipt; ignored"});
      continue;
    }
    if (closing && e.at > *closing) {
      clock.anomalies.push_back({AnomalyKind::event_after_close, e.at,
                                 std::string(to_string(e.kind)) + " after closing; ignored"});
      continue;
    }
    applied.push_back(&e);
  }
  const auto by_time = [](const Event* a, const Event* b) { return a->at < b->at; };
  if (!std::is_sorted(applied.begin(), applied.end(), by_time)) {
    clock.anomalies.push_back(
        {AnomalyKind::events_unordered, std::nullopt, "events not in order of time; sorted"});
    std::stable_sort(applied.begin(), applied.end(), by_time);
  }

  try {
    Replay replay(d, cal, options, duration, due_options, clock);
    replay.start();
    for (const Event* e : applied) replay.apply(*e);

    // A waiting status with no event of that kind at all: the store has no history; assume the
    // wait began at updated_at.
    if (!closed_by_at && at >= d.updated_at &&
        (d.status == Status::waiting_supplement || d.status == Status::paused)) {
      const EventKind begin = d.status == Status::waiting_supplement
                                  ? EventKind::supplement_requested
                                  : EventKind::paused;
      const bool open =
          begin == EventKind::supplement_requested ? replay.supplement_open() : replay.pause_open();
      const bool any = std::any_of(events.begin(), events.end(), [&](const Event& e) {
        return e.code == d.code && e.kind == begin;
      });
      if (!open && !any) {
        clock.anomalies.push_back({AnomalyKind::status_without_event, d.updated_at,
                                   "status " + std::string(to_string(d.status)) + " without a " +
                                       std::string(to_string(begin)) +
                                       " event; waiting assumed since updated_at"});
        replay.assume_wait_from_status(begin, std::max(d.updated_at, d.received_at));
      }
    }
    if (closed_by_at) replay.end_waits_at_close(*closing);

    clock.due_date = calendar::local_date(clock.current_due, cal.offset());
    clock.original_due_date = calendar::local_date(clock.original_due, cal.offset());
    clock.judged_due = replay.judged_due();
    clock.judged_due_date = calendar::local_date(clock.judged_due, cal.offset());

    Instant end = at;
    if (closed_by_at) {
      end = *closing;
    } else if (replay.waiting()) {
      end = *replay.stopped_since();
      clock.waiting_since = replay.stopped_since();
    }
    const WorkingMinutes gross = cal.working_minutes_between(clock.counting_from, end);
    clock.used = WorkingMinutes{std::max<std::int64_t>(0, gross.count - replay.excluded().count)};
    clock.left = cal.working_minutes_between(end, clock.current_due);

    if (closed_by_at) {
      if (d.status == Status::returned) {
        clock.state = ClockState::returned;
      } else if (d.status == Status::withdrawn) {
        clock.state = ClockState::withdrawn;
      } else {
        const Instant judged =
            options.judge_against == JudgeAgainst::original ? clock.original_due : clock.judged_due;
        clock.state = classify_resolution(*closing, judged, cal, options.compare);
      }
    } else if (replay.waiting()) {
      clock.state = ClockState::waiting_applicant;
    } else if (at > clock.judged_due) {
      clock.state = ClockState::overdue;
    } else if (calendar::local_date(at, cal.offset()) == clock.due_date) {
      clock.state = ClockState::due_today;
    } else if (is_due_soon(clock, cal, options)) {
      clock.state = ClockState::due_soon;
    } else {
      clock.state = ClockState::not_due;
    }

    clock.provisional = clock.provisional ||
                        cal.is_provisional(calendar::year_of(clock.due_date)) ||
                        cal.is_provisional(calendar::year_of(clock.original_due_date));
    clock.valid = true;
  } catch (const calendar::CalendarError& e) {
    clock = DossierClock{};
    clock.at = at;
    if (closed_by_at) clock.closed = closing;
    clock.invalid_reason = std::string("calendar: ") + e.what();
    clock.anomalies.push_back({AnomalyKind::calendar_error, std::nullopt, clock.invalid_reason});
    clock.state = closed_by_at ? placeholder_state(d.status) : ClockState::not_due;
  }
  return clock;
}

namespace {

// Dated entries of kind `pred` in (a, b], both local dates, across the years they span.
template <typename Pred>
std::vector<calendar::DayEntry> entries_between(const calendar::WorkCalendar& cal, Date a, Date b,
                                                Pred pred) {
  std::vector<calendar::DayEntry> out;
  for (int y = calendar::year_of(a); y <= calendar::year_of(b); ++y) {
    for (calendar::DayEntry& e : cal.entries_in_year(y)) {
      if (e.date > a && e.date <= b && pred(e)) out.push_back(std::move(e));
    }
  }
  return out;
}

std::string list_dates(const std::vector<calendar::DayEntry>& entries) {
  std::string s;
  for (const calendar::DayEntry& e : entries) {
    if (!s.empty()) s += ", ";
    s += calendar::format_date_vn(e.date);
    if (!e.name.empty()) s += " (" + e.name + ")";
  }
  return s;
}

}  // namespace

std::optional<AuditFinding> audit(const Dossier& d, const calendar::WorkCalendar& cal,
                                  const DeadlineOptions& options,
                                  const ProcedureCatalogue* catalogue) {
  if (!d.due_at) return std::nullopt;
  const Procedure* proc = catalogue != nullptr ? catalogue->find(d.procedure_code) : nullptr;
  const std::optional<calendar::Duration> duration = duration_for(d, catalogue);
  if (!duration) return std::nullopt;
  const calendar::DueOptions due_options = due_options_for(proc, options);

  const calendar::DueResult r = calendar::compute_due(cal, d.received_at, *duration, due_options);
  AuditFinding f;
  f.code = d.code;
  f.issued_date = calendar::local_date(*d.due_at, cal.offset());
  f.computed_date = r.due_date;
  if (f.issued_date == f.computed_date) return std::nullopt;

  const bool later = f.issued_date > f.computed_date;
  const Date lo = later ? f.computed_date : f.issued_date;
  const Date hi = later ? f.issued_date : f.computed_date;
  const std::int64_t n = cal.count_working_days(lo + std::chrono::days{1}, hi).count;
  f.working_days_difference = later ? n : -n;

  std::string& why = f.reason;
  why = "issued appointment " + calendar::format_date_vn(f.issued_date) +
        " differs from computed " + calendar::format_date_vn(f.computed_date) + " by " +
        std::to_string(f.working_days_difference) + " working day(s)";
  const calendar::DayInfo info = cal.describe(f.issued_date);
  if (!info.working) {
    if (info.kind && calendar::is_day_off(*info.kind)) {
      why += "; the issued date is a day off";
      if (!info.name.empty()) why += " (" + info.name + ")";
    } else {
      why += "; the issued date is a weekly rest day (" +
             std::string(calendar::weekday_name_vn(f.issued_date)) + ")";
    }
  }
  const Date receipt = calendar::local_date(r.counting_from, cal.offset());
  if (later) {
    // Working days dunghan counted that the issuer may not have: make-up working days.
    const auto makeups = entries_between(cal, receipt, hi, [](const calendar::DayEntry& e) {
      return !calendar::is_day_off(e.kind);
    });
    if (!makeups.empty())
      why += "; make-up working day(s) not counted by the issuer? " + list_dates(makeups);
  } else {
    // Days dunghan skipped that the issuer may have counted: days off on weekdays.
    const auto offs = entries_between(cal, receipt, hi, [&cal](const calendar::DayEntry& e) {
      return calendar::is_day_off(e.kind) && !cal.describe(e.date).rest_day;
    });
    if (!offs.empty()) why += "; day(s) off counted as working by the issuer? " + list_dates(offs);
  }
  return f;
}

}  // namespace dunghan::deadline
