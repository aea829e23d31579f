// The run endpoints: submit, read, page, filter, cancel, retry, errors.
#include <set>

#include "api_harness.h"

namespace crmsync::testing {
namespace {

int64_t submit(ApiHarness& api, const std::string& body) {
  auto res = api.call("POST", "/api/v1/runs", body);
  EXPECT_EQ(res.status, 202) << res.body;
  Value v = ApiHarness::json(res);
  EXPECT_EQ(at(v, "status"), Value("queued"));
  return at(v, "id").is_int() ? at(v, "id").as_int() : 0;
}

bool is_rfc3339_utc(const Value& v) {
  return v.is_string() && v.as_string().size() >= 20 && v.as_string().back() == 'Z' &&
         v.as_string()[10] == 'T';
}

TEST(ApiRuns, SubmitQueuesARunAndAnswers202WithItsLocation) {
  ApiHarness api;
  auto res = api.call("POST", "/api/v1/runs",
                      R"({"flows": ["customers"], "params": {"company": "acme"}, "full": true})");
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_EQ(res.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  Value v = ApiHarness::json(res);
  int64_t id = at(v, "id").as_int();
  EXPECT_EQ(res.header("Location").value_or(""), "/api/v1/runs/" + std::to_string(id));

  auto got = api.call("GET", "/api/v1/runs/" + std::to_string(id));
  ASSERT_EQ(got.status, 200) << got.body;
  Value run = ApiHarness::json(got);
  EXPECT_EQ(at(run, "id"), Value(id));
  EXPECT_EQ(at(run, "status"), Value("queued"));
  EXPECT_EQ(at(run, "trigger"), Value("api"));
  EXPECT_EQ(at(run, "request.flows"), Value(Array{Value("customers")}));
  EXPECT_EQ(at(run, "request.params.company"), Value("acme"));
  EXPECT_EQ(at(run, "request.full"), Value(true));
  EXPECT_TRUE(is_rfc3339_utc(at(run, "queued_at"))) << got.body;
  EXPECT_TRUE(at(run, "started_at").is_null());
  EXPECT_TRUE(at(run, "ended_at").is_null());
  EXPECT_TRUE(at(run, "message").is_null());
  EXPECT_EQ(at(run, "cancel_requested"), Value(false));

  // An empty body asks for every flow.
  int64_t all = submit(api, "");
  Value every = ApiHarness::json(api.call("GET", "/api/v1/runs/" + std::to_string(all)));
  EXPECT_EQ(at(every, "request.flows"), Value(Array{}));
  EXPECT_EQ(at(every, "request.full"), Value(false));
}

TEST(ApiRuns, ARunningRunShowsLiveCountsPerFlowWithExpectedAndProgress) {
  ApiHarness api;
  int64_t id = submit(api, R"({"flows": ["customers", "orders"]})");
  api.control().start(id);
  FlowCounts batch;
  batch.read = 40;
  batch.created = 30;
  batch.updated = 5;
  batch.skipped = 4;
  batch.failed = 1;
  batch.expected = 100;
  api.control().progress_batch(id, "customers", batch);

  Value run = ApiHarness::json(api.call("GET", "/api/v1/runs/" + std::to_string(id)));
  EXPECT_EQ(at(run, "status"), Value("running"));
  EXPECT_TRUE(is_rfc3339_utc(at(run, "started_at")));
  EXPECT_EQ(at(run, "flows.customers.read"), Value(40));
  EXPECT_EQ(at(run, "flows.customers.created"), Value(30));
  EXPECT_EQ(at(run, "flows.customers.failed"), Value(1));
  EXPECT_EQ(at(run, "flows.customers.expected"), Value(100));
  EXPECT_EQ(at(run, "progress.flow"), Value("customers"));
  EXPECT_EQ(at(run, "progress.read"), Value(40));
  EXPECT_EQ(at(run, "progress.expected"), Value(100));
  EXPECT_EQ(at(run, "progress.percent").to_decimal().to_string(), "40");

  api.control().finish(id, RunStatus::partial);
  Value ended = ApiHarness::json(api.call("GET", "/api/v1/runs/" + std::to_string(id)));
  EXPECT_EQ(at(ended, "status"), Value("partial"));
  EXPECT_TRUE(is_rfc3339_utc(at(ended, "ended_at")));
  EXPECT_TRUE(at(ended, "progress").is_null());
  EXPECT_EQ(at(ended, "flows.customers.read"), Value(40));
}

TEST(ApiRuns, PagesWalkEveryRunOnceNewestFirst) {
  ApiHarness api;
  std::set<int64_t> made;
  for (int i = 0; i < 7; ++i) made.insert(submit(api, "{}"));

  std::vector<int64_t> seen;
  std::string next = "/api/v1/runs?limit=3";
  int pages = 0;
  while (!next.empty()) {
    auto res = api.call("GET", next);
    ASSERT_EQ(res.status, 200) << res.body;
    Value page = ApiHarness::json(res);
    ++pages;
    for (const Value& run : at(page, "runs").as_array()) seen.push_back(at(run, "id").as_int());
    next = at(page, "next").is_string() ? at(page, "next").as_string() : "";
    ASSERT_LE(pages, 5);
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 7u);                                    // no repeats
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()), made);  // no gaps
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));       // newest first

  // The default page holds them all, and says there is no next one.
  Value all = ApiHarness::json(api.call("GET", "/api/v1/runs"));
  EXPECT_EQ(at(all, "runs").as_array().size(), 7u);
  EXPECT_TRUE(at(all, "next").is_null());
}

