#include "render/vn_format.h"

#include <array>
#include <utility>

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

namespace {

using deadline::AlertStage;
using deadline::ClockState;

// One Vietnamese label per enumerator (render_test checks that none is missing).
constexpr std::array<std::pair<AlertStage, std::string_view>, 5> kStageLabels{{
    {AlertStage::before_due, "Sắp đến hạn"},
    {AlertStage::due_today, "Đến hạn hôm nay"},
    {AlertStage::overdue, "Quá hạn"},
    {AlertStage::waiting_applicant, "Chờ bổ sung"},
    {AlertStage::received, "Hồ sơ mới"},
}};

constexpr std::array<std::pair<ClockState, std::string_view>, 10> kStateLabels{{
    {ClockState::not_due, "chưa đến hạn"},
    {ClockState::due_soon, "sắp đến hạn"},
    {ClockState::due_today, "đến hạn hôm nay"},
    {ClockState::overdue, "quá hạn"},
    {ClockState::waiting_applicant, "chờ bổ sung"},
    {ClockState::early, "trước hạn"},
    {ClockState::on_time, "đúng hạn"},
    {ClockState::late, "trễ hạn"},
    {ClockState::returned, "trả lại"},
    {ClockState::withdrawn, "rút hồ sơ"},
}};

template <typename E, std::size_t N>
std::string label(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [e, text] : table) {
    if (e == value) return std::string(text);
  }
  return {};
}

}  // namespace

std::string stage_label_vn(AlertStage stage, bool extended) {
  if (stage == AlertStage::overdue && extended) return "Quá hạn sau gia hạn";
  return label(kStageLabels, stage);
}

std::string state_vn(ClockState state) {
  return label(kStateLabels, state);
}

std::string lateness_vn(std::int64_t minutes_left, int hours_per_day) {
  const bool late = minutes_left < 0;
  const std::int64_t m = late ? -minutes_left : minutes_left;
  const std::int64_t per_day =
      static_cast<std::int64_t>(hours_per_day > 0 ? hours_per_day : 8) * 60;
  std::string amount;
  if (m >= per_day) {
    amount = std::to_string(m / per_day) + " ngày";
  } else if (m >= 60) {
    amount = std::to_string(m / 60) + " giờ";
  } else {
    amount = std::to_string(m) + " phút";
  }
  return (late ? "quá hạn " : "còn ") + amount + " làm việc";
}

std::string alert_detail_vn(std::string_view detail) {
  if (detail == "a later stage came due") return "đã có mốc nhắc muộn hơn đến hạn, chỉ gửi mốc đó";
  if (detail == "a later repetition came due") return "đã đến lần nhắc sau, chỉ gửi lần đó";
  constexpr std::string_view silenced = "silenced by silence #";
  if (detail.starts_with(silenced)) {
    std::string rest(detail.substr(silenced.size()));
    if (const auto p = rest.find(" until "); p != std::string::npos) rest.replace(p, 7, " đến ");
    return "tạm dừng nhắc #" + rest;
  }
  return std::string(detail);
}

std::string alert_state_vn(std::string_view state) {
  if (state == "pending") return "chờ gửi";
  if (state == "sending") return "đang gửi";
  if (state == "sent") return "đã gửi";
  if (state == "retry") return "chờ gửi lại";
  if (state == "dead") return "thất bại";
  if (state == "cancelled") return "đã huỷ";
  if (state == "skipped") return "bỏ qua";
  if (state == "unreachable") return "không gửi được tới người nhận";
  if (state == "silenced") return "tạm dừng nhắc";
  return std::string(state);
}

}  // namespace dunghan::render
