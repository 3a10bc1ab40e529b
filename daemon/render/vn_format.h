#pragma once
// Vietnamese formatting for messages: dates with weekday, working time, stage labels.

#include <cstdint>
#include <string>
#include <string_view>

#include "calendar/civil.h"
#include "deadline/alert_stage.h"
#include "deadline/clock.h"

namespace dunghan::render {

/// "Thứ Hai, 24/02/2025".
std::string date_with_weekday_vn(calendar::Date d);
/// Office time in days, hours and minutes, one day = `hours_per_day` hours: 600 min at 8 h →
/// "1 ngày 2 giờ làm việc"; 45 → "45 phút làm việc"; 0 → "0 phút làm việc". Negative values are
/// formatted by magnitude.
std::string working_time_vn(std::int64_t minutes, int hours_per_day);
/// Short label of a stage for subjects: "Sắp đến hạn", "Đến hạn hôm nay", "Quá hạn",
/// "Chờ bổ sung", "Hồ sơ mới"; `extended` adds " sau gia hạn" to "Quá hạn".
std::string stage_label_vn(deadline::AlertStage stage, bool extended);
/// Vietnamese name of a clock state: "chưa đến hạn", "sắp đến hạn", "đến hạn hôm nay", "quá hạn",
/// "chờ bổ sung", "trước hạn", "đúng hạn", "trễ hạn", "trả lại", "rút hồ sơ".
std::string state_vn(deadline::ClockState state);

}  // namespace dunghan::render
