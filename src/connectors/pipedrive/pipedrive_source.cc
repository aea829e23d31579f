#include <algorithm>

#include "connectors/pipedrive/pipedrive_connection.h"
#include "net/url.h"

namespace crmsync {
namespace {

Value typed(std::string_view key, const Value& v) {
  if (!v.is_string()) return v;
  if (key == "add_time" || key == "update_time" || key.ends_with("_time")) {
    // v2 writes RFC 3339; v1 "YYYY-MM-DD HH:MM:SS" in UTC.
    if (auto t = DateTime::parse(v.as_string(), 0)) return Value(*t);
  } else if (key.ends_with("_date")) {
    if (auto d = Date::parse(v.as_string())) return Value(*d);
  }
  return v;
}

// Streams a v2 list by cursor (v1 notes by offset), a page per call.
class PipedriveReader final : public RecordReader {
 public:
  // `v1_since`: for v1 objects read since a cursor, the query sorts by
  // update_time descending and the read stops at the first older record.
  PipedriveReader(PipedriveConnection& conn, const PipedriveObject& obj,
                  const PipedriveFieldCatalog& fields, std::string query,
                  std::optional<DateTime> v1_since = std::nullopt)
      : conn_(conn), obj_(obj), fields_(fields), query_(std::move(query)), v1_since_(v1_since) {}

  Result<bool> next(std::vector<Record>& batch) override {
    batch.clear();
    bad_records.clear();
    if (done_) return false;
    std::string path =
        obj_.v2 ? "/api/v2/" + obj_.plural + "?limit=500" + query_ +
                      (cursor_.empty() ? "" : "&cursor=" + net::url_encode(cursor_))
                : "/v1/" + obj_.plural + "?limit=500&start=" + std::to_string(start_) + query_;
    auto a = conn_.call("GET", path);
    if (!a) return a.error();
    if (a->data.is_array()) {
      for (const Value& item : a->data.as_array()) {
        if (!names_) names_ = names_for(item);
        Record r = conn_.to_record(item, fields_, names_);
        if (v1_since_ && older_than_since(r)) {
          older_seen_ = true;
          break;
        }
        if (!r.id().empty()) batch.push_back(std::move(r));
      }
    }
    done_ = true;
    if (older_seen_) return false;
    if (obj_.v2) {
      const Value* next = a->additional_data.find("next_cursor");
      if (next && next->is_string() && !next->as_string().empty()) {
        cursor_ = next->as_string();
        done_ = false;
      }
    } else {
      const Value* pag = a->additional_data.find("pagination");
      const Value* more = pag ? pag->find("more_items_in_collection") : nullptr;
      const Value* ns = pag ? pag->find("next_start") : nullptr;
      if (more && more->is_bool() && more->as_bool() && ns && ns->is_int()) {
        start_ = ns->as_int();
        done_ = false;
      }
    }
    return !done_;
  }

 private:
  // The first item's keys and every custom field's name: one name list for
  // the whole read.
  FieldNamesPtr names_for(const Value& item) const {
    std::vector<std::string> names;
    if (item.is_object()) {
      for (const Member& m : item.as_object()) {
        if (m.key != "custom_fields") names.push_back(m.key);
      }
    }
    for (const std::string& n : fields_.custom_names()) {
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    }
    return make_field_names(std::move(names));
  }

  bool older_than_since(const Record& r) const {
    const Value* t = r.get("update_time");
    return t != nullptr && t->is_datetime() && t->as_datetime() < *v1_since_;
  }

