#include "connectors/webhook_fields.h"

#include <algorithm>
#include <cctype>

#include "core/json.h"

namespace crmsync {
namespace {

Error malformed_place(const std::string& place, const std::string& what) {
  return Error(ErrorKind::rejected, place + ": " + what);
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The text at a JSON path "a.b.c" (numbers as their digits).
Result<std::string> json_at(const Value& root, std::string_view path, const std::string& place) {
  const Value* cur = &root;
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string key(path.substr(0, dot));
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (!cur->is_object()) return malformed_place(place, "the body has no object at '" + key + "'");
    cur = cur->find(key);
    if (cur == nullptr) return malformed_place(place, "missing");
  }
  if (cur->is_string()) return cur->as_string();
  if (cur->is_int()) return std::to_string(cur->as_int());
  return malformed_place(place, "expected a string or an integer");
}

// The value at one place; `body_json` is parsed once, on first need.
Result<std::string> value_at(const std::string& place, const WebhookRequest& request,
                             std::optional<Result<Value>>& body_json) {
  size_t dot = place.find('.');
  std::string_view where = std::string_view(place).substr(0, dot);
  std::string name = place.substr(dot + 1);
  if (where == "query") {
    if (request.query) {
      auto it = request.query->find(name);
      if (it != request.query->end()) return it->second;
    }
    return malformed_place(place, "missing");
  }
  if (where == "header") {
    if (request.headers) {
      if (auto h = find_header(*request.headers, name)) return *h;
    }
    return malformed_place(place, "missing");
  }
  if (!body_json) body_json = parse_json(request.body);
  if (!*body_json) {
    return malformed_place(place, "the body is not JSON (" + body_json->error().message + ")");
  }
  return json_at(**body_json, name, place);
}

}  // namespace

std::string webhook_action(const WebhookConfig& config, std::string_view said) {
  auto it = config.actions.find(std::string(said));
  if (it != config.actions.end()) return it->second;
  std::string low = lower_ascii(said);
  if (low == "create" || low == "update" || low == "delete") return low;
  return "update";
}

Result<WebhookChange> parse_webhook_fields(const WebhookConfig& config,
                                           const WebhookRequest& request) {
  if (config.id_at.empty()) {
    return Error(ErrorKind::rejected,
                 "the connection's webhooks: config names no `id` place (query.NAME, "
                 "header.NAME or body.PATH)");
  }
  std::optional<Result<Value>> body_json;
  WebhookChange change;
  auto id = value_at(config.id_at, request, body_json);
  if (!id) return id.error();
  if (id->empty()) return malformed_place(config.id_at, "empty");
  change.record_id = std::move(*id);
  if (!config.object_at.empty()) {
    auto object = value_at(config.object_at, request, body_json);
    if (!object) return object.error();
    auto mapped = config.objects.find(*object);
    change.object = mapped != config.objects.end() ? mapped->second : *object;
  }
  change.action = "update";
  if (!config.action_at.empty()) {
    auto action = value_at(config.action_at, request, body_json);
    if (!action) return action.error();
    change.action = webhook_action(config, *action);
  }
  if (!config.event_id_at.empty()) {
    auto event = value_at(config.event_id_at, request, body_json);
    if (!event) return event.error();
    change.event_id = std::move(*event);
  }
  return change;
}

}  // namespace crmsync
