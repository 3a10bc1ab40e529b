#include "store/as_of.h"

namespace dunghan::store {

DossierFilter open_at_filter(Instant at, DossierFilter base, std::optional<Instant> now) {
  base.received_at_or_before = at;
  if (now && at >= *now) {
    base.open_only = true;
    base.not_closed_before.reset();
    return base;
  }
  base.open_only = false;
  base.not_closed_before = at + std::chrono::seconds{1};
  return base;
}

ReadSummary for_each_open_at(DossierReader& reader, Instant at, const DossierFilter& base,
                             const ClockContext& context, const OpenAtVisitor& visit,
                             std::optional<Instant> now) {
  const auto one = [&](const deadline::Dossier& d, std::span<const deadline::Event> events) {
    if (!deadline::open_at(d, at)) return;
    const deadline::DossierClock clock = deadline::compute_clock(
        d, events, context.calendar, context.options, context.catalogue, at);
    if (!deadline::is_open(clock.state)) return;  // defensive: open_at says it cannot be
    visit(d, events, clock);
  };
  return reader.for_each(open_at_filter(at, base, now), one);
}

}  // namespace dunghan::store
