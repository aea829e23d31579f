// The sandbox's webhook delivery controls (POST /__admin/webhook_delivery):
// a pause that loses the changes made during it, duplicates and shuffled
// order reproducible by seed, and the delivery log the scenario tests
// compare with what serve synced.
#include <algorithm>
#include <map>
#include <mutex>

#include "net/http_server.h"
#include "sandbox_fixture.h"
#include "support/eventually.h"

namespace crmsync::sandbox::pipedrive::testing {
namespace {

using crmsync::testing::eventually;

const Value& at(const Value& v, const char* key) {
  static const Value kNull;
  const Value* f = v.find(key);
  return f ? *f : kNull;
}

// Answers every delivery 200 and keeps the bodies in arrival order.
class AckingReceiver {
 public:
  AckingReceiver() {
    server_.on("POST", "/hook", [this](const net::HttpRequest& req, net::HttpResponse& res) {
      std::lock_guard lock(mu_);
      bodies_.push_back(req.body);
      res.body = "{}";
    });
    EXPECT_TRUE(server_.listen("127.0.0.1", 0).ok());
    EXPECT_TRUE(server_.start().ok());
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/hook"; }
  std::vector<Value> metas() {
    std::lock_guard lock(mu_);
    std::vector<Value> out;
    for (const std::string& b : bodies_) out.push_back(*parse_json(b)->find("meta"));
    return out;
  }
  size_t count() {
    std::lock_guard lock(mu_);
    return bodies_.size();
  }

 private:
  std::mutex mu_;
  std::vector<std::string> bodies_;
  net::HttpServer server_;
};

class WebhookDeliveryTest : public SandboxTest {
 protected:
  void SetUp() override {
    auto o = default_options();
    o.clock = [] { return int64_t{1767225600}; };  // one second for the whole test
    start(o);
  }
  void subscribe(const AckingReceiver& r) {
    ASSERT_EQ(call("POST", "/v1/webhooks",
                   R"({"subscription_url":")" + r.url() +
                       R"(","event_action":"*","event_object":"person"})")
                  .status,
              201);
  }
  std::vector<Value> log() {
    return call("GET", "/__admin/webhook_deliveries")["deliveries"].as_array();
  }
  // Until the log holds `n` entries (a delivery is logged after its answer).
  std::vector<Value> log_of(size_t n) {
    std::vector<Value> out;
    eventually([&] { return (out = log()).size() >= n; });
    return out;
  }
};

TEST_F(WebhookDeliveryTest, ChangesWhilePausedAreNeverDelivered) {
  AckingReceiver receiver;
  subscribe(receiver);
  auto paused = call("POST", "/__admin/webhook_delivery", R"({"paused":true})");
  ASSERT_EQ(paused.status, 200);
  EXPECT_EQ(paused["paused"], Value(true));
  for (int i = 0; i < 3; ++i) call("POST", "/api/v2/persons", R"({"name":"Lost"})");
  ASSERT_EQ(call("POST", "/__admin/webhook_delivery", R"({"paused":false})").status, 200);
  call("POST", "/api/v2/persons", R"({"name":"Seen"})");
  ASSERT_TRUE(eventually([&] { return receiver.count() == 1; }));
  EXPECT_EQ(*receiver.metas()[0].find("entity_id"), Value("4"));
  auto entries = log_of(4);
  ASSERT_EQ(entries.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(at(entries[i], "dropped"), Value(true));
    EXPECT_EQ(at(entries[i], "delivered"), Value(false));
    EXPECT_EQ(at(entries[i], "attempt"), Value(0));
    EXPECT_EQ(at(entries[i], "record_id"), Value(std::to_string(i + 1)));
    EXPECT_EQ(at(entries[i], "action"), Value("create"));
  }
  EXPECT_EQ(at(entries[3], "delivered"), Value(true));
  EXPECT_EQ(at(entries[3], "status"), Value(200));
  EXPECT_EQ(at(entries[3], "event_id"), *receiver.metas()[0].find("id"));
  // Nothing dropped comes later.
  EXPECT_EQ(receiver.count(), 1u);
}

// Every change has its own event id, even two of one record in the same
// second (the store's time unit): a receiver that drops repeated ids must
// not drop the second change. They were equal before the change counter.
TEST_F(WebhookDeliveryTest, TwoChangesInOneSecondHaveDistinctEventIds) {
  AckingReceiver receiver;
  subscribe(receiver);
  call("POST", "/api/v2/persons", R"({"name":"A"})");
  call("PATCH", "/api/v2/persons/1", R"({"name":"B"})");
  call("PATCH", "/api/v2/persons/1", R"({"name":"C"})");
  ASSERT_TRUE(eventually([&] { return receiver.count() == 3; }));
  auto m = receiver.metas();
  EXPECT_NE(m[1].find("id")->to_text(), m[2].find("id")->to_text());
  EXPECT_NE(m[0].find("id")->to_text(), m[1].find("id")->to_text());
}

// The ids of the records delivered twice, and the order records arrived in.
struct Pattern {
  std::vector<std::string> duplicated;
  std::vector<std::string> order;
};

TEST_F(WebhookDeliveryTest, DuplicatesAndShuffledOrderAreReproducibleBySeed) {
  AckingReceiver receiver;
  constexpr int kChanges = 40;
  auto once = [&]() {
    Pattern p;
    call("POST", "/__admin/reset");
    subscribe(receiver);
    auto set = call("POST", "/__admin/webhook_delivery",
                    R"({"duplicate_rate":0.25,"shuffle_window_ms":300,"seed":7})");
    EXPECT_EQ(set.status, 200) << set.response.body;
    for (int i = 0; i < kChanges; ++i) call("POST", "/api/v2/persons", R"({"name":"P"})");
    // Until nothing waits to be sent (a copy goes out up to the shuffle
    // window after its original: counting the logged copies raced it).
    std::vector<Value> entries;
    EXPECT_TRUE(eventually([&] {
      auto all = call("GET", "/__admin/webhook_deliveries");
      entries = all["deliveries"].as_array();
      return all["queued"].as_int() == 0 && entries.size() >= kChanges;
    }));
    // Every copy carries the original's event id.
    std::map<std::string, int> per_event;
    for (const Value& e : entries) {
      EXPECT_EQ(at(e, "delivered"), Value(true));
      per_event[at(e, "event_id").as_string()]++;
      p.order.push_back(at(e, "record_id").as_string());
      if (at(e, "duplicate") == Value(true)) p.duplicated.push_back(at(e, "record_id").as_string());
    }
    EXPECT_EQ(per_event.size(), static_cast<size_t>(kChanges));
    std::sort(p.duplicated.begin(), p.duplicated.end());
    // The seed restarts with the same value after the next set: restore it.
    call("POST", "/__admin/webhook_delivery", R"({"seed":0})");
    return p;
  };
  Pattern first = once();
  Pattern second = once();
  // About a quarter are sent twice: the same records both times.
  EXPECT_GE(first.duplicated.size(), 3u);
  EXPECT_LE(first.duplicated.size(), 20u);
  EXPECT_EQ(first.duplicated, second.duplicated);
  // Shuffled: not in the order the changes were made.
  std::vector<std::string> made;
  for (int i = 1; i <= kChanges; ++i) made.push_back(std::to_string(i));
  std::vector<std::string> firsts;
  for (const std::string& id : first.order) {
    if (std::find(firsts.begin(), firsts.end(), id) == firsts.end()) firsts.push_back(id);
  }
  EXPECT_NE(firsts, made);
}

// Each change is either logged or still queued, in one reading of the log:
// read apart, a delivery finishing between them was in neither (the seed
// test above saw 39 of 40 events once everything looked sent).
TEST_F(WebhookDeliveryTest, LogAndQueueAreOneReading) {
  AckingReceiver receiver;
  subscribe(receiver);
  constexpr int kChanges = 150;
  int torn = 0;
  for (int i = 1; i <= kChanges; ++i) {
    call("POST", "/api/v2/persons", R"({"name":"P"})");
    auto all = call("GET", "/__admin/webhook_deliveries");
    int64_t seen =
        static_cast<int64_t>(all["deliveries"].as_array().size()) + all["queued"].as_int();
    if (seen != i) ++torn;
  }
  EXPECT_EQ(torn, 0);
}

TEST_F(WebhookDeliveryTest, BadControlsAreRefused) {
  EXPECT_EQ(call("POST", "/__admin/webhook_delivery", R"({"duplicate_rate":2})").status, 400);
  EXPECT_EQ(call("POST", "/__admin/webhook_delivery", R"({"paused":"yes"})").status, 400);
  EXPECT_EQ(call("POST", "/__admin/webhook_delivery", R"({"shuffle_window_ms":-1})").status, 400);
  EXPECT_EQ(call("POST", "/__admin/webhook_delivery", R"({"lose":true})").status, 400);
  auto now = call("GET", "/__admin/webhook_delivery");
  EXPECT_EQ(now["paused"], Value(false));
  EXPECT_EQ(now["shuffle_window_ms"], Value(0));
}

}  // namespace
}  // namespace crmsync::sandbox::pipedrive::testing
