#include "report/layout.h"

#include "deadline/clock.h"

namespace dunghan::report {
namespace {

std::string or_blank(const std::string& s) {
  return s.empty() ? std::string(kBlank) : s;
}

std::string row_label(const std::string& key) {
  return key.empty() ? "(không ghi)" : key;
}

LayoutRow row_of(std::string stt, std::string label, const Form6aCounters& c, bool total) {
  LayoutRow r;
  r.stt = std::move(stt);
  r.label = std::move(label);
  for (std::size_t i = 0; i < kColumnCount; ++i) r.values[i] = c.*kColumns[i].member;
  r.total = total;
  return r;
}

std::vector<std::string> notes_of(const Form6a& f) {
  std::vector<std::string> n;
  n.push_back("Cột (9) gồm " + std::to_string(f.total.returned_withdrawn) +
              " hồ sơ trả lại hoặc xin rút; cột (12) gồm " +
              std::to_string(f.total.waiting_supplement) + " hồ sơ chờ bổ sung hoặc tạm dừng.");
  if (f.total.without_due > 0) {
    n.push_back(std::to_string(f.total.without_due) +
                " hồ sơ không xác định được thời hạn (thiếu thời hạn giải quyết và ngày hẹn trả) "
                "được tính vào cột (9) hoặc (12).");
  }
  if (f.provisional) {
    n.push_back("Lưu ý: có thời hạn tính theo lịch nghỉ tạm tính (chưa có lịch nghỉ chính thức).");
  }
  if (f.dossiers_anomalous == 0) {
    n.push_back("Số hồ sơ có bất thường về thời hạn hoặc dữ liệu: 0.");
  } else {
    std::string kinds;
    for (const auto& [kind, count] : f.anomalies_by_kind) {
      if (!kinds.empty()) kinds += ", ";
      const auto k = deadline::anomaly_kind_from_string(kind);
      kinds += (k ? std::string(deadline::label_vn(*k)) : kind) + " " + std::to_string(count);
    }
    n.push_back(
        "Số hồ sơ có bất thường về thời hạn hoặc dữ liệu: " + std::to_string(f.dossiers_anomalous) +
        " (" + std::to_string(f.anomalies) + " bất thường: " + kinds + ").");
  }
  return n;
}

}  // namespace

std::vector<std::string> signature_lines(const Signature& s) {
  std::vector<std::string> v{s.role};
  if (!s.title.empty()) v.push_back(s.title);
  v.push_back(s.hint);
  return v;
}

std::string column_number(std::size_t n) {
  return "(" + std::to_string(n) + ")";
}

std::string_view key_name(GroupBy g) {
  return g == GroupBy::field ? "field" : "department";
}

FormLayout layout(const Form6a& f, const FormMeta& meta) {
  FormLayout l;
  const FormHeading& h = meta.heading;
  l.reporting_unit = "Đơn vị báo cáo: " + or_blank(h.reporting_unit);
  l.receiving_unit = "Đơn vị nhận báo cáo: " + or_blank(h.receiving_unit);
  l.form_code = std::string(kFormCode);
  l.title = std::string(kTitle);
  l.period_line = period_line(meta.period);
  l.unit_line = std::string(kUnitLine);

  l.key_heading = f.group_by == GroupBy::field ? "Lĩnh vực" : "Đơn vị";
  l.rows.reserve(f.rows.size() + 1);
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    l.rows.push_back(
        row_of(std::to_string(i + 1), row_label(f.rows[i].key), f.rows[i].counters, false));
  }
  l.rows.push_back(row_of("", std::string(kTotalLabel), f.total, true));

  l.notes = notes_of(f);
  l.place_date = or_blank(h.place) + ", " + date_words(meta.signed_on);
  l.preparer = Signature{"Người lập biểu", "", "(Ký, ghi rõ họ tên)", h.preparer};
  l.head = Signature{"Thủ trưởng đơn vị", h.signer_title, "(Ký, đóng dấu, ghi rõ họ tên)", ""};
  return l;
}

}  // namespace dunghan::report
