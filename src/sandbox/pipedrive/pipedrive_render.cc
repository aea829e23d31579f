#include "sandbox/pipedrive/pipedrive_render.h"

#include <cctype>

#include "sandbox/common/json_object.h"

namespace crmsync::sandbox::pipedrive {

namespace {
const char* kUserName = "Sandbox User";
const char* kUserEmail = "sandbox.user@example.com";

Value field_or_null(const Object& data, std::string_view key) {
  const Value* v = member(data, key);
  return v ? *v : Value();
}

Value owner_object() {
  return Value(Object{{"id", kUserId},
                      {"name", kUserName},
                      {"email", kUserEmail},
                      {"has_pic", 0},
                      {"pic_hash", nullptr},
                      {"active_flag", true},
                      {"value", kUserId}});
}

// v1 embeds related records as objects with a `value` holding the id.
Value related_v1(const PipedriveStore& store, Entity entity, const Value& id) {
  if (!id.is_int()) return Value();
  auto found = store.get(entity, id.as_int());
  if (!found) return Value();
  const char* title_key = entity == Entity::deal ? "title" : "name";
  Object out{{"name", field_or_null(found->data, title_key)}};
  if (entity == Entity::organization) {
    put(out, "people_count", 0);
    put(out, "owner_id", kUserId);
    put(out, "address", field_or_null(found->data, "address"));
    put(out, "active_flag", !found->is_deleted);
    put(out, "cc_email", "");
  } else if (entity == Entity::person) {
    put(out, "email", field_or_null(found->data, "emails"));
    put(out, "phone", field_or_null(found->data, "phones"));
  }
  put(out, "value", id);
  return Value(std::move(out));
}

// v1 option values: "12" for a single option, "12,13" for a set.
Value custom_v1(const FieldDef* field, const Value& value) {
  if (field == nullptr || value.is_null()) return value;
  if (field->field_type == "enum" && value.is_int()) return Value(std::to_string(value.as_int()));
  if (field->field_type == "set" && value.is_array()) {
    std::string joined;
    for (const auto& id : value.as_array()) {
      if (!joined.empty()) joined += ',';
      joined += id.to_text();
    }
    return Value(joined);
  }
  if (field->field_type == "monetary" && value.is_object())
    return field_or_null(value.as_object(), "value");
  return value;
}
}  // namespace

namespace {
bool has_labels(Entity e) {
  return e == Entity::person || e == Entity::organization || e == Entity::deal;
}
bool has_custom_fields(Entity e) {
  return has_labels(e) || e == Entity::product;
}

// Members every v2 item of `entity` carries, null when never set (the
// ActivityItem and ProductItem schemas).
void v2_defaults(Entity entity, Object& out) {
  static const char* kActivity[] = {"subject",
                                    "type",
                                    "owner_id",
                                    "creator_user_id",
                                    "deal_id",
                                    "lead_id",
                                    "person_id",
                                    "org_id",
                                    "project_id",
                                    "due_date",
                                    "due_time",
                                    "duration",
                                    "busy",
                                    "done",
                                    "marked_as_done_time",
                                    "location",
                                    "public_description",
                                    "priority",
                                    "note"};
  static const char* kProduct[] = {
      "name",     "code",     "description", "unit",       "tax",
      "category", "owner_id", "is_linkable", "visible_to", "billing_frequency"};
  if (entity == Entity::activity) {
    for (const char* key : kActivity)
      if (!member(out, key))
        put(out, key, key == std::string("creator_user_id") ? Value(kUserId) : Value());
    for (const char* key : {"participants", "attendees"})
      if (!member(out, key)) put(out, key, Array{});
  } else if (entity == Entity::product) {
    for (const char* key : kProduct)
      if (!member(out, key))
        put(out, key, key == std::string("billing_frequency") ? Value("one-time") : Value());
  }
}

// v1 activity: owner as user_id (a number), busy_flag, the location as its
// text, related ids plain (the recorded /v1/activities answer).
Value render_activity_v1(const StoredRecord& r, const PipedriveStore& store) {
  const Object& d = r.data;
  auto get = [&](const char* key) { return field_or_null(d, key); };
  Value location = get("location");
  if (location.is_object()) location = field_or_null(location.as_object(), "value");
  std::string type = get("type").to_text();
  std::string type_name = type;
  if (!type_name.empty()) type_name[0] = static_cast<char>(std::toupper(type_name[0]));
  Object out{{"id", r.id},
             {"company_id", kCompanyId},
             {"user_id", get("owner_id")},
             {"done", get("done").is_bool() ? get("done") : Value(false)},
             {"type", get("type")},
             {"due_date", get("due_date")},
             {"due_time", get("due_time").is_null() ? Value("") : get("due_time")},
             {"duration", get("duration").is_null() ? Value("") : get("duration")},
             {"busy_flag", get("busy").is_bool() ? get("busy") : Value(false)},
             {"add_time", sql_datetime(r.add_time)},
             {"marked_as_done_time", Value("")},
             {"subject", get("subject")},
             {"public_description", get("public_description")},
             {"location", location},
             {"org_id", get("org_id")},
             {"person_id", get("person_id")},
             {"deal_id", get("deal_id")},
             {"lead_id", get("lead_id")},
             {"active_flag", !r.is_deleted},
             {"update_time", sql_datetime(r.update_time)},
             {"priority", get("priority")},
             {"note", get("note")},
             {"created_by_user_id", kUserId},
             {"participants", get("participants").is_null() ? Value(Array{}) : get("participants")},
             {"private", false},
             {"reference_type", nullptr},
             {"reference_id", nullptr},
             {"update_user_id", nullptr},
             {"owner_name", kUserName},
             {"assigned_to_user_id", get("owner_id")},
             {"type_name", type_name}};
  if (const Value* done_at = member(d, "marked_as_done_time"); done_at && done_at->is_string())
    put(out, "marked_as_done_time", sql_datetime(parse_rfc3339(done_at->as_string())));
  auto name_of = [&](Entity e, const char* key, const char* title) {
    const Value* id = member(d, key);
    if (id == nullptr || !id->is_int()) return Value();
    auto found = store.get(e, id->as_int());
    return found ? field_or_null(found->data, title) : Value();
  };
  put(out, "person_name", name_of(Entity::person, "person_id", "name"));
  put(out, "org_name", name_of(Entity::organization, "org_id", "name"));
  put(out, "deal_title", name_of(Entity::deal, "deal_id", "title"));
  return Value(std::move(out));
}

// v1 prices carry the product id and call direct_cost overhead_cost.
Value prices_v1(const Value& prices, int64_t product_id) {
  Array out;
  if (!prices.is_array()) return Value(std::move(out));
  int64_t n = 0;
  for (const auto& p : prices.as_array()) {
    const Object& o = p.as_object();
    out.push_back(Value(Object{{"id", product_id * 1000 + ++n},
                               {"product_id", product_id},
                               {"price", field_or_null(o, "price")},
                               {"currency", field_or_null(o, "currency")},
                               {"cost", field_or_null(o, "cost")},
                               {"overhead_cost", field_or_null(o, "direct_cost")},
                               {"notes", field_or_null(o, "notes")}}));
  }
  return Value(std::move(out));
}
}  // namespace

Value render_v2(Entity entity, const StoredRecord& r) {
  Object out{{"id", r.id}};
  for (const auto& m : r.data) out.push_back(m);
  v2_defaults(entity, out);
  if (entity == Entity::person) {
    for (const char* key : {"emails", "phones"})
      if (!member(out, key)) put(out, key, Array{});
    for (const char* key : {"first_name", "last_name", "org_id", "picture_id"})
      if (!member(out, key)) put(out, key, nullptr);
  }
  if (has_labels(entity) && !member(out, "label_ids")) put(out, "label_ids", Array{});
  put(out, "add_time", rfc3339(r.add_time));
  put(out, "update_time", rfc3339(r.update_time));
  put(out, "is_deleted", r.is_deleted);
  if (has_custom_fields(entity)) put(out, "custom_fields", Value(r.custom));
  return Value(std::move(out));
}

Value render_v1(Entity entity, const StoredRecord& r, const PipedriveStore& store) {
  if (entity == Entity::activity) return render_activity_v1(r, store);
  Object out{{"id", r.id}};
  if (entity != Entity::note) put(out, "company_id", kCompanyId);
  const Object& d = r.data;
  for (const auto& m : d) {
    if (m.key == "owner_id") {
      put(out, entity == Entity::deal ? "user_id" : "owner_id", owner_object());
    } else if (m.key == "org_id") {
      put(out, "org_id", related_v1(store, Entity::organization, m.value));
    } else if (m.key == "person_id" && entity == Entity::deal) {
      put(out, "person_id", related_v1(store, Entity::person, m.value));
    } else if (m.key == "emails" || m.key == "phones") {
      put(out, m.key == "emails" ? "email" : "phone", m.value);
    } else if (m.key == "visible_to") {
      put(out, "visible_to", Value(m.value.to_text()));
    } else if (m.key == "prices") {
      put(out, "prices", prices_v1(m.value, r.id));
    } else if (m.key == "is_linkable") {
      put(out, "selectable", m.value);
    } else if (m.key != "label_ids") {
      put(out, m.key, m.value);
    }
  }
  if (entity == Entity::product) {
    std::string name = field_or_null(d, "name").to_text();
    put(out, "first_char",
        name.empty() ? Value() : Value(std::string(1, static_cast<char>(std::tolower(name[0])))));
  }
  if (entity == Entity::person) {
    const Value* emails = member(d, "emails");
    Value primary;
    if (emails && emails->is_array())
      for (const auto& e : emails->as_array())
        if (e.as_object()[1].value.as_bool()) primary = e.as_object()[0].value;
    put(out, "primary_email", primary);
    std::string name = field_or_null(d, "name").to_text();
    put(out, "first_char",
        name.empty() ? Value() : Value(std::string(1, static_cast<char>(std::tolower(name[0])))));
  }
  if (entity == Entity::note) {
    put(out, "user_id", kUserId);
    put(out, "person", related_v1(store, Entity::person, field_or_null(d, "person_id")));
    put(out, "organization", related_v1(store, Entity::organization, field_or_null(d, "org_id")));
    put(out, "deal", related_v1(store, Entity::deal, field_or_null(d, "deal_id")));
  }
  put(out, "add_time", sql_datetime(r.add_time));
  put(out, "update_time", sql_datetime(r.update_time));
  if (entity == Entity::deal) {
    put(out, "active", !r.is_deleted);
    put(out, "deleted", r.is_deleted);
  } else {
    put(out, "active_flag", !r.is_deleted);
  }
  if (entity != Entity::note) {
    for (const auto& field : store.fields(entity)) {
      if (!field.custom) continue;
      const Value* v = member(r.custom, field.key);
      put(out, field.key, custom_v1(&field, v ? *v : Value()));
    }
  }
  return Value(std::move(out));
}

Value render_field_v1(const FieldDef& f, int order_nr) {
  Object out{{"id", f.id},
             {"key", f.key},
             {"name", f.name},
             {"group_id", nullptr},
             {"order_nr", order_nr},
             {"field_type", f.field_type},
             {"json_column_flag", false},
             {"add_time", sql_datetime(f.add_time)},
             {"update_time", sql_datetime(f.update_time)},
             {"last_updated_by_user_id", f.custom ? Value(kUserId) : Value()},
             {"edit_flag", f.custom},
             {"details_visible_flag", true},
             {"add_visible_flag", true},
             {"important_flag", false},
             {"bulk_edit_allowed", true},
             {"filtering_allowed", true},
             {"sortable_flag", true},
             {"mandatory_flag", false},
             {"searchable_flag", f.custom},
             {"description", nullptr},
             {"created_by_user_id", f.custom ? Value(kUserId) : Value()},
             {"active_flag", true}};
  if (f.field_type == "enum" || f.field_type == "set") {
    Array options;
    for (const auto& o : f.options)
      options.push_back(Value(Object{{"id", o.id}, {"label", o.label}}));
    put(out, "options", std::move(options));
  }
  return Value(std::move(out));
}

Value render_field_v2(const FieldDef& f) {
  Value options;
  if (f.field_type == "enum" || f.field_type == "set") {
    Array list;
    for (const auto& o : f.options) list.push_back(Value(Object{{"id", o.id}, {"label", o.label}}));
    options = Value(std::move(list));
  }
  return Value(Object{{"field_name", f.name},
                      {"field_code", f.key},
                      {"field_type", f.field_type},
                      {"options", options},
                      {"subfields", nullptr},
                      {"is_custom_field", f.custom},
                      {"is_optional_response_field", false}});
}

Value render_user() {
  return Value(Object{{"id", kUserId},
                      {"name", kUserName},
                      {"email", kUserEmail},
                      {"company_id", kCompanyId},
                      {"company_name", "crmsync sandbox"},
                      {"company_domain", "sandbox"},
                      {"default_currency", "USD"},
                      {"locale", "en_US"},
                      {"lang", 1},
                      {"timezone_name", "UTC"},
                      {"timezone_offset", "+00:00"},
                      {"active_flag", true},
                      {"is_admin", 1},
                      {"role_id", 1},
                      {"has_pic", 0},
                      {"pic_hash", nullptr},
                      {"is_you", true}});
}

Value render_pipeline(const Pipeline& p, bool v2, int64_t now) {
  if (v2)
    return Value(Object{{"id", p.id},
                        {"name", p.name},
                        {"order_nr", p.order_nr},
                        {"is_deleted", false},
                        {"is_deal_probability_enabled", p.deal_probability_enabled},
                        {"add_time", rfc3339(now)},
                        {"update_time", rfc3339(now)}});
  return Value(Object{{"id", p.id},
                      {"name", p.name},
                      {"url_title", "default"},
                      {"order_nr", p.order_nr},
                      {"active", true},
                      {"deal_probability", p.deal_probability_enabled},
                      {"add_time", sql_datetime(now)},
                      {"update_time", sql_datetime(now)},
                      {"selected", true}});
}

Value render_stage(const Stage& s, const PipedriveStore& store, bool v2, int64_t now) {
  if (v2)
    return Value(
        Object{{"id", s.id},
               {"order_nr", s.order_nr},
               {"name", s.name},
               {"is_deleted", false},
               {"deal_probability", s.deal_probability},
               {"pipeline_id", s.pipeline_id},
               {"is_deal_rot_enabled", s.days_to_rotten > 0},
               {"days_to_rotten", s.days_to_rotten > 0 ? Value(s.days_to_rotten) : Value()},
               {"add_time", rfc3339(now)},
               {"update_time", rfc3339(now)}});
  std::string pipeline_name;
  for (const auto& p : store.pipelines())
    if (p.id == s.pipeline_id) pipeline_name = p.name;
  return Value(Object{{"id", s.id},
                      {"order_nr", s.order_nr},
                      {"name", s.name},
                      {"active_flag", true},
                      {"deal_probability", s.deal_probability},
                      {"pipeline_id", s.pipeline_id},
                      {"rotten_flag", s.days_to_rotten > 0},
                      {"rotten_days", s.days_to_rotten > 0 ? Value(s.days_to_rotten) : Value()},
                      {"add_time", sql_datetime(now)},
                      {"update_time", sql_datetime(now)},
                      {"pipeline_name", pipeline_name}});
}

}  // namespace crmsync::sandbox::pipedrive
