// SOSL search (GET /search?q=FIND ...) and parameterizedSearch (GET with
// q, in, fields, sobject, <Object>.fields, <Object>.limit, overallLimit; or
// POST with the same as JSON), both answered by the search engine of
// search.h over the SOQL engine.
#include "core/json.h"
#include "sandbox/salesforce/body_json.h"
#include "sandbox/salesforce/sandbox_state.h"
#include "sandbox/salesforce/search.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

void answer_search(SandboxState& s, Call& c, const SearchSpec& spec) {
  auto out = run_search(*s.store, spec, c.m[1]);
  if (auto* e = std::get_if<SfError>(&out)) return answer_error(c.res, *e);
  answer_json(c.res, 200, std::move(std::get<std::string>(out)));
}

void sosl(SandboxState& s, Call& c) {
  auto q = c.req.query_param("q");
  if (!q || q->empty()) {
    return answer_error(c.res, sf_error(400, "MALFORMED_SEARCH",
                                        "No search term found. The search term must be enclosed "
                                        "in braces."));
  }
  auto spec = parse_sosl(*q);
  if (auto* e = std::get_if<SfError>(&spec)) return answer_error(c.res, *e);
  answer_search(s, c, std::get<SearchSpec>(spec));
}

std::optional<int64_t> number(std::string_view text) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != text.npos) {
    return std::nullopt;
  }
  return std::stoll(std::string(text));
}

std::string upper(std::string text) {
  for (char& ch : text) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return text;
}

// The search of GET parameters; nullopt after answering a bad one.
std::optional<SearchSpec> from_params(Call& c) {
  const auto& p = c.req.query;
  SearchSpec spec;
  spec.term = c.req.query_param("q").value_or("");
  spec.scope = upper(c.req.query_param("in").value_or("ALL"));
  std::string fields = c.req.query_param("fields").value_or("Id");
  if (auto n = c.req.query_param("overallLimit")) {
    auto v = number(*n);
    if (!v) {
      answer_error(c.res, sf_error(400, "INVALID_SEARCH", "overallLimit must be a number"));
      return std::nullopt;
    }
    spec.limit = *v;
  }
  for (auto [it, end] = p.equal_range("sobject"); it != end; ++it) {
    std::string_view names = it->second;
    while (!names.empty()) {
      size_t comma = names.find(',');
      SearchObject o;
      o.name = std::string(names.substr(0, comma));
      o.fields = c.req.query_param(o.name + ".fields").value_or(fields);
      if (auto n = c.req.query_param(o.name + ".limit")) o.limit = number(*n);
      spec.objects.push_back(std::move(o));
      if (comma == std::string_view::npos) break;
      names.remove_prefix(comma + 1);
    }
  }
  return spec;
}

std::string joined(const Value* list, const std::string& fallback) {
  if (!list || !list->is_array() || list->as_array().empty()) return fallback;
  std::string out;
  for (const Value& v : list->as_array()) {
    if (!out.empty()) out += ", ";
    out += v.is_string() ? v.as_string() : v.to_text();
  }
  return out;
}

// The search of a POST body; nullopt after answering a bad one.
std::optional<SearchSpec> from_body(Call& c) {
  auto body = parse_body(c.req.body, c.res, true);
  if (!body) return std::nullopt;
  SearchSpec spec;
  const Value* q = body->find("q");
  const Value* in = body->find("in");
  const Value* limit = body->find("overallLimit");
  spec.term = q && q->is_string() ? q->as_string() : "";
  if (in && in->is_string()) spec.scope = upper(in->as_string());
  if (limit && limit->is_number()) spec.limit = std::stoll(limit->to_text());
  std::string fields = joined(body->find("fields"), "Id");
  if (const Value* objs = body->find("sobjects"); objs && objs->is_array()) {
    for (const Value& o : objs->as_array()) {
      const Value* name = o.is_object() ? o.find("name") : nullptr;
      if (!name || !name->is_string()) {
        answer_error(c.res, sf_error(400, "INVALID_SEARCH", "every sobject needs a name"));
        return std::nullopt;
      }
      SearchObject so;
      so.name = name->as_string();
      so.fields = joined(o.find("fields"), fields);
      if (const Value* w = o.find("where"); w && w->is_string())
        so.clauses = "WHERE " + w->as_string();
      if (const Value* l = o.find("limit"); l && l->is_number())
        so.limit = std::stoll(l->to_text());
      spec.objects.push_back(std::move(so));
    }
  }
  return spec;
}

void parameterized(SandboxState& s, Call& c, bool post) {
  auto spec = post ? from_body(c) : from_params(c);
  if (!spec) return;
  if (spec->term.empty()) {
    return answer_error(c.res, sf_error(400, "MISSING_ARGUMENT", "The q parameter is required"));
  }
  if (spec->scope != "ALL" && spec->scope != "NAME" && spec->scope != "EMAIL" &&
      spec->scope != "PHONE") {
    return answer_error(c.res,
                        sf_error(400, "INVALID_SEARCH", "in must be ALL, NAME, EMAIL or PHONE"));
  }
  answer_search(s, c, *spec);
}

}  // namespace

void add_search_routes(SandboxState& s) {
  using A = Router::Access;
  std::string v = kDataPathPattern;
  s.router.add("GET", v + "/search/?", "search", A::session, [&s](Call& c) { sosl(s, c); });
  s.router.add("GET", v + "/parameterizedSearch/?", "parameterizedSearch", A::session,
               [&s](Call& c) { parameterized(s, c, false); });
  s.router.add("POST", v + "/parameterizedSearch/?", "parameterizedSearch", A::session,
               [&s](Call& c) { parameterized(s, c, true); });
}

}  // namespace crmsync::sandbox::salesforce
