#include "connectors/pipedrive/pipedrive_webhook.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "connectors/pipedrive/pipedrive_fields.h"
#include "core/json.h"

namespace crmsync {

namespace {

using Action = PipedriveChangeHint::Action;

Error bad(const std::string& where, const std::string& what) {
  return Error(ErrorKind::rejected, "pipedrive webhook: " + where + ": " + what);
}

std::string kind_of(const Value& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return "a string";
  if (v.is_int() || v.is_number()) return "a number";
  if (v.is_bool()) return "a boolean";
  if (v.is_array()) return "an array";
  return "an object";
}

// A member that must be a non-empty string.
Result<std::string> text(const Value& meta, const char* key) {
  const Value* v = meta.find(key);
  std::string where = std::string("meta.") + key;
  if (v == nullptr) return bad(where, "missing");
  if (!v->is_string() || v->as_string().empty())
    return bad(where, "expected a non-empty string, got " + kind_of(*v));
  return v->as_string();
}

// A record id: v2 sends it as a string of digits, v1 as a number.
Result<std::string> record_id(const Value& meta, const char* key) {
  const Value* v = meta.find(key);
  std::string where = std::string("meta.") + key;
  if (v == nullptr) return bad(where, "missing");
  if (v->is_int() && v->as_int() > 0) return std::to_string(v->as_int());
  if (v->is_string() && !v->as_string().empty() &&
      v->as_string().find_first_not_of("0123456789") == std::string::npos)
    return v->as_string();
  return bad(where, "expected a record id, got " + kind_of(*v) +
                        (v->is_string() ? " '" + v->as_string().substr(0, 40) + "'" : ""));
}

Result<std::string> object_name(const std::string& name, const char* where) {
  const PipedriveObject* obj = pipedrive_object(name);
  if (obj == nullptr) {
    // Pipedrive also notifies about objects crmsync does not sync (stage,
    // user, lead, ...): reported so the receiver can ignore them knowingly.
    return bad(std::string("meta.") + where, "object '" + name + "' is not one crmsync syncs");
  }
  return obj->name;
}

// What differs between the two versions' `meta`: action words and the keys
// of the object and the id.
struct Dialect {
  std::vector<std::pair<std::string, Action>> actions;
  const char* expected;  // for the message on an unknown action
  const char* object_key;
  const char* id_key;
};

// Action, object and id, the same way for both versions.
Result<PipedriveChangeHint> parse_meta(const Value& meta, const Dialect& d) {
  PipedriveChangeHint hint;
  auto action = text(meta, "action");
  if (!action) return action.error();
  auto known = std::find_if(d.actions.begin(), d.actions.end(),
                            [&](const auto& a) { return a.first == *action; });
  if (known == d.actions.end())
    return bad("meta.action", std::string("expected ") + d.expected + ", got '" + *action + "'");
  hint.action = known->second;
  auto entity = text(meta, d.object_key);
  if (!entity) return entity.error();
  auto object = object_name(*entity, d.object_key);
  if (!object) return object.error();
  hint.object = *object;
  auto id = record_id(meta, d.id_key);
  if (!id) return id.error();
  hint.id = *id;
  return hint;
}

Result<PipedriveChangeHint> parse_v2(const Value& meta) {
  static const Dialect kV2{
      {{"create", Action::create}, {"change", Action::update}, {"delete", Action::remove}},
      "create, change or delete",
      "entity",
      "entity_id"};
  auto hint = parse_meta(meta, kV2);
  if (!hint) return hint;
  auto stamp = text(meta, "timestamp");
  if (!stamp) return stamp.error();
  auto t = DateTime::parse(*stamp, 0);
  if (!t) return bad("meta.timestamp", "not an RFC 3339 time: '" + stamp->substr(0, 40) + "'");
  hint->time = *t;
  if (const Value* id = meta.find("id"); id != nullptr && id->is_string()) {
    hint->event_id = id->as_string();
  }
  return hint;
}

Result<PipedriveChangeHint> parse_v1(const Value& meta) {
  static const Dialect kV1{{{"added", Action::create},
                            {"updated", Action::update},
                            {"merged", Action::update},
                            {"deleted", Action::remove}},
                           "added, updated, deleted or merged",
                           "object",
                           "id"};
  auto hint = parse_meta(meta, kV1);
  if (!hint) return hint;
  const Value* stamp = meta.find("timestamp");
  if (stamp == nullptr) return bad("meta.timestamp", "missing");
  if (!stamp->is_int() || stamp->as_int() < 0)
    return bad("meta.timestamp", "expected epoch seconds, got " + kind_of(*stamp));
  hint->time = DateTime::from_unix_seconds(stamp->as_int());
  // timestamp_micro, when sent, tells changes within one second apart.
  if (const Value* micro = meta.find("timestamp_micro");
      micro != nullptr && micro->is_int() && micro->as_int() > 0) {
    hint->time = DateTime{micro->as_int(), 0};
  }
  return hint;
}

}  // namespace

std::string_view to_string(PipedriveChangeHint::Action action) {
  switch (action) {
    case Action::create:
      return "create";
    case Action::update:
      return "update";
    case Action::remove:
      return "delete";
  }
  return "update";
}

Result<PipedriveChangeHint> parse_pipedrive_webhook(std::string_view body) {
  auto v = parse_json(body);
  if (!v) return bad("body", "not JSON (" + v.error().message + ")");
  if (!v->is_object()) return bad("body", "expected a JSON object, got " + kind_of(*v));
  const Value* meta = v->find("meta");
  if (meta == nullptr) return bad("meta", "missing");
  if (!meta->is_object()) return bad("meta", "expected an object, got " + kind_of(*meta));
  // v1 bodies say so at the root and in meta; v2 has meta.version "2.0".
  const Value* v1 = v->find("v");
  if (v1 != nullptr && v1->is_int() && v1->as_int() == 1) return parse_v1(*meta);
  const Value* version = meta->find("version");
  if (version != nullptr && (!version->is_string() || version->as_string() != "2.0"))
    return bad("meta.version", "expected \"2.0\" (or a v1 body with \"v\":1)");
  return parse_v2(*meta);
}

}  // namespace crmsync
