// GET /api/v1/runs/{id}/events: Server-Sent Events of a run's progress.
#include "api_harness.h"
#include "api_sse_client.h"
#include "support/eventually.h"

namespace crmsync::testing {
namespace {

using namespace std::chrono_literals;

int64_t queue(ApiHarness& api) {
  auto res = api.call("POST", "/api/v1/runs", R"({"flows": ["customers"]})");
  EXPECT_EQ(res.status, 202) << res.body;
  return at(ApiHarness::json(res), "id").as_int();
}

std::string events_path(int64_t id) {
  return "/api/v1/runs/" + std::to_string(id) + "/events";
}

Value data_of(const SseEvent& e) {
  auto v = parse_json(e.data);
  EXPECT_TRUE(v) << e.data;
  return v ? *v : Value();
}

FlowCounts reads(int64_t n) {
  FlowCounts c;
  c.read = n;
  c.created = n;
  c.expected = 30;
  return c;
}

// The next event that is not a repeat of `last_id` (a once-a-second repeat
// may come between changes).
std::optional<SseEvent> next_new(SseClient& sse, const std::string& last_id) {
  for (int i = 0; i < 20; ++i) {
    auto e = sse.next();
    if (!e || e->id != last_id) return e;
  }
  return std::nullopt;
}

TEST(ApiEvents, ReconnectingWithLastEventIdRepeatsNothingAndEndsWithTheEndEvent) {
  ApiHarness api;
  int64_t id = queue(api);
  std::string seen;
  {
    SseClient sse(api.port(), events_path(id), kToken);
    ASSERT_EQ(sse.status(), 200) << sse.head();
    EXPECT_NE(sse.head().find("text/event-stream"), std::string::npos);
    auto first = sse.next();
    ASSERT_TRUE(first);
    EXPECT_EQ(sse.text().rfind("retry: ", 0), 0u) << sse.text();
    EXPECT_EQ(first->event, "progress");
    EXPECT_EQ(at(data_of(*first), "status"), Value("queued"));
    EXPECT_EQ(first->id, "1");

    api.control().start(id);
    auto running = next_new(sse, first->id);
    ASSERT_TRUE(running);
    EXPECT_EQ(at(data_of(*running), "status"), Value("running"));
    EXPECT_EQ(running->id, "2");

    api.control().progress_batch(id, "customers", reads(10));
    auto batch = next_new(sse, running->id);
    ASSERT_TRUE(batch);
    EXPECT_EQ(batch->id, "3");
    EXPECT_EQ(at(data_of(*batch), "flows.customers.read"), Value(10));
    EXPECT_EQ(at(data_of(*batch), "flow"), Value("customers"));
    seen = batch->id;
  }  // the client goes away

  // Two batches while nobody listens.
  api.control().progress_batch(id, "customers", reads(10));
  api.control().progress_batch(id, "customers", reads(10));

  SseClient again(api.port(), events_path(id), kToken, seen);
  ASSERT_EQ(again.status(), 200);
  auto resumed = again.next();
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->event, "progress");
  EXPECT_GT(std::stoll(resumed->id), std::stoll(seen));  // nothing the client saw
  EXPECT_EQ(at(data_of(*resumed), "flows.customers.read"), Value(30));

  api.control().finish(id, RunStatus::succeeded);
  std::optional<SseEvent> end;
  for (int i = 0; i < 20 && (!end || end->event != "end"); ++i) {
    end = again.next();
    ASSERT_TRUE(end);
    EXPECT_GE(std::stoll(end->id), std::stoll(resumed->id));
  }
  EXPECT_EQ(end->event, "end");
  EXPECT_EQ(at(data_of(*end), "status"), Value("succeeded"));
  EXPECT_FALSE(again.next(5s));
  EXPECT_TRUE(again.ended());  // the server closed the stream
}

TEST(ApiEvents, AnEndedRunGetsOnlyTheEndEvent) {
  ApiHarness api;
  int64_t id = queue(api);
  api.control().start(id);
  api.control().finish(id, RunStatus::failed);
  for (std::string last : {"", "1", "99"}) {
    SCOPED_TRACE(last);
    SseClient sse(api.port(), events_path(id), kToken, last);
    auto e = sse.next();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->event, "end");
    EXPECT_EQ(at(data_of(*e), "status"), Value("failed"));
    EXPECT_FALSE(sse.next(5s));
    EXPECT_TRUE(sse.ended());
  }
}

TEST(ApiEvents, AQueuedRunSendsProgressEverySecondAndAReconnectedClientGetsKeepAlives) {
  ApiHarness api;
  int64_t id = queue(api);
  SseClient sse(api.port(), events_path(id), kToken);
  auto first = sse.next();
  ASSERT_TRUE(first);
  auto at_first = std::chrono::steady_clock::now();
  auto repeat = sse.next(3s);  // nothing changed: the same state again within a second
  ASSERT_TRUE(repeat);
  EXPECT_LE(std::chrono::steady_clock::now() - at_first, 1500ms);
  EXPECT_EQ(repeat->id, first->id);
  EXPECT_EQ(repeat->event, "progress");

  // A client that already saw version 1 is not sent it again: comments keep
  // its connection alive instead.
  SseClient seen(api.port(), events_path(id), kToken, first->id);
  EXPECT_FALSE(seen.next(1500ms));
  EXPECT_GE(seen.comments(), 1);
  EXPECT_FALSE(seen.ended());
}

TEST(ApiEvents, AHundredOpenStreamsHoldNoHandlerThread) {
  ApiHarness api;
  int64_t id = queue(api);
  std::vector<std::unique_ptr<SseClient>> streams;
  for (int i = 0; i < 100; ++i) {
    streams.push_back(std::make_unique<SseClient>(api.port(), events_path(id), kToken));
    ASSERT_EQ(streams.back()->status(), 200) << i;
  }
  for (auto& s : streams) ASSERT_TRUE(s->next());
  // The server has 16 handler threads: plain requests are still answered.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(api.call("GET", "/api/v1/runs").status, 200);

  api.control().start(id);
  api.control().finish(id, RunStatus::succeeded);
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

TEST(ApiEvents, ThePublisherStopsWatchingWhenTheServerGoes) {
  ApiHarness api;
  EXPECT_EQ(api.control().listeners(), 1u);
  int64_t id = queue(api);
  SseClient sse(api.port(), events_path(id), kToken);
  ASSERT_TRUE(sse.next());
  api.stop_server();  // routes and publisher gone with it
  EXPECT_EQ(api.control().listeners(), 0u);
  EXPECT_FALSE(sse.next(5s));
  EXPECT_TRUE(sse.ended());
}

}  // namespace
}  // namespace crmsync::testing
