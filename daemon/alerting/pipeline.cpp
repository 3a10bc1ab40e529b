#include "alerting/pipeline.h"

#include <algorithm>

namespace dunghan::alerting {

void Pipeline::add(std::unique_ptr<DispatchStage> stage) {
  stages_.push_back(std::move(stage));
}

void Pipeline::insert_before(std::string_view before, std::unique_ptr<DispatchStage> stage) {
  auto it = std::find_if(stages_.begin(), stages_.end(),
                         [before](const auto& s) { return s->name() == before; });
  stages_.insert(it, std::move(stage));
}

std::vector<std::string_view> Pipeline::names() const {
  std::vector<std::string_view> out;
  for (const auto& s : stages_) out.push_back(s->name());
  return out;
}

void Pipeline::run(Batch& batch, const Progress& progress) const {
  for (const auto& s : stages_) s->run(batch, progress);
}

}  // namespace dunghan::alerting
