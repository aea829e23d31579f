// composite/batch (independent subrequests, haltOnError), composite/tree
// (parent-child inserts in one transaction, referenceIds) and
// composite/graph (composite requests that each succeed or fail whole).
#include <set>

#include "core/json.h"
#include "sandbox/salesforce/body_json.h"
#include "sandbox/salesforce/composite_run.h"
#include "sandbox/salesforce/sandbox_state.h"
#include "sandbox/salesforce/sobject_rows.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

constexpr size_t kMaxBatch = 25;
constexpr size_t kMaxTreeRecords = 200;
constexpr size_t kMaxTreeDepth = 5;
constexpr size_t kMaxGraphNodes = 500;

// A batch subrequest's url is relative to /services/data ("v60.0/sobjects/..."),
// or a full path.
std::string batch_url(const std::string& url) {
  return url.rfind("/", 0) == 0 ? url : "/services/data/" + url;
}

void batch(SandboxState& s, Call& c) {
  auto body = parse_body(c.req.body, c.res, true);
  if (!body) return;
  const Value* reqs = body->find("batchRequests");
  const Value* halt_v = body->find("haltOnError");
  bool halt = halt_v && halt_v->is_bool() && halt_v->as_bool();
  if (!reqs || !reqs->is_array() || reqs->as_array().empty() ||
      reqs->as_array().size() > kMaxBatch) {
    return answer_error(
        c.res, sf_error(400, "INVALID_BATCH_REQUEST", "batchRequests needs 1 to 25 subrequests"));
  }
  std::string results;
  bool has_errors = false;
  bool halted = false;
  for (const Value& sub : reqs->as_array()) {
    if (!results.empty()) results += ',';
    if (halted) {
      results +=
          R"({"result":[{"errorCode":"BATCH_PROCESSING_HALTED","message":"Batch processing halted per request"}],"statusCode":412})";
      continue;
    }
    net::HttpResponse res;
    const Value* method = sub.find("method");
    const Value* url = sub.find("url");
    const Value* rich = sub.find("richInput");
    if (!method || !method->is_string() || !url || !url->is_string()) {
      answer_error(res, sf_error(400, "INVALID_BATCH_REQUEST", "method and url are required"));
    } else {
      s.dispatch_internal(
          sub_request(method->as_string(), batch_url(url->as_string()), rich ? to_json(*rich) : ""),
          res, c.user_id);
    }
    bool failed = res.status >= 400;
    has_errors = has_errors || failed;
    halted = failed && halt;
    results += "{\"result\":";
    results += res.body.empty() ? "null" : res.body;
    results += ",\"statusCode\":" + std::to_string(res.status) + "}";
  }
  answer_json(c.res, 200,
              std::string("{\"hasErrors\":") + (has_errors ? "true" : "false") + ",\"results\":[" +
                  results + "]}");
}

// One composite/tree insert: every record in one transaction, parents first.
class TreeInsert {
 public:
  TreeInsert(SandboxState& s, Store::Txn& txn) : s_(s), txn_(txn) {}

  // Inserts `records` (of `def`, children of `parent_id` through `parent_field`).
  void insert(const Value& records, const ObjectDef& def, const FieldDef* parent_field,
              const std::string& parent_id, size_t depth) {
    if (!records.is_object() || !records.find("records") || !records.find("records")->is_array()) {
      return fail("", "INVALID_INPUT", "records must be a list of records");
    }
    for (const Value& rec : records.find("records")->as_array())
      insert_one(rec, def, parent_field, parent_id, depth);
  }

  bool failed() const { return !errors_.empty(); }
  size_t count() const { return count_; }
  // `{"hasErrors":..,"results":[..]}`: the ids of all, or the errors only.
  std::string answer() const {
    std::string out =
        std::string("{\"hasErrors\":") + (failed() ? "true" : "false") + ",\"results\":[";
    out += failed() ? errors_ : ids_;
    return out + "]}";
  }

