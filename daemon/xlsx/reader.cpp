#include "xlsx/reader.h"

#include <expat.h>
#include <minizip/unzip.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string_view>

namespace dunghan::xlsx {
namespace {

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kMaxSharedStringBytes = 512u << 20;
constexpr std::size_t kMaxCellBytes = 1u << 20;
constexpr std::size_t kMaxSmallPart = 64u << 20;  // workbook, relationships, styles
constexpr int kMaxColumns = 16384;                // A..XFD

// ---- the zip container over a std::istream (minizip's I/O hooks) ------------------------------

voidpf open_stream(voidpf opaque, const void*, int) {
  return opaque;  // the stream is opened by the caller; minizip gets it back as its handle
}
uLong read_stream(voidpf, voidpf stream, void* buf, uLong size) {
  auto* in = static_cast<std::istream*>(stream);
  in->read(static_cast<char*>(buf), static_cast<std::streamsize>(size));
  const std::streamsize got = in->gcount();
  if (!*in && !in->bad()) in->clear();  // a short read at the end is not an error for minizip
  return static_cast<uLong>(got);
}
uLong write_stream(voidpf, voidpf, const void*, uLong) {
  return 0;
}
ZPOS64_T tell_stream(voidpf, voidpf stream) {
  auto* in = static_cast<std::istream*>(stream);
  const auto p = in->tellg();
  return p < 0 ? static_cast<ZPOS64_T>(-1) : static_cast<ZPOS64_T>(p);
}
long seek_stream(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto* in = static_cast<std::istream*>(stream);
  in->clear();
  std::ios_base::seekdir dir = std::ios_base::beg;
  if (origin == ZLIB_FILEFUNC_SEEK_CUR) dir = std::ios_base::cur;
  if (origin == ZLIB_FILEFUNC_SEEK_END) dir = std::ios_base::end;
  in->seekg(static_cast<std::streamoff>(offset), dir);
  return in->fail() ? -1 : 0;
}
int close_stream(voidpf, voidpf) {
  return 0;
}
int error_stream(voidpf, voidpf stream) {
  return static_cast<std::istream*>(stream)->bad() ? 1 : 0;
}

std::string what_it_seems(std::istream& in) {
  in.clear();
  in.seekg(0);
  char head[8] = {};
  in.read(head, sizeof head);
  in.clear();
  if (std::memcmp(head, "\xD0\xCF\x11\xE0", 4) == 0) {
    return "it is an Excel 97-2003 workbook (.xls) or a password-protected workbook, not .xlsx";
  }
  return "it is not a zip archive";
}

// ---- XML through expat ------------------------------------------------------------------------

/// The local name of an element or attribute: "x:row" → "row".
std::string_view local_name(const XML_Char* name) {
  std::string_view n(name);
  const std::size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

/// The value of attribute `name` (by local name), or nullptr.
const XML_Char* attribute(const XML_Char** atts, std::string_view name) {
  for (int i = 0; atts[i] != nullptr; i += 2) {
    if (local_name(atts[i]) == name) return atts[i + 1];
  }
  return nullptr;
}

/// Handlers of one XML part. Text is delivered only while `collect` says so.
struct XmlHandlers {
  std::function<void(std::string_view, const XML_Char**)> start;
  std::function<void(std::string_view)> end;
  std::function<void(std::string_view)> text;
};

/// An expat parser bound to handlers; DOCTYPE refused.
class XmlParser {
 public:
  XmlParser(std::string part, XmlHandlers h) : part_(std::move(part)), h_(std::move(h)) {
    p_ = XML_ParserCreate("UTF-8");
    if (p_ == nullptr) throw XlsxError(part_ + ": cannot create an XML parser");
    XML_SetUserData(p_, this);
    XML_SetElementHandler(p_, &XmlParser::on_start, &XmlParser::on_end);
    XML_SetCharacterDataHandler(p_, &XmlParser::on_text);
    XML_SetStartDoctypeDeclHandler(p_, &XmlParser::on_doctype);
  }
  ~XmlParser() { XML_ParserFree(p_); }
  XmlParser(const XmlParser&) = delete;
  XmlParser& operator=(const XmlParser&) = delete;

  void feed(const char* data, std::size_t n, bool final) {
    if (XML_Parse(p_, data, static_cast<int>(n), final ? 1 : 0) == XML_STATUS_OK) return;
    if (!error_.empty()) throw XlsxError(part_ + ": " + error_);
    throw XlsxError(part_ + ": XML error at line " + std::to_string(XML_GetCurrentLineNumber(p_)) +
                    ": " + XML_ErrorString(XML_GetErrorCode(p_)));
  }
  /// Stops the parse with `why` (thrown by feed()).
  void fail(std::string why) {
    error_ = std::move(why);
    XML_StopParser(p_, XML_FALSE);
  }

 private:
  static void on_start(void* self, const XML_Char* name, const XML_Char** atts) {
    auto* p = static_cast<XmlParser*>(self);
    try {
      if (p->h_.start) p->h_.start(local_name(name), atts);
    } catch (const std::exception& e) {  // never through expat's C frames
      p->fail(e.what());
    }
  }
  static void on_end(void* self, const XML_Char* name) {
    auto* p = static_cast<XmlParser*>(self);
    try {
      if (p->h_.end) p->h_.end(local_name(name));
    } catch (const std::exception& e) {  // never through expat's C frames
      p->fail(e.what());
    }
  }
  static void on_text(void* self, const XML_Char* s, int len) {
    auto* p = static_cast<XmlParser*>(self);
    try {
      if (p->h_.text) p->h_.text(std::string_view(s, static_cast<std::size_t>(len)));
    } catch (const std::exception& e) {  // never through expat's C frames
      p->fail(e.what());
    }
  }
  static void on_doctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<XmlParser*>(self)->fail("a DOCTYPE declaration (not part of OOXML) is refused");
  }

  std::string part_;
  XmlHandlers h_;
  XML_Parser p_ = nullptr;
  std::string error_;
};

/// "_x000D_" and the like (Excel's escape of characters XML cannot hold) → the character, as
/// UTF-8; "_x005F_" escapes the underscore itself.
std::string unescape_excel(std::string s) {
  if (s.find("_x") == std::string::npos) return s;
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_') {
      unsigned v = 0;
      const auto r = std::from_chars(s.data() + i + 2, s.data() + i + 6, v, 16);
      if (r.ec == std::errc{} && r.ptr == s.data() + i + 6) {
        if (v < 0x80) {
          out += static_cast<char>(v);
        } else if (v < 0x800) {
          out += static_cast<char>(0xC0 | (v >> 6));
          out += static_cast<char>(0x80 | (v & 0x3F));
        } else {
          out += static_cast<char>(0xE0 | (v >> 12));
          out += static_cast<char>(0x80 | ((v >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (v & 0x3F));
        }
        i += 6;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// ---- number formats ---------------------------------------------------------------------------

struct DateFormat {
  bool date = false;  // has day, month or year parts
  bool time = false;  // has hour, minute-with-hour or second parts
  bool any() const { return date || time; }
};

/// Built-in number formats (ECMA-376 §18.8.30) that show dates or times.
DateFormat builtin_format(int id) {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) ||
      (id >= 50 && id <= 58)) {
    return {true, false};
  }
  if ((id >= 18 && id <= 21) || (id >= 32 && id <= 33) || (id >= 45 && id <= 47)) {
    return {false, true};
  }
  if (id == 22) return {true, true};
  return {};
}

/// Whether a custom format code shows a date or a time: the first section, with quoted text,
/// escaped characters, [colour]/[$-locale] brackets and AM/PM markers left out; y, d (and m
/// without h or s) are date parts, h and s time parts; elapsed [h] [m] [s] count as time.
DateFormat custom_format(std::string_view code) {
  DateFormat f;
  std::string lowered;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == ';') break;
    if (c == '"') {
      const std::size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
      continue;
    }
    if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is literal (or padding)
      continue;
    }
    if (c == '[') {
      const std::size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      const std::string_view inside = code.substr(i + 1, close - i - 1);
      if (!inside.empty() && (inside[0] == 'h' || inside[0] == 'H' || inside[0] == 'm' ||
                              inside[0] == 'M' || inside[0] == 's' || inside[0] == 'S')) {
        f.time = true;
      }
      i = close;
      continue;
    }
    lowered += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  for (const char* marker : {"am/pm", "a/p"}) {
    for (std::size_t p; (p = lowered.find(marker)) != std::string::npos;) {
      lowered.erase(p, std::strlen(marker));
      f.time = true;
    }
  }
  if (lowered == "general") return {};
  bool month_or_minute = false;
  for (char c : lowered) {
    if (c == 'y' || c == 'd' || c == 'e') f.date = true;
    if (c == 'h' || c == 's') f.time = true;
    if (c == 'm') month_or_minute = true;
  }
  if (month_or_minute && !f.time) f.date = true;  // "mm/yyyy", "mmm"
  return f;
}

// ---- dates ------------------------------------------------------------------------------------

std::string two(long v) {
  return v < 10 ? "0" + std::to_string(v) : std::to_string(v);
}

std::string format_time(long secs) {
  return two(secs / 3600) + ":" + two((secs / 60) % 60) + ":" + two(secs % 60);
}

std::string format_number(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace

std::string format_serial(double serial, bool date1904, bool with_time) {
  if (!std::isfinite(serial) || serial < 0 || serial > 2958466.0) return "";
  const long long total = std::llround(serial * 86400.0);
  long long days = total / 86400;
  const long secs = static_cast<long>(total % 86400);
  using namespace std::chrono;
  sys_days epoch;
  if (date1904) {
    epoch = sys_days{year{1904} / January / 1};
  } else {
    epoch = sys_days{year{1899} / December / 30};
    if (days < 61) ++days;  // Excel's phantom 29/02/1900: serial 1 = 1900-01-01, 60 = 1900-03-01
  }
  const year_month_day ymd{epoch + std::chrono::days{days}};
  if (static_cast<int>(ymd.year()) > 9999) return "";
  const std::string date = std::to_string(static_cast<int>(ymd.year())) + "-" +
                           two(static_cast<long>(static_cast<unsigned>(ymd.month()))) + "-" +
                           two(static_cast<long>(static_cast<unsigned>(ymd.day())));
  if (!with_time && secs == 0) return date;
  return date + " " + format_time(secs);
}

int column_index(std::string_view ref) {
  int col = 0;
  std::size_t i = 0;
  for (; i < ref.size(); ++i) {
    char c = ref[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    col = col * 26 + (c - 'A' + 1);
    if (col > kMaxColumns) return -1;
  }
  return i == 0 ? -1 : col - 1;
}

// ---- the workbook -----------------------------------------------------------------------------

struct Workbook::Impl {
  std::istream& in;
  unzFile zip = nullptr;
  std::vector<std::string> names;
  std::vector<std::string> sheet_parts;  // zip entry name of each sheet, in order
  std::vector<std::string> shared;
  std::vector<DateFormat> xf_formats;  // per cellXfs index
  bool date1904 = false;
  bool sheet_open = false;

  explicit Impl(std::istream& s) : in(s) {}
  ~Impl() {
    if (zip != nullptr) {
      if (sheet_open) unzCloseCurrentFile(zip);
      unzClose(zip);
    }
  }

  bool has(const std::string& part) { return unzLocateFile(zip, part.c_str(), 2) == UNZ_OK; }

  /// Streams the entry `part` into `sink` in chunks; `limit` bounds its uncompressed size.
  void stream(const std::string& part, std::size_t limit,
              const std::function<void(const char*, std::size_t, bool)>& sink) {
    if (unzLocateFile(zip, part.c_str(), 2) != UNZ_OK) {
      throw XlsxError(part + ": no such part in the workbook");
    }
    if (unzOpenCurrentFile(zip) != UNZ_OK) throw XlsxError(part + ": cannot open the zip entry");
    std::vector<char> buf(kChunk);
    std::size_t total = 0;
    try {
      for (;;) {
        const int n = unzReadCurrentFile(zip, buf.data(), static_cast<unsigned>(buf.size()));
        if (n < 0) {
          throw XlsxError(part + ": damaged zip entry (error " + std::to_string(n) + ")");
        }
        total += static_cast<std::size_t>(n);
        if (total > limit) {
          throw XlsxError(part + ": larger than " + std::to_string(limit >> 20) + " MiB");
        }
        sink(buf.data(), static_cast<std::size_t>(n), n == 0);
        if (n == 0) break;
      }
    } catch (...) {
      unzCloseCurrentFile(zip);
      throw;
    }
    if (unzCloseCurrentFile(zip) == UNZ_CRCERROR) throw XlsxError(part + ": CRC error");
  }

  void parse(const std::string& part, std::size_t limit, XmlHandlers h) {
    XmlParser p(part, std::move(h));
    stream(part, limit, [&](const char* d, std::size_t n, bool final) { p.feed(d, n, final); });
  }

  /// Relationship targets of `rels_part` by id, resolved against `base_dir` ("xl/"); and by type.
  struct Relationships {
    std::map<std::string, std::string> by_id;
    std::map<std::string, std::string> by_type_suffix;  // "styles", "sharedStrings", …
  };
  Relationships relationships(const std::string& rels_part, const std::string& base_dir) {
    Relationships r;
    if (!has(rels_part)) return r;
    parse(rels_part, kMaxSmallPart,
          {[&](std::string_view name, const XML_Char** atts) {
             if (name != "Relationship") return;
             const XML_Char* id = attribute(atts, "Id");
             const XML_Char* target = attribute(atts, "Target");
             const XML_Char* type = attribute(atts, "Type");
             const XML_Char* mode = attribute(atts, "TargetMode");
             if (target == nullptr || (mode != nullptr && std::string_view(mode) == "External")) {
               return;
             }
             const std::string resolved = resolve(base_dir, target);
             if (id != nullptr) r.by_id[id] = resolved;
             if (type != nullptr) {
               std::string_view t(type);
               const std::size_t slash = t.rfind('/');
               r.by_type_suffix.emplace(
                   std::string(slash == std::string_view::npos ? t : t.substr(slash + 1)),
                   resolved);
             }
           },
           nullptr, nullptr});
    return r;
  }

  /// A relationship target as a zip entry name: absolute ("/xl/…") or relative to `base_dir`,
  /// with "." and ".." segments resolved.
  static std::string resolve(const std::string& base_dir, std::string_view target) {
    std::string path = !target.empty() && target[0] == '/' ? std::string(target.substr(1))
                                                           : base_dir + std::string(target);
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
      const std::size_t slash = path.find('/', start);
      const std::string seg =
          path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      if (seg == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!seg.empty() && seg != ".") {
        parts.push_back(seg);
      }
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
    return out;
  }

  void open() {
    zlib_filefunc64_def io{};
    io.zopen64_file = &open_stream;
    io.zread_file = &read_stream;
    io.zwrite_file = &write_stream;
    io.ztell64_file = &tell_stream;
    io.zseek64_file = &seek_stream;
    io.zclose_file = &close_stream;
    io.zerror_file = &error_stream;
    io.opaque = &in;
    zip = unzOpen2_64("workbook", &io);
    if (zip == nullptr) throw XlsxError("cannot read the workbook: " + what_it_seems(in));

    // The workbook part: from the package relationships, else the usual name.
    std::string workbook = "xl/workbook.xml";
    {
      const Relationships root = relationships("_rels/.rels", "");
      if (auto it = root.by_type_suffix.find("officeDocument"); it != root.by_type_suffix.end()) {
        workbook = it->second;
      }
    }
    if (!has(workbook)) {
      throw XlsxError("cannot read the workbook: the zip holds no " + workbook +
                      " (not an Excel .xlsx workbook)");
    }
    const std::size_t slash = workbook.rfind('/');
    const std::string base = slash == std::string::npos ? "" : workbook.substr(0, slash + 1);
    const Relationships rels =
        relationships(base + "_rels/" + workbook.substr(slash + 1) + ".rels", base);

    std::vector<std::string> ids;
    parse(workbook, kMaxSmallPart,
          {[&](std::string_view name, const XML_Char** atts) {
             if (name == "workbookPr") {
               if (const XML_Char* v = attribute(atts, "date1904")) {
                 const std::string_view s(v);
                 date1904 = s == "1" || s == "true";
               }
             } else if (name == "sheet") {
               const XML_Char* n = attribute(atts, "name");
               const XML_Char* id = attribute(atts, "id");  // r:id
               names.emplace_back(n != nullptr ? n : "");
               ids.emplace_back(id != nullptr ? id : "");
             }
           },
           nullptr, nullptr});
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto it = rels.by_id.find(ids[i]);
      sheet_parts.push_back(it != rels.by_id.end()
                                ? it->second
                                : base + "worksheets/sheet" + std::to_string(i + 1) + ".xml");
    }

    const auto part_of = [&](const char* type, const char* fallback) {
      auto it = rels.by_type_suffix.find(type);
      return it != rels.by_type_suffix.end() ? it->second : base + fallback;
    };
    if (const std::string sst = part_of("sharedStrings", "sharedStrings.xml"); has(sst)) {
      read_shared_strings(sst);
    }
    if (const std::string styles = part_of("styles", "styles.xml"); has(styles)) {
      read_styles(styles);
    }
  }

  void read_shared_strings(const std::string& part) {
    std::string current;
    bool in_si = false, in_t = false;
    int phonetic = 0;  // inside <rPh>: reading aids, not the text
    std::size_t total = 0;
    parse(part, std::numeric_limits<std::size_t>::max(),
          {[&](std::string_view name, const XML_Char**) {
             if (name == "si") {
               in_si = true;
               current.clear();
             } else if (name == "rPh") {
               ++phonetic;
             } else if (name == "t" && in_si && phonetic == 0) {
               in_t = true;
             }
           },
           [&](std::string_view name) {
             if (name == "si") {
               in_si = false;
               shared.push_back(unescape_excel(std::move(current)));
               current.clear();
             } else if (name == "rPh") {
               --phonetic;
             } else if (name == "t") {
               in_t = false;
             }
           },
           [&](std::string_view text) {
             if (!in_t) return;
             total += text.size();
             if (total > kMaxSharedStringBytes) {
               throw XlsxError("the shared strings hold more than 512 MiB of text");
             }
             if (current.size() + text.size() > kMaxCellBytes) {
               throw XlsxError("a shared string is longer than 1 MiB");
             }
             current.append(text);
           }});
  }

  void read_styles(const std::string& part) {
    std::map<int, std::string> custom;
    bool in_cell_xfs = false;
    parse(part, kMaxSmallPart,
          {[&](std::string_view name, const XML_Char** atts) {
             if (name == "numFmt") {
               const XML_Char* id = attribute(atts, "numFmtId");
               const XML_Char* code = attribute(atts, "formatCode");
               if (id != nullptr && code != nullptr) custom[std::atoi(id)] = code;
             } else if (name == "cellXfs") {
               in_cell_xfs = true;
             } else if (name == "xf" && in_cell_xfs) {
               const XML_Char* id = attribute(atts, "numFmtId");
               const int fmt = id != nullptr ? std::atoi(id) : 0;
               auto it = custom.find(fmt);
               xf_formats.push_back(it != custom.end() ? custom_format(it->second)
                                                       : builtin_format(fmt));
             }
           },
           [&](std::string_view name) {
             if (name == "cellXfs") in_cell_xfs = false;
           },
           nullptr});
  }
};

Workbook::Workbook(std::istream& in) : impl_(std::make_unique<Impl>(in)) {
  impl_->open();
}
Workbook::~Workbook() = default;

const std::vector<std::string>& Workbook::sheet_names() const {
  return impl_->names;
}
bool Workbook::date1904() const {
  return impl_->date1904;
}

// ---- a sheet, streamed ------------------------------------------------------------------------

struct SheetReader::Impl {
  Workbook::Impl& wb;
  std::string part;
  std::unique_ptr<XmlParser> parser;
  std::deque<Row> ready;
  std::vector<char> buf = std::vector<char>(kChunk);
  bool finished = false;
  std::uint64_t read = 0;
  std::uint64_t total = 0;

  // Parse state.
  bool in_sheet_data = false;
  bool in_row = false;
  Row row;
  std::int64_t last_row = 0;
  int last_col = -1;
  bool in_cell = false;
  int col = 0;
  std::string type;  // the cell's t attribute
  int style = 0;
  bool in_value = false;   // <v>
  bool in_inline = false;  // <is>
  bool in_text = false;    // <t> inside <is>
  int phonetic = 0;        // <rPh> inside <is>
  bool has_value = false;
  std::string value;

  Impl(Workbook::Impl& w, std::string p) : wb(w), part(std::move(p)) {}

  ~Impl() {
    if (wb.sheet_open) {
      unzCloseCurrentFile(wb.zip);
      wb.sheet_open = false;
    }
  }

  void start(std::string_view name, const XML_Char** atts) {
    if (name == "sheetData") {
      in_sheet_data = true;
    } else if (!in_sheet_data) {
      return;
    } else if (name == "row") {
      in_row = true;
      row = Row{};
      const XML_Char* r = attribute(atts, "r");
      row.number = r != nullptr ? std::atoll(r) : last_row + 1;
      if (row.number <= 0) row.number = last_row + 1;
      last_row = row.number;
      last_col = -1;
    } else if (name == "c" && in_row) {
      in_cell = true;
      const XML_Char* r = attribute(atts, "r");
      if (r != nullptr) {
        col = column_index(r);
        if (col < 0) {
          throw XlsxError(part + ": row " + std::to_string(row.number) + ": cell reference \"" +
                          std::string(r) + "\" is beyond column XFD");
        }
      } else {
        col = last_col + 1;
        if (col >= kMaxColumns) throw XlsxError(part + ": a row has more than 16384 cells");
      }
      last_col = col;
      const XML_Char* t = attribute(atts, "t");
      type = t != nullptr ? t : "n";
      const XML_Char* s = attribute(atts, "s");
      style = s != nullptr ? std::atoi(s) : 0;
      has_value = false;
      value.clear();
    } else if (in_cell && name == "v") {
      in_value = true;
      has_value = true;
    } else if (in_cell && name == "is") {
      in_inline = true;
      has_value = true;
    } else if (in_inline && name == "rPh") {
      ++phonetic;
    } else if (in_inline && name == "t" && phonetic == 0) {
      in_text = true;
    }
  }

  void end(std::string_view name) {
    if (name == "sheetData") {
      in_sheet_data = false;
    } else if (!in_sheet_data) {
      return;
    } else if (name == "row" && in_row) {
      in_row = false;
      ready.push_back(std::move(row));
      row = Row{};
    } else if (name == "c" && in_cell) {
      in_cell = false;
      finish_cell();
    } else if (name == "v") {
      in_value = false;
    } else if (name == "is") {
      in_inline = false;
    } else if (name == "rPh" && in_inline) {
      --phonetic;
    } else if (name == "t") {
      in_text = false;
    }
  }

  void text(std::string_view s) {
    if (!in_value && !in_text) return;
    if (value.size() + s.size() > kMaxCellBytes) {
      throw XlsxError(part + ": row " + std::to_string(row.number) + ": a cell holds over 1 MiB");
    }
    value.append(s);
  }

  void finish_cell() {
    if (!has_value) return;
    Cell c;
    if (type == "s") {
      std::size_t i = 0;
      const auto r = std::from_chars(value.data(), value.data() + value.size(), i);
      if (r.ec != std::errc{} || i >= wb.shared.size()) {
        throw XlsxError(part + ": row " + std::to_string(row.number) + ": shared string index \"" +
                        value + "\" out of range");
      }
      c.type = CellType::text;
      c.text = wb.shared[i];
    } else if (type == "inlineStr" || type == "str") {
      c.type = CellType::text;
      c.text = unescape_excel(value);
    } else if (type == "b") {
      c.type = CellType::boolean;
      c.text = value == "1" || value == "true" ? "TRUE" : "FALSE";
    } else if (type == "e") {
      c.type = CellType::error;
      c.text = value;
    } else if (type == "d") {
      c.type = CellType::date;
      c.text = value;
      std::replace(c.text.begin(), c.text.end(), 'T', ' ');
      if (const std::size_t dot = c.text.find('.'); dot != std::string::npos) c.text.resize(dot);
      if (!c.text.empty() && c.text.back() == 'Z') c.text.pop_back();
    } else {  // "n" and anything unknown: a number
      double v = 0;
      const char* b = value.data();
      const char* e = value.data() + value.size();
      while (b < e && *b == ' ') ++b;
      const auto r = std::from_chars(b, e, v);
      if (r.ec != std::errc{}) {
        c.type = CellType::text;  // not a number after all: keep what the file says
        c.text = value;
      } else {
        c.number = v;
        const DateFormat f = style >= 0 && static_cast<std::size_t>(style) < wb.xf_formats.size()
                                 ? wb.xf_formats[static_cast<std::size_t>(style)]
                                 : DateFormat{};
        if (f.any()) {
          c.type = CellType::date;
          if (!f.date && v < 1 && v >= 0) {
            c.text = format_time(static_cast<long>(std::llround(v * 86400.0)) % 86400);
          } else {
            c.text = format_serial(v, wb.date1904, f.time);
          }
          if (c.text.empty()) {  // out of range: show the number
            c.type = CellType::number;
            c.text = format_number(v);
          }
        } else {
          c.type = CellType::number;
          c.text = format_number(v);
        }
      }
    }
    if (row.cells.size() <= static_cast<std::size_t>(col)) {
      row.cells.resize(static_cast<std::size_t>(col) + 1);
    }
    row.cells[static_cast<std::size_t>(col)] = std::move(c);
  }

  void open() {
    if (wb.sheet_open) throw XlsxError(part + ": another sheet of the workbook is being read");
    if (unzLocateFile(wb.zip, part.c_str(), 2) != UNZ_OK) {
      throw XlsxError(part + ": no such part in the workbook");
    }
    unz_file_info64 info{};
    if (unzGetCurrentFileInfo64(wb.zip, &info, nullptr, 0, nullptr, 0, nullptr, 0) == UNZ_OK) {
      total = info.uncompressed_size;
    }
    if (unzOpenCurrentFile(wb.zip) != UNZ_OK) throw XlsxError(part + ": cannot open the entry");
    wb.sheet_open = true;
    parser = std::make_unique<XmlParser>(
        part, XmlHandlers{[this](std::string_view n, const XML_Char** a) { start(n, a); },
                          [this](std::string_view n) { end(n); },
                          [this](std::string_view s) { text(s); }});
  }

  bool next(Row& out) {
    while (ready.empty() && !finished) {
      const int n = unzReadCurrentFile(wb.zip, buf.data(), static_cast<unsigned>(buf.size()));
      if (n < 0) throw XlsxError(part + ": damaged zip entry (error " + std::to_string(n) + ")");
      read += static_cast<std::uint64_t>(n);
      parser->feed(buf.data(), static_cast<std::size_t>(n), n == 0);
      if (n == 0) {
        finished = true;
        const int rc = unzCloseCurrentFile(wb.zip);
        wb.sheet_open = false;
        if (rc == UNZ_CRCERROR) throw XlsxError(part + ": CRC error");
      }
    }
    if (ready.empty()) return false;
    out = std::move(ready.front());
    ready.pop_front();
    return true;
  }
};

SheetReader::SheetReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SheetReader::~SheetReader() = default;
SheetReader::SheetReader(SheetReader&&) noexcept = default;
SheetReader& SheetReader::operator=(SheetReader&&) noexcept = default;

bool SheetReader::next(Row& row) {
  return impl_->next(row);
}
std::uint64_t SheetReader::bytes_read() const {
  return impl_->read;
}
std::uint64_t SheetReader::total_bytes() const {
  return impl_->total;
}

SheetReader Workbook::sheet(std::size_t index) {
  if (index >= impl_->sheet_parts.size()) {
    throw XlsxError("the workbook has " + std::to_string(impl_->sheet_parts.size()) +
                    " sheet(s); there is no sheet " + std::to_string(index + 1));
  }
  auto r = std::make_unique<SheetReader::Impl>(*impl_, impl_->sheet_parts[index]);
  r->open();
  return SheetReader(std::move(r));
}

}  // namespace dunghan::xlsx
