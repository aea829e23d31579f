// The run endpoints against the real service: submit, read, page, filter,
// cancel (queued, and running mid-way), retry, record errors.
#include <set>

#include "api_harness.h"
#include "support/eventually.h"

namespace crmsync::testing {
namespace {

bool is_rfc3339_utc(const Value& v) {
  return v.is_string() && v.as_string().size() >= 20 && v.as_string().back() == 'Z' &&
         v.as_string()[10] == 'T';
}

std::string run_path(int64_t id) {
  return "/api/v1/runs/" + std::to_string(id);
}

Value get_run(ApiHarness& api, int64_t id) {
  auto res = api.call("GET", run_path(id));
  EXPECT_EQ(res.status, 200) << res.body;
  return ApiHarness::json(res);
}

TEST(ApiRuns, SubmitQueuesARunAndAnswers202WithItsLocation) {
  ApiHarness api;
  int64_t held = api.occupy_worker();
  auto res = api.call("POST", "/api/v1/runs",
                      R"({"flows": ["customers"], "params": {"company": "acme"}, "full": true})");
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_EQ(res.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  Value v = ApiHarness::json(res);
  int64_t id = at(v, "id").as_int();
  EXPECT_EQ(at(v, "status"), Value("queued"));
  EXPECT_EQ(res.header("Location").value_or(""), run_path(id));

  Value run = get_run(api, id);
  EXPECT_EQ(at(run, "id"), Value(id));
  EXPECT_EQ(at(run, "status"), Value("queued"));
  EXPECT_EQ(at(run, "trigger"), Value("api"));
  EXPECT_EQ(at(run, "request.flows"), Value(Array{Value("customers")}));
  EXPECT_EQ(at(run, "request.params.company"), Value("acme"));
  EXPECT_EQ(at(run, "request.full"), Value(true));
  EXPECT_TRUE(is_rfc3339_utc(at(run, "queued_at"))) << run.to_text();
  EXPECT_TRUE(at(run, "started_at").is_null());
  EXPECT_TRUE(at(run, "ended_at").is_null());
  EXPECT_TRUE(at(run, "message").is_null());
  EXPECT_EQ(at(run, "cancel_requested"), Value(false));
  EXPECT_TRUE(at(run, "progress").is_object());  // queued: progress, no counts yet

  api.follower().release();
  EXPECT_EQ(api.wait_final(held), "succeeded");
  EXPECT_EQ(api.wait_final(id), "succeeded");
  Value done = get_run(api, id);
  EXPECT_EQ(at(done, "status"), Value("succeeded"));
  EXPECT_TRUE(is_rfc3339_utc(at(done, "started_at")));
  EXPECT_TRUE(is_rfc3339_utc(at(done, "ended_at")));
  EXPECT_EQ(at(done, "flows.customers.created"), Value(ApiHarness::kCustomers));
  EXPECT_TRUE(at(done, "progress").is_null());

  // An empty body runs every flow.
  int64_t all = api.submit("");
  EXPECT_EQ(api.wait_final(all), "partial");  // leads has rejected records
  Value every = get_run(api, all);
  EXPECT_EQ(at(every, "request.flows"), Value(Array{}));
  EXPECT_TRUE(at(every, "flows.orders").is_object());
  EXPECT_TRUE(at(every, "flows.leads").is_object());
}

TEST(ApiRuns, ARunningRunShowsLiveCountsWithTheExpectedTotal) {
  ApiHarness api;
  api.follower().hold_next_run();
  int64_t id = api.submit(R"({"flows": ["customers"]})");
  ASSERT_EQ(api.follower().wait_held(), id);  // its first batch of 10 is committed

  Value run = get_run(api, id);
  EXPECT_EQ(at(run, "status"), Value("running"));
  EXPECT_TRUE(is_rfc3339_utc(at(run, "started_at")));
  EXPECT_EQ(at(run, "flows.customers.read"), Value(10));
  EXPECT_EQ(at(run, "flows.customers.created"), Value(10));
  EXPECT_EQ(at(run, "flows.customers.expected"), Value(ApiHarness::kCustomers));
  EXPECT_EQ(at(run, "progress.flow"), Value("customers"));
  EXPECT_EQ(at(run, "progress.read"), Value(10));
  EXPECT_EQ(at(run, "progress.expected"), Value(ApiHarness::kCustomers));
  EXPECT_EQ(at(run, "progress.percent").to_decimal().to_string(), "25");
  EXPECT_GT(at(run, "progress.version").as_int(), 0);

  api.follower().release();
  EXPECT_EQ(api.wait_final(id), "succeeded");
  Value ended = get_run(api, id);
  EXPECT_TRUE(is_rfc3339_utc(at(ended, "ended_at")));
  EXPECT_TRUE(at(ended, "progress").is_null());
  EXPECT_EQ(at(ended, "flows.customers.read"), Value(ApiHarness::kCustomers));
  EXPECT_EQ(at(ended, "flows.customers.expected"), Value(ApiHarness::kCustomers));
}

TEST(ApiRuns, PagesWalkEveryRunOnceNewestFirst) {
  ApiHarness api;
  std::set<int64_t> made;
  // One after the other: a run asked for while one of the same flow waits
  // is coalesced into it.
  for (int i = 0; i < 7; ++i) {
    int64_t id = api.submit(R"({"flows": ["orders"]})");
    api.wait_final(id);
    made.insert(id);
  }

  std::vector<int64_t> seen;
  std::string next = "/api/v1/runs?limit=3";
  int pages = 0;
  while (!next.empty() && pages < 5) {
    auto res = api.call("GET", next);
    ASSERT_EQ(res.status, 200) << res.body;
    Value page = ApiHarness::json(res);
    ++pages;
    for (const Value& run : at(page, "runs").as_array()) seen.push_back(at(run, "id").as_int());
    next = at(page, "next").is_string() ? at(page, "next").as_string() : "";
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 7u);                                    // no repeats
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()), made);  // no gaps
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));       // newest first

  Value all = ApiHarness::json(api.call("GET", "/api/v1/runs"));
  EXPECT_EQ(at(all, "runs").as_array().size(), 7u);
  EXPECT_TRUE(at(all, "next").is_null());
}

