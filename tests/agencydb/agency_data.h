#pragma once
// An agency's one-stop database for the tests: a typical schema with Vietnamese column names and
// the engines' own types (timestamp / timestamptz / date in PostgreSQL; DATETIME / TIMESTAMP /
// DATE in MariaDB), its own vocabulary (Vietnamese status names, channel numbers, event codes),
// and 500 dossiers with their events. The same data in canonical CSV form (for `dunghan import`
// into SQLite), so that every answer read from the server database can be compared with the
// answer read from the imported copy.

#include <array>
#include <random>
#include <string>
#include <vector>

#include "deadline/dossier.h"
#include "store/row_codec.h"

namespace dunghan::agencydb {

using calendar::Instant;
using deadline::Dossier;
using deadline::Event;

constexpr calendar::UtcOffset kVn{std::chrono::minutes{420}};

struct Procedure {
  const char* code;
  const char* name;
  const char* field;
  int days;  // working days
};
inline constexpr std::array<Procedure, 6> kProcedures = {{
    {"1.000894", "Đăng ký khai sinh", "Hộ tịch", 3},
    {"1.001193", "Đăng ký kết hôn", "Hộ tịch", 5},
    {"1.009645", "Cấp giấy chứng nhận đăng ký đầu tư", "Đầu tư", 15},
    {"2.001711", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng", 15},
    {"1.004222", "Cấp giấy phép kinh doanh vận tải", "Giao thông vận tải", 7},
    {"1.003003", "Đăng ký biến động đất đai", "Đất đai", 10},
}};

inline constexpr std::array<const char*, 4> kDepartments = {
    "Phòng Tư pháp", "Phòng Tài chính – Kế hoạch", "Phòng Quản lý đô thị",
    "Phòng Tài nguyên và Môi trường"};
inline constexpr std::array<const char*, 5> kHandlers = {"cb.an", "cb.binh", "cb.chau", "cb.dung",
                                                         "cb.giang"};
inline constexpr std::array<const char*, 6> kApplicants = {
    "Nguyễn Văn An", "Trần Thị Bích", "Lê Hoàng Cường",
    "Phạm Thị Dung", "Hoàng Văn Đức", "Công ty TNHH Xây dựng Hưng Thịnh"};

/// The agency system's words for the canonical statuses.
inline std::string status_vn(deadline::Status s) {
  switch (s) {
    case deadline::Status::processing:
      return "Đang xử lý";
    case deadline::Status::waiting_supplement:
      return "Chờ bổ sung";
    case deadline::Status::paused:
      return "Tạm dừng";
    case deadline::Status::resolved:
      return "Đã trả kết quả";
    case deadline::Status::returned:
      return "Trả lại hồ sơ";
    case deadline::Status::withdrawn:
      return "Công dân rút hồ sơ";
  }
  return "?";
}
inline std::string event_code(deadline::EventKind k) {
  switch (k) {
    case deadline::EventKind::supplement_requested:
      return "YCBS";
    case deadline::EventKind::supplement_received:
      return "NBS";
    case deadline::EventKind::paused:
      return "TD";
    case deadline::EventKind::resumed:
      return "TT";
    case deadline::EventKind::extended:
      return "GH";
  }
  return "?";
}
inline int channel_no(deadline::Channel c) {
  return c == deadline::Channel::online ? 1 : c == deadline::Channel::post ? 3 : 2;
}

inline Instant local(int y, unsigned m, unsigned d, int hh, int mm, int ss = 0) {
  return calendar::to_instant(
      calendar::Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}},
      std::chrono::seconds{hh * 3600 + mm * 60 + ss}, kVn);
}

struct Data {
  std::vector<Dossier> dossiers;
  std::vector<Event> events;
};

