#pragma once
// Canonical columns and the conversion between text fields and the dossier model, shared by the
// SQLite stores and the CSV importer. Pure: no I/O, no clock.

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "calendar/civil.h"
#include "calendar/work_calendar.h"
#include "deadline/dossier.h"

namespace dunghan::store {

/// The canonical dossier columns, in this order (the index is the column's id).
enum class DossierColumn : std::size_t {
  code,
  procedure_code,
  procedure_name,
  field,
  department,
  handler,
  applicant,
  channel,
  received_at,
  duration,
  due_at,
  status,
  resolved_at,
  updated_at,
};
inline constexpr std::size_t kDossierColumnCount = 14;
inline constexpr std::array<std::string_view, kDossierColumnCount> kDossierColumns = {
    "code",    "procedure_code", "procedure_name", "field",       "department",
    "handler", "applicant",      "channel",        "received_at", "duration",
    "due_at",  "status",         "resolved_at",    "updated_at"};

/// The canonical event columns, in this order.
enum class EventColumn : std::size_t { code, at, kind, new_due_at, note };
inline constexpr std::size_t kEventColumnCount = 5;
inline constexpr std::array<std::string_view, kEventColumnCount> kEventColumns = {
    "code", "at", "kind", "new_due_at", "note"};

/// The index of a canonical column name (ASCII case-insensitive, blanks around ignored), or
/// nullopt.
std::optional<std::size_t> dossier_column_index(std::string_view name);
std::optional<std::size_t> event_column_index(std::string_view name);

/// One row as text: a field per canonical column, nullopt when the source has no such column or
/// the value is NULL. An empty or blank text counts as absent for optional columns.
using DossierFields = std::array<std::optional<std::string_view>, kDossierColumnCount>;
using EventFields = std::array<std::optional<std::string_view>, kEventColumnCount>;

/// The first column of a row (DossierFields or EventFields) whose value is present and not valid
/// UTF-8, or nullopt. Decoding keeps such texts readable (U+FFFD), so callers that must tell —
/// the CSV import refuses the row, a store read counts it — ask here first.
std::optional<std::size_t> first_not_utf8(std::span<const std::optional<std::string_view>> row);

/// Why a row was refused: the canonical column ("" for the row) and an English reason.
struct FieldError {
  std::string column;
  std::string reason;
};

struct DecodeOptions {
  calendar::UtcOffset offset;  // local date-times are at this offset
  /// updated_at when the row has none (e.g. the import time); nullopt: received_at is used.
  std::optional<calendar::Instant> default_updated_at;
  /// Accept the words of offices' files (import_vocabulary.h) besides the canonical names: status
  /// ("Đang xử lý", "Đã trả kết quả", …), channel ("Trực tuyến", "BCCI", …) and event kind ("Gia
  /// hạn", …), matched case- and accent-insensitively.
  bool vietnamese_words = false;
  /// Set (the importer): date-time values as spreadsheets write them (cell_datetime.h: one-digit
  /// hours, seconds, SA/CH, a date alone). A date alone is the opening of that day's office time
  /// for received_at and updated_at, and the close of its office day for due_at, resolved_at and
  /// an event's at and new_due_at. Null: the stores' strict forms only.
  const calendar::WorkCalendar* spreadsheet_calendar = nullptr;
  /// Refuse a row that names no deadline at all: no duration, no due_at and a procedure_code that
  /// `catalogue` (may be null) does not know (the importer's check; error column "duration").
  bool require_deadline = false;
  const deadline::ProcedureCatalogue* catalogue = nullptr;
};

/// Decodes one dossier row. Rules: code non-empty; received_at a local date-time; status one of
/// the canonical names (or a word, see DecodeOptions); channel canonical (or a word), absent →
/// direct;
/// duration parsable by calendar::parse_duration when present; due_at / resolved_at / updated_at
/// local date-times when present; due_at not before received_at; resolved_at only with a closed
/// status. Local date-times: "YYYY-MM-DD HH:MM[:SS]", "YYYY-MM-DDTHH:MM[:SS]", "DD/MM/YYYY
/// HH:MM[:SS]" (more with DecodeOptions::spreadsheet_calendar). Returns the dossier or the first
/// error found.
std::variant<deadline::Dossier, FieldError> decode_dossier(const DossierFields& f,
                                                           const DecodeOptions& options);

/// Decodes one event row: code non-empty, at a local date-time, kind canonical; new_due_at required
/// for `extended` and refused for the other kinds.
std::variant<deadline::Event, FieldError> decode_event(const EventFields& f,
                                                       const DecodeOptions& options);

/// "YYYY-MM-DD HH:MM:SS" local time of `t` at `offset` (the stores' text form).
std::string format_local_text(calendar::Instant t, calendar::UtcOffset offset);
/// Parses a local date-time in the forms decode_dossier accepts; nullopt on error.
std::optional<calendar::Instant> parse_local_text(std::string_view s, calendar::UtcOffset offset);

/// A timestamp text as a database writes it, brought to the local form decode_dossier reads:
/// fractional seconds are dropped ("08:30:00.25" → "08:30:00") and a zone suffix ("Z", "+07",
/// "+0700", "+07:00", "-03:30", with or without a blank before it) is applied, giving the local
/// wall time at `offset`. Any other text is returned unchanged (decoding then judges it).
std::string normalize_time_text(std::string_view s, calendar::UtcOffset offset);

/// The canonical texts of a dossier or an event (the inverse of decode_dossier / decode_event
/// with the same `offset`): every column filled, instants as local text at `offset`, absent
/// optional values as "".
std::array<std::string, kDossierColumnCount> encode_dossier(const deadline::Dossier& d,
                                                            calendar::UtcOffset offset);
std::array<std::string, kEventColumnCount> encode_event(const deadline::Event& e,
                                                        calendar::UtcOffset offset);

/// The lowest value :since is bound to for a full read.
inline constexpr std::string_view kLowestLocalText = "0000-01-01 00:00:00";

}  // namespace dunghan::store
