#include "store/csv_import.h"

#include <array>
#include <optional>

#include "store/row_codec.h"
#include "text/utf8.h"

namespace dunghan::store {
namespace {

/// Why `head` (the first bytes of a file) cannot start a UTF-8 CSV file, or nullopt.
std::optional<std::string> not_a_text_file(std::string_view head) {
  const auto starts = [&](std::string_view sig) { return head.substr(0, sig.size()) == sig; };
  constexpr std::string_view kSaveAs =
      "; in Excel use Save As → \"CSV UTF-8 (Comma delimited) (*.csv)\"";
  if (starts("\xFF\xFE") || starts("\xFE\xFF")) {
    return "the file is UTF-16 text (Excel's \"Unicode Text\"), not UTF-8" + std::string(kSaveAs);
  }
  if (starts("PK\x03\x04"))
    return "the file is an Excel workbook (.xlsx), not CSV" + std::string(kSaveAs);
  if (starts("\xD0\xCF\x11\xE0")) {
    return "the file is an Excel 97-2003 workbook (.xls), not CSV" + std::string(kSaveAs);
  }
  if (head.substr(0, 4096).find('\0') != std::string_view::npos) {
    return "the file holds NUL bytes: it is not UTF-8 text (UTF-16 without a byte order mark, or "
           "a binary file)" +
           std::string(kSaveAs);
  }
  return std::nullopt;
}

}  // namespace

// ---- CsvReader ----------------------------------------------------------------------------------

CsvReader::CsvReader(std::istream& in) : in_(in), buf_(1 << 16) {
  fill();
  if (auto why = not_a_text_file(std::string_view(buf_.data() + pos_, end_ - pos_))) {
    throw CsvError(*why);
  }
  if (end_ - pos_ >= 3 && static_cast<unsigned char>(buf_[pos_]) == 0xEF &&
      static_cast<unsigned char>(buf_[pos_ + 1]) == 0xBB &&
      static_cast<unsigned char>(buf_[pos_ + 2]) == 0xBF) {
    pos_ += 3;
    consumed_ += 3;
  }
  // Separator: count ',' and ';' outside quotes in the first record (within the first buffer).
  std::size_t commas = 0, semicolons = 0;
  bool quoted = false;
  for (std::size_t i = pos_; i < end_; ++i) {
    const char c = buf_[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '\n') {
      break;
    } else if (!quoted && c == ',') {
      ++commas;
    } else if (!quoted && c == ';') {
      ++semicolons;
    }
  }
  delim_ = semicolons > commas ? ';' : ',';
}

bool CsvReader::fill() {
  if (pos_ < end_) return true;
  if (!in_) return false;
  in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  pos_ = 0;
  end_ = static_cast<std::size_t>(in_.gcount());
  return end_ > 0;
}

int CsvReader::get() {
  if (pos_ >= end_ && !fill()) return -1;
  ++consumed_;
  return static_cast<unsigned char>(buf_[pos_++]);
}

int CsvReader::peek() {
  if (pos_ >= end_ && !fill()) return -1;
  return static_cast<unsigned char>(buf_[pos_]);
}

bool CsvReader::next(std::vector<std::string>& fields) {
  for (;;) {
    fields.clear();
    unterminated_ = false;
    record_line_ = line_;
    std::string field;
    bool in_quotes = false;
    bool any_quoted = false;
    bool any_char = false;
    for (;;) {
      const int c = get();
      if (c < 0) {
        if (!any_char) return false;
        unterminated_ = in_quotes;
        fields.push_back(std::move(field));
        break;
      }
      any_char = true;
      if (in_quotes) {
        if (c == '"') {
          if (peek() == '"') {
            get();
            field += '"';
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n') ++line_;
          field += static_cast<char>(c);
        }
        continue;
      }
      if (c == '"' && field.empty()) {
        in_quotes = true;
        any_quoted = true;
      } else if (c == delim_) {
        fields.push_back(std::move(field));
        field.clear();
      } else if (c == '\n') {
        ++line_;
        fields.push_back(std::move(field));
        break;
      } else if (c == '\r' && peek() == '\n') {
        // CRLF: the '\n' ends the record
      } else {
        field += static_cast<char>(c);
      }
    }
    const bool blank = fields.size() == 1 && fields[0].empty() && !any_quoted;
    if (!blank) return true;
  }
}

// ---- import -------------------------------------------------------------------------------------

namespace {

std::string lower_trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

/// The header: for each canonical column, its position in the record (or -1).
template <std::size_t N>
struct Header {
  std::array<int, N> position{};
  std::size_t width = 0;
};

template <std::size_t N>
Header<N> read_header(CsvReader& reader, std::vector<std::string>& fields,
                      std::optional<std::size_t> (*lookup)(std::string_view),
                      const std::array<std::string_view, N>& names,
                      std::initializer_list<std::size_t> required, ImportResult& result) {
  if (!reader.next(fields)) throw CsvError("the file is empty: no header row");
  Header<N> h;
  h.position.fill(-1);
  h.width = fields.size();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string name = lower_trim(fields[i]);
    const auto c = lookup(name);
    if (!c) {
      result.ignored_columns.push_back(fields[i]);
      continue;
    }
    if (h.position[*c] >= 0) {
      throw CsvError("line 1: column `" + std::string(names[*c]) + "` appears twice in the header");
    }
    h.position[*c] = static_cast<int>(i);
  }
  for (std::size_t r : required) {
    if (h.position[r] < 0) {
      throw CsvError("line 1: the header has no `" + std::string(names[r]) +
                     "` column (required; the header names the columns, e.g. " +
                     std::string(names[0]) + (reader.delimiter() == ';' ? ";" : ",") + "…)");
    }
  }
  return h;
}

/// Checks the record's width; fills `out` with views into `fields`.
template <std::size_t N>
std::optional<std::string> to_fields(const Header<N>& h, const std::vector<std::string>& fields,
                                     std::array<std::optional<std::string_view>, N>& out) {
  if (fields.size() != h.width) {
    return "the row has " + std::to_string(fields.size()) + " fields, the header has " +
           std::to_string(h.width);
  }
  for (std::size_t c = 0; c < N; ++c) {
    out[c] = h.position[c] >= 0
                 ? std::optional<std::string_view>(fields[static_cast<std::size_t>(h.position[c])])
                 : std::nullopt;
  }
  return std::nullopt;
}

void report(const ImportOptions& o, ImportResult& r, ImportProblem p) {
  ++r.rejected;
  if (o.on_problem) o.on_problem(p);
}

template <std::size_t N>
std::string code_of(const Header<N>& h, const std::vector<std::string>& fields) {
  const int p = h.position[0];
  if (p < 0 || static_cast<std::size_t>(p) >= fields.size()) return {};
  if (!text::is_valid_utf8(fields[static_cast<std::size_t>(p)])) return {};  // shown on terminals
  return lower_trim(fields[static_cast<std::size_t>(p)]).empty()
             ? std::string()
             : std::string(fields[static_cast<std::size_t>(p)]);
}

/// The record loop both imports share: every record of `reader` is checked (a closed quote, the
/// header's width), decoded with `decode` (a Fields array → variant<Record, FieldError>) and
/// handed to `take(Record&&, line)`; a rejected record is reported with its line, column and code
/// and the loop goes on.
template <std::size_t N, typename Decode, typename Take>
void for_each_record(CsvReader& reader, const Header<N>& h,
                     const std::array<std::string_view, N>& names, std::vector<std::string>& fields,
                     const ImportOptions& options, ImportResult& result, Decode decode, Take take) {
  std::array<std::optional<std::string_view>, N> row;
  while (reader.next(fields)) {
    ++result.rows;
    const std::int64_t line = reader.record_line();
    if (reader.unterminated()) {
      report(options, result,
             {line, "", "a quoted field is not closed before the end of the file",
              code_of(h, fields)});
      continue;
    }
    if (auto err = to_fields(h, fields, row)) {
      report(options, result, {line, "", *err, code_of(h, fields)});
      continue;
    }
    if (const auto bad = first_not_utf8(row)) {
      ++result.not_utf8;
      report(options, result,
             {line, std::string(names[*bad]),
              "not UTF-8 text (the file seems saved in a legacy code page such as Windows-1258, "
              "TCVN3 or VNI)",
              code_of(h, fields)});
      continue;
    }
    auto decoded = decode(row);
    if (auto* e = std::get_if<FieldError>(&decoded)) {
      report(options, result, {line, e->column, e->reason, code_of(h, fields)});
      continue;
    }
    take(std::move(std::get<0>(decoded)), line);
  }
}

}  // namespace

ImportResult import_dossiers_csv(std::istream& in, DossierStore& store,
                                 const ImportOptions& options) {
  ImportResult result;
  CsvReader reader(in);
  std::vector<std::string> fields;
  using C = DossierColumn;
  const auto h = read_header<kDossierColumnCount>(
      reader, fields, &dossier_column_index, kDossierColumns,
      {static_cast<std::size_t>(C::code), static_cast<std::size_t>(C::received_at),
       static_cast<std::size_t>(C::status)},
      result);
  DecodeOptions dec;
  dec.offset = options.offset;
  dec.default_updated_at = options.now;
  dec.channel_aliases = true;
  dec.require_deadline = true;
  dec.catalogue = options.catalogue;

  std::vector<deadline::Dossier> batch;
  batch.reserve(options.batch_size);
  const auto flush = [&] {
    if (batch.empty()) return;
    const WriteResult w = store.upsert(batch, {});
    result.taken += static_cast<std::int64_t>(batch.size());
    result.changed += w.dossiers_changed;
    batch.clear();
    if (options.progress) options.progress(reader.bytes_read());
  };
  for_each_record(
      reader, h, kDossierColumns, fields, options, result,
      [&](const DossierFields& row) { return decode_dossier(row, dec); },
      [&](deadline::Dossier&& d, std::int64_t) {
        batch.push_back(std::move(d));
        if (batch.size() >= options.batch_size) flush();
      });
  flush();
  return result;
}

ImportResult import_events_csv(std::istream& in, DossierStore& store,
                               const ImportOptions& options) {
  ImportResult result;
  CsvReader reader(in);
  std::vector<std::string> fields;
  using C = EventColumn;
  const auto h = read_header<kEventColumnCount>(
      reader, fields, &event_column_index, kEventColumns,
      {static_cast<std::size_t>(C::code), static_cast<std::size_t>(C::at),
       static_cast<std::size_t>(C::kind)},
      result);
  DecodeOptions dec;
  dec.offset = options.offset;

  std::vector<deadline::Event> batch;
  std::vector<std::int64_t> lines;
  const auto flush = [&] {
    if (batch.empty()) return;
    const WriteResult w = store.upsert({}, batch);
    result.taken += static_cast<std::int64_t>(batch.size() - w.events_without_dossier.size());
    result.changed += w.events_changed;
    for (std::size_t i : w.events_without_dossier) {
      report(options, result,
             {lines[i], "code",
              "no dossier with this code in the store (import the dossiers first)", batch[i].code});
    }
    batch.clear();
    lines.clear();
    if (options.progress) options.progress(reader.bytes_read());
  };
  for_each_record(
      reader, h, kEventColumns, fields, options, result,
      [&](const EventFields& row) { return decode_event(row, dec); },
      [&](deadline::Event&& e, std::int64_t line) {
        batch.push_back(std::move(e));
        lines.push_back(line);
        if (batch.size() >= options.batch_size) flush();
      });
  flush();
  return result;
}

}  // namespace dunghan::store