TEST(ApiRuns, FiltersByFlowAndStatusAndKeepsThemInTheNextLink) {
  ApiHarness api;
  auto run = [&](const char* body) {
    int64_t id = api.submit(body);
    api.wait_final(id);  // before the next: a second run of a waiting flow is coalesced
    return id;
  };
  int64_t a = run(R"({"flows": ["orders"]})");
  int64_t b = run(R"({"flows": ["leads"]})");
  int64_t c = run(R"({"flows": ["orders"]})");

  Value orders = ApiHarness::json(api.call("GET", "/api/v1/runs?flow=orders"));
  std::vector<int64_t> ids;
  for (const Value& r : at(orders, "runs").as_array()) ids.push_back(at(r, "id").as_int());
  EXPECT_EQ(ids, (std::vector<int64_t>{c, a}));

  Value first =
      ApiHarness::json(api.call("GET", "/api/v1/runs?flow=orders&status=succeeded&limit=1"));
  ASSERT_EQ(at(first, "runs").as_array().size(), 1u);
  EXPECT_EQ(at(at(first, "runs").as_array()[0], "id"), Value(c));
  std::string next = at(first, "next").as_string();
  EXPECT_NE(next.find("flow=orders"), std::string::npos);
  EXPECT_NE(next.find("status=succeeded"), std::string::npos);
  Value second = ApiHarness::json(api.call("GET", next));
  ASSERT_EQ(at(second, "runs").as_array().size(), 1u);
  EXPECT_EQ(at(at(second, "runs").as_array()[0], "id"), Value(a));

  Value partial = ApiHarness::json(api.call("GET", "/api/v1/runs?status=partial"));
  ASSERT_EQ(at(partial, "runs").as_array().size(), 1u);
  EXPECT_EQ(at(at(partial, "runs").as_array()[0], "id"), Value(b));
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
    EXPECT_EQ(at(ApiHarness::json(res), "error.field"), Value(field));
  }
  EXPECT_EQ(api.call("GET", "/api/v1/runs/1/errors?after=x").status, 400);
}

