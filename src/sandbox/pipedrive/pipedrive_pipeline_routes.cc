// Pipelines and stages, v1 and v2: list, get, create, update (v1 PUT, v2
// PATCH) and delete, as the real API answers them (every POST 200; delete
// answers {id}). Deleting a pipeline deletes its stages.
#include "sandbox/pipedrive/pipedrive_context.h"
#include "sandbox/pipedrive/pipedrive_envelope.h"
#include "sandbox/pipedrive/pipedrive_render.h"

namespace crmsync::sandbox::pipedrive {

namespace {

bool is_v2(const net::HttpRequest& req) {
  return req.path.rfind("/api/v2/", 0) == 0;
}

// Reads body members into a change; returns the error text for a 400, or
// "" when the body is valid. v2 is strict about types; v1 also takes 0/1
// for booleans and numeric strings for numbers, as its form-era API did.
class BodyReader {
 public:
  BodyReader(const Value& body, bool v2) : body_(body), v2_(v2) {}

  void text(const char* key, std::optional<std::string>& out) {
    const Value* v = body_.find(key);
    if (v == nullptr || v->is_null() || !error_.empty()) return;
    if (!v->is_string()) return fail(key, "Expected string");
    if (v->as_string().empty()) return fail(key, "Must not be empty");
    out = v->as_string();
  }
  template <typename T>
  void number(const char* key, std::optional<T>& out) {
    const Value* v = body_.find(key);
    if (v == nullptr || v->is_null() || !error_.empty()) return;
    if (v->is_int()) {
      out = static_cast<T>(v->as_int());
    } else if (!v2_ && v->is_string() && !v->as_string().empty() &&
               v->as_string().find_first_not_of("0123456789") == std::string::npos &&
               v->as_string().size() < 10) {
      out = static_cast<T>(std::stoll(v->as_string()));
    } else {
      fail(key, "Expected number");
    }
  }
  void flag(const char* key, std::optional<bool>& out) {
    const Value* v = body_.find(key);
    if (v == nullptr || v->is_null() || !error_.empty()) return;
    if (v->is_bool()) {
      out = v->as_bool();
    } else if (!v2_ && v->is_int() && (v->as_int() == 0 || v->as_int() == 1)) {
      out = v->as_int() == 1;
    } else {
      fail(key, "Expected boolean");
    }
  }
  void require(const char* key, bool present) {
    if (!present && error_.empty()) fail(key, "Required");
  }
  const std::string& error() const { return error_; }

