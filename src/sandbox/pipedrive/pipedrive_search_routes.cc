// Search: /api/v2/{persons,organizations,deals,products}/search and
// itemSearch (v2 with cursors, v1 /v1/itemSearch with start/limit), by
// name/title, email, phone, address, product code and custom field values;
// exact_match compares whole values ignoring case. Search has its own burst
// window.
#include <algorithm>
#include <set>

#include "sandbox/common/json_object.h"
#include "sandbox/pipedrive/pipedrive_context.h"
#include "sandbox/pipedrive/pipedrive_entities.h"
#include "sandbox/pipedrive/pipedrive_envelope.h"

namespace crmsync::sandbox::pipedrive {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

struct Query {
  std::string term;  // lower case
  bool exact = false;
  std::set<std::string> fields;  // empty: all
  bool wants(const char* field) const { return fields.empty() || fields.count(field); }
  bool matches(const Value& v) const {
    if (!v.is_string() && !v.is_number()) return false;
    std::string text = lower(v.to_text());
    return exact ? text == term : text.find(term) != std::string::npos;
  }
};

Array contact_values(const Object& data, const char* key) {
  Array out;
  if (const Value* list = member(data, key); list && list->is_array())
    for (const auto& c : list->as_array()) out.push_back(c.as_object()[0].value);
  return out;
}

// The score when `record` matches, 0 when it does not.
double score(Entity entity, const StoredRecord& r, const Query& q) {
  const char* title = entity == Entity::deal ? "title" : "name";
  if (q.wants(title) || (entity == Entity::person && q.wants("name")))
    if (const Value* v = member(r.data, title); v && q.matches(*v)) return 1.0;
  if (entity == Entity::person) {
    for (const char* field : {"email", "phone"}) {
      if (!q.wants(field)) continue;
      for (const auto& v : contact_values(r.data, field[0] == 'e' ? "emails" : "phones"))
        if (q.matches(v)) return 0.9;
    }
  }
  if (entity == Entity::product && q.wants("code"))
    if (const Value* v = member(r.data, "code"); v && q.matches(*v)) return 0.9;
  if (entity == Entity::organization && q.wants("address"))
    if (const Value* a = member(r.data, "address"); a && a->is_object())
      if (const Value* v = member(a->as_object(), "value"); v && q.matches(*v)) return 0.8;
  if (q.wants("custom_fields"))
    for (const auto& m : r.custom)
      if (q.matches(m.value)) return 0.7;
  return 0;
}

Value id_name(const PipedriveStore& store, Entity entity, const Value* id) {
  if (id == nullptr || !id->is_int()) return Value();
  auto found = store.get(entity, id->as_int());
  if (!found) return Value();
  Object out{{"id", found->id},
             {"name", member(found->data, entity == Entity::deal ? "title" : "name")
                          ? *member(found->data, entity == Entity::deal ? "title" : "name")
                          : Value()}};
  if (entity == Entity::organization) put(out, "address", nullptr);
  return Value(std::move(out));
}

Value render_item(Context& ctx, Entity entity, const StoredRecord& r) {
  const Object& d = r.data;
  auto get = [&](const char* key) { return member(d, key) ? *member(d, key) : Value(); };
  Array custom;
  for (const auto& m : r.custom)
    if (m.value.is_string()) custom.push_back(m.value);
  Object item{{"id", r.id}, {"type", std::string(entity_name(entity))}};
  if (entity == Entity::person) {
    put(item, "name", get("name"));
    put(item, "phones", contact_values(d, "phones"));
    put(item, "emails", contact_values(d, "emails"));
    put(item, "visible_to", get("visible_to"));
    put(item, "owner", Value(Object{{"id", get("owner_id")}}));
    put(item, "organization", id_name(ctx.store, Entity::organization, member(d, "org_id")));
  } else if (entity == Entity::organization) {
    put(item, "name", get("name"));
    put(item, "address", get("address"));
    put(item, "visible_to", get("visible_to"));
    put(item, "owner", Value(Object{{"id", get("owner_id")}}));
  } else if (entity == Entity::product) {
    put(item, "name", get("name"));
    put(item, "code", get("code"));
    put(item, "visible_to", get("visible_to"));
    put(item, "owner", Value(Object{{"id", get("owner_id")}}));
    put(item, "custom_fields", std::move(custom));
    return Value(std::move(item));  // product items carry no notes
  } else {
    put(item, "title", get("title"));
    put(item, "value", get("value"));
    put(item, "currency", get("currency"));
    put(item, "status", get("status"));
    put(item, "visible_to", get("visible_to"));
    put(item, "owner", Value(Object{{"id", get("owner_id")}}));
    Value stage;
    if (const Value* sid = member(d, "stage_id"); sid && sid->is_int())
      if (auto s = ctx.store.stage(sid->as_int()))
        stage = Value(Object{{"id", s->id}, {"name", s->name}});
    put(item, "stage", stage);
    put(item, "person", id_name(ctx.store, Entity::person, member(d, "person_id")));
    put(item, "organization", id_name(ctx.store, Entity::organization, member(d, "org_id")));
  }
  put(item, "custom_fields", std::move(custom));
  put(item, "notes", Array{});
  return Value(std::move(item));
}

struct Hit {
  double score;
  Entity entity;
  StoredRecord record;
};

// The records linked to a hit that are not hits themselves: a person's
// organization, a deal's person and organization (itemSearch's
// search_for_related_items).
std::vector<Hit> related(Context& ctx, const std::vector<Hit>& hits) {
  std::set<std::pair<int, int64_t>> seen;
  for (const auto& h : hits) seen.insert({static_cast<int>(h.entity), h.record.id});
  std::vector<Hit> out;
  auto add = [&](Entity e, const Value* id) {
    if (id == nullptr || !id->is_int()) return;
    if (!seen.insert({static_cast<int>(e), id->as_int()}).second) return;
    auto found = ctx.store.get(e, id->as_int());
    if (found && !found->is_deleted) out.push_back({0.1, e, *found});
  };
  for (const auto& h : hits) {
    if (h.entity == Entity::person || h.entity == Entity::deal)
      add(Entity::organization, member(h.record.data, "org_id"));
    if (h.entity == Entity::deal) add(Entity::person, member(h.record.data, "person_id"));
  }
  return out;
}

Value result(Context& ctx, const Hit& h) {
  return Value(Object{{"result_score", Value(*Decimal::from_double(h.score))},
                      {"item", render_item(ctx, h.entity, h.record)}});
}

// Answers a search over `entities`: v2 pages by cursor (additional_data
// next_cursor), v1 by start (additional_data pagination).
void search(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res,
            const std::vector<Entity>& entities, bool v1 = false, bool with_related = false) {
  Query q;
  q.term = lower(req.query_param("term").value_or(""));
  q.exact = req.query_param("exact_match").value_or("false") == "true" ||
            req.query_param("exact_match").value_or("") == "1";
  if (auto f = req.query_param("fields")) q.fields = split_list(*f);
  if (q.term.size() < (q.exact ? 1u : 2u))
    return answer_error(res, 400,
                        "Validation failed: term: Search term must be at least 2 characters long");
  auto limit = limit_param(req, res);
  if (!limit) return;
  int64_t start = 0;
  if (v1) {
    if (auto text = req.query_param("start")) {
      if (text->empty() || text->size() > 9 ||
          text->find_first_not_of("0123456789") != std::string::npos)
        return answer_error(res, 400, "start must be a non-negative integer");
      start = std::stoll(*text);
    }
  } else if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) {
    auto decoded = read_cursor(*cursor);
    if (!decoded) return answer_error(res, 400, "Validation failed: cursor: Invalid cursor");
    start = *decoded;
  }
  auto org_filter = req.query_param("organization_id");
  auto person_filter = req.query_param("person_id");
  std::vector<Hit> hits;
  for (Entity entity : entities) {
    for (const auto& r :
         ctx.store.list(entity, [](const StoredRecord& r) { return !r.is_deleted; })) {
      if (org_filter &&
          (!member(r.data, "org_id") || member(r.data, "org_id")->to_text() != *org_filter))
        continue;
      if (person_filter && (!member(r.data, "person_id") ||
                            member(r.data, "person_id")->to_text() != *person_filter))
        continue;
      if (double s = score(entity, r, q); s > 0) hits.push_back({s, entity, r});
    }
  }
  std::stable_sort(hits.begin(), hits.end(),
                   [](const Hit& a, const Hit& b) { return a.score > b.score; });
  Array items;
  std::vector<Hit> page;
  int64_t i = start;
  for (; i < static_cast<int64_t>(hits.size()) && static_cast<int>(items.size()) < *limit; ++i) {
    items.push_back(result(ctx, hits[i]));
    page.push_back(hits[i]);
  }
  bool more = i < static_cast<int64_t>(hits.size());
  Object data{{"items", std::move(items)}};
  if (with_related) {
    Array rel;
    for (const auto& h : related(ctx, page)) rel.push_back(result(ctx, h));
    put(data, "related_items", std::move(rel));
  }
  if (v1) {
    Object pagination{{"start", start}, {"limit", *limit}, {"more_items_in_collection", more}};
    if (more) put(pagination, "next_start", i);
    answer_ok(res, Value(std::move(data)),
              Value(Object{{"pagination", Value(std::move(pagination))}}));
    return;
  }
  Value next = more ? Value(make_cursor(i)) : Value();
  answer_ok(res, Value(std::move(data)), Value(Object{{"next_cursor", next}}));
}

