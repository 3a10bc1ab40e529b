#include "alerting/message_view.h"

namespace dunghan::alerting {

void describe_people(render::AlertView& view, const Directory& directory,
                     const deadline::Dossier& dossier, const Recipient& recipient) {
  const Recipient* h = directory.find(dossier.handler);
  view.handler_name = h != nullptr && !h->name.empty() ? h->name : dossier.handler;
  view.handler_department =
      h != nullptr && !h->department.empty() ? h->department : dossier.department;
  view.recipient_role = std::string(recipient_role(recipient, dossier));
}

}  // namespace dunghan::alerting
