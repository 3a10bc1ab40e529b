// The pure pieces of reading an agency database: timestamps as databases write them, the
// canonical texts of a dossier (the cache's form), the cursor's text, :since detection.
#include <gtest/gtest.h>

#include "store/mapped_store.h"
#include "store/row_codec.h"
#include "store/store.h"

namespace dunghan::store {
namespace {

using calendar::UtcOffset;
constexpr UtcOffset kVn{std::chrono::minutes{420}};

TEST(NormalizeTimeText, ZonesAndFractionsBecomeLocalWallTime) {
  EXPECT_EQ(normalize_time_text("2026-03-02 08:30:00", kVn), "2026-03-02 08:30:00");
  EXPECT_EQ(normalize_time_text("02/03/2026 08:30", kVn), "02/03/2026 08:30");
  EXPECT_EQ(normalize_time_text("2026-03-02 08:30:00.123456", kVn), "2026-03-02 08:30:00");
  EXPECT_EQ(normalize_time_text("2026-03-02 08:30:00+07", kVn), "2026-03-02 08:30:00");
  EXPECT_EQ(normalize_time_text("2026-03-02 01:30:00+00", kVn), "2026-03-02 08:30:00");
  EXPECT_EQ(normalize_time_text("2026-03-02T01:30:00Z", kVn), "2026-03-02 08:30:00");
  EXPECT_EQ(normalize_time_text("2026-03-02 08:30:00.1234567 +07:00", kVn),
            "2026-03-02 08:30:00");  // SQL Server datetimeoffset as text
  EXPECT_EQ(normalize_time_text("2026-03-01 22:00:00-0330", kVn), "2026-03-02 08:30:00");
  EXPECT_EQ(normalize_time_text("không rõ", kVn), "không rõ");
  EXPECT_EQ(normalize_time_text("2026-03-02 08:30:00 UTC", kVn), "2026-03-02 08:30:00 UTC");
}

TEST(EncodeDossier, RoundTripsThroughTheDecoder) {
  deadline::Dossier d;
  d.code = "HS-001";
  d.procedure_code = "1.001";
  d.procedure_name = "Cấp giấy phép xây dựng";
  d.field = "Xây dựng";
  d.department = "Phòng Quản lý đô thị";
  d.handler = "cb.an";
  d.applicant = "Nguyễn Văn A";
  d.channel = deadline::Channel::online;
  d.received_at = calendar::Instant{std::chrono::seconds{1772415000}};
  d.duration = calendar::Duration{15, calendar::DurationUnit::working_days};
  d.due_at = d.received_at + std::chrono::hours{24 * 20};
  d.status = deadline::Status::resolved;
  d.resolved_at = d.received_at + std::chrono::hours{24 * 10};
  d.updated_at = *d.resolved_at;
  for (const UtcOffset off : {kVn, UtcOffset{std::chrono::minutes{0}}}) {
    const auto texts = encode_dossier(d, off);
    DossierFields f;
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = texts[i];
    DecodeOptions o;
    o.offset = off;
    const auto back = decode_dossier(f, o);
    ASSERT_TRUE(std::holds_alternative<deadline::Dossier>(back));
    EXPECT_EQ(std::get<deadline::Dossier>(back), d);
  }
  deadline::Event e{"HS-001", d.received_at, deadline::EventKind::extended, d.resolved_at,
                    "hẹn lại"};
  const auto texts = encode_event(e, kVn);
  EventFields f;
  for (std::size_t i = 0; i < f.size(); ++i) f[i] = texts[i];
  DecodeOptions o;
  o.offset = kVn;
  EXPECT_EQ(std::get<deadline::Event>(decode_event(f, o)), e);
}

TEST(ChangeCursorText, RoundTripsAndReadsTheOlderForm) {
  ChangeCursor c;
  EXPECT_EQ(parse_cursor(to_text(c)), c);
  c.version = 42;
  EXPECT_EQ(parse_cursor(to_text(c)), c);
  c.updated_since = calendar::Instant{std::chrono::seconds{1772415000}};
  EXPECT_EQ(parse_cursor(to_text(c)), c);
  c.events_since = calendar::Instant{std::chrono::seconds{1772416000}};
  EXPECT_EQ(parse_cursor(to_text(c)), c);
  c.updated_since.reset();
  EXPECT_EQ(parse_cursor(to_text(c)), c);
  // Written by an earlier dunghan: "VERSION UPDATED".
  const ChangeCursor old = parse_cursor("7 1772415000");
  EXPECT_EQ(old.version, 7);
  EXPECT_EQ(old.updated_since, calendar::Instant{std::chrono::seconds{1772415000}});
  EXPECT_FALSE(old.events_since);
  EXPECT_EQ(parse_cursor("garbage"), ChangeCursor{});
  EXPECT_EQ(parse_cursor(""), ChangeCursor{});
}

TEST(UsesSince, FindsTheParameterOutsideLiteralsAndComments) {
  EXPECT_TRUE(uses_since("SELECT * FROM HoSo WHERE NgayCapNhat > :since"));
  EXPECT_TRUE(uses_since("SELECT * FROM HoSo WHERE NgayCapNhat >:since;"));
  EXPECT_FALSE(uses_since("SELECT ':since' AS x FROM HoSo"));
  EXPECT_FALSE(uses_since("SELECT x FROM HoSo -- WHERE y > :since"));
  EXPECT_FALSE(uses_since("SELECT x /* :since */ FROM HoSo"));
  EXPECT_FALSE(uses_since("SELECT x::since FROM HoSo"));
  EXPECT_FALSE(uses_since("SELECT x FROM HoSo WHERE y > :since_day"));
  EXPECT_FALSE(uses_since("SELECT \":since\" FROM HoSo"));
}

TEST(MappingWarnings, AQueryWithoutSinceIsCostly) {
  Mapping m;
  m.dossiers = "SELECT MaHoSo AS code FROM HoSo";
  ASSERT_EQ(mapping_warnings(m).size(), 1u);
  EXPECT_NE(mapping_warnings(m)[0].find(":since"), std::string::npos);
  m.dossiers += " WHERE NgayCapNhat > :since";
  EXPECT_TRUE(mapping_warnings(m).empty());
}

}  // namespace
}  // namespace dunghan::store
