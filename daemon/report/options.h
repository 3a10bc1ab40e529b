#pragma once
// `[report]` in the configuration: what the printed form 6a says about who reports to whom, and
// how periodic reports are cut. Plain values (no code of its own), so that config/ can hold them.

#include <string>

#include "report/period.h"

namespace dunghan::report {

/// The header and footer of the printed form. Empty values print as a dotted line to fill in by
/// hand. Texts are UTF-8 (NFC).
struct FormHeading {
  std::string reporting_unit;  // Đơn vị báo cáo, e.g. "UBND huyện Đông Anh"
  std::string receiving_unit;  // Đơn vị nhận báo cáo, e.g. "Văn phòng UBND thành phố Hà Nội"
  std::string place;  // the place before the date: "Đông Anh, ngày 05 tháng 10 năm 2026"
  std::string signer_title;  // the head's title in the signature block, e.g. "CHỦ TỊCH"
  std::string preparer;  // Người lập biểu: the name printed under the preparer's signature
  friend bool operator==(const FormHeading&, const FormHeading&) = default;
};

struct ReportOptions {
  FormHeading heading;
  /// How --quarter, --month and --year cut the dates (period.h).
  PeriodConvention period = PeriodConvention::calendar;
};

}  // namespace dunghan::report