 private:
  void insert_one(const Value& rec, const ObjectDef& def, const FieldDef* parent_field,
                  const std::string& parent_id, size_t depth) {
    const Value* attrs = rec.is_object() ? rec.find("attributes") : nullptr;
    const Value* type = attrs ? attrs->find("type") : nullptr;
    const Value* ref = attrs ? attrs->find("referenceId") : nullptr;
    std::string ref_id = ref && ref->is_string() ? ref->as_string() : "";
    if (++count_ > kMaxTreeRecords) return;  // answered by the caller
    if (ref_id.empty())
      return fail(ref_id, "INVALID_INPUT",
                  "Include a reference ID for each record in the request.");
    if (!refs_.insert(ref_id).second) {
      return fail(ref_id, "INVALID_INPUT", "Duplicate ReferenceId provided in the request");
    }
    if (!type || !type->is_string() || !iequals(type->as_string(), def.name)) {
      return fail(ref_id, "INVALID_INPUT", "Invalid type in attributes: expected " + def.name);
    }
    if (depth > kMaxTreeDepth) {
      return fail(ref_id, "INVALID_INPUT", "The request exceeds the maximum depth of 5 levels");
    }
    auto children = child_relationships(*s_.schema, def);
    Object fields;
    std::vector<std::pair<const ChildRelationship*, const Value*>> nested;
    for (const Member& m : rec.as_object()) {
      if (m.key == "attributes") continue;
      const ChildRelationship* child = nullptr;
      for (const ChildRelationship& r : children) {
        if (iequals(r.name, m.key)) child = &r;
      }
      if (child && m.value.is_object()) {
        nested.emplace_back(child, &m.value);
      } else {
        fields.push_back(m);
      }
    }
    if (parent_field) fields.push_back({parent_field->name, Value(parent_id)});
    auto r = txn_.create(def, fields);
    if (auto* e = std::get_if<SfError>(&r)) return fail(ref_id, *e);
    const std::string& id = std::get<std::string>(r);
    if (!ids_.empty()) ids_ += ',';
    ids_ += "{\"referenceId\":";
    append_json_string(ref_id, ids_);
    ids_ += ",\"id\":\"" + id + "\"}";
    for (const auto& [rel, value] : nested) {
      // `children` dies with this call: copy what the recursion needs.
      insert(*value, *rel->child, rel->field, id, depth + 1);
    }
  }

  void fail(const std::string& ref_id, const std::string& code, const std::string& message) {
    fail(ref_id, sf_error(400, code, message));
  }
  void fail(const std::string& ref_id, const SfError& e) {
    if (!errors_.empty()) errors_ += ',';
    errors_ += "{\"referenceId\":";
    append_json_string(ref_id, errors_);
    errors_ += ",\"errors\":[";
    append_error_object(e, "statusCode", errors_);
    errors_ += "]}";
  }

  SandboxState& s_;
  Store::Txn& txn_;
  std::set<std::string> refs_;
  std::string ids_;
  std::string errors_;
  size_t count_ = 0;
};

void tree(SandboxState& s, Call& c) {
  const ObjectDef* def = object_or_404(s, c, c.m[2]);
  if (!def) return;
  auto body = parse_body(c.req.body, c.res, true);
  if (!body) return;
  auto txn = s.store->begin(api_context(c));
  TreeInsert insert(s, *txn);
  insert.insert(*body, *def, nullptr, "", 1);
  if (insert.count() > kMaxTreeRecords) {
    return answer_error(c.res, sf_error(400, "INVALID_INPUT",
                                        "A tree request can insert at most 200 records, not " +
                                            std::to_string(insert.count())));
  }
  if (insert.failed()) return answer_json(c.res, 400, insert.answer());  // txn rolls back
  txn->commit();
  answer_json(c.res, 201, insert.answer());
}

void graph(SandboxState& s, Call& c) {
  auto body = parse_body(c.req.body, c.res, true);
  if (!body) return;
  const Value* graphs = body->find("graphs");
  if (!graphs || !graphs->is_array() || graphs->as_array().empty()) {
    return answer_error(c.res, sf_error(400, "INVALID_INPUT", "graphs needs at least one graph"));
  }
  size_t nodes = 0;
  for (const Value& g : graphs->as_array()) {
    const Value* subs = g.is_object() ? g.find("compositeRequest") : nullptr;
    const Value* id = g.is_object() ? g.find("graphId") : nullptr;
    if (!subs || !subs->is_array() || subs->as_array().empty() || !id || !id->is_string()) {
      return answer_error(c.res, sf_error(400, "INVALID_INPUT",
                                          "every graph needs a graphId and a compositeRequest"));
    }
    nodes += subs->as_array().size();
  }
  if (nodes > kMaxGraphNodes) {
    return answer_error(c.res, sf_error(400, "INVALID_INPUT",
                                        "a graph request can have at most 500 nodes, not " +
                                            std::to_string(nodes)));
  }
  std::string out = "{\"graphs\":[";
  bool first = true;
  for (const Value& g : graphs->as_array()) {
    auto done = run_subrequests(s, c.user_id, c.m[1], g.find("compositeRequest")->as_array(), true);
    bool ok = true;
    for (const SubResult& r : done) ok = ok && r.res.status < 400;
    if (!first) out += ',';
    first = false;
    out += "{\"graphId\":";
    append_json_string(g.find("graphId")->as_string(), out);
    out += ",\"graphResponse\":";
    append_composite_response(done, out);
    out += std::string(",\"isSuccessful\":") + (ok ? "true" : "false") + "}";
  }
  answer_json(c.res, 200, out + "]}");
}

}  // namespace

void add_composite_more_routes(SandboxState& s) {
  using A = Router::Access;
  std::string v = kDataPathPattern;
  s.router.add("POST", v + "/composite/batch/?", "composite.batch", A::session,
               [&s](Call& c) { batch(s, c); });
  s.router.add("POST", v + "/composite/tree/([^/]+)/?", "composite.tree", A::session,
               [&s](Call& c) { tree(s, c); });
  s.router.add("POST", v + "/composite/graph/?", "composite.graph", A::session,
               [&s](Call& c) { graph(s, c); });
}

}  // namespace crmsync::sandbox::salesforce
