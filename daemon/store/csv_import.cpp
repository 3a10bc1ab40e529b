#include "store/csv_import.h"

#include <array>
#include <optional>

#include "store/cell_datetime.h"
#include "store/row_codec.h"
#include "text/utf8.h"
#include "xlsx/reader.h"

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
  if (starts("PK\x03\x04")) {
    return "the file is an Excel workbook (.xlsx), not CSV (dunghan import reads it directly)" +
           std::string(kSaveAs);
  }
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
  // Separator: count ',' and ';' outside quotes in the first record that has either (within the
  // first buffer): a title line of an export ("DANH SÁCH HỒ SƠ") may have none.
  std::size_t commas = 0, semicolons = 0;
  bool quoted = false;
  for (std::size_t i = pos_; i < end_; ++i) {
    const char c = buf_[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '\n') {
      if (commas + semicolons > 0) break;
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

// ---- workbooks ---------------------------------------------------------------------------------

struct XlsxRecords::Impl {
  xlsx::Workbook workbook;
  std::optional<xlsx::SheetReader> sheet;
  xlsx::Row row;
  explicit Impl(std::istream& in) : workbook(in) {}
};

XlsxRecords::XlsxRecords(std::istream& in) {
  try {
    impl_ = std::make_unique<Impl>(in);
    if (impl_->workbook.sheet_names().empty()) throw CsvError("the workbook has no sheet");
    sheet_name_ = impl_->workbook.sheet_names().front();
    impl_->sheet.emplace(impl_->workbook.sheet(0));
  } catch (const xlsx::XlsxError& e) {
    throw CsvError(std::string("Excel workbook: ") + e.what());
  }
}

XlsxRecords::~XlsxRecords() = default;

bool XlsxRecords::next(std::vector<std::string>& fields) {
  try {
    while (impl_->sheet->next(impl_->row)) {
      fields.clear();
      bool blank = true;
      for (xlsx::Cell& c : impl_->row.cells) {
        if (!c.text.empty()) blank = false;
        fields.push_back(std::move(c.text));
      }
      if (blank) continue;
      line_ = impl_->row.number;
      return true;
    }
    return false;
  } catch (const xlsx::XlsxError& e) {
    throw CsvError(std::string("Excel workbook: ") + e.what());
  }
}

std::uint64_t XlsxRecords::bytes_read() const {
  return impl_->sheet->bytes_read();
}

std::uint64_t XlsxRecords::total_bytes() const {
  return impl_->sheet->total_bytes();
}

bool XlsxRecords::date1904() const {
  return impl_->workbook.date1904();
}

std::unique_ptr<RecordSource> open_records(std::istream& in) {
  char sig[4] = {};
  in.read(sig, sizeof sig);
  const bool zip =
      in.gcount() == 4 && std::string_view(sig, 4) == std::string_view("PK\x03\x04", 4);
  in.clear();
  in.seekg(0);
  if (zip) return std::make_unique<XlsxRecords>(in);
  return std::make_unique<CsvReader>(in);
}

// ---- import -------------------------------------------------------------------------------------

namespace {

/// The header: for each canonical column, its position in the record (or -1).
template <std::size_t N>
struct Header {
  std::array<int, N> position{};
  std::size_t width = 0;       // fields a record must have (CSV) or is cut to (workbook)
  std::size_t recognised = 0;  // headings that named a column
  std::string duplicate;  // "line L: column `x` appears twice …" when a column is named twice
  std::vector<std::string> unknown;
  bool utf8 = true;
};

/// Resolves the headings of one record.
template <std::size_t N>
Header<N> resolve_header(const std::vector<std::string>& fields, ImportKind kind,
                         const std::array<std::string_view, N>& names,
                         const std::vector<HeadingMapping>& mappings, bool workbook,
                         std::int64_t line) {
  Header<N> h;
  h.position.fill(-1);
  h.width = fields.size();
  if (workbook) {
    while (h.width > 0 && fields[h.width - 1].find_first_not_of(" \t") == std::string::npos) {
      --h.width;
    }
  }
  for (std::size_t i = 0; i < h.width; ++i) {
    const std::string& heading = fields[i];
    if (!text::is_valid_utf8(heading)) {
      h.utf8 = false;
      continue;
    }
    if (heading.find_first_not_of(" \t") == std::string::npos) continue;
    const auto c = heading_column(kind, heading, mappings);
    if (!c) {
      if (!is_row_number_heading(heading)) h.unknown.push_back(heading);
      continue;
    }
    if (h.position[*c] >= 0) {
      if (h.duplicate.empty()) {
        h.duplicate = "line " + std::to_string(line) + ": column `" + std::string(names[*c]) +
                      "` is named twice in the header (\"" +
                      fields[static_cast<std::size_t>(h.position[*c])] + "\" and \"" + heading +
                      "\")";
      }
      continue;
    }
    h.position[*c] = static_cast<int>(i);
    ++h.recognised;
  }
  return h;
}

template <std::size_t N>
bool has_required(const Header<N>& h, std::initializer_list<std::size_t> required) {
  for (std::size_t r : required) {
    if (h.position[r] < 0) return false;
  }
  return true;
}

constexpr std::string_view kLegacyHint =
    "the file seems saved in a legacy code page (Excel's plain \"CSV\" on a Vietnamese Windows "
    "writes Windows-1258; TCVN3 and VNI files exist too); hint: save it again as UTF-8 (Excel: "
    "Save As "
    "→ \"CSV UTF-8 (Comma delimited)\", or keep it as .xlsx; Unikey's converter for TCVN3 or VNI "
    "files) and import it again";

/// Finds the header among the first kHeaderSearch records (see the file comment). Throws CsvError
/// when there is none.
template <std::size_t N>
Header<N> find_header(RecordSource& source, std::vector<std::string>& fields, ImportKind kind,
                      const std::array<std::string_view, N>& names,
                      std::initializer_list<std::size_t> required, const ImportOptions& options,
                      ImportResult& result) {
  std::optional<Header<N>> best;
  std::int64_t best_line = 0;
  std::optional<std::int64_t> not_utf8_line;
  bool any = false;
  for (int i = 0; i < kHeaderSearch && source.next(fields); ++i) {
    any = true;
    const std::int64_t line = source.record_line();
    Header<N> h = resolve_header(fields, kind, names, options.mappings, source.is_workbook(), line);
    if (!h.utf8 && !not_utf8_line) not_utf8_line = line;
    if (h.duplicate.empty() && has_required(h, required)) {
      result.header_line = line;
      result.ignored_columns = h.unknown;
      return h;
    }
    if (!best || h.recognised > best->recognised) {
      best = std::move(h);
      best_line = line;
    }
  }
  if (!any) throw CsvError("the file is empty: no header row");
  if (best->recognised == 0 && not_utf8_line) {
    throw CsvError("line " + std::to_string(*not_utf8_line) +
                   ": the header is not UTF-8 text: " + std::string(kLegacyHint));
  }
  if (!best->duplicate.empty()) throw CsvError(best->duplicate);
  for (std::size_t r : required) {
    if (best->position[r] < 0) {
      throw CsvError(
          "line " + std::to_string(best_line) + ": the header has no `" + std::string(names[r]) +
          "` column (required; the header names the columns, e.g. " + std::string(names[0]) +
          (source.delimiter() == ';' ? ";" : ",") + "… or in Vietnamese \"Mã hồ sơ\", …; " +
          "`dunghan import --help` lists the headings; --map \"Heading=" + std::string(names[r]) +
          "\" names your own)");
    }
  }
  throw CsvError("no header row found");  // unreachable: a complete header was returned above
}

/// Checks the record's width; fills `out` with views into `fields`.
template <std::size_t N>
std::optional<std::string> to_fields(const Header<N>& h, std::vector<std::string>& fields,
                                     bool workbook,
                                     std::array<std::optional<std::string_view>, N>& out) {
  if (workbook) {
    fields.resize(h.width);  // missing cells are empty; cells right of the last heading ignored
  } else if (fields.size() != h.width) {
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
  const std::string& v = fields[static_cast<std::size_t>(p)];
  if (!text::is_valid_utf8(v)) return {};  // shown on terminals
  return v.find_first_not_of(" \t") == std::string::npos ? std::string() : v;
}

/// The record loop both imports share: every record of `source` is checked (a closed quote, the
/// header's width, UTF-8), workbook serial dates in `date_columns` made text, decoded with
/// `decode` (a Fields array → variant<Record, FieldError>) and handed to `take(Record&&, line)`; a
/// rejected record is reported with its line, column and code and the loop goes on.
template <std::size_t N, typename Decode, typename Take>
void for_each_record(RecordSource& source, const Header<N>& h,
                     const std::array<std::string_view, N>& names,
                     std::initializer_list<std::size_t> date_columns,
                     std::vector<std::string>& fields, const ImportOptions& options,
                     ImportResult& result, Decode decode, Take take) {
  std::array<std::optional<std::string_view>, N> row;
  const bool workbook = source.is_workbook();
  while (source.next(fields)) {
    ++result.rows;
    const std::int64_t line = source.record_line();
    if (source.unterminated()) {
      report(options, result,
             {line, "", "a quoted field is not closed before the end of the file",
              code_of(h, fields)});
      continue;
    }
    if (workbook) {
      for (std::size_t c : date_columns) {
        const int p = h.position[c];
        if (p < 0 || static_cast<std::size_t>(p) >= fields.size()) continue;
        std::string& v = fields[static_cast<std::size_t>(p)];
        if (!is_plain_number(v)) continue;
        const std::string d = xlsx::format_serial(std::stod(v), source.date1904(), false);
        if (!d.empty()) v = d;
      }
    }
    if (auto err = to_fields(h, fields, workbook, row)) {
      report(options, result, {line, "", *err, code_of(h, fields)});
      continue;
    }
    if (const auto bad = first_not_utf8(row)) {
      ++result.not_utf8;
      ++result.rejected;
      if (!result.first_not_utf8) {
        result.first_not_utf8 = ImportProblem{line, std::string(names[*bad]),
                                              std::string(kLegacyHint), code_of(h, fields)};
      }
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

DecodeOptions decode_options(const ImportOptions& options) {
  DecodeOptions dec;
  dec.offset = options.offset;
  dec.vietnamese_words = true;
  dec.spreadsheet_calendar = options.calendar;
  return dec;
}

std::size_t col(DossierColumn c) {
  return static_cast<std::size_t>(c);
}
std::size_t col(EventColumn c) {
  return static_cast<std::size_t>(c);
}

}  // namespace

ImportResult import_dossiers(RecordSource& source, DossierStore& store,
                             const ImportOptions& options) {
  ImportResult result;
  std::vector<std::string> fields;
  using C = DossierColumn;
  const auto h = find_header<kDossierColumnCount>(
      source, fields, ImportKind::dossiers, kDossierColumns,
      {col(C::code), col(C::received_at), col(C::status)}, options, result);
  DecodeOptions dec = decode_options(options);
  dec.default_updated_at = options.now;
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
    if (options.progress) options.progress(source.bytes_read());
  };
  for_each_record(
      source, h, kDossierColumns,
      {col(C::received_at), col(C::due_at), col(C::resolved_at), col(C::updated_at)}, fields,
      options, result, [&](const DossierFields& row) { return decode_dossier(row, dec); },
      [&](deadline::Dossier&& d, std::int64_t) {
        batch.push_back(std::move(d));
        if (batch.size() >= options.batch_size) flush();
      });
  flush();
  return result;
}

ImportResult import_events(RecordSource& source, DossierStore& store,
                           const ImportOptions& options) {
  ImportResult result;
  std::vector<std::string> fields;
  using C = EventColumn;
  const auto h =
      find_header<kEventColumnCount>(source, fields, ImportKind::events, kEventColumns,
                                     {col(C::code), col(C::at), col(C::kind)}, options, result);
  const DecodeOptions dec = decode_options(options);

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
    if (options.progress) options.progress(source.bytes_read());
  };
  for_each_record(
      source, h, kEventColumns, {col(C::at), col(C::new_due_at)}, fields, options, result,
      [&](const EventFields& row) { return decode_event(row, dec); },
      [&](deadline::Event&& e, std::int64_t line) {
        batch.push_back(std::move(e));
        lines.push_back(line);
        if (batch.size() >= options.batch_size) flush();
      });
  flush();
  return result;
}

ImportResult import_dossiers_csv(std::istream& in, DossierStore& store,
                                 const ImportOptions& options) {
  CsvReader reader(in);
  return import_dossiers(reader, store, options);
}

ImportResult import_events_csv(std::istream& in, DossierStore& store,
                               const ImportOptions& options) {
  CsvReader reader(in);
  return import_events(reader, store, options);
}

}  // namespace dunghan::store
