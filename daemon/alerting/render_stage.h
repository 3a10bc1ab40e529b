#pragma once
// Stage 4, render: each envelope's message and address, rendered at send time from the dossiers'
// current clocks (render/), with the rule's templates. A message that cannot be rendered is a
// failed attempt of its rows (retry, then dead), never an exception out of the pass.

#include <string>

#include "alerting/pipeline.h"
#include "alerting/rules.h"
#include "alerting/settle.h"
#include "calendar/work_calendar.h"
#include "render/templates.h"

namespace dunghan::alerting {

/// The message and address of `envelope` (rows revalidated: dossier, clock, rule and recipient
/// set; one row, or a digest's rows of one rule and recipient). The handler and the recipient's
/// role come from `directory` (describe_people). Throws what rendering throws.
void render_envelope(Envelope& envelope, const render::Templates& templates,
                     const calendar::WorkCalendar& cal, const Directory& directory);

class RenderStage final : public DispatchStage {
 public:
  /// All references must outlive the stage.
  RenderStage(const render::Templates& templates, const calendar::WorkCalendar& cal,
              const Directory& directory, Settler& settler);
  std::string_view name() const override { return "render"; }
  /// Renders every envelope that still has undecided rows. On an exception the envelope's rows
  /// get the verdict of a `retry` answer ("cannot render the message: …"): retry with backoff,
  /// dead at max_attempts.
  void run(Batch& batch, const Progress& progress) override;

 private:
  const render::Templates& templates_;
  const calendar::WorkCalendar& cal_;
  const Directory& directory_;
  Settler& settler_;
};

}  // namespace dunghan::alerting
