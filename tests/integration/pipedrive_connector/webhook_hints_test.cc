// The bodies the sandbox actually delivers (v1 and v2 subscriptions) parse
// into the change hints the runner needs: object, id, action, time.
#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "connector_fixture.h"
#include "connectors/pipedrive/pipedrive_webhook.h"
#include "net/http_server.h"

namespace crmsync::testing {
namespace {

// Collects every delivery on 127.0.0.1:0.
class HookReceiver {
 public:
  HookReceiver() {
    server_.on("POST", "/(v1|v2)", [this](const net::HttpRequest& req, net::HttpResponse& res) {
      std::lock_guard lock(mu_);
      bodies_[req.matches[1]].push_back(req.body);
      res.body = "{}";
    });
    EXPECT_TRUE(server_.listen("127.0.0.1", 0).ok());
    EXPECT_TRUE(server_.start().ok());
  }
  std::string url(const std::string& version) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + "/" + version;
  }
  std::vector<std::string> wait_for(const std::string& version, size_t n) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mu_);
        if (bodies_[version].size() >= n) return bodies_[version];
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(mu_);
    return bodies_[version];
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<std::string>> bodies_;
  net::HttpServer server_;
};

TEST_F(PipedriveConnectorTest, SandboxDeliveriesParseIntoChangeHints) {
  start(0, 0);
  HookReceiver receiver;
  for (std::string v : {"1.0", "2.0"}) {
    Value hook =
        admin("POST", "/v1/webhooks",
              R"({"subscription_url":")" + receiver.url(v == "1.0" ? "v1" : "v2") +
                  R"(","event_action":"*","event_object":"person","version":")" + v + R"("})");
    ASSERT_EQ(*hook.find("success"), Value(true));
  }
  Record r(make_field_names({"name"}));
  r.value(0) = "Jane";
  std::vector<WriteItem> create = {{WriteOp::create, "", r}};
  auto made = conn_->write(WriteRequest{"person", "id", "", create});
  ASSERT_TRUE(made.ok() && (*made)[0].ok);
  std::string id = (*made)[0].target_id;
  r.value(0) = "Jane Doe";
  std::vector<WriteItem> later = {{WriteOp::update, id, r}, {WriteOp::remove, id, {}}};
  auto changed = conn_->write(WriteRequest{"person", "id", "", later});
  ASSERT_TRUE(changed.ok() && (*changed)[0].ok && (*changed)[1].ok);

  using Action = PipedriveChangeHint::Action;
  for (std::string v : {"v1", "v2"}) {
    auto bodies = receiver.wait_for(v, 3);
    ASSERT_EQ(bodies.size(), 3u) << v;
    std::vector<Action> actions;
    for (const std::string& body : bodies) {
      auto hint = parse_pipedrive_webhook(body);
      ASSERT_TRUE(hint.ok()) << v << ": " << hint.error().message << "\n" << body;
      EXPECT_EQ(hint->object, "person");
      EXPECT_EQ(hint->id, id);
      EXPECT_GT(hint->time.micros, int64_t{1700000000} * 1000000) << v;
      actions.push_back(hint->action);
    }
    // Deliveries run on their own threads: compare as a set of actions.
    std::sort(actions.begin(), actions.end());
    EXPECT_EQ(actions, (std::vector<Action>{Action::create, Action::update, Action::remove})) << v;
  }
}

TEST_F(PipedriveConnectorTest, ActivityProductAndNoteDeliveriesParse) {
  start(0, 0);
  HookReceiver receiver;
  for (std::string v : {"1.0", "2.0"}) {
    Value hook =
        admin("POST", "/v1/webhooks",
              R"({"subscription_url":")" + receiver.url(v == "1.0" ? "v1" : "v2") +
                  R"(","event_action":"create","event_object":"*","version":")" + v + R"("})");
    ASSERT_EQ(*hook.find("success"), Value(true));
  }
  std::map<std::string, std::string> made;  // object -> id
  auto create = [&](const std::string& object, std::vector<std::string> names,
                    std::vector<Value> values) {
    Record r(make_field_names(std::move(names)));
    for (size_t i = 0; i < values.size(); ++i) r.value(i) = values[i];
    std::vector<WriteItem> items = {{WriteOp::create, "", r}};
    auto res = conn_->write(WriteRequest{object, "id", "", items});
    ASSERT_TRUE(res.ok() && (*res)[0].ok) << object;
    made[object] = (*res)[0].target_id;
  };
  create("person", {"name"}, {Value("Ann")});
  create("activity", {"subject"}, {Value("Call")});
  create("product", {"name"}, {Value("Loan")});
  create("note", {"content", "person_id"}, {Value("hi"), Value(made["person"])});
  for (std::string v : {"v1", "v2"}) {
    auto bodies = receiver.wait_for(v, 4);
    ASSERT_EQ(bodies.size(), 4u) << v;
    std::map<std::string, std::string> hinted;
    for (const std::string& body : bodies) {
      auto hint = parse_pipedrive_webhook(body);
      ASSERT_TRUE(hint.ok()) << v << ": " << hint.error().message << "\n" << body;
      EXPECT_EQ(hint->action, PipedriveChangeHint::Action::create);
      hinted[hint->object] = hint->id;
    }
    EXPECT_EQ(hinted, made) << v;
  }
}

}  // namespace
}  // namespace crmsync::testing
