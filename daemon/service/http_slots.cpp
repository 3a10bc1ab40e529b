#include "service/http_slots.h"

namespace dunghan::service {

std::optional<std::size_t> slot_to_free(std::span<const SlotView> slots) {
  for (const SlotView::State wanted : {SlotView::State::idle, SlotView::State::reading}) {
    std::optional<std::size_t> oldest;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (slots[i].state != wanted) continue;
      if (!oldest || slots[i].since < slots[*oldest].since) oldest = i;
    }
    if (oldest) return oldest;
  }
  return std::nullopt;
}

}  // namespace dunghan::service