void entity_search(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  search(ctx, req, res, {entity_from_plural(req.matches[1])});
}

// item_types the real API knows; those the sandbox does not hold (leads,
// files, mail attachments, projects) find nothing.
void item_search(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res, bool v1) {
  static const std::set<std::string> kKnown = {"deal", "person", "organization",    "product",
                                               "lead", "file",   "mail_attachment", "project"};
  std::set<std::string> types =
      split_list(req.query_param("item_types")
                     .value_or("deal,person,organization,product,lead,file,"
                               "mail_attachment,project"));
  for (const auto& t : types)
    if (!kKnown.count(t))
      return answer_error(res, 400, "Validation failed: item_types: invalid item type " + t);
  std::vector<Entity> entities;
  for (Entity e : {Entity::deal, Entity::person, Entity::organization, Entity::product})
    if (types.count(std::string(entity_name(e)))) entities.push_back(e);
  std::string related = req.query_param("search_for_related_items").value_or("false");
  search(ctx, req, res, entities, v1, related == "true" || related == "1");
}
void item_search_v2(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  item_search(ctx, req, res, false);
}
void item_search_v1(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  item_search(ctx, req, res, true);
}
}  // namespace

void register_search_routes(Context& ctx) {
  ctx.server.on("GET", "/api/v2/(persons|organizations|deals|products)/search",
                ctx.guarded(20, true, bind_route(ctx, entity_search)));
  ctx.server.on("GET", "/api/v2/itemSearch",
                ctx.guarded(20, true, bind_route(ctx, item_search_v2)));
  ctx.server.on("GET", "/v1/itemSearch", ctx.guarded(40, true, bind_route(ctx, item_search_v1)));
}

}  // namespace crmsync::sandbox::pipedrive
