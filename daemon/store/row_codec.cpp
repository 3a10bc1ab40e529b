#include "store/row_codec.h"

#include <cstdio>

#include "calendar/due_date.h"
#include "store/cell_datetime.h"
#include "store/import_vocabulary.h"
#include "text/normalize.h"
#include "text/utf8.h"

namespace dunghan::store {
namespace {

using deadline::Dossier;
using deadline::Event;

std::string_view trim_field(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

template <std::size_t N>
std::optional<std::size_t> column_index(const std::array<std::string_view, N>& names,
                                        std::string_view name) {
  name = trim_field(name);
  for (std::size_t i = 0; i < N; ++i) {
    if (iequals_ascii(names[i], name)) return i;
  }
  return std::nullopt;
}

/// The trimmed value, or nullopt when absent or blank.
template <typename Fields, typename Col>
std::optional<std::string_view> value(const Fields& f, Col c) {
  const auto& v = f[static_cast<std::size_t>(c)];
  if (!v) return std::nullopt;
  const std::string_view t = trim_field(*v);
  if (t.empty()) return std::nullopt;
  return t;
}

std::string quoted_excerpt(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 80));
  if (s.size() > 80) out += "…";
  out += '"';
  return out;
}

constexpr std::string_view kNotUtf8 = "not UTF-8 text (a legacy encoding such as TCVN3?)";

/// A text field as dossiers keep it: NFC, and valid UTF-8 (bytes of a legacy encoding become
/// U+FFFD, so that every report, JSON and message built from it stays well-formed).
std::string readable(std::string_view v) {
  return text::is_valid_utf8(v) ? text::to_nfc(v) : text::to_nfc(text::replace_invalid_utf8(v));
}

constexpr std::string_view kDateTimeForms =
    "expected YYYY-MM-DD HH:MM[:SS] or DD/MM/YYYY HH:MM[:SS]";
constexpr std::string_view kCellForms =
    "expected DD/MM/YYYY H:MM[:SS] [SA|CH], YYYY-MM-DD H:MM[:SS] or a date alone";

std::string_view date_forms(const DecodeOptions& o) {
  return o.spreadsheet_calendar != nullptr ? kCellForms : kDateTimeForms;
}

/// A date-time field: the stores' strict forms, or (importer) a spreadsheet cell where a date alone
/// counts at `part` of that day.
std::optional<calendar::Instant> time_value(std::string_view v, const DecodeOptions& o,
                                            DayPart part) {
  if (o.spreadsheet_calendar == nullptr) return parse_local_text(v, o.offset);
  const auto cell = parse_cell_datetime(v);
  if (!cell || !calendar::in_supported_range(cell->date)) return std::nullopt;
  return cell_instant(*cell, part, *o.spreadsheet_calendar);
}

}  // namespace

std::optional<std::size_t> dossier_column_index(std::string_view name) {
  return column_index(kDossierColumns, name);
}
std::optional<std::size_t> first_not_utf8(std::span<const std::optional<std::string_view>> row) {
  for (std::size_t c = 0; c < row.size(); ++c) {
    if (row[c] && !text::is_valid_utf8(*row[c])) return c;
  }
  return std::nullopt;
}

std::optional<std::size_t> event_column_index(std::string_view name) {
  return column_index(kEventColumns, name);
}

std::string format_local_text(calendar::Instant t, calendar::UtcOffset offset) {
  const calendar::LocalDateTime l = calendar::to_local(t, offset);
  const std::chrono::year_month_day ymd{l.date};
  const long long secs = l.time_of_day.count();
  char buf[96];  // generous: -Wformat-truncation cannot see the value ranges
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), secs / 3600, (secs / 60) % 60, secs % 60);
  return buf;
}

std::optional<calendar::Instant> parse_local_text(std::string_view s, calendar::UtcOffset offset) {
  const auto l = calendar::parse_local_datetime(trim_field(s));
  if (!l) return std::nullopt;
  if (!calendar::in_supported_range(l->date)) return std::nullopt;
  return calendar::to_instant(*l, offset);
}

