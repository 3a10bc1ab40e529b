#pragma once
// The people a message names: the dossier's handler (name, department) and how the recipient
// stands to the dossier, looked up in the recipients list for render::AlertView.

#include "alerting/rules.h"
#include "render/message.h"

namespace dunghan::alerting {

/// Sets view.handler_name and view.handler_department from the recipient whose id is
/// dossier.handler (the id and the dossier's department when there is none), and
/// view.recipient_role = recipient_role(recipient, dossier).
void describe_people(render::AlertView& view, const Directory& directory,
                     const deadline::Dossier& dossier, const Recipient& recipient);

}  // namespace dunghan::alerting