/// 500 dossiers received from 2026-02-02 over about three months, in the one-stop's vocabulary;
/// deterministic.
inline Data make_data(std::size_t n = 500) {
  Data data;
  std::mt19937 rng(20260302);
  const auto pick = [&](std::size_t size) {
    return static_cast<std::size_t>(rng() % static_cast<std::uint32_t>(size));
  };
  const Instant start = local(2026, 2, 2, 7, 30);
  for (std::size_t i = 0; i < n; ++i) {
    Dossier d;
    char code[32];
    std::snprintf(code, sizeof code, "H56.26-%05zu", i + 1);
    d.code = code;
    const Procedure& p = kProcedures[pick(kProcedures.size())];
    d.procedure_code = p.code;
    d.procedure_name = p.name;
    d.field = p.field;
    d.department = kDepartments[pick(kDepartments.size())];
    d.handler = kHandlers[pick(kHandlers.size())];
    d.applicant = kApplicants[pick(kApplicants.size())];
    const std::size_t ch = pick(10);
    d.channel = ch < 5   ? deadline::Channel::online
                : ch < 9 ? deadline::Channel::direct
                         : deadline::Channel::post;
    d.received_at = start + std::chrono::minutes{static_cast<long long>(i) * 263 + pick(60)};
    d.duration = calendar::Duration{p.days, calendar::DurationUnit::working_days};
    if (pick(2) == 0) {
      d.due_at = d.received_at + std::chrono::hours{24 * (p.days + p.days / 2 + 2)};
    }
    const std::size_t st = pick(100);
    d.status = st < 55   ? deadline::Status::processing
               : st < 65 ? deadline::Status::waiting_supplement
               : st < 70 ? deadline::Status::paused
               : st < 93 ? deadline::Status::resolved
               : st < 97 ? deadline::Status::returned
                         : deadline::Status::withdrawn;
    d.updated_at = d.received_at + std::chrono::hours{1 + pick(48)};
    const auto event = [&](deadline::EventKind k, Instant at, std::string note,
                           std::optional<Instant> nd = std::nullopt) {
      data.events.push_back(Event{d.code, at, k, nd, std::move(note)});
      if (at > d.updated_at) d.updated_at = at;
    };
    const Instant e1 = d.received_at + std::chrono::hours{20 + pick(30)};
    if (d.status == deadline::Status::waiting_supplement || pick(6) == 0) {
      event(deadline::EventKind::supplement_requested, e1, "Thiếu bản sao giấy tờ tùy thân");
      if (d.status != deadline::Status::waiting_supplement) {
        event(deadline::EventKind::supplement_received, e1 + std::chrono::hours{30 + pick(40)}, "");
      }
    }
    if (d.status == deadline::Status::paused) {
      event(deadline::EventKind::paused, e1 + std::chrono::hours{100}, "Chờ ý kiến sở ngành");
    }
    if (pick(12) == 0) {
      event(deadline::EventKind::extended, e1 + std::chrono::hours{150}, "Phiếu xin lỗi và hẹn lại",
            d.received_at + std::chrono::hours{24 * 40});
    }
    if (deadline::is_closed(d.status)) {
      d.resolved_at = d.updated_at + std::chrono::hours{2 + pick(24 * 10)};
      d.updated_at = *d.resolved_at;
    }
    data.dossiers.push_back(std::move(d));
  }
  return data;
}

// ---- the same data as CSV (canonical columns)
// -----------------------------------------------------

inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

inline std::string dossiers_csv(const Data& data) {
  std::string out;
  for (std::size_t c = 0; c < store::kDossierColumnCount; ++c) {
    out += (c ? "," : "") + std::string(store::kDossierColumns[c]);
  }
  out += '\n';
  for (const Dossier& d : data.dossiers) {
    const auto f = store::encode_dossier(d, kVn);
    for (std::size_t c = 0; c < f.size(); ++c) out += (c ? "," : "") + csv_field(f[c]);
    out += '\n';
  }
  return out;
}

inline std::string events_csv(const Data& data) {
  std::string out = "code,at,kind,new_due_at,note\n";
  for (const Event& e : data.events) {
    const auto f = store::encode_event(e, kVn);
    for (std::size_t c = 0; c < f.size(); ++c) out += (c ? "," : "") + csv_field(f[c]);
    out += '\n';
  }
  return out;
}

// ---- the agency's database
// -------------------------------------------------------------------------

enum class Sql { postgresql, mariadb };

