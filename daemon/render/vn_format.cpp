#include "render/vn_format.h"

namespace dunghan::render {

std::string date_with_weekday_vn(calendar::Date d) {
  return std::string(calendar::weekday_name_vn(d)) + ", " + calendar::format_date_vn(d);
}

std::string working_time_vn(std::int64_t minutes, int hours_per_day) {
  if (minutes < 0) minutes = -minutes;
  const std::int64_t per_day =
      static_cast<std::int64_t>(hours_per_day > 0 ? hours_per_day : 8) * 60;
  const std::int64_t d = minutes / per_day;
  const std::int64_t h = (minutes % per_day) / 60;
  const std::int64_t m = minutes % 60;
  std::string out;
  auto part = [&out](std::int64_t n, const char* unit) {
    if (n == 0) return;
    if (!out.empty()) out += ' ';
    out += std::to_string(n) + " " + unit;
  };
  part(d, "ngày");
  part(h, "giờ");
  part(m, "phút");
  if (out.empty()) out = "0 phút";
  return out + " làm việc";
}

std::string stage_label_vn(std::string_view stage, bool extended) {
  if (stage == "before_due") return "Sắp đến hạn";
  if (stage == "due_today") return "Đến hạn hôm nay";
  if (stage == "overdue") return extended ? "Quá hạn sau gia hạn" : "Quá hạn";
  if (stage == "waiting_applicant") return "Chờ bổ sung";
  if (stage == "received") return "Hồ sơ mới";
  return std::string(stage);
}

std::string state_vn(std::string_view state) {
  if (state == "not_due") return "chưa đến hạn";
  if (state == "due_soon") return "sắp đến hạn";
  if (state == "due_today") return "đến hạn hôm nay";
  if (state == "overdue") return "quá hạn";
  if (state == "waiting_applicant") return "chờ bổ sung";
  if (state == "early") return "trước hạn";
  if (state == "on_time") return "đúng hạn";
  if (state == "late") return "trễ hạn";
  if (state == "returned") return "trả lại";
  if (state == "withdrawn") return "rút hồ sơ";
  return std::string(state);
}

}  // namespace dunghan::render