TEST(ApiRuns, FiltersByFlowAndStatusAndKeepsThemInTheNextLink) {
  ApiHarness api;
  int64_t a = submit(api, R"({"flows": ["orders"]})");
  int64_t b = submit(api, R"({"flows": ["customers"]})");
  int64_t c = submit(api, R"({"flows": ["orders"]})");
  int64_t d = submit(api, R"({"flows": ["orders"]})");
  api.control().start(c);
  api.control().finish(c, RunStatus::succeeded);
  (void)b;

  Value orders = ApiHarness::json(api.call("GET", "/api/v1/runs?flow=orders"));
  std::vector<int64_t> ids;
  for (const Value& r : at(orders, "runs").as_array()) ids.push_back(at(r, "id").as_int());
  EXPECT_EQ(ids, (std::vector<int64_t>{d, c, a}));

  Value queued =
      ApiHarness::json(api.call("GET", "/api/v1/runs?flow=orders&status=queued&limit=1"));
  ASSERT_EQ(at(queued, "runs").as_array().size(), 1u);
  EXPECT_EQ(at(at(queued, "runs").as_array()[0], "id"), Value(d));
  std::string next = at(queued, "next").as_string();
  EXPECT_NE(next.find("flow=orders"), std::string::npos);
  EXPECT_NE(next.find("status=queued"), std::string::npos);
  Value second = ApiHarness::json(api.call("GET", next));
  ASSERT_EQ(at(second, "runs").as_array().size(), 1u);
  EXPECT_EQ(at(at(second, "runs").as_array()[0], "id"), Value(a));

  Value done = ApiHarness::json(api.call("GET", "/api/v1/runs?status=succeeded"));
  ASSERT_EQ(at(done, "runs").as_array().size(), 1u);
  EXPECT_EQ(at(at(done, "runs").as_array()[0], "id"), Value(c));
}

TEST(ApiRuns, BadQueryValuesAre400NamingTheParameter) {
  ApiHarness api;
  for (auto [query, field] :
       std::vector<std::pair<std::string, std::string>>{{"limit=0", "limit"},
                                                        {"limit=501", "limit"},
                                                        {"limit=ten", "limit"},
                                                        {"limit=1&limit=2", "limit"},
                                                        {"before=-3", "before"},
                                                        {"before=1x", "before"},
                                                        {"status=done", "status"},
                                                        {"sort=id", "sort"}}) {
    SCOPED_TRACE(query);
    auto res = api.call("GET", "/api/v1/runs?" + query);
    EXPECT_EQ(res.status, 400) << res.body;
    Value v = ApiHarness::json(res);
    EXPECT_EQ(at(v, "error.field"), Value(field));
  }
  auto errs = api.call("GET", "/api/v1/runs/1/errors?after=x");
  EXPECT_EQ(errs.status, 400);
}

TEST(ApiRuns, CancelAQueuedRunThenAgainIs409AndAnUnknownOneIs404) {
  ApiHarness api;
  int64_t id = submit(api, "{}");
  auto res = api.call("POST", "/api/v1/runs/" + std::to_string(id) + "/cancel");
  ASSERT_EQ(res.status, 202) << res.body;
  Value run = ApiHarness::json(res);
  EXPECT_EQ(at(run, "id"), Value(id));
  EXPECT_EQ(at(run, "status"), Value("cancelled"));

  auto again = api.call("POST", "/api/v1/runs/" + std::to_string(id) + "/cancel");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_TRUE(at(ApiHarness::json(again), "error.code").is_string());

  auto missing = api.call("POST", "/api/v1/runs/9999/cancel");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(at(ApiHarness::json(missing), "error.code"), Value("not_found"));
}

TEST(ApiRuns, CancelARunningRunAsksItToStop) {
  ApiHarness api;
  int64_t id = submit(api, "{}");
  api.control().start(id);
  auto res = api.call("POST", "/api/v1/runs/" + std::to_string(id) + "/cancel");
  ASSERT_EQ(res.status, 202) << res.body;
  Value run = ApiHarness::json(res);
  EXPECT_EQ(at(run, "status"), Value("running"));
  EXPECT_EQ(at(run, "cancel_requested"), Value(true));
}