/// A string literal (both engines; the data holds no backslash).
inline std::string lit(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}
inline std::string wall(Instant t) {  // a wall time at +07:00 (timestamp, DATETIME)
  return lit(store::format_local_text(t, kVn));
}
inline std::string utc(Instant t) {  // the same instant written in UTC
  return store::format_local_text(t, calendar::UtcOffset{std::chrono::minutes{0}});
}
inline std::string opt_wall(const std::optional<Instant>& t) {
  return t ? wall(*t) : std::string("NULL");
}

/// Quotes an identifier of the agency schema.
inline std::string id(Sql e, const std::string& name) {
  return e == Sql::postgresql ? "\"" + name + "\"" : "`" + name + "`";
}

/// CREATE TABLE and INSERT statements for the agency schema holding `data`. NgayCapNhat and
/// ThoiDiem are zoned types (timestamptz / TIMESTAMP), written in UTC; the other times are wall
/// times at +07:00; NgayHenTra is a timestamp or DATETIME.
inline std::string schema_and_data(Sql e, const Data& data) {
  const bool pg = e == Sql::postgresql;
  const std::string ts = pg ? "timestamp(0)" : "DATETIME";
  const std::string tz = pg ? "timestamptz(0)" : "TIMESTAMP NULL";
  const std::string text = pg ? "text" : "VARCHAR(300)";
  std::string s;
  if (pg) {
    s += "SET TIME ZONE 'UTC';\n";
  } else {
    s += "SET time_zone = '+00:00';\nSET NAMES utf8mb4;\n";
  }
  s += "CREATE TABLE " + id(e, "ThuTuc") + " (" + id(e, "MaThuTuc") + " VARCHAR(20) PRIMARY KEY, " +
       id(e, "TenThuTuc") + " " + text + ", " + id(e, "LinhVuc") + " " + text + ", " +
       id(e, "ThoiHan") + " INTEGER);\n";
  s += "CREATE TABLE " + id(e, "HoSo") + " (" + id(e, "MaHoSo") + " VARCHAR(30) PRIMARY KEY, " +
       id(e, "MaThuTuc") + " VARCHAR(20), " + id(e, "PhongBan") + " " + text + ", " +
       id(e, "CanBoXuLy") + " VARCHAR(40), " + id(e, "NguoiNop") + " " + text + ", " +
       id(e, "KenhNop") + " SMALLINT, " + id(e, "NgayNhan") + " " + ts + ", " +
       id(e, "NgayHenTra") + " " + ts + ", " + id(e, "TrangThai") + " VARCHAR(40), " +
       id(e, "NgayTra") + " " + ts + ", " + id(e, "NgayCapNhat") + " " + tz + ")" +
       (pg ? "" : " DEFAULT CHARSET=utf8mb4") + ";\n";
  s += "CREATE INDEX " + id(e, "HoSo_NgayCapNhat") + " ON " + id(e, "HoSo") + " (" +
       id(e, "NgayCapNhat") + ");\n";
  s += "CREATE TABLE " + id(e, "NhatKy") + " (" + id(e, "Id") +
       (pg ? " SERIAL PRIMARY KEY, " : " INTEGER AUTO_INCREMENT PRIMARY KEY, ") + id(e, "MaHoSo") +
       " VARCHAR(30), " + id(e, "ThoiDiem") + " " + tz + ", " + id(e, "Loai") + " VARCHAR(10), " +
       id(e, "HanMoi") + " " + ts + ", " + id(e, "GhiChu") + " " + text + ")" +
       (pg ? "" : " DEFAULT CHARSET=utf8mb4") + ";\n";
  s += "CREATE INDEX " + id(e, "NhatKy_MaHoSo") + " ON " + id(e, "NhatKy") + " (" +
       id(e, "MaHoSo") + ");\n";
  for (const Procedure& p : kProcedures) {
    s += "INSERT INTO " + id(e, "ThuTuc") + " VALUES (" + lit(p.code) + ", " + lit(p.name) + ", " +
         lit(p.field) + ", " + std::to_string(p.days) + ");\n";
  }
  s += "INSERT INTO " + id(e, "HoSo") + " VALUES\n";
  for (std::size_t i = 0; i < data.dossiers.size(); ++i) {
    const Dossier& d = data.dossiers[i];
    s += std::string(i ? ",\n" : "") + "(" + lit(d.code) + ", " + lit(d.procedure_code) + ", " +
         lit(d.department) + ", " + lit(d.handler) + ", " + lit(d.applicant) + ", " +
         std::to_string(channel_no(d.channel)) + ", " + wall(d.received_at) + ", " +
         opt_wall(d.due_at) + ", " + lit(status_vn(d.status)) + ", " + opt_wall(d.resolved_at) +
         ", " + lit(utc(d.updated_at) + (pg ? "+00" : "")) + ")";
  }
  s += ";\nINSERT INTO " + id(e, "NhatKy") + " (" + id(e, "MaHoSo") + ", " + id(e, "ThoiDiem") +
       ", " + id(e, "Loai") + ", " + id(e, "HanMoi") + ", " + id(e, "GhiChu") + ") VALUES\n";
  for (std::size_t i = 0; i < data.events.size(); ++i) {
    const Event& ev = data.events[i];
    s += std::string(i ? ",\n" : "") + "(" + lit(ev.code) + ", " +
         lit(utc(ev.at) + (pg ? "+00" : "")) + ", " + lit(event_code(ev.kind)) + ", " +
         opt_wall(ev.new_due_at) + ", " + (ev.note.empty() ? "NULL" : lit(ev.note)) + ")";
  }
  s += ";\n";
  return s;
}

