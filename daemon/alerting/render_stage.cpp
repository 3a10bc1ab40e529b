#include "alerting/render_stage.h"

#include <algorithm>

#include "alerting/message_view.h"
#include "render/message.h"

namespace dunghan::alerting {

void render_envelope(Envelope& e, const render::Templates& templates,
                     const calendar::WorkCalendar& cal, const Directory& directory) {
  const Candidate& first = *e.rows.front();
  const Rule& rule = *first.rule;
  const Recipient& who = *first.recipient;
  auto view = [&who, &directory](const Candidate& c) {
    render::AlertView v{&c.dossier->stored.dossier, &c.dossier->clock, c.rule->name, c.row.stage,
                        c.row.id.recipient,         who.name,          c.row.key};
    describe_people(v, directory, c.dossier->stored.dossier, who);
    return v;
  };
  render::Rendered r;
  if (!e.digest && first.row.digest_key.empty()) {
    r = render::render_alert(templates, cal, view(first), rule.template_prefix);
  } else {
    std::vector<render::AlertView> views;
    for (const Candidate* c : e.rows) views.push_back(view(*c));
    r = render::render_digest(templates, cal, views, e.key, rule.template_prefix);
  }
  e.message = channels::Message{e.key,        r.subject,           r.text,           r.html,
                                r.short_text, std::move(r.params), std::move(r.json)};
  e.message.params["rule"] = rule.name;
  e.message.params["fire_at"] = calendar::format_iso(first.row.fire_at, cal.offset());
  e.to = channels::Address{who.id, who.name, who.email, who.zalo_user_id, who.phone};
  e.rendered = true;
}

RenderStage::RenderStage(const render::Templates& templates, const calendar::WorkCalendar& cal,
                         const Directory& directory, Settler& settler)
    : templates_(templates), cal_(cal), directory_(directory), settler_(settler) {}

void RenderStage::run(Batch& batch, const Progress&) {
  for (Envelope& e : batch.envelopes) {
    if (e.rendered || std::all_of(e.rows.begin(), e.rows.end(),
                                  [](const Candidate* c) { return c->decided(); })) {
      continue;
    }
    try {
      render_envelope(e, templates_, cal_, directory_);
    } catch (const std::exception& ex) {
      settler_.settle(
          e, channels::Outcome::retry_later("cannot render the message: " + std::string(ex.what())),
          batch.now, batch.problems);
    }
  }
}

}  // namespace dunghan::alerting
