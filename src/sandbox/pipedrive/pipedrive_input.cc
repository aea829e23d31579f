#include "sandbox/pipedrive/pipedrive_input.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/json.h"
#include "sandbox/common/json_object.h"

namespace crmsync::sandbox::pipedrive {

namespace {
Error bad(std::string message) {
  return Error(ErrorKind::rejected, std::move(message));
}

bool is_field_key(const std::string& key) {
  return key.size() == 40 && std::all_of(key.begin(), key.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Standard fields each v2 entity takes, with their JSON type.
enum class Kind { string, integer, number, boolean, contacts, ids, object, any };
const std::vector<std::pair<const char*, Kind>>& v2_fields(Entity entity) {
  static const std::vector<std::pair<const char*, Kind>> person = {
      {"name", Kind::string},      {"first_name", Kind::string},  {"last_name", Kind::string},
      {"owner_id", Kind::integer}, {"org_id", Kind::integer},     {"emails", Kind::contacts},
      {"phones", Kind::contacts},  {"visible_to", Kind::integer}, {"label_ids", Kind::ids},
      {"add_time", Kind::string}};
  static const std::vector<std::pair<const char*, Kind>> organization = {
      {"name", Kind::string},   {"owner_id", Kind::integer}, {"visible_to", Kind::integer},
      {"label_ids", Kind::ids}, {"address", Kind::object},   {"add_time", Kind::string}};
  static const std::vector<std::pair<const char*, Kind>> deal = {
      {"title", Kind::string},        {"value", Kind::number},
      {"currency", Kind::string},     {"owner_id", Kind::integer},
      {"person_id", Kind::integer},   {"org_id", Kind::integer},
      {"pipeline_id", Kind::integer}, {"stage_id", Kind::integer},
      {"status", Kind::string},       {"expected_close_date", Kind::string},
      {"probability", Kind::number},  {"lost_reason", Kind::string},
      {"visible_to", Kind::integer},  {"label_ids", Kind::ids},
      {"is_archived", Kind::boolean}, {"add_time", Kind::string}};
  static const std::vector<std::pair<const char*, Kind>> note = {
      {"content", Kind::string},
      {"deal_id", Kind::integer},
      {"person_id", Kind::integer},
      {"org_id", Kind::integer},
      {"lead_id", Kind::string},
      {"user_id", Kind::integer},
      {"pinned_to_deal_flag", Kind::any},
      {"pinned_to_person_flag", Kind::any},
      {"pinned_to_organization_flag", Kind::any}};
  // ActivityItem / AddActivityRequest of the v2 OpenAPI spec.
  static const std::vector<std::pair<const char*, Kind>> activity = {
      {"subject", Kind::string},
      {"type", Kind::string},
      {"owner_id", Kind::integer},
      {"deal_id", Kind::integer},
      {"lead_id", Kind::string},
      {"person_id", Kind::integer},
      {"org_id", Kind::integer},
      {"project_id", Kind::integer},
      {"due_date", Kind::string},
      {"due_time", Kind::string},
      {"duration", Kind::string},
      {"busy", Kind::boolean},
      {"done", Kind::boolean},
      {"location", Kind::object},
      {"participants", Kind::ids},
      {"attendees", Kind::ids},
      {"public_description", Kind::string},
      {"priority", Kind::integer},
      {"note", Kind::string}};
  // ProductRequest of the v2 OpenAPI spec.
  static const std::vector<std::pair<const char*, Kind>> product = {
      {"name", Kind::string},
      {"code", Kind::string},
      {"description", Kind::string},
      {"unit", Kind::string},
      {"tax", Kind::number},
      {"category", Kind::integer},
      {"owner_id", Kind::integer},
      {"is_linkable", Kind::boolean},
      {"visible_to", Kind::integer},
      {"prices", Kind::ids},
      {"billing_frequency", Kind::string}};
  switch (entity) {
    case Entity::person:
      return person;
    case Entity::organization:
      return organization;
    case Entity::deal:
      return deal;
    case Entity::note:
      return note;
    case Entity::activity:
      return activity;
    case Entity::product:
      return product;
  }
  return note;
}

bool has_kind(const Value& v, Kind kind) {
  if (v.is_null()) return true;  // clearing a field
  switch (kind) {
    case Kind::string:
      return v.is_string();
    case Kind::integer:
      return v.is_int();
    case Kind::number:
      return v.is_number();
    case Kind::boolean:
      return v.is_bool();
    case Kind::contacts:
    case Kind::ids:
      return v.is_array();
    case Kind::object:
      return v.is_object();
    case Kind::any:
      return true;
  }
  return false;
}

// emails/phones: objects {value, primary, label}; label defaults to "work",
// the first becomes primary when none is. v1 also takes plain strings.
Result<Value> normalize_contacts(const Value& list, const char* name, bool allow_strings) {
  Array out;
  for (const auto& item : list.as_array()) {
    Object entry;
    if (item.is_string() && allow_strings) {
      entry = {{"value", item}, {"primary", false}, {"label", "work"}};
    } else if (item.is_object() && member(item.as_object(), "value") &&
               member(item.as_object(), "value")->is_string()) {
      const Value* primary = member(item.as_object(), "primary");
      const Value* label = member(item.as_object(), "label");
      entry = {{"value", *member(item.as_object(), "value")},
               {"primary", primary && primary->is_bool() ? *primary : Value(false)},
               {"label", label && label->is_string() ? *label : Value("work")}};
    } else {
      return bad(std::string(name) + " must be an array of objects with a string value");
    }
    if (entry[0].value.as_string().empty()) continue;
    out.push_back(Value(std::move(entry)));
  }
  bool any_primary = std::any_of(out.begin(), out.end(),
                                 [](const Value& v) { return v.as_object()[1].value.as_bool(); });
  if (!any_primary && !out.empty()) out[0].as_object()[1].value = true;
  return Value(std::move(out));
}

Result<Value> custom_value(const FieldDef& field, const Value& in, bool v1) {
  if (in.is_null()) return in;
  const std::string& type = field.field_type;
  auto option_exists = [&](int64_t id) {
    return std::any_of(field.options.begin(), field.options.end(),
                       [&](const FieldOption& o) { return o.id == id; });
  };
  auto as_id = [&](const Value& v) -> std::optional<int64_t> {
    if (v.is_int()) return v.as_int();
    if (v1 && v.is_string() && !v.as_string().empty() &&
        v.as_string().find_first_not_of("0123456789") == std::string::npos)
      return std::stoll(v.as_string());
    return std::nullopt;
  };
  std::string what = "custom field " + field.name + " (" + field.key + ")";
  if (type == "enum") {
    auto id = as_id(in);
    if (!id || !option_exists(*id)) return bad(what + ": not a valid option id");
    return Value(*id);
  }
  if (type == "set") {
    Array ids;
    Array items;
    if (in.is_array()) {
      items = in.as_array();
    } else if (v1 && in.is_string()) {
      std::string s = in.as_string();
      for (size_t start = 0; start <= s.size();) {
        size_t comma = s.find(',', start);
        if (comma == std::string::npos) comma = s.size();
        if (comma > start) items.push_back(Value(s.substr(start, comma - start)));
        start = comma + 1;
      }
    } else {
      items.push_back(in);
    }
    for (const auto& item : items) {
      auto id = as_id(item);
      if (!id || !option_exists(*id)) return bad(what + ": not a valid option id");
      ids.push_back(Value(*id));
    }
    return Value(std::move(ids));
  }
  if (type == "double" || type == "monetary") {
    if (in.is_number()) return in;
    if (type == "monetary" && in.is_object() && member(in.as_object(), "value")) return in;
    if (v1 && in.is_string()) {
      auto parsed = parse_json(in.as_string());
      if (parsed.ok() && parsed->is_number()) return *parsed;
    }
    return bad(what + ": expected a number");
  }
  if (type == "varchar" || type == "text" || type == "date" || type == "phone" ||
      type == "varchar_auto") {
    if (!in.is_string()) return bad(what + ": expected a string");
    return in;
  }
  return in;
}

Status check_reference(const PipedriveStore& store, Entity entity, const Value* id,
                       const char* label) {
  if (id == nullptr || id->is_null()) return Status::ok_status();
  auto found = store.get(entity, id->as_int());
  if (!found || found->is_deleted) return bad(std::string(label) + " not found");
  return Status::ok_status();
}

// deal_id, person_id and org_id name existing records.
Status check_links(const PipedriveStore& store, const Object& d) {
  if (auto s = check_reference(store, Entity::deal, member(d, "deal_id"), "Deal"); !s) return s;
  if (auto s = check_reference(store, Entity::person, member(d, "person_id"), "Person"); !s)
    return s;
  return check_reference(store, Entity::organization, member(d, "org_id"), "Organization");
}

// Product prices: [{currency, price, cost, direct_cost, notes}], one per
// currency; v1's overhead_cost is v2's direct_cost.
Result<Value> normalize_prices(const Value& list) {
  Array out;
  std::set<std::string> currencies;
  for (const auto& item : list.as_array()) {
    const Value* currency = item.is_object() ? item.find("currency") : nullptr;
    if (currency == nullptr || !currency->is_string() || currency->as_string().empty())
      return bad("prices: currency must be given");
    if (!currencies.insert(currency->as_string()).second)
      return bad("prices: only one price per currency");
    auto number = [&](const char* key) -> Value {
      const Value* v = item.find(key);
      if (v == nullptr || v->is_null()) return Value();
      if (v->is_string()) {
        auto parsed = parse_json(v->as_string());
        if (parsed.ok() && parsed->is_number()) return *parsed;
      }
      return *v;
    };
    Value price = number("price"), cost = number("cost"), direct = number("direct_cost");
    if (direct.is_null()) direct = number("overhead_cost");
    for (const Value* v : {&price, &cost, &direct})
      if (!v->is_null() && !v->is_number()) return bad("prices: amounts must be numbers");
    const Value* notes = item.find("notes");
    out.push_back(Value(Object{{"currency", *currency},
                               {"price", price.is_null() ? Value(0) : price},
                               {"cost", cost.is_null() ? Value(0) : cost},
                               {"direct_cost", direct},
                               {"notes", notes && notes->is_string() ? *notes : Value("")}}));
  }
  return Value(std::move(out));
}

// Defaults, derived fields and references shared by both versions.
Status complete(Entity entity, RecordInput& in, const PipedriveStore& store, bool creating) {
  Object& d = in.data;
  if (entity == Entity::person) {
    if (!member(d, "name") && (member(d, "first_name") || member(d, "last_name"))) {
      const Value* first = member(d, "first_name");
      const Value* last = member(d, "last_name");
      std::string name = first && first->is_string() ? first->as_string() : "";
      if (last && last->is_string()) name += (name.empty() ? "" : " ") + last->as_string();
      put(d, "name", name);
    }
    if (creating && (!member(d, "name") || member(d, "name")->to_text().empty()))
      return bad("Name must be given.");
    if (auto s = check_reference(store, Entity::organization, member(d, "org_id"), "Organization");
        !s)
      return s;
  } else if (entity == Entity::organization) {
    if (creating && (!member(d, "name") || member(d, "name")->to_text().empty()))
      return bad("Name must be given.");
  } else if (entity == Entity::deal) {
    if (creating && (!member(d, "title") || member(d, "title")->to_text().empty()))
      return bad("Title must be given.");
    if (const Value* status = member(d, "status"); status && status->is_string()) {
      const std::string& s = status->as_string();
      if (s != "open" && s != "won" && s != "lost") return bad("Invalid status: " + s);
    }
    if (auto s = check_reference(store, Entity::person, member(d, "person_id"), "Person"); !s)
      return s;
    if (auto s = check_reference(store, Entity::organization, member(d, "org_id"), "Organization");
        !s)
      return s;
    if (const Value* stage_id = member(d, "stage_id"); stage_id && !stage_id->is_null()) {
      auto stage = store.stage(stage_id->as_int());
      if (!stage) return bad("Stage not found");
      put(d, "pipeline_id", stage->pipeline_id);
    }
    if (creating && !member(d, "stage_id")) {
      // No stage: the first stage of the given pipeline, else of the first.
      const Value* pipeline_id = member(d, "pipeline_id");
      std::optional<Stage> first;
      for (const Stage& s : store.stages()) {
        bool in = pipeline_id ? pipeline_id->is_int() && s.pipeline_id == pipeline_id->as_int()
                              : !first || s.pipeline_id == first->pipeline_id;
        if (in && (!first || s.order_nr < first->order_nr)) first = s;
      }
      if (!first) return bad("Pipeline has no stages");
      put(d, "stage_id", first->id);
      put(d, "pipeline_id", first->pipeline_id);
    }
    if (creating) {
      if (!member(d, "status")) put(d, "status", "open");
      if (!member(d, "currency")) put(d, "currency", "USD");
      if (!member(d, "value")) put(d, "value", 0);
    }
  } else if (entity == Entity::note) {
    if (creating && (!member(d, "content") || member(d, "content")->to_text().empty()))
      return bad("Content must be given.");
    bool linked = member(d, "deal_id") || member(d, "person_id") || member(d, "org_id") ||
                  member(d, "lead_id");
    if (creating && !linked)
      return bad("Note must be linked to a deal, person, organization or lead.");
    if (auto s = check_links(store, d); !s) return s;
  } else if (entity == Entity::activity) {
    if (auto s = check_links(store, d); !s) return s;
    if (creating) {
      // The company's default type; the subject defaults to the type's name.
      if (!member(d, "type")) put(d, "type", "call");
      if (!member(d, "subject")) {
        std::string subject = member(d, "type")->to_text();
        if (!subject.empty()) subject[0] = static_cast<char>(std::toupper(subject[0]));
        put(d, "subject", subject);
      }
      if (!member(d, "done")) put(d, "done", false);
      if (!member(d, "busy")) put(d, "busy", false);
    }
    if (const Value* done = member(d, "done"); done && done->is_bool())
      put(d, "marked_as_done_time", done->as_bool() ? Value(rfc3339(store.now())) : Value());
  } else if (entity == Entity::product) {
    if (creating && (!member(d, "name") || member(d, "name")->to_text().empty()))
      return bad("Name must be given.");
    if (const Value* prices = member(d, "prices"); prices && prices->is_array()) {
      auto normalized = normalize_prices(*prices);
      if (!normalized.ok()) return normalized.error();
      put(d, "prices", std::move(normalized).value());
    }
    if (creating) {
      // No prices: one of 0 in the user's default currency, as the API does.
      if (!member(d, "prices"))
        put(d, "prices",
            Array{Value(Object{{"currency", "USD"},
                               {"price", 0},
                               {"cost", 0},
                               {"direct_cost", nullptr},
                               {"notes", ""}})});
      if (!member(d, "is_linkable")) put(d, "is_linkable", true);
      if (!member(d, "tax")) put(d, "tax", 0);
    }
  }
  if (creating && entity != Entity::note) {
    if (!member(d, "owner_id")) put(d, "owner_id", 1);
    if (!member(d, "visible_to") && entity != Entity::activity) put(d, "visible_to", 3);
  }
  return Status::ok_status();
}

Status put_custom(const PipedriveStore& store, Entity entity, const std::string& key,
                  const Value& value, bool v1, Object& custom) {
  auto field = store.field_by_key(entity, key);
  if (!field || !field->custom) return bad("Custom field " + key + " does not exist");
  auto converted = custom_value(*field, value, v1);
  if (!converted.ok()) return converted.error();
  put(custom, key, std::move(converted).value());
  return Status::ok_status();
}
}  // namespace

Result<RecordInput> parse_v2_body(Entity entity, const Value& body, const PipedriveStore& store,
                                  bool creating) {
  if (!body.is_object()) return bad("Request body must be a JSON object");
  RecordInput in;
  const auto& allowed = v2_fields(entity);
  for (const auto& [key, value] : body.as_object()) {
    if (key == "custom_fields") {
      if (!value.is_object()) return bad("custom_fields must be an object");
      for (const auto& [ckey, cvalue] : value.as_object())
        if (auto s = put_custom(store, entity, ckey, cvalue, false, in.custom); !s)
          return s.error();
      continue;
    }
    auto it =
        std::find_if(allowed.begin(), allowed.end(), [&](const auto& f) { return key == f.first; });
    if (it == allowed.end()) return bad("Unknown field: " + key);
    if (!has_kind(value, it->second)) return bad("Invalid type for field: " + key);
    if (it->second == Kind::contacts && value.is_array()) {
      auto contacts = normalize_contacts(value, it->first, false);
      if (!contacts.ok()) return contacts.error();
      put(in.data, key, std::move(contacts).value());
    } else {
      put(in.data, key, value);
    }
  }
  if (auto s = complete(entity, in, store, creating); !s) return s.error();
  return in;
}

Result<RecordInput> parse_v1_body(Entity entity, const Value& body, const PipedriveStore& store,
                                  bool creating) {
  if (!body.is_object()) return bad("Request body must be a JSON object");
  RecordInput in;
  const auto& allowed = v2_fields(entity);
  for (const auto& [raw_key, value] : body.as_object()) {
    std::string key = raw_key;
    if (is_field_key(key)) {
      if (auto s = put_custom(store, entity, key, value, true, in.custom); !s) return s.error();
      continue;
    }
    // v1 names that differ from v2.
    if (key == "email" && entity == Entity::person) key = "emails";
    if (key == "phone" && entity == Entity::person) key = "phones";
    if (key == "user_id" && (entity == Entity::deal || entity == Entity::activity))
      key = "owner_id";
    if (entity == Entity::activity && key == "busy_flag") key = "busy";
    if (entity == Entity::product && key == "selectable") key = "is_linkable";
    auto it =
        std::find_if(allowed.begin(), allowed.end(), [&](const auto& f) { return key == f.first; });
    if (it == allowed.end()) continue;  // v1 ignores fields it does not know
    Value v = value;
    if (it->second == Kind::contacts) {
      Array list = v.is_array() ? v.as_array() : Array{v};
      auto contacts = normalize_contacts(Value(list), raw_key.c_str(), true);
      if (!contacts.ok()) return contacts.error();
      v = std::move(contacts).value();
    } else if (entity == Entity::activity && key == "location" && v.is_string()) {
      v = Value(Object{{"value", v}});  // v1 location is the address text
    } else if (it->second == Kind::boolean && v.is_int()) {
      v = Value(v.as_int() != 0);  // v1 done: 0/1
    } else if (it->second == Kind::boolean && v.is_string()) {
      v = Value(v.as_string() == "1" || v.as_string() == "true");
    } else if ((it->second == Kind::integer || it->second == Kind::number) && v.is_string()) {
      auto parsed = parse_json(v.as_string());  // v1 coerces "12" and "1000.50"
      if (!parsed.ok() || !parsed->is_number()) return bad("Invalid value for field: " + raw_key);
      v = std::move(parsed).value();
    }
    if (!has_kind(v, it->second == Kind::ids ? Kind::any : it->second))
      return bad("Invalid type for field: " + raw_key);
    put(in.data, key, std::move(v));
  }
  if (auto s = complete(entity, in, store, creating); !s) return s.error();
  return in;
}

}  // namespace crmsync::sandbox::pipedrive
