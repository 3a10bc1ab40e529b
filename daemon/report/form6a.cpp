#include "report/form6a.h"

#include <algorithm>
#include <stdexcept>

#include "text/collate.h"

namespace dunghan::report {

using deadline::ClockState;

std::string_view to_string(GroupBy g) {
  return g == GroupBy::field ? "field" : "department";
}

std::optional<GroupBy> parse_group_by(std::string_view s) {
  if (s == "field") return GroupBy::field;
  if (s == "department") return GroupBy::department;
  return std::nullopt;
}

Form6aCounters& Form6aCounters::operator+=(const Form6aCounters& o) {
  received_total += o.received_total;
  received_online += o.received_online;
  received_direct_post += o.received_direct_post;
  carried_over += o.carried_over;
  resolved_total += o.resolved_total;
  early += o.early;
  on_time += o.on_time;
  late += o.late;
  in_progress_total += o.in_progress_total;
  not_due += o.not_due;
  overdue += o.overdue;
  returned_withdrawn += o.returned_withdrawn;
  waiting_supplement += o.waiting_supplement;
  without_due += o.without_due;
  return *this;
}

Form6aBuilder::Form6aBuilder(calendar::Date from, calendar::Date to, GroupBy group_by,
                             const calendar::WorkCalendar& cal,
                             const deadline::DeadlineOptions& options,
                             const deadline::ProcedureCatalogue* catalogue)
    : from_(from),
      to_(to),
      group_by_(group_by),
      cal_(cal),
      options_(options),
      catalogue_(catalogue),
      end_of_period_(
          calendar::to_instant(to + std::chrono::days{1}, std::chrono::seconds{0}, cal.offset()) -
          std::chrono::seconds{1}) {
  if (to < from) {
    throw std::invalid_argument("form 6a: period ends (" + calendar::format_date(to) +
                                ") before it starts (" + calendar::format_date(from) + ")");
  }
}

void Form6aBuilder::add(const deadline::Dossier& d, std::span<const deadline::Event> events) {
  ++seen_;
  const calendar::UtcOffset offset = cal_.offset();
  const calendar::Date received = calendar::local_date(d.received_at, offset);
  if (received > to_) return;
  const std::optional<calendar::Instant> closing = deadline::closed_at(d);
  // A plain date and a flag rather than optional<Date>: GCC 12 at -O2 reports a false
  // maybe-uninitialized on the optional's payload.
  const bool is_closed = closing.has_value();
  const calendar::Date closed_date =
      is_closed ? calendar::local_date(*closing, offset) : calendar::Date{};
  const bool received_in_period = received >= from_;
  const bool carried = !received_in_period && (!is_closed || closed_date >= from_);
  if (!received_in_period && !carried) return;

  const std::string& key = group_by_ == GroupBy::field ? d.field : d.department;
  auto it = rows_.find(key);
  if (it == rows_.end()) it = rows_.emplace(key, Form6aCounters{}).first;
  Form6aCounters& c = it->second;
  ++counted_;

  ++c.received_total;
  if (!received_in_period) {
    ++c.carried_over;
  } else if (d.channel == deadline::Channel::online) {
    ++c.received_online;
  } else {
    ++c.received_direct_post;
  }

  const deadline::DossierClock clock =
      deadline::compute_clock(d, events, cal_, options_, catalogue_, end_of_period_);
  provisional_ = provisional_ || clock.provisional;
  if (!clock.anomalies.empty()) ++anomalous_;
  for (const deadline::Anomaly& a : clock.anomalies) {
    ++anomalies_;
    const std::string_view kind = deadline::to_string(a.kind);
    auto k = anomalies_by_kind_.find(kind);
    if (k == anomalies_by_kind_.end()) k = anomalies_by_kind_.emplace(std::string(kind), 0).first;
    ++k->second;
  }
  if (clock.has_lateness()) {
    ++lateness_dossiers_;
    for (const deadline::Anomaly& a : clock.anomalies) {
      if (deadline::is_lateness(a.kind)) ++lateness_by_kind_[a.kind];
    }
  }

  if (is_closed && closed_date <= to_) {
    ++c.resolved_total;
    if (!clock.valid) {
      ++c.on_time;
      ++c.without_due;
      if (d.status != deadline::Status::resolved) ++c.returned_withdrawn;
      return;
    }
    switch (clock.state) {
      case ClockState::early:
        ++c.early;
        break;
      case ClockState::late:
        ++c.late;
        break;
      case ClockState::returned:
      case ClockState::withdrawn:
        ++c.returned_withdrawn;
        ++c.on_time;
        break;
      default:  // on_time (an open state cannot occur for a dossier closed by the end of `to`)
        ++c.on_time;
        break;
    }
    return;
  }

  ++c.in_progress_total;
  if (!clock.valid) {
    ++c.not_due;
    ++c.without_due;
  } else if (clock.state == ClockState::waiting_applicant) {
    ++c.not_due;
    ++c.waiting_supplement;
  } else if (clock.judged_due_date >= to_) {
    ++c.not_due;
  } else {
    ++c.overdue;
  }
}

Form6a Form6aBuilder::result() const {
  Form6a f;
  f.from = from_;
  f.to = to_;
  f.group_by = group_by_;
  f.rows.reserve(rows_.size());
  for (const auto& [key, counters] : rows_) {
    f.rows.push_back(Form6aRow{key, counters});
    f.total += counters;
  }
  std::sort(f.rows.begin(), f.rows.end(), [](const Form6aRow& a, const Form6aRow& b) {
    if (a.key.empty() != b.key.empty()) return b.key.empty();  // "not recorded" last
    return text::compare_vietnamese(a.key, b.key) < 0;
  });
  f.provisional = provisional_;
  f.dossiers_seen = seen_;
  f.dossiers_counted = counted_;
  f.dossiers_anomalous = anomalous_;
  f.anomalies = anomalies_;
  f.anomalies_by_kind = anomalies_by_kind_;
  f.lateness_dossiers = lateness_dossiers_;
  f.lateness_by_kind = lateness_by_kind_;
  return f;
}

Form6a build_form6a(const DossierSource& source, calendar::Date from, calendar::Date to,
                    GroupBy group_by, const calendar::WorkCalendar& cal,
                    const deadline::DeadlineOptions& options,
                    const deadline::ProcedureCatalogue* catalogue) {
  Form6aBuilder builder(from, to, group_by, cal, options, catalogue);
  source([&builder](const deadline::Dossier& d, std::span<const deadline::Event> events) {
    builder.add(d, events);
  });
  return builder.result();
}

}  // namespace dunghan::report