/// The `[store.mapping]` queries for the schema, in `dialect` (PostgreSQL quotes identifiers with
/// "…", MySQL/MariaDB with `…`; the engines' string concatenation differs).
struct MappingSql {
  std::string dossiers, events;
};
inline MappingSql mapping_sql(Sql e) {
  const auto q = [e](const std::string& n) { return id(e, n); };
  const std::string duration = e == Sql::postgresql
                                   ? "t." + q("ThoiHan") + " || ' ngày làm việc'"
                                   : "CONCAT(t." + q("ThoiHan") + ", ' ngày làm việc')";
  MappingSql m;
  m.dossiers = "SELECT h." + q("MaHoSo") + " AS code, h." + q("MaThuTuc") +
               " AS procedure_code, t." + q("TenThuTuc") + " AS procedure_name, t." + q("LinhVuc") +
               " AS field, h." + q("PhongBan") + " AS department, h." + q("CanBoXuLy") +
               " AS handler, h." + q("NguoiNop") +
               " AS applicant,\n"
               "  CASE h." +
               q("KenhNop") +
               " WHEN 1 THEN 'online' WHEN 3 THEN 'post' ELSE 'direct' END AS channel,\n"
               "  h." +
               q("NgayNhan") + " AS received_at, " + duration + " AS duration, h." +
               q("NgayHenTra") + " AS due_at,\n  CASE h." + q("TrangThai") +
               " WHEN 'Đang xử lý' THEN 'processing' WHEN 'Chờ bổ sung' THEN 'waiting_supplement'"
               " WHEN 'Tạm dừng' THEN 'paused' WHEN 'Đã trả kết quả' THEN 'resolved'"
               " WHEN 'Trả lại hồ sơ' THEN 'returned' WHEN 'Công dân rút hồ sơ' THEN 'withdrawn'"
               " END AS status,\n  h." +
               q("NgayTra") + " AS resolved_at, h." + q("NgayCapNhat") + " AS updated_at\nFROM " +
               q("HoSo") + " h JOIN " + q("ThuTuc") + " t ON t." + q("MaThuTuc") + " = h." +
               q("MaThuTuc") + "\nWHERE h." + q("NgayCapNhat") + " > :since";
  m.events = "SELECT " + q("MaHoSo") + " AS code, " + q("ThoiDiem") + " AS at,\n  CASE " +
             q("Loai") +
             " WHEN 'YCBS' THEN 'supplement_requested' WHEN 'NBS' THEN 'supplement_received'"
             " WHEN 'TD' THEN 'paused' WHEN 'TT' THEN 'resumed' WHEN 'GH' THEN 'extended' END"
             " AS kind,\n  " +
             q("HanMoi") + " AS new_due_at, " + q("GhiChu") + " AS note\nFROM " + q("NhatKy") +
             "\nWHERE " + q("ThoiDiem") + " > :since";
  return m;
}

}  // namespace dunghan::agencydb
