// The API additions the dashboard's pages need: one failed record retried
// (POST /errors/{id}/retry), a dry run (POST /plan), the runs filtered by
// the time they were queued, open errors per flow and the budget per
// connection.
#include <algorithm>

#include "api_harness.h"
#include "support/eventually.h"

namespace crmsync::testing {
namespace {

// The open error of `source_id` in the store (a failed test when none).
RecordError open_error(ApiHarness& api, const std::string& source_id) {
  auto errors = api.store().errors(0, 100);
  EXPECT_TRUE(errors);
  if (errors) {
    for (const RecordError& e : *errors)
      if (e.source_id == source_id) return e;
  }
  ADD_FAILURE() << "no open error of " << source_id;
  return {};
}

TEST(ApiRecords, RetryOneErrorMakesJustItDueAndQueuesARunOfItsFlow) {
  ApiHarness api;
  int64_t first = api.submit(R"({"flows": ["leads"]})");
  EXPECT_EQ(api.wait_final(first), "partial");
  int64_t now = api.clock().now_micros();
  RecordError l3 = open_error(api, "L3");
  RecordError l2 = open_error(api, "L2");
  // Rejected by the target: parked, never retried by a run by itself.
  ASSERT_EQ(l3.status, RecordErrorStatus::parked);
  ASSERT_EQ(l2.status, RecordErrorStatus::parked);

  // The one worker busy, so the retry run waits while the store is looked at.
  int64_t held = api.occupy_worker();
  auto res = api.call("POST", "/api/v1/errors/" + std::to_string(l3.id) + "/retry");
  ASSERT_EQ(res.status, 202) << res.body;
  Value v = ApiHarness::json(res);
  int64_t retry = at(v, "id").as_int();
  EXPECT_GT(retry, held);
  EXPECT_EQ(at(v, "status"), Value("queued"));
  EXPECT_EQ(at(v, "error_id"), Value(l3.id));
  EXPECT_EQ(res.header("Location").value_or(""), "/api/v1/runs/" + std::to_string(retry));
  EXPECT_EQ(open_error(api, "L3").next_attempt_at, now);
  EXPECT_EQ(open_error(api, "L3").status, RecordErrorStatus::pending);
  EXPECT_EQ(open_error(api, "L3").attempts, l3.attempts);
  EXPECT_EQ(open_error(api, "L2").status, RecordErrorStatus::parked);  // only that one
  EXPECT_EQ(open_error(api, "L2").next_attempt_at, l2.next_attempt_at);
  Value run = ApiHarness::json(api.call("GET", "/api/v1/runs/" + std::to_string(retry)));
  EXPECT_EQ(at(run, "trigger"), Value("retry"));
  EXPECT_EQ(at(run, "request.flows"), Value(Array{Value("leads")}));

  // Fixed at the source, the retry writes it and resolves its error.
  api.crm().exec("UPDATE leads SET email = 'l3@example.com' WHERE id = 'L3'");
  api.follower().release();
  EXPECT_EQ(api.wait_final(held), "succeeded");
  EXPECT_EQ(api.wait_final(retry), "partial");  // L2, L4-L6 still fail
  EXPECT_EQ(api.warehouse().count("SELECT count(*) FROM leads WHERE crm_id = 'L3'"), 1);
  auto again = api.call("POST", "/api/v1/errors/" + std::to_string(l3.id) + "/retry");
  EXPECT_EQ(again.status, 404) << again.body;
  EXPECT_EQ(at(ApiHarness::json(again), "error.field"), Value("id"));
}

TEST(ApiRecords, RetryOfAnUnknownErrorIs404AndQueuesNothing) {
  ApiHarness api;
  for (const char* id : {"4242", "abc", "0", "-1"}) {
    auto res = api.call("POST", std::string("/api/v1/errors/") + id + "/retry");
    EXPECT_EQ(res.status, 404) << id << ": " << res.body;
    EXPECT_EQ(at(ApiHarness::json(res), "error.code"), Value("not_found"));
  }
  EXPECT_EQ(api.call("GET", "/api/v1/errors/1/retry").status, 405);
  auto runs = api.store().runs(50);
  ASSERT_TRUE(runs);
  EXPECT_TRUE(runs->empty());
}

TEST(ApiRecords, PlanShowsCountsAndFirstDiffsAndWritesNothing) {
  ApiHarness api;
  auto res = api.call("POST", "/api/v1/plan", R"({"flows": ["customers", "leads"]})");
  ASSERT_EQ(res.status, 200) << res.body;
  Value plan = ApiHarness::json(res);
  EXPECT_EQ(at(plan, "status"), Value("succeeded"));
  const Array& flows = at(plan, "flows").as_array();
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(at(flows[0], "flow"), Value("customers"));
  EXPECT_EQ(at(flows[0], "read"), Value(int64_t{ApiHarness::kCustomers}));
  EXPECT_EQ(at(flows[0], "created"), Value(int64_t{ApiHarness::kCustomers}));
  EXPECT_TRUE(at(flows[0], "error").is_null());
  const Array& changes = at(flows[0], "changes").as_array();
  ASSERT_EQ(changes.size(), 10u);  // the first ten by default
  EXPECT_EQ(at(changes[0], "action"), Value("create"));
  EXPECT_EQ(at(changes[0], "source_id"), Value("C000"));
  const Array& fields = at(changes[0], "fields").as_array();
  auto name = std::find_if(fields.begin(), fields.end(),
                           [](const Value& f) { return at(f, "name") == Value("name"); });
  ASSERT_NE(name, fields.end());
  EXPECT_EQ(at(*name, "after"), Value("Customer 0"));
  EXPECT_EQ(at(flows[1], "flow"), Value("leads"));
  EXPECT_EQ(at(flows[1], "read"), Value(int64_t{6}));

  auto two = api.call("POST", "/api/v1/plan?diffs=2", R"({"flows": ["customers"]})");
  ASSERT_EQ(two.status, 200) << two.body;
  EXPECT_EQ(at(at(ApiHarness::json(two), "flows").as_array()[0], "changes").as_array().size(), 2u);

  // Nothing written: no run, no table, no cursor.
  auto runs = api.store().runs(50);
  ASSERT_TRUE(runs);
  EXPECT_TRUE(runs->empty());
  EXPECT_EQ(api.warehouse().count("SELECT count(*) FROM sqlite_master WHERE name = 'customers'"),
            0);
  EXPECT_TRUE(
      at(at(ApiHarness::json(api.call("GET", "/api/v1/flows")), "flows").as_array()[0], "cursor")
          .is_null());

  auto unknown = api.call("POST", "/api/v1/plan", R"({"flows": ["customers", "invoices"]})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(at(ApiHarness::json(unknown), "error.field"), Value("flows[1]"));
  auto param = api.call("POST", "/api/v1/plan", R"({"params": {"tenant": "x"}})");
  EXPECT_EQ(param.status, 400);
  EXPECT_EQ(at(ApiHarness::json(param), "error.code"), Value("unknown_param"));
  EXPECT_EQ(api.call("POST", "/api/v1/plan?diffs=101", "{}").status, 400);
  EXPECT_EQ(api.call("POST", "/api/v1/plan", "[]").status, 400);
}

TEST(ApiRecords, RunsFilterByTheTimeTheyWereQueuedAndKeepItInTheNextLink) {
  ApiHarness api;
  std::vector<int64_t> ids;
  for (int day = 0; day < 3; ++day) {  // 6, 7 and 8 December, 04:00 UTC
    ids.push_back(api.submit(R"({"flows": ["orders"]})"));
    EXPECT_EQ(api.wait_final(ids.back()), "succeeded");
    api.clock().advance_secs(86400);
  }
  auto page = [&](const std::string& query) {
    auto res = api.call("GET", "/api/v1/runs?" + query);
    EXPECT_EQ(res.status, 200) << res.body;
    Value v = ApiHarness::json(res);
    std::vector<int64_t> got;
    for (const Value& r : at(v, "runs").as_array()) got.push_back(at(r, "id").as_int());
    return std::pair{got, at(v, "next")};
  };
  EXPECT_EQ(page("from=2026-12-07T00:00:00Z&to=2026-12-08T00:00:00Z").first,
            (std::vector<int64_t>{ids[1]}));
  EXPECT_EQ(page("from=2026-12-07T00:00:00Z").first, (std::vector<int64_t>{ids[2], ids[1]}));
  EXPECT_EQ(page("to=2026-12-07T04:00:00Z").first, (std::vector<int64_t>{ids[0]}));  // to: before
  // Another zone, the same instant.
  EXPECT_EQ(page("from=2026-12-07T05:00:00%2B01:00&to=2026-12-08T00:00:00Z").first,
            (std::vector<int64_t>{ids[1]}));
  auto [first, next] = page("limit=1&from=2026-12-06T00:00:00Z&to=2026-12-08T00:00:00Z");
  EXPECT_EQ(first, (std::vector<int64_t>{ids[1]}));
  ASSERT_TRUE(next.is_string());
  EXPECT_NE(next.as_string().find("from=2026-12-06T00%3A00%3A00Z"), std::string::npos)
      << next.as_string();
  auto rest = api.call("GET", next.as_string());
  Value v = ApiHarness::json(rest);
  ASSERT_EQ(at(v, "runs").as_array().size(), 1u);
  EXPECT_EQ(at(at(v, "runs").as_array()[0], "id"), Value(ids[0]));
  EXPECT_TRUE(at(v, "next").is_null());

  for (const char* bad :
       {"from=yesterday", "from=2026-12-07T00:00:00", "to=2026-13-01T00:00:00Z"}) {
    auto res = api.call("GET", std::string("/api/v1/runs?") + bad);
    EXPECT_EQ(res.status, 400) << bad;
    EXPECT_EQ(at(ApiHarness::json(res), "error.field"),
              Value(std::string(bad).substr(0, std::string(bad).find('='))));
  }
}

TEST(ApiRecords, FlowsCountOpenErrorsAndConnectionsTheirBudget) {
  ApiHarness api;
  int64_t id = api.submit(R"({"flows": ["leads"]})");
  EXPECT_EQ(api.wait_final(id), "partial");
  Value flows = at(ApiHarness::json(api.call("GET", "/api/v1/flows")), "flows");
  for (const Value& f : flows.as_array()) {
    bool leads = at(f, "name") == Value("leads");
    EXPECT_EQ(at(f, "open_errors"), Value(int64_t{leads ? 5 : 0})) << f.to_text();
    EXPECT_EQ(at(f, "open_errors_capped"), Value(false));
  }
  // SQLite reports no API budget.
  Value conns = at(ApiHarness::json(api.call("GET", "/api/v1/connections")), "connections");
  for (const Value& c : conns.as_array()) EXPECT_TRUE(at(c, "budget_remaining").is_null());
}

}  // namespace
}  // namespace crmsync::testing
