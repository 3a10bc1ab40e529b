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

/// Lateness or time left for lists (pages, digests): whole working days when at least one day
/// ("quá hạn 3 ngày làm việc", "còn 2 ngày làm việc"), else hours ("quá hạn 5 giờ làm việc"),
/// else minutes; `minutes_left` < 0 is late. One day = `hours_per_day` hours.
std::string lateness_vn(std::int64_t minutes_left, int hours_per_day);
/// Vietnamese name of a ledger state: "chờ gửi", "đang gửi", "đã gửi", "chờ gửi lại", "thất bại",
/// "đã huỷ", "bỏ qua", "không gửi được tới người nhận", "tạm dừng nhắc".
std::string alert_state_vn(std::string_view state);
/// A ledger row's detail for people: the dispatcher's fixed English reasons in Vietnamese ("a
/// later stage came due" → "đã có mốc nhắc muộn hơn đến hạn", "a later repetition came due",
/// "silenced by silence #N …" → "tạm dừng nhắc #N …"); any other detail as it is.
std::string alert_detail_vn(std::string_view detail);

}  // namespace dunghan::render