TEST(ApiRuns, ErrorsArePagedWithPayloadMessageAndOutcome) {
  ApiHarness api;
  int64_t id = submit(api, R"({"flows": ["customers"]})");
  api.control().start(id);
  BatchCommit batch;
  batch.flow = "customers";
  batch.run_id = id;
  for (int i = 0; i < 5; ++i) {
    RecordError e;
    e.run_id = id;
    e.flow = "customers";
    e.source_id = "C-" + std::to_string(i);
    e.kind = ErrorKind::rejected;
    e.message = "customers C-" + std::to_string(i) +
                ": field email: the API answered 400 {\"error\":\"invalid email\"}";
    e.payload = R"({"Id": "C-)" + std::to_string(i) + R"(", "email": "bad"})";
    e.attempts = 2;
    e.outcome_unknown = i == 3;
    e.created_at = e.updated_at = api.clock().now_micros();
    batch.errors.push_back(e);
  }
  batch.counts.failed = 5;
  ASSERT_TRUE(api.store().commit(batch));
  api.control().finish(id, RunStatus::partial);

  std::vector<std::string> sources;
  std::string next = "/api/v1/runs/" + std::to_string(id) + "/errors?limit=2";
  int pages = 0;
  while (!next.empty() && pages < 5) {
    auto res = api.call("GET", next);
    ASSERT_EQ(res.status, 200) << res.body;
    Value page = ApiHarness::json(res);
    ++pages;
    for (const Value& e : at(page, "errors").as_array()) {
      sources.push_back(at(e, "source_id").as_string());
      EXPECT_EQ(at(e, "kind"), Value("rejected"));
      EXPECT_NE(at(e, "message").as_string().find("invalid email"), std::string::npos);
      EXPECT_TRUE(at(e, "payload").is_object());
      EXPECT_EQ(at(e, "payload.email"), Value("bad"));
      EXPECT_EQ(at(e, "attempts"), Value(2));
      EXPECT_EQ(at(e, "status"), Value("pending"));
      EXPECT_EQ(at(e, "outcome_unknown"), Value(at(e, "source_id") == Value("C-3")));
    }
    next = at(page, "next").is_string() ? at(page, "next").as_string() : "";
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(sources, (std::vector<std::string>{"C-0", "C-1", "C-2", "C-3", "C-4"}));

  EXPECT_EQ(api.call("GET", "/api/v1/runs/9999/errors").status, 404);
}

TEST(ApiRuns, RetryQueuesANewRunOfTheSameFlows) {
  ApiHarness api;
  int64_t id = submit(api, R"({"flows": ["orders"]})");
  api.control().start(id);
  api.control().finish(id, RunStatus::partial);
  auto res = api.call("POST", "/api/v1/runs/" + std::to_string(id) + "/retry");
  ASSERT_EQ(res.status, 202) << res.body;
  Value v = ApiHarness::json(res);
  int64_t retry = at(v, "id").as_int();
  EXPECT_GT(retry, id);
  EXPECT_EQ(at(v, "retry_of"), Value(id));
  EXPECT_EQ(res.header("Location").value_or(""), "/api/v1/runs/" + std::to_string(retry));
  Value run = ApiHarness::json(api.call("GET", "/api/v1/runs/" + std::to_string(retry)));
  EXPECT_EQ(at(run, "trigger"), Value("retry"));
  EXPECT_EQ(at(run, "request.flows"), Value(Array{Value("orders")}));

  EXPECT_EQ(api.call("POST", "/api/v1/runs/9999/retry").status, 404);
}

TEST(ApiRuns, FlowsAndConnectionsShowTheirStatus) {
  ApiHarness api;
  auto res = api.call("GET", "/api/v1/flows");
  ASSERT_EQ(res.status, 200);
  Value flows = at(ApiHarness::json(res), "flows");
  ASSERT_EQ(flows.as_array().size(), 2u);
  const Value& customers = flows.as_array()[0];
  EXPECT_EQ(at(customers, "name"), Value("customers"));
  EXPECT_EQ(at(customers, "trigger.schedule"), Value("0 5 * * *"));
  EXPECT_EQ(at(customers, "trigger.timezone"), Value("UTC"));
  EXPECT_TRUE(is_rfc3339_utc(at(customers, "next_fire_at")));
  EXPECT_EQ(at(customers, "cursor.id"), Value("C-7"));
  EXPECT_EQ(at(customers, "cursor.value"), Value("2023-11-14T22:13:20Z"));
  const Value& orders = flows.as_array()[1];
  EXPECT_EQ(at(orders, "trigger.manual"), Value(true));
  EXPECT_TRUE(at(orders, "next_fire_at").is_null());
  EXPECT_TRUE(at(orders, "last_run").is_null());

  Value conns = at(ApiHarness::json(api.call("GET", "/api/v1/connections")), "connections");
  ASSERT_EQ(conns.as_array().size(), 2u);
  EXPECT_EQ(at(conns.as_array()[0], "ok"), Value(true));
  EXPECT_TRUE(at(conns.as_array()[1], "ok").is_null());  // never checked
  EXPECT_TRUE(at(conns.as_array()[1], "checked_at").is_null());
}

}  // namespace
}  // namespace crmsync::testing
