// /__admin/: reset, request log, counters, faults, and record edits made
// "as a user in the Salesforce UI" (changes crmsync did not make).
#include "core/json.h"
#include "sandbox/salesforce/body_json.h"
#include "sandbox/salesforce/salesforce_sandbox.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

double number_of(const Value& o, const char* key, double def) {
  const Value* v = o.find(key);
  return v && v->is_number() ? v->to_decimal().to_double() : def;
}

std::string faults_json(const FaultOptions& f) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"rate_429\":%g,\"rate_500\":%g,\"rate_503\":%g,\"latency_ms\":%d,"
                "\"session_expiry_every_secs\":%lld,\"streaming_down\":%s}",
                f.rate_429, f.rate_500, f.rate_503, f.latency_ms,
                static_cast<long long>(f.session_expiry_every_secs),
                f.streaming_down ? "true" : "false");
  return buf;
}

WriteContext ui_context(const SandboxState& s) {
  return WriteContext{s.user_id, ""};
}

const ObjectDef* object_or_404(SandboxState& s, Call& c) {
  const ObjectDef* def = s.schema->find(c.m[1]);
  if (!def)
    answer_error(c.res, sf_error(404, "NOT_FOUND", "The requested resource does not exist"));
  return def;
}

}  // namespace

const char* salesforce_admin_help() {
  return R"(admin endpoints (no auth; JSON):
  POST   /__admin/reset                 drop all records and sessions, seed again
  GET    /__admin/requests              request log (newest last, at most 10,000)
  GET    /__admin/counters              requests per endpoint, API calls used
  GET    /__admin/faults                injected faults
  PUT    /__admin/faults                set faults: {"rate_429":0.05,"rate_500":0,"rate_503":0.1,
                                        "latency_ms":0,"session_expiry_every_secs":30,
                                        "daily_api_limit":15000,
                                        "streaming_down":true}  (cuts /cometd off)
  POST   /__admin/records/{Object}      create a record as a UI user -> {"id":...}
  PATCH  /__admin/records/{Object}/{id} edit a record as a UI user
  DELETE /__admin/records/{Object}/{id} delete a record as a UI user
)";
}

void add_admin_routes(SandboxState& s, SalesforceSandbox& sandbox) {
  using A = Router::Access;
  s.router.add("GET", "/__admin/?", "admin.help", A::open, [](Call& c) {
    c.res.content_type = "text/plain";
    c.res.body = salesforce_admin_help();
  });
  s.router.add("POST", "/__admin/reset", "admin.reset", A::open, [&sandbox](Call& c) {
    Status st = sandbox.reset();
    if (!st) return answer_error(c.res, sf_error(500, "UNKNOWN_EXCEPTION", st.error().message));
    answer_json(c.res, 200, "{\"reset\":true}");
  });
  s.router.add("GET", "/__admin/requests", "admin.requests", A::open, [&s](Call& c) {
    std::string out = "[";
    std::lock_guard lock(s.log_mutex);
    for (const LoggedRequest& r : s.log) {
      if (out.size() > 1) out += ',';
      out += "{\"at\":\"" + DateTime{r.at_micros, 0}.to_salesforce() + "\",\"method\":\"" +
             r.method + "\",\"path\":";
      append_json_string(r.path, out);
      out += ",\"endpoint\":\"" + r.endpoint + "\",\"status\":" + std::to_string(r.status) +
             ",\"micros\":" + std::to_string(r.micros) + "}";
    }
    answer_json(c.res, 200, out + "]");
  });
  s.router.add("GET", "/__admin/counters", "admin.counters", A::open, [&s](Call& c) {
    std::string out = "{\"api_requests\":" + std::to_string(s.api_requests.load()) +
                      ",\"daily_api_limit\":" + std::to_string(s.daily_limit.load()) +
                      ",\"endpoints\":{";
    std::lock_guard lock(s.log_mutex);
    bool first = true;
    for (const auto& [name, n] : s.counters) {
      if (!first) out += ',';
      first = false;
      out += "\"" + name + "\":" + std::to_string(n);
    }
    answer_json(c.res, 200, out + "}}");
  });
  s.router.add("GET", "/__admin/faults", "admin.faults", A::open, [&s](Call& c) {
    std::lock_guard lock(s.faults_mutex);
    answer_json(c.res, 200, faults_json(s.faults));
  });
  s.router.add("PUT", "/__admin/faults", "admin.faults", A::open, [&s, &sandbox](Call& c) {
    auto body = parse_body(c.req.body, c.res, true);
    if (!body) return;
    FaultOptions f;
    {
      std::lock_guard lock(s.faults_mutex);
      f = s.faults;
    }
    f.rate_429 = number_of(*body, "rate_429", f.rate_429);
    f.rate_500 = number_of(*body, "rate_500", f.rate_500);
    f.rate_503 = number_of(*body, "rate_503", f.rate_503);
    f.latency_ms = static_cast<int>(number_of(*body, "latency_ms", f.latency_ms));
    f.session_expiry_every_secs = static_cast<int64_t>(number_of(
        *body, "session_expiry_every_secs", static_cast<double>(f.session_expiry_every_secs)));
    if (const Value* down = body->find("streaming_down"); down && down->is_bool())
      f.streaming_down = down->as_bool();
    s.daily_limit = static_cast<int64_t>(
        number_of(*body, "daily_api_limit", static_cast<double>(s.daily_limit.load())));
    sandbox.set_faults(f);
    answer_json(c.res, 200, faults_json(f));
  });
  s.router.add("POST", "/__admin/records/([^/]+)", "admin.create", A::open, [&s](Call& c) {
    if (const ObjectDef* def = object_or_404(s, c)) write_create(s, c, *def, ui_context(s), "50.0");
  });
  s.router.add("PATCH", "/__admin/records/([^/]+)/([^/]+)", "admin.update", A::open, [&s](Call& c) {
    if (const ObjectDef* def = object_or_404(s, c)) {
      write_update(s, c, *def, c.m[2], ui_context(s));
    }
  });
  s.router.add("DELETE", "/__admin/records/([^/]+)/([^/]+)", "admin.delete", A::open,
               [&s](Call& c) {
                 if (const ObjectDef* def = object_or_404(s, c)) {
                   write_delete(s, c, *def, c.m[2], ui_context(s));
                 }
               });
}

}  // namespace crmsync::sandbox::salesforce
