// /__admin: reset, request log, counters, faults, sessions, and the records
// as a test oracle (contacts editable as a user in Siagh's UI would).
// No session needed; never faulted.
#include "core/json.h"
#include "sandbox/common/json_object.h"
#include "sandbox/siagh/siagh_context.h"

namespace crmsync::sandbox::siagh {

namespace {
void answer_admin_error(net::HttpResponse& res, int status, const std::string& text) {
  res.status = status;
  std::string body = "{\"error\":";
  append_json_string(text, body);
  res.body = body + "}";
}

// The path's contact code; 0 (no such contact) when too long to be one.
int64_t code_of(const net::HttpRequest& req) {
  return req.matches[1].size() > 15 ? 0 : std::stoll(req.matches[1]);
}

void reset(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  ctx.store.reset();
  if (ctx.options.seed_records > 0) seed_contacts(ctx.store, ctx.options.seed_records);
  ctx.log.clear();
  res.body = R"({"reset":true})";
}

void requests(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  size_t limit = 1000;
  if (auto text = req.query_param("limit");
      text && !text->empty() && text->find_first_not_of("0123456789") == std::string::npos &&
      text->size() < 9)
    limit = std::stoul(*text);
  res.body = ctx.log.requests_json(limit);
}

void counters(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  res.body = ctx.log.counters_json();
}

void get_faults(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  res.body = to_json(ctx.faults.config());
}

void set_faults(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto config = parse_fault_config(req.body);
  if (!config.ok()) return answer_admin_error(res, 400, config.error().message);
  ctx.faults.set(*config);
  res.body = to_json(*config);
}

// Every session ends, as when Siagh's server restarts.
void expire_sessions(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  ctx.store.drop_sessions();
  res.body = R"({"sessions_ended":true})";
}

void list_contacts(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  Array all;
  for (Value& c : ctx.store.contacts({})) all.push_back(std::move(c));
  res.body = to_json(Value(std::move(all)));
}

void get_contact(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto contact = ctx.store.contact(code_of(req));
  if (!contact) return answer_admin_error(res, 404, "no contact " + req.matches[1]);
  res.body = to_json(*contact);
}

// A body of GetAll DTO fields ({"Name":..,"MobileNo":..,"TowardType":true}).
void write_contact(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res,
                   std::optional<int64_t> code) {
  auto parsed = parse_json(req.body);
  if (!parsed.ok() || !parsed->is_object())
    return answer_admin_error(res, 400, "expected a JSON object of contact fields");
  ContactWrite write;
  write.code = code;
  Object known = blank_contact(0, "");
  for (const Member& m : parsed->as_object()) {
    if (member(known, m.key) == nullptr || m.key == "Code" || m.key == "RecordId")
      return answer_admin_error(res, 400, "unknown or read-only contact field " + m.key);
    write.fields.push_back({m.key, m.value});
  }
  auto outcome = ctx.store.save_contact(write);
  if (auto* error = std::get_if<FormError>(&outcome))
    return answer_admin_error(res, code && error->column == "Code" ? 404 : 400,
                              error->column + ": " + error->text);
  auto saved = ctx.store.contact(std::stoll(std::get<FormSuccess>(outcome).return_code));
  res.status = code ? 200 : 201;
  res.body = to_json(*saved);
}

void create_contact(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  write_contact(ctx, req, res, std::nullopt);
}

void update_contact(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  write_contact(ctx, req, res, code_of(req));
}

void delete_contact(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  if (!ctx.store.delete_contact(code_of(req)))
    return answer_admin_error(res, 404, "no contact " + req.matches[1]);
  res.body = R"({"deleted":true})";
}

void list_preinvoices(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  Array all;
  for (const PreInvoice& p : ctx.store.preinvoices()) {
    Object o;
    put(o, "number", Value(p.number));
    put(o, "id", Value(p.id));
    put(o, "fiscal_year", Value(p.fiscal_year));
    put(o, "customer_code", Value(p.customer_code));
    put(o, "suid", Value(p.write.suid));
    Object header;
    for (const auto& [key, value] : p.write.header) put(header, key, Value(value));
    put(o, "header", Value(std::move(header)));
    Array lines;
    for (const PreInvoiceLine& l : p.write.lines) {
      Object line;
      put(line, "codekala", Value(l.product_code));
      put(line, "nameunit", Value(l.unit));
      put(line, "qty", Value(l.qty));
      put(line, "price", Value(l.price));
      put(line, "mabtakhfif", Value(l.discount));
      put(line, "radif", Value(l.row));
      lines.emplace_back(std::move(line));
    }
    put(o, "lines", Value(std::move(lines)));
    all.emplace_back(std::move(o));
  }
  res.body = to_json(Value(std::move(all)));
}
}  // namespace

void register_admin_routes(Context& ctx) {
  auto bind = [&ctx](RouteFn fn) { return bind_route(ctx, fn); };
  auto& s = ctx.server;
  s.on("POST", "/__admin/reset", bind(reset));
  s.on("GET", "/__admin/requests", bind(requests));
  s.on("GET", "/__admin/counters", bind(counters));
  s.on("GET", "/__admin/faults", bind(get_faults));
  s.on("POST", "/__admin/faults", bind(set_faults));
  s.on("POST", "/__admin/sessions/expire", bind(expire_sessions));
  s.on("GET", "/__admin/contacts", bind(list_contacts));
  s.on("POST", "/__admin/contacts", bind(create_contact));
  s.on("GET", "/__admin/contacts/(\\d+)", bind(get_contact));
  s.on("PATCH", "/__admin/contacts/(\\d+)", bind(update_contact));
  s.on("DELETE", "/__admin/contacts/(\\d+)", bind(delete_contact));
  s.on("GET", "/__admin/preinvoices", bind(list_preinvoices));
}

}  // namespace crmsync::sandbox::siagh
