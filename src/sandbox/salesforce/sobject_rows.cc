#include "sandbox/salesforce/sobject_rows.h"

#include <ctime>

#include "core/json.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {

const ObjectDef* object_or_404(SandboxState& s, Call& c, const std::string& name) {
  const ObjectDef* def = s.schema->find(name);
  if (!def) {
    answer_error(c.res, sf_error(404, "NOT_FOUND", "The requested resource does not exist"));
  }
  return def;
}

WriteContext api_context(const Call& c) {
  return WriteContext{c.user_id, "com/salesforce/api/rest/" + c.m[1]};
}

std::string sobject_url(const std::string& version, const ObjectDef& def, const std::string& id) {
  return "/services/data/v" + version + "/sobjects/" + def.name + "/" + id;
}

std::optional<SelectNode> field_selection(const ObjectDef& def, Call& c) {
  auto fields = c.req.query_param("fields");
  if (!fields) return select_all(def);
  SelectNode root;
  root.name = def.name;
  root.object = &def;
  std::string_view rest = *fields;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string name(rest.substr(0, comma));
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    int idx = def.field_index(name);
    if (idx < 0) {
      answer_error(c.res, sf_error(400, "INVALID_FIELD",
                                   "No such column '" + name + "' on sobject of type " + def.name));
      return std::nullopt;
    }
    SelectNode leaf;
    leaf.field = idx;
    leaf.object = &def;
    leaf.name = def.fields[static_cast<size_t>(idx)].name;
    root.children.push_back(std::move(leaf));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return root;
}

std::optional<int64_t> parse_http_date(std::string_view text) {
  std::string value(text);
  std::tm tm{};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm)) * 1000000;
}

std::string format_http_date(int64_t micros) {
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

bool not_modified_since(Call& c, int64_t modified) {
  auto h = c.req.header("If-Modified-Since");
  if (!h) return false;
  auto since = parse_http_date(*h);
  // HTTP: an unparseable If-Modified-Since is ignored.
  if (!since || modified / 1000000 > *since / 1000000) return false;
  c.res.status = 304;
  c.res.body.clear();
  return true;
}

bool modified_since_unmodified(Call& c, int64_t modified, bool write) {
  auto h = c.req.header("If-Unmodified-Since");
  if (!h) return false;
  auto since = parse_http_date(*h);
  if (!since) {
    if (!write) return false;
    answer_error(c.res, sf_error(400, "INVALID_HEADER_VALUE",
                                 "Invalid If-Unmodified-Since header value: " + std::string(*h)));
    return true;
  }
  if (modified / 1000000 <= *since / 1000000) return false;
  answer_error(c.res,
               sf_error(412, "PRECONDITION_FAILED",
                        "The requested resource has been modified since " + std::string(*h)));
  return true;
}

int64_t record_modstamp(const ObjectDef& def, const Record& rec) {
  int idx = def.field_index("SystemModstamp");
  if (idx < 0) return 0;
  const Value& v = rec.value(static_cast<size_t>(idx));
  return v.is_null() ? 0 : v.as_datetime().micros;
}

void answer_record(SandboxState& s, Call& c, const ObjectDef& def, const Record& rec,
                   const SelectNode& select) {
  std::string out;
  render_record(*s.store, rec, select, c.m[1], out);
  answer_json(c.res, 200, std::move(out));
  c.res.headers.emplace("Last-Modified", format_http_date(record_modstamp(def, rec)));
  s.note_recent(def, rec.id());
}

void answer_multiple_choices(Call& c, const ObjectDef& def, const std::vector<std::string>& ids) {
  std::string out = "[";
  for (const std::string& id : ids) {
    if (out.size() > 1) out += ',';
    append_json_string(sobject_url(c.m[1], def, id), out);
  }
  answer_json(c.res, 300, out + "]");
}

bool version_at_least(const std::string& version, double v) {
  return std::strtod(version.c_str(), nullptr) >= v;
}

void SandboxState::note_recent(const ObjectDef& def, const std::string& id) {
  std::lock_guard lock(recent_mutex);
  std::erase_if(recent, [&](const auto& r) { return r.second == id; });
  recent.emplace_front(&def, id);
  if (recent.size() > kMaxRecent) recent.pop_back();
}

std::string recent_items_json(SandboxState& s, const std::string& version, const ObjectDef* only,
                              size_t limit) {
  std::vector<std::pair<const ObjectDef*, std::string>> items;
  {
    std::lock_guard lock(s.recent_mutex);
    items.assign(s.recent.begin(), s.recent.end());
  }
  std::string out;
  size_t n = 0;
  auto lock = s.store->read_lock();
  for (const auto& [def, id] : items) {
    if (n >= limit) break;
    if (only && def != only) continue;
    const Record* rec = s.store->find(*def, id);
    if (!rec || s.store->deleted_micros(*def, id) != 0) continue;
    if (n++) out += ',';
    out += "{\"attributes\":{\"type\":";
    append_json_string(def->name, out);
    out += ",\"url\":";
    append_json_string(sobject_url(version, *def, id), out);
    out += "},\"Id\":";
    append_json_string(id, out);
    int name = def->field_index("Name");
    if (name >= 0) {
      out += ",\"Name\":";
      append_json(rec->value(static_cast<size_t>(name)), out);
    }
    out += '}';
  }
  return out;
}

}  // namespace crmsync::sandbox::salesforce