TEST(ApiRuns, CancelAQueuedRunThenAgainIs409AndAnUnknownOneIs404) {
  ApiHarness api;
  int64_t held = api.occupy_worker();
  int64_t id = api.submit(R"({"flows": ["customers"]})");
  auto res = api.call("POST", run_path(id) + "/cancel");
  ASSERT_EQ(res.status, 202) << res.body;
  Value run = ApiHarness::json(res);
  EXPECT_EQ(at(run, "id"), Value(id));
  EXPECT_EQ(at(run, "status"), Value("cancelled"));

  auto again = api.call("POST", run_path(id) + "/cancel");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(at(ApiHarness::json(again), "error.code"), Value("run_ended"));

  auto missing = api.call("POST", "/api/v1/runs/9999/cancel");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(at(ApiHarness::json(missing), "error.field"), Value("id"));

  api.follower().release();
  EXPECT_EQ(api.wait_final(held), "succeeded");
  EXPECT_EQ(api.warehouse().count("SELECT count(*) FROM sqlite_master WHERE name = 'customers'"),
            0);  // the cancelled run never ran
}

// Cancel mid-run: the batch being written commits whole, the run ends
// cancelled at that boundary, and the next run goes on from the cursor.
TEST(ApiRuns, CancelARunningRunStopsAtABatchBoundaryAndTheNextRunCompletes) {
  ApiHarness api;
  api.follower().hold_next_run();
  int64_t id = api.submit(R"({"flows": ["customers"]})");
  ASSERT_EQ(api.follower().wait_held(), id);  // batch 1 (10 customers) committed

  auto res = api.call("POST", run_path(id) + "/cancel");
  ASSERT_EQ(res.status, 202) << res.body;
  Value asked = ApiHarness::json(res);
  EXPECT_EQ(at(asked, "status"), Value("running"));
  EXPECT_EQ(at(asked, "cancel_requested"), Value(true));
  api.follower().release();
  EXPECT_EQ(api.wait_final(id), "cancelled");

  Value cancelled = get_run(api, id);
  EXPECT_EQ(at(cancelled, "status"), Value("cancelled"));
  int64_t written = at(cancelled, "flows.customers.created").as_int();
  EXPECT_EQ(written % 10, 0) << "a half batch was written";
  EXPECT_LT(written, ApiHarness::kCustomers);
  EXPECT_EQ(api.warehouse().count("SELECT count(*) FROM customers"), written);

  int64_t next = api.submit(R"({"flows": ["customers"]})");
  EXPECT_EQ(api.wait_final(next), "succeeded");
  Value rest = get_run(api, next);
  EXPECT_EQ(at(rest, "flows.customers.created"), Value(ApiHarness::kCustomers - written));
  EXPECT_EQ(at(rest, "flows.customers.failed"), Value(0));
  EXPECT_EQ(api.warehouse().count("SELECT count(*) FROM customers"), ApiHarness::kCustomers);
  EXPECT_EQ(api.warehouse().count("SELECT count(DISTINCT crm_id) FROM customers"),
            ApiHarness::kCustomers);
}