 private:
  void fail(const char* key, const char* what) {
    error_ = v2_ ? std::string("Validation failed: ") + key + ": " + what
                 : std::string(key) + ": " + what;
  }
  const Value& body_;
  bool v2_;
  std::string error_;
};

std::string read_pipeline(const Value& body, bool v2, bool creating, PipelineChange& c) {
  BodyReader r(body, v2);
  r.text("name", c.name);
  r.number("order_nr", c.order_nr);
  r.flag(v2 ? "is_deal_probability_enabled" : "deal_probability", c.deal_probability_enabled);
  if (creating) r.require("name", c.name.has_value());
  return r.error();
}

std::string read_stage(const Value& body, bool v2, bool creating, StageChange& c) {
  BodyReader r(body, v2);
  r.text("name", c.name);
  r.number("pipeline_id", c.pipeline_id);
  r.number("order_nr", c.order_nr);
  r.number("deal_probability", c.deal_probability);
  std::optional<bool> rot;
  r.flag(v2 ? "is_deal_rot_enabled" : "rotten_flag", rot);
  r.number(v2 ? "days_to_rotten" : "rotten_days", c.days_to_rotten);
  if (rot && !*rot) c.days_to_rotten = 0;
  if (creating) {
    r.require("name", c.name.has_value());
    r.require("pipeline_id", c.pipeline_id.has_value());
  }
  return r.error();
}

void not_found(const net::HttpRequest& req, net::HttpResponse& res, const char* what) {
  if (is_v2(req)) return answer_not_found(res);
  answer_error(res, 404, std::string(what) + " not found");
}

// v2 lists are cursor pages (all fit on one here); the v1 lists of
// pipelines and stages are not paged.
void answer_list(const net::HttpRequest& req, net::HttpResponse& res, Array items) {
  if (is_v2(req)) {
    return answer_ok(res, Value(std::move(items)), Value(Object{{"next_cursor", nullptr}}));
  }
  answer_ok(res, Value(std::move(items)));
}

void list_pipelines(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  Array out;
  for (const auto& p : ctx.store.pipelines())
    out.push_back(render_pipeline(p, is_v2(req), ctx.store.now()));
  answer_list(req, res, std::move(out));
}

void list_stages(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto pipeline = req.query_param("pipeline_id");
  Array out;
  for (const auto& s : ctx.store.stages())
    if (!pipeline || *pipeline == std::to_string(s.pipeline_id))
      out.push_back(render_stage(s, ctx.store, is_v2(req), ctx.store.now()));
  answer_list(req, res, std::move(out));
}

void get_pipeline(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto p = ctx.store.pipeline(std::stoll(req.matches[1]));
  if (!p) return not_found(req, res, "Pipeline");
  answer_ok(res, render_pipeline(*p, is_v2(req), ctx.store.now()));
}

void get_stage(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto s = ctx.store.stage(std::stoll(req.matches[1]));
  if (!s) return not_found(req, res, "Stage");
  answer_ok(res, render_stage(*s, ctx.store, is_v2(req), ctx.store.now()));
}

void write_pipeline(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = json_body(req, res);
  if (!body) return;
  bool creating = req.method == "POST";
  PipelineChange change;
  if (auto e = read_pipeline(*body, is_v2(req), creating, change); !e.empty())
    return answer_error(res, 400, e);
  std::optional<Pipeline> p = creating
                                  ? ctx.store.add_pipeline(change)
                                  : ctx.store.update_pipeline(std::stoll(req.matches[1]), change);
  if (!p) return not_found(req, res, "Pipeline");
  answer_ok(res, render_pipeline(*p, is_v2(req), ctx.store.now()));
}

void write_stage(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = json_body(req, res);
  if (!body) return;
  bool creating = req.method == "POST";
  StageChange change;
  if (auto e = read_stage(*body, is_v2(req), creating, change); !e.empty())
    return answer_error(res, 400, e);
  if (change.pipeline_id && !ctx.store.pipeline(*change.pipeline_id))
    return answer_error(res, 400, "Pipeline not found");
  std::optional<Stage> s = creating ? ctx.store.add_stage(change)
                                    : ctx.store.update_stage(std::stoll(req.matches[1]), change);
  if (!s) return not_found(req, res, "Stage");
  answer_ok(res, render_stage(*s, ctx.store, is_v2(req), ctx.store.now()));
}

void delete_pipeline(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  int64_t id = std::stoll(req.matches[1]);
  if (!ctx.store.delete_pipeline(id)) return not_found(req, res, "Pipeline");
  answer_ok(res, Value(Object{{"id", id}}));
}

void delete_stage(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  int64_t id = std::stoll(req.matches[1]);
  if (!ctx.store.delete_stage(id)) return not_found(req, res, "Stage");
  answer_ok(res, Value(Object{{"id", id}}));
}

}  // namespace

void register_pipeline_routes(Context& ctx) {
  auto bind = [&ctx](RouteFn fn) { return bind_route(ctx, fn); };
  auto& s = ctx.server;
  // Token costs: v2 list 10, one 1, POST/PATCH 5, DELETE 3; v1 list 20,
  // one 2, POST/PUT 10, DELETE 6.
  for (bool v2 : {false, true}) {
    std::string base = v2 ? "/api/v2/" : "/v1/";
    const char* update = v2 ? "PATCH" : "PUT";
    int list = v2 ? 10 : 20, one = v2 ? 1 : 2, write = v2 ? 5 : 10, remove = v2 ? 3 : 6;
    s.on("GET", base + "pipelines", ctx.guarded(list, false, bind(list_pipelines)));
    s.on("GET", base + "stages", ctx.guarded(list, false, bind(list_stages)));
    s.on("GET", base + "pipelines/(\\d+)", ctx.guarded(one, false, bind(get_pipeline)));
    s.on("GET", base + "stages/(\\d+)", ctx.guarded(one, false, bind(get_stage)));
    s.on("POST", base + "pipelines", ctx.guarded(write, false, bind(write_pipeline)));
    s.on("POST", base + "stages", ctx.guarded(write, false, bind(write_stage)));
    s.on(update, base + "pipelines/(\\d+)", ctx.guarded(write, false, bind(write_pipeline)));
    s.on(update, base + "stages/(\\d+)", ctx.guarded(write, false, bind(write_stage)));
    s.on("DELETE", base + "pipelines/(\\d+)", ctx.guarded(remove, false, bind(delete_pipeline)));
    s.on("DELETE", base + "stages/(\\d+)", ctx.guarded(remove, false, bind(delete_stage)));
  }
}

}  // namespace crmsync::sandbox::pipedrive
