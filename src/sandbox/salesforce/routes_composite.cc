// /composite: up to 25 subrequests in order, later ones referring to earlier
// answers with @{referenceId.path}; allOrNone undoes them all on a failure.
#include "core/json.h"
#include "sandbox/salesforce/body_json.h"
#include "sandbox/salesforce/composite_run.h"
#include "sandbox/salesforce/sandbox_state.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

constexpr size_t kMaxSubrequests = 25;

// The value at `path` ("id", "records[0].Id") in an earlier answer.
std::optional<std::string> resolve_path(const Value& root, std::string_view path) {
  const Value* cur = &root;
  while (cur && !path.empty()) {
    size_t end = path.find_first_of(".[");
    std::string_view key = path.substr(0, end);
    if (!key.empty()) cur = cur->find(key);
    path.remove_prefix(end == std::string_view::npos ? path.size() : end);
    if (!path.empty() && path[0] == '[') {
      size_t close = path.find(']');
      if (close == std::string_view::npos || !cur || !cur->is_array()) return std::nullopt;
      size_t i = std::strtoul(std::string(path.substr(1, close - 1)).c_str(), nullptr, 10);
      cur = i < cur->as_array().size() ? &cur->as_array()[i] : nullptr;
      path.remove_prefix(close + 1);
    }
    if (!path.empty() && path[0] == '.') path.remove_prefix(1);
  }
  if (!cur || cur->is_null()) return std::nullopt;
  return cur->is_string() ? cur->as_string() : cur->to_text();
}

// Replaces every @{ref.path}; nullopt names the first reference that failed.
std::variant<std::string, SfError> substitute(std::string text,
                                              const std::vector<SubResult>& done) {
  for (size_t at = text.find("@{"); at != std::string::npos; at = text.find("@{", at)) {
    size_t close = text.find('}', at);
    if (close == std::string::npos) break;
    std::string ref = text.substr(at + 2, close - at - 2);
    size_t dot = ref.find_first_of(".[");
    std::string name = ref.substr(0, dot);
    std::optional<std::string> value;
    for (const SubResult& r : done) {
      if (r.reference_id == name && dot != std::string::npos) {
        value = resolve_path(r.body, ref.substr(ref[dot] == '.' ? dot + 1 : dot));
      }
    }
    if (!value) {
      return sf_error(400, "INVALID_FIELD",
                      "Invalid reference specified. No value for " + ref + " found in " + name +
                          ". Provided referenceId ('" + name + "') must exist.");
    }
    text.replace(at, close - at + 1, *value);
    at += value->size();
  }
  return text;
}

net::HttpRequest make_sub_request(const std::string& method, const std::string& url,
                                  std::string body) {
  net::HttpRequest req;
  req.method = method;
  size_t q = url.find('?');
  req.path = url_decode(url.substr(0, q));
  if (q != std::string::npos) {
    for (const auto& [k, v] : parse_form(url.substr(q + 1))) req.query.emplace(k, v);
  }
  req.body = std::move(body);
  req.headers.emplace("Content-Type", "application/json");
  return req;
}

void halted(net::HttpResponse& res) {
  answer_error(res, sf_error(400, "PROCESSING_HALTED",
                             "The transaction was rolled back since another operation in the same "
                             "transaction failed."));
}

void composite(SandboxState& s, Call& c) {
  auto body = parse_body(c.req.body, c.res, true);
  if (!body) return;
  const Value* subs = body->find("compositeRequest");
  const Value* aon_v = body->find("allOrNone");
  bool all_or_none = aon_v && aon_v->is_bool() && aon_v->as_bool();
  if (!subs || !subs->is_array() || subs->as_array().empty() ||
      subs->as_array().size() > kMaxSubrequests) {
    return answer_error(c.res, sf_error(400, "INVALID_BATCH_REQUEST",
                                        "compositeRequest needs 1 to 25 subrequests"));
  }
  auto done = run_subrequests(s, c.user_id, c.m[1], subs->as_array(), all_or_none);
  std::string out;
  append_composite_response(done, out);
  answer_json(c.res, 200, std::move(out));
}

}  // namespace

net::HttpRequest sub_request(const std::string& method, const std::string& url, std::string body) {
  return make_sub_request(method, url, std::move(body));
}

std::vector<SubResult> run_subrequests(SandboxState& s, const std::string& user_id,
                                       const std::string& version, const Array& subs,
                                       bool all_or_none) {
  auto outer =
      all_or_none
          ? s.store->begin_outer(WriteContext{user_id, "com/salesforce/api/rest/" + version})
          : nullptr;
  std::vector<SubResult> done;
  bool failed = false;
  for (const Value& sub : subs) {
    SubResult r;
    const Value* ref = sub.find("referenceId");
    const Value* method = sub.find("method");
    const Value* url = sub.find("url");
    r.reference_id = ref && ref->is_string() ? ref->as_string() : "";
    if (failed && all_or_none) {
      halted(r.res);
    } else if (!method || !method->is_string() || !url || !url->is_string()) {
      answer_error(r.res, sf_error(400, "INVALID_BATCH_REQUEST", "method and url are required"));
    } else {
      const Value* b = sub.find("body");
      auto target = substitute(url->as_string(), done);
      auto text = substitute(b ? to_json(*b) : "", done);
      if (auto* e = std::get_if<SfError>(&target)) {
        answer_error(r.res, *e);
      } else if (auto* e2 = std::get_if<SfError>(&text)) {
        answer_error(r.res, *e2);
      } else {
        s.dispatch_internal(make_sub_request(method->as_string(), std::get<std::string>(target),
                                             std::get<std::string>(text)),
                            r.res, user_id);
      }
    }
    failed = failed || r.res.status >= 400;
    if (auto v = parse_json(r.res.body)) r.body = std::move(*v);
    done.push_back(std::move(r));
  }
  if (outer) {
    if (failed) {
      outer->rollback();
      for (SubResult& r : done) {
        if (r.res.status < 400) halted(r.res);
      }
    } else {
      outer->commit();
    }
  }
  return done;
}

void append_composite_response(const std::vector<SubResult>& done, std::string& out) {
  out += "{\"compositeResponse\":[";
  for (size_t i = 0; i < done.size(); ++i) {
    const SubResult& r = done[i];
    if (i) out += ',';
    out += "{\"body\":";
    out += r.res.body.empty() ? "null" : r.res.body;
    out += ",\"httpHeaders\":{";
    if (auto loc = r.res.header("Location")) {
      out += "\"Location\":";
      append_json_string(*loc, out);
    }
    out += "},\"httpStatusCode\":" + std::to_string(r.res.status) + ",\"referenceId\":";
    append_json_string(r.reference_id, out);
    out += '}';
  }
  out += "]}";
}

void add_composite_routes(SandboxState& s) {
  s.router.add("POST", "/services/data/v(\\d+\\.\\d+)/composite/?", "composite",
               Router::Access::session, [&s](Call& c) { composite(s, c); });
}

}  // namespace crmsync::sandbox::salesforce
