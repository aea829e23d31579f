#include "connectors/webhook_parsers.h"

#include "connectors/pipedrive/pipedrive_fields.h"
#include "connectors/pipedrive/pipedrive_webhook.h"
#include "core/json.h"

namespace crmsync {
namespace {

bool names_places(const WebhookConfig& config) {
  return !config.id_at.empty() || !config.object_at.empty();
}

// Pipedrive's entity name in a body that names one crmsync does not sync
// (a stage, a user): such a delivery is acknowledged and ignored.
std::optional<std::string> foreign_pipedrive_entity(std::string_view body) {
  auto v = parse_json(body);
  if (!v || !v->is_object()) return std::nullopt;
  const Value* meta = v->find("meta");
  if (meta == nullptr || !meta->is_object()) return std::nullopt;
  for (const char* key : {"entity", "object"}) {
    const Value* name = meta->find(key);
    if (name != nullptr && name->is_string() && !name->as_string().empty() &&
        pipedrive_object(name->as_string()) == nullptr) {
      return name->as_string();
    }
  }
  return std::nullopt;
}

Result<WebhookChange> parse_pipedrive_delivery(const WebhookRequest& request) {
  auto hint = parse_pipedrive_webhook(request.body);
  if (!hint) {
    if (auto foreign = foreign_pipedrive_entity(request.body)) {
      WebhookChange change;
      change.object = "pipedrive:" + *foreign;  // no flow reads it
      change.record_id = "-";
      change.action = "update";
      return change;
    }
    return hint.error();
  }
  WebhookChange change;
  change.event_id = std::move(hint->event_id);
  change.object = std::move(hint->object);
  change.record_id = std::move(hint->id);
  change.action = std::string(to_string(hint->action));
  change.changed_at = hint->time.micros;
  return change;
}

}  // namespace

Result<WebhookChange> parse_webhook(std::string_view connection_type, const WebhookConfig& config,
                                    const WebhookRequest& request) {
  if (connection_type == "pipedrive" && !names_places(config)) {
    return parse_pipedrive_delivery(request);
  }
  return parse_webhook_fields(config, request);
}

std::string webhook_object_name(std::string_view connection_type, std::string_view object) {
  if (connection_type == "pipedrive") {
    if (const PipedriveObject* o = pipedrive_object(object)) return o->name;
  }
  return std::string(object);
}

}  // namespace crmsync
