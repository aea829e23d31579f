// GET /api/v1/runs/{id}/events: Server-Sent Events of a run of the real
// service.
#include "api_harness.h"
#include "api_sse_client.h"

namespace crmsync::testing {
namespace {

using namespace std::chrono_literals;

std::string events_path(int64_t id) {
  return "/api/v1/runs/" + std::to_string(id) + "/events";
}

Value data_of(const SseEvent& e) {
  auto v = parse_json(e.data);
  EXPECT_TRUE(v) << e.data;
  return v ? *v : Value();
}

TEST(ApiEvents, ReconnectingWithLastEventIdRepeatsNothingAndEndsWithTheEndEvent) {
  ApiHarness api;
  api.follower().hold_next_run();
  int64_t id = api.submit(R"({"flows": ["customers"]})");
  ASSERT_EQ(api.follower().wait_held(), id);  // mid-run: its first batch committed
  uint64_t seen = 0;
  {
    SseClient sse(api.port(), events_path(id), kToken);
    ASSERT_EQ(sse.status(), 200) << sse.head();
    EXPECT_NE(sse.head().find("text/event-stream"), std::string::npos);
    auto first = sse.next();
    ASSERT_TRUE(first);
    EXPECT_EQ(sse.text().rfind("retry: ", 0), 0u) << sse.text();
    EXPECT_EQ(first->event, "progress");
    Value data = data_of(*first);
    EXPECT_EQ(at(data, "status"), Value("running"));
    EXPECT_EQ(at(data, "flow"), Value("customers"));
    EXPECT_EQ(at(data, "flows.customers.read"), Value(10));
    seen = std::stoull(first->id);
    auto second = sse.next(3s);  // nothing changed: the same event again within a second
    ASSERT_TRUE(second);
    EXPECT_EQ(second->id, first->id);
  }  // the client goes away mid-run

  // Back while the run still stands where the client left it: nothing it
  // saw is sent again, comments keep the connection open.
  SseClient again(api.port(), events_path(id), kToken, std::to_string(seen));
  ASSERT_EQ(again.status(), 200);
  EXPECT_FALSE(again.next(1500ms));
  EXPECT_GE(again.comments(), 1);

  api.follower().release();  // the run goes on to its end
  std::vector<SseEvent> after;
  while (auto e = again.next()) after.push_back(*e);
  ASSERT_FALSE(after.empty());
  for (const SseEvent& e : after) EXPECT_GT(std::stoull(e.id), seen) << e.data;  // nothing seen
  EXPECT_EQ(after.back().event, "end");
  EXPECT_EQ(at(data_of(after.back()), "status"), Value("succeeded"));
  EXPECT_EQ(at(data_of(after.back()), "flows.customers.read"), Value(ApiHarness::kCustomers));
  EXPECT_TRUE(again.ended());  // the server closed the stream
}

TEST(ApiEvents, AnEndedRunGetsOnlyTheEndEvent) {
  ApiHarness api;
  int64_t id = api.submit(R"({"flows": ["leads"]})");
  EXPECT_EQ(api.wait_final(id), "partial");
  for (std::string last : {"", "1", "999"}) {
    SCOPED_TRACE(last);
    SseClient sse(api.port(), events_path(id), kToken, last);
    auto e = sse.next();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->event, "end");
    EXPECT_EQ(at(data_of(*e), "status"), Value("partial"));
    EXPECT_EQ(at(data_of(*e), "flows.leads.failed"), Value(5));
    EXPECT_FALSE(sse.next(5s));
    EXPECT_TRUE(sse.ended());
  }
}

TEST(ApiEvents, AQueuedRunSendsProgressEverySecondAndAReconnectedClientGetsKeepAlives) {
  ApiHarness api;
  api.occupy_worker();
  int64_t id = api.submit(R"({"flows": ["customers"]})");
  SseClient sse(api.port(), events_path(id), kToken);
  auto first = sse.next();
  ASSERT_TRUE(first);
  auto at_first = std::chrono::steady_clock::now();
  auto repeat = sse.next(3s);  // nothing changed: the same state again within a second
  ASSERT_TRUE(repeat);
  EXPECT_LE(std::chrono::steady_clock::now() - at_first, 1500ms);
  EXPECT_EQ(repeat->id, first->id);
  EXPECT_EQ(repeat->event, "progress");

  // A client that already saw this version is not sent it again: comments
  // keep its connection alive instead.
  SseClient seen(api.port(), events_path(id), kToken, first->id);
  EXPECT_FALSE(seen.next(1500ms));
  EXPECT_GE(seen.comments(), 1);
  EXPECT_FALSE(seen.ended());
}

TEST(ApiEvents, AHundredOpenStreamsHoldNoHandlerThread) {
  ApiHarness api;
  api.occupy_worker();
  int64_t id = api.submit(R"({"flows": ["customers"]})");
  std::vector<std::unique_ptr<SseClient>> streams;
  for (int i = 0; i < 100; ++i) {
    streams.push_back(std::make_unique<SseClient>(api.port(), events_path(id), kToken));
    ASSERT_EQ(streams.back()->status(), 200) << i;
  }
  for (auto& s : streams) ASSERT_TRUE(s->next());
  // The server has 16 handler threads: plain requests are still answered.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(api.call("GET", "/api/v1/runs").status, 200);

  api.follower().release();
  EXPECT_EQ(api.wait_final(id), "succeeded");
  for (auto& s : streams) {
    std::optional<SseEvent> e;
    do e = s->next();
    while (e && e->event != "end");
    ASSERT_TRUE(e);
    EXPECT_EQ(at(data_of(*e), "status"), Value("succeeded"));
  }
}

TEST(ApiEvents, AnUnknownRunIs404) {
  ApiHarness api;
  SseClient sse(api.port(), events_path(777), kToken);
  EXPECT_EQ(sse.status(), 404);
  sse.next(2s);
  EXPECT_NE(sse.text().find("not_found"), std::string::npos) << sse.text();
}

TEST(ApiEvents, StreamsCloseWhenServeStops) {
  ApiHarness api;
  api.occupy_worker();
  int64_t id = api.submit(R"({"flows": ["customers"]})");
  SseClient sse(api.port(), events_path(id), kToken);
  ASSERT_TRUE(sse.next());
  api.stop();  // releases the held run, stops workers and the server
  while (sse.next(10s)) {
  }
  EXPECT_TRUE(sse.ended());
}

}  // namespace
}  // namespace crmsync::testing