std::string normalize_time_text(std::string_view s, calendar::UtcOffset offset) {
  const std::string_view t = trim_field(s);
  // The date and time part ends at the first character after HH:MM[:SS] that is no digit.
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t colon = t.find(':');
  if (colon == std::string_view::npos || colon < 2) return std::string(s);
  std::size_t end = colon + 1;
  while (end < t.size() && (is_digit(t[end]) || t[end] == ':')) ++end;
  std::string_view fraction;
  if (end < t.size() && t[end] == '.') {
    std::size_t f = end + 1;
    while (f < t.size() && is_digit(t[f])) ++f;
    fraction = t.substr(end, f - end);
  }
  std::string_view zone = t.substr(end + fraction.size());
  while (!zone.empty() && zone.front() == ' ') zone.remove_prefix(1);
  if (fraction.empty() && zone.empty()) return std::string(s);
  const std::string local(t.substr(0, end));
  if (zone.empty()) return local;
  std::string suffix;
  if (zone == "Z" || zone == "z") {
    suffix = "Z";
  } else if ((zone.front() == '+' || zone.front() == '-') && zone.size() >= 3 &&
             is_digit(zone[1]) && is_digit(zone[2])) {
    std::string_view mm = zone.substr(3);
    if (!mm.empty() && mm.front() == ':') mm.remove_prefix(1);
    if (mm.empty()) mm = "00";
    if (mm.size() != 2 || !is_digit(mm[0]) || !is_digit(mm[1])) return std::string(s);
    suffix = std::string(zone.substr(0, 3)) + ":" + std::string(mm);
  } else {
    return std::string(s);
  }
  const auto l = calendar::parse_local_datetime(local);
  const auto instant = calendar::parse_instant(local + suffix, offset);
  if (!l || !instant) return std::string(s);
  return format_local_text(*instant, offset);
}

std::array<std::string, kDossierColumnCount> encode_dossier(const Dossier& d,
                                                            calendar::UtcOffset offset) {
  using C = DossierColumn;
  std::array<std::string, kDossierColumnCount> f;
  const auto set = [&f](C c, std::string v) { f[static_cast<std::size_t>(c)] = std::move(v); };
  const auto time = [offset](const std::optional<calendar::Instant>& t) {
    return t ? format_local_text(*t, offset) : std::string();
  };
  set(C::code, d.code);
  set(C::procedure_code, d.procedure_code);
  set(C::procedure_name, d.procedure_name);
  set(C::field, d.field);
  set(C::department, d.department);
  set(C::handler, d.handler);
  set(C::applicant, d.applicant);
  set(C::channel, std::string(deadline::to_string(d.channel)));
  set(C::received_at, format_local_text(d.received_at, offset));
  set(C::duration, d.duration ? calendar::format_duration(*d.duration) : std::string());
  set(C::due_at, time(d.due_at));
  set(C::status, std::string(deadline::to_string(d.status)));
  set(C::resolved_at, time(d.resolved_at));
  set(C::updated_at, format_local_text(d.updated_at, offset));
  return f;
}

std::array<std::string, kEventColumnCount> encode_event(const Event& e,
                                                        calendar::UtcOffset offset) {
  using C = EventColumn;
  std::array<std::string, kEventColumnCount> f;
  f[static_cast<std::size_t>(C::code)] = e.code;
  f[static_cast<std::size_t>(C::at)] = format_local_text(e.at, offset);
  f[static_cast<std::size_t>(C::kind)] = std::string(deadline::to_string(e.kind));
  f[static_cast<std::size_t>(C::new_due_at)] =
      e.new_due_at ? format_local_text(*e.new_due_at, offset) : std::string();
  f[static_cast<std::size_t>(C::note)] = e.note;
  return f;
}