  PipedriveConnection& conn_;
  const PipedriveObject& obj_;
  const PipedriveFieldCatalog& fields_;
  std::string query_;
  std::optional<DateTime> v1_since_;
  bool older_seen_ = false;
  std::string cursor_;
  int64_t start_ = 0;
  bool done_ = false;
  FieldNamesPtr names_;
};

}  // namespace

Capabilities PipedriveConnection::capabilities(std::string_view name) const {
  Capabilities c;
  const PipedriveObject* obj = pipedrive_object(name);
  c.read_full = c.describe = true;
  c.write_create = c.write_update = c.write_delete = true;
  // v2: updated_since; v1 notes: sorted by update_time, newest first,
  // read until the first one older than the cursor.
  c.read_since_cursor = obj != nullptr;
  c.read_by_ids = obj && obj->v2;
  c.search_by_field = obj && (obj->name == "person" || obj->name == "organization" ||
                              obj->name == "deal" || obj->name == "product");
  return c;
}

Result<const PipedriveObject*> PipedriveConnection::object(std::string_view name) const {
  const PipedriveObject* obj = pipedrive_object(name);
  if (obj == nullptr) {
    return Error(ErrorKind::fatal, "pipedrive has no object '" + std::string(name) +
                                       "' (person, organization, deal, activity, product, note)");
  }
  return obj;
}

Result<PipedriveClient::Answer> PipedriveConnection::call(const std::string& method,
                                                          const std::string& path,
                                                          const std::string& body, bool search) {
  count_api_call();
  return client_.call(method, path, body, search);
}

Result<const PipedriveFieldCatalog*> PipedriveConnection::catalog(const PipedriveObject& obj) {
  auto it = catalogs_.find(obj.name);
  if (it != catalogs_.end()) return &it->second;
  if (obj.fields.empty() || !obj.v2) {
    return &catalogs_.emplace(obj.name, PipedriveFieldCatalog()).first->second;
  }
  auto cat = PipedriveFieldCatalog::load(client_, obj);
  count_api_call();
  if (!cat) return cat.error();
  return &catalogs_.emplace(obj.name, std::move(*cat)).first->second;
}

Result<const PipedriveStageCatalog*> PipedriveConnection::stage_catalog() {
  if (stages_) return &*stages_;
  auto cat =
      PipedriveStageCatalog::load([this](const std::string& path) { return call("GET", path); });
  if (!cat) return cat.error();
  stages_ = std::move(*cat);
  return &*stages_;
}

Status PipedriveConnection::check() {
  auto a = call("GET", "/v1/users/me");
  if (!a) return a.error();
  return {};
}

Result<ObjectSchema> PipedriveConnection::describe(std::string_view name) {
  auto obj = object(name);
  if (!obj) return obj.error();
  auto cat = catalog(**obj);
  if (!cat) return cat.error();
  ObjectSchema s;
  s.object = (*obj)->name;
  s.id_field = "id";
  for (const PipedriveField& f : (*cat)->all()) {
    FieldInfo info;
    info.name = f.name == "ID" ? f.key : (f.custom ? f.name : f.key);
    info.key = f.key == "id";
    s.fields.push_back(std::move(info));
  }
  return s;
}

Record PipedriveConnection::to_record(const Value& item, const PipedriveFieldCatalog& fields,
                                      const FieldNamesPtr& names) const {
  Record r(names);
  if (!item.is_object()) return r;
  auto put = [&](const std::string& key, Value v) {
    int i = names->index_of(key);
    if (i >= 0) {
      r.value(static_cast<size_t>(i)) = std::move(v);
    } else {
      r.set(key, std::move(v));
    }
  };
  for (const Member& m : item.as_object()) {
    if (m.key == "custom_fields" && m.value.is_object()) {
      for (const Member& c : m.value.as_object()) {
        const PipedriveField* f = fields.by_key(c.key);
        put(f ? f->name : c.key, f ? from_pipedrive_value(*f, c.value) : c.value);
      }
      continue;
    }
    // v1 items carry custom fields at the root under their keys.
    if (const PipedriveField* f = fields.by_key(m.key); f && f->custom) {
      put(f->name, from_pipedrive_value(*f, m.value));
      continue;
    }
    put(m.key, typed(m.key, m.value));
  }
  if (const Value* id = item.find("id"); id && !id->is_null()) r.set_id(id->to_text());
  if (const Value* del = item.find("is_deleted"); del && del->is_bool()) {
    r.set_deleted(del->as_bool());
  }
  return r;
}

Result<std::unique_ptr<RecordReader>> PipedriveConnection::read(const ReadRequest& req) {
  auto obj = object(req.object);
  if (!obj) return obj.error();
  auto cat = catalog(**obj);
  if (!cat) return cat.error();
  std::string query;
  std::optional<DateTime> v1_since;
  if (!(*obj)->v2 && req.cursor_from && req.cursor_field == "update_time" &&
      req.cursor_from->is_datetime()) {
    // v1 lists have no updated_since: newest first, stop at the cursor.
    v1_since = req.cursor_from->as_datetime().floor_to_second_utc();
    query = "&sort=" + net::url_encode("update_time DESC");
  }
  if ((*obj)->v2) {
    // Pages come in id order; the engine commits an unordered source's
    // cursor after the whole read.
    if (req.cursor_from && req.cursor_field == "update_time" && req.cursor_from->is_datetime()) {
      // Whole seconds, rounded down: `updated_since` is inclusive.
      DateTime t = req.cursor_from->as_datetime().floor_to_second_utc();
      query = "&updated_since=" + net::url_encode(t.to_iso8601());
    }
  }
  return std::unique_ptr<RecordReader>(new PipedriveReader(*this, **obj, **cat, query, v1_since));
}

Result<std::vector<Record>> PipedriveConnection::read_by_ids(std::string_view name,
                                                             std::string_view,
                                                             std::span<const std::string> ids) {
  auto obj = object(name);
  if (!obj) return obj.error();
  auto cat = catalog(**obj);
  if (!cat) return cat.error();
  std::vector<Record> out;
  for (size_t start = 0; start < ids.size(); start += 100) {
    std::string list;
    for (size_t i = start; i < std::min(ids.size(), start + 100); ++i) {
      list += (list.empty() ? "" : ",") + ids[i];
    }
    auto a = call("GET", "/api/v2/" + (*obj)->plural + "?limit=500&ids=" + net::url_encode(list));
    if (!a) return a.error();
    if (!a->data.is_array()) continue;
    FieldNamesPtr names;
    for (const Value& item : a->data.as_array()) {
      if (!names) {
        std::vector<std::string> keys;
        for (const Member& m : item.as_object()) keys.push_back(m.key);
        names = make_field_names(std::move(keys));
      }
      out.push_back(to_record(item, **cat, names));
    }
  }
  return out;
}

Result<std::vector<Record>> PipedriveConnection::search(std::string_view name, std::string_view,
                                                        std::string_view field,
                                                        std::span<const Value> values) {
  auto obj = object(name);
  if (!obj) return obj.error();
  auto cat = catalog(**obj);
  if (!cat) return cat.error();
  std::string where;
  const PipedriveField* custom = (*cat)->by_name(field);
  bool product = (*obj)->name == "product";
  if (custom && custom->custom) {
    where = "custom_fields";
  } else if (product && (field == "name" || field == "code")) {
    where = std::string(field);  // /products/search knows name, code, custom_fields
  } else if (!product && (field == "email" || field == "emails")) {
    where = "email";
  } else if (!product && (field == "name" || field == "title" || field == "phone")) {
    where = std::string(field);
  } else {
    return Error(ErrorKind::fatal, "pipedrive cannot search " + (*obj)->name + " by '" +
                                       std::string(field) +
                                       (product ? "': match on a custom field, name or code"
                                                : "': match on a custom field, email, name or "
                                                  "phone"));
  }
  FieldNamesPtr names = make_field_names({"id", std::string(field)});
  std::vector<Record> out;
  for (const Value& v : values) {
    std::string term = v.to_text();
    if (term.empty()) continue;
    auto a =
        call("GET",
             "/api/v2/" + (*obj)->plural + "/search?exact_match=true&limit=10&fields=" + where +
                 "&term=" + net::url_encode(term),
             "", true);
    if (!a) return a.error().with_context("matching " + (*obj)->name + " by " + std::string(field));
    const Value* items = a->data.find("items");
    if (items == nullptr || !items->is_array()) continue;
    for (const Value& hit : items->as_array()) {
      const Value* item = hit.find("item");
      const Value* id = item ? item->find("id") : nullptr;
      if (id == nullptr || id->is_null()) continue;
      Record r(names);
      r.value(0) = *id;
      r.value(1) = v;  // exact match: the hit holds the searched value
      r.set_id(id->to_text());
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace crmsync
