// Pipedrive's object types by name; apart from the field catalog so that
// the webhook parser (and its fuzz target) need no HTTP code.
#include "connectors/pipedrive/pipedrive_fields.h"

namespace crmsync {

const PipedriveObject* pipedrive_object(std::string_view name) {
  static const PipedriveObject kObjects[] = {
      {"person", "persons", "personFields", true},
      {"organization", "organizations", "organizationFields", true},
      {"deal", "deals", "dealFields", true},
      {"activity", "activities", "activityFields", true},
      {"product", "products", "productFields", true},
      {"note", "notes", "noteFields", false},
  };
  for (const PipedriveObject& o : kObjects) {
    if (o.name == name || o.plural == name) return &o;
  }
  return nullptr;
}

}  // namespace crmsync