std::variant<Dossier, FieldError> decode_dossier(const DossierFields& f,
                                                 const DecodeOptions& options) {
  using C = DossierColumn;
  Dossier d;
  const auto name = [](C c) { return std::string(kDossierColumns[static_cast<std::size_t>(c)]); };
  const auto required_missing = [&](C c) { return FieldError{name(c), "required value is empty"}; };
  const auto bad_time = [&](C c, std::string_view v) {
    return FieldError{name(c), quoted_excerpt(v) + " is not a date-time (" +
                                   std::string(date_forms(options)) + ")"};
  };

  const auto code = value(f, C::code);
  if (!code) return required_missing(C::code);
  if (!text::is_valid_utf8(*code)) return FieldError{name(C::code), std::string(kNotUtf8)};
  d.code = text::to_nfc(*code);

  // Texts are kept in NFC so that NFD input ("Unicode tổ hợp") compares, groups and filters
  // equal to the same words typed precomposed (text/normalize.h), and always valid UTF-8.
  const auto field_text = [&](C c) { return readable(value(f, c).value_or(std::string_view{})); };
  d.procedure_code = field_text(C::procedure_code);
  d.procedure_name = field_text(C::procedure_name);
  d.field = field_text(C::field);
  d.department = field_text(C::department);
  d.handler = field_text(C::handler);
  d.applicant = field_text(C::applicant);

  if (const auto ch = value(f, C::channel)) {
    const auto parsed =
        options.vietnamese_words ? parse_channel_word(*ch) : deadline::parse_channel(*ch);
    if (!parsed) {
      return FieldError{name(C::channel),
                        quoted_excerpt(*ch) + " is not a channel (online, direct or post)"};
    }
    d.channel = *parsed;
  }

  const auto received = value(f, C::received_at);
  if (!received) return required_missing(C::received_at);
  const auto received_at = time_value(*received, options, DayPart::opening);
  if (!received_at) return bad_time(C::received_at, *received);
  d.received_at = *received_at;

  if (const auto dur = value(f, C::duration)) {
    d.duration = calendar::parse_duration(*dur);
    if (!d.duration) {
      return FieldError{name(C::duration), quoted_excerpt(*dur) +
                                               " is not a duration (e.g. \"15 working days\", "
                                               "\"15 ngày làm việc\", \"4 working hours\", "
                                               "\"30 days\")"};
    }
  }

  if (const auto due = value(f, C::due_at)) {
    d.due_at = time_value(*due, options, DayPart::close);
    if (!d.due_at) return bad_time(C::due_at, *due);
    if (*d.due_at < d.received_at) {
      return FieldError{name(C::due_at), "due_at " + quoted_excerpt(*due) +
                                             " is before received_at " + quoted_excerpt(*received)};
    }
  }

  const auto status = value(f, C::status);
  if (!status) return required_missing(C::status);
  const auto st =
      options.vietnamese_words ? parse_status_word(*status) : deadline::parse_status(*status);
  if (!st) {
    return FieldError{name(C::status),
                      quoted_excerpt(*status) +
                          " is not a status (processing, waiting_supplement, paused, resolved, "
                          "returned or withdrawn" +
                          (options.vietnamese_words
                               ? std::string("; or Đang xử lý, Chờ bổ sung, Tạm dừng, Đã trả kết "
                                             "quả, Trả lại, Rút hồ sơ …)")
                               : std::string(")"))};
  }
  d.status = *st;

  if (const auto res = value(f, C::resolved_at)) {
    d.resolved_at = time_value(*res, options, DayPart::close);
    if (!d.resolved_at) return bad_time(C::resolved_at, *res);
    if (!deadline::is_closed(d.status)) {
      return FieldError{name(C::resolved_at), "resolved_at is set but status \"" +
                                                  std::string(deadline::to_string(d.status)) +
                                                  "\" is open"};
    }
  }

  if (const auto upd = value(f, C::updated_at)) {
    const auto u = time_value(*upd, options, DayPart::opening);
    if (!u) return bad_time(C::updated_at, *upd);
    d.updated_at = *u;
  } else {
    d.updated_at = options.default_updated_at.value_or(d.received_at);
  }

  if (options.require_deadline && !d.duration && !d.due_at &&
      (options.catalogue == nullptr || options.catalogue->find(d.procedure_code) == nullptr)) {
    return FieldError{name(C::duration),
                      d.procedure_code.empty()
                          ? std::string("no deadline: duration and due_at are empty and there is "
                                        "no procedure_code")
                          : "no deadline: duration and due_at are empty and procedure " +
                                quoted_excerpt(d.procedure_code) + " is not in the catalogue"};
  }
  return d;
}

std::variant<Event, FieldError> decode_event(const EventFields& f, const DecodeOptions& options) {
  using C = EventColumn;
  const auto name = [](C c) { return std::string(kEventColumns[static_cast<std::size_t>(c)]); };
  Event e;
  const auto code = value(f, C::code);
  if (!code) return FieldError{name(C::code), "required value is empty"};
  if (!text::is_valid_utf8(*code)) return FieldError{name(C::code), std::string(kNotUtf8)};
  e.code = text::to_nfc(*code);

  const auto at = value(f, C::at);
  if (!at) return FieldError{name(C::at), "required value is empty"};
  const auto at_i = time_value(*at, options, DayPart::close);
  if (!at_i) {
    return FieldError{name(C::at), quoted_excerpt(*at) + " is not a date-time (" +
                                       std::string(date_forms(options)) + ")"};
  }
  e.at = *at_i;

  const auto kind = value(f, C::kind);
  if (!kind) return FieldError{name(C::kind), "required value is empty"};
  const auto k =
      options.vietnamese_words ? parse_event_kind_word(*kind) : deadline::parse_event_kind(*kind);
  if (!k) {
    return FieldError{name(C::kind),
                      quoted_excerpt(*kind) +
                          " is not an event kind (supplement_requested, supplement_received, "
                          "paused, resumed or extended)"};
  }
  e.kind = *k;

  const auto nd = value(f, C::new_due_at);
  if (e.kind == deadline::EventKind::extended) {
    if (!nd) return FieldError{name(C::new_due_at), "required for an extended event"};
  } else if (nd) {
    return FieldError{name(C::new_due_at), "only an extended event has a new_due_at"};
  }
  if (nd) {
    e.new_due_at = time_value(*nd, options, DayPart::close);
    if (!e.new_due_at) {
      return FieldError{name(C::new_due_at), quoted_excerpt(*nd) + " is not a date-time (" +
                                                 std::string(date_forms(options)) + ")"};
    }
  }
  if (const auto note = f[static_cast<std::size_t>(C::note)]) e.note = readable(trim_field(*note));
  return e;
}

}  // namespace dunghan::store