TEST(ApiRuns, ErrorsArePagedWithPayloadAndTheTargetsMessage) {
  ApiHarness api;
  int64_t id = api.submit(R"({"flows": ["leads"]})");
  EXPECT_EQ(api.wait_final(id), "partial");

  std::vector<std::string> sources;
  std::string next = run_path(id) + "/errors?limit=2";
  int pages = 0;
  while (!next.empty() && pages < 5) {
    auto res = api.call("GET", next);
    ASSERT_EQ(res.status, 200) << res.body;
    Value page = ApiHarness::json(res);
    ++pages;
    for (const Value& e : at(page, "errors").as_array()) {
      sources.push_back(at(e, "source_id").as_string());
      EXPECT_EQ(at(e, "run_id"), Value(id));
      EXPECT_EQ(at(e, "flow"), Value("leads"));
      EXPECT_EQ(at(e, "kind"), Value("rejected"));
      EXPECT_NE(at(e, "message").as_string().find("CHECK constraint"), std::string::npos)
          << at(e, "message").as_string();
      EXPECT_TRUE(at(e, "payload").is_object()) << e.to_text();
      EXPECT_EQ(at(e, "payload.email").as_string().rfind("bad-", 0), 0u);
      EXPECT_GE(at(e, "attempts").as_int(), 1);
      EXPECT_TRUE(at(e, "status").is_string());
      EXPECT_EQ(at(e, "outcome_unknown"), Value(false));
      EXPECT_TRUE(is_rfc3339_utc(at(e, "created_at")));
    }
    next = at(page, "next").is_string() ? at(page, "next").as_string() : "";
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(sources, (std::vector<std::string>{"L2", "L3", "L4", "L5", "L6"}));

  EXPECT_EQ(api.call("GET", "/api/v1/runs/9999/errors").status, 404);
}

TEST(ApiRuns, RetryQueuesARunOfTheSameFlows) {
  ApiHarness api;
  int64_t id = api.submit(R"({"flows": ["leads"]})");
  EXPECT_EQ(api.wait_final(id), "partial");
  auto res = api.call("POST", run_path(id) + "/retry");
  ASSERT_EQ(res.status, 202) << res.body;
  Value v = ApiHarness::json(res);
  int64_t retry = at(v, "id").as_int();
  EXPECT_GT(retry, id);
  EXPECT_EQ(at(v, "retry_of"), Value(id));
  EXPECT_EQ(res.header("Location").value_or(""), run_path(retry));
  EXPECT_EQ(api.wait_final(retry), "partial");  // the constraint still rejects them
  Value run = get_run(api, retry);
  EXPECT_EQ(at(run, "trigger"), Value("retry"));
  EXPECT_EQ(at(run, "request.flows"), Value(Array{Value("leads")}));

  EXPECT_EQ(api.call("POST", "/api/v1/runs/9999/retry").status, 404);
}

TEST(ApiRuns, FlowsAndConnectionsShowTheirStatus) {
  ApiHarness api;
  int64_t id = api.submit(R"({"flows": ["customers"]})");
  EXPECT_EQ(api.wait_final(id), "succeeded");

  // The run's final progress comes a moment before its worker lets go of the flow.
  Value flows;
  EXPECT_TRUE(eventually([&] {
    auto res = api.call("GET", "/api/v1/flows");
    flows = at(ApiHarness::json(res), "flows");
    return res.status == 200 && flows.is_array() && !flows.as_array().empty() &&
           at(flows.as_array()[0], "running") == Value(false);
  }));
  ASSERT_EQ(flows.as_array().size(), 3u);
  const Value& customers = flows.as_array()[0];
  EXPECT_EQ(at(customers, "name"), Value("customers"));
  EXPECT_EQ(at(customers, "source_connection"), Value("crm"));
  EXPECT_EQ(at(customers, "target_connection"), Value("warehouse"));
  EXPECT_EQ(at(customers, "trigger.manual"), Value(true));
  EXPECT_TRUE(at(customers, "trigger.schedule").is_null());
  EXPECT_TRUE(at(customers, "next_fire_at").is_null());
  EXPECT_EQ(at(customers, "running"), Value(false));
  EXPECT_EQ(at(customers, "last_run.run_id"), Value(id));
  EXPECT_EQ(at(customers, "last_run.status"), Value("succeeded"));
  EXPECT_TRUE(is_rfc3339_utc(at(customers, "last_run.last_success_at")));
  EXPECT_EQ(at(customers, "cursor.id"), Value("C039"));
  EXPECT_EQ(at(customers, "cursor.value"), Value("2026-12-01T10:39:00Z"));
  EXPECT_TRUE(at(flows.as_array()[1], "last_run").is_null());

  Value conns = at(ApiHarness::json(api.call("GET", "/api/v1/connections")), "connections");
  ASSERT_EQ(conns.as_array().size(), 2u);
  EXPECT_EQ(at(conns.as_array()[0], "name"), Value("crm"));
  EXPECT_EQ(at(conns.as_array()[0], "type"), Value("sqlite"));
}

}  // namespace
}  // namespace crmsync::testing
