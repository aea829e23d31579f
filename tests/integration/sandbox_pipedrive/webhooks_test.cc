#include <chrono>
#include <mutex>
#include <thread>

#include "net/http_server.h"
#include "sandbox_fixture.h"

namespace crmsync::sandbox::pipedrive::testing {
namespace {

// A subscriber on 127.0.0.1:0 that fails its first delivery with 500.
class Receiver {
 public:
  Receiver() {
    server_.on("POST", "/hook", [this](const net::HttpRequest& req, net::HttpResponse& res) {
      std::lock_guard lock(mu_);
      bodies_.push_back(req.body);
      auth_ = req.header("authorization").value_or("");
      res.status = bodies_.size() == 1 ? 500 : 200;
      res.body = "{}";
    });
    EXPECT_TRUE(server_.listen("127.0.0.1", 0).ok());
    EXPECT_TRUE(server_.start().ok());
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/hook"; }
  // Waits (bounded) until `n` deliveries arrived; returns them.
  std::vector<std::string> wait_for(size_t n) {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock(mu_);
        if (bodies_.size() >= n) return bodies_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::string auth() {
    std::lock_guard lock(mu_);
    return auth_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> bodies_;
  std::string auth_;
  net::HttpServer server_;
};

class PipedriveWebhooksTest : public SandboxTest {
 protected:
  void SetUp() override {
    auto o = default_options();
    o.webhook_time_scale = 0.01;  // retries after 30 ms, 300 ms, 1.5 s
    start(o);
  }
};

TEST_F(PipedriveWebhooksTest, DeliversWithBasicAuthRetriesAndV2Payloads) {
  Receiver receiver;
  auto hook = call(
      "POST", "/v1/webhooks",
      R"({"subscription_url":")" + receiver.url() +
          R"(","event_action":"*","event_object":"person","http_auth_user":"u","http_auth_password":"p"})");
  ASSERT_EQ(hook.status, 201);
  EXPECT_EQ(*hook["data"].find("version"), Value("2.0"));
  EXPECT_EQ(hook.response.body.find("\"p\""), std::string::npos);  // password not echoed

  call("POST", "/api/v2/persons", R"({"name":"Jane"})");
  auto bodies = receiver.wait_for(2);
  ASSERT_EQ(bodies.size(), 2u);  // the first attempt got a 500, the retry a 200
  EXPECT_EQ(receiver.auth(), "Basic dTpw");
  auto retried = parse_json(bodies[1]);
  ASSERT_TRUE(retried.ok());
  const Value* meta = retried->find("meta");
  EXPECT_EQ(*meta->find("action"), Value("create"));
  EXPECT_EQ(*meta->find("entity"), Value("person"));
  EXPECT_EQ(*meta->find("attempt"), Value(2));
  EXPECT_EQ(*meta->find("change_source"), Value("api"));
  EXPECT_EQ(*retried->find("data")->find("name"), Value("Jane"));
  EXPECT_TRUE(retried->find("previous")->is_null());

  call("PATCH", "/__admin/persons/1", R"({"name":"Jane D."})", "");
  bodies = receiver.wait_for(3);
  ASSERT_EQ(bodies.size(), 3u);
  auto change = parse_json(bodies[2]);
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(*change->find("meta")->find("action"), Value("change"));
  EXPECT_EQ(*change->find("meta")->find("change_source"), Value("app"));
  EXPECT_EQ(*change->find("previous")->find("name"), Value("Jane"));
  EXPECT_EQ(change->find("previous")->find("emails"), nullptr);  // only changed fields

  // Organizations do not match the subscription.
  call("POST", "/api/v2/organizations", R"({"name":"Acme"})");
  call("DELETE", "/api/v2/persons/1");
  bodies = receiver.wait_for(4);
  ASSERT_EQ(bodies.size(), 4u);
  auto removed = parse_json(bodies[3]);
  EXPECT_TRUE(removed->find("data")->is_null());
  EXPECT_EQ(*removed->find("previous")->find("name"), Value("Jane D."));

  // The dispatcher logs a delivery after the receiver has answered it, so
  // the last one can appear a moment after its body arrived.
  size_t logged = 0;
  for (int i = 0; i < 100 && logged < 4; ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    logged = call("GET", "/__admin/webhook_deliveries")["deliveries"].as_array().size();
  }
  EXPECT_EQ(logged, 4u);
  EXPECT_EQ(call("DELETE", "/v1/webhooks/" + hook["data"].find("id")->to_text()).status, 200);
  EXPECT_TRUE(call("GET", "/v1/webhooks")["data"].as_array().empty());
}

TEST_F(PipedriveWebhooksTest, ActivitiesProductsAndNotesNotify) {
  Receiver receiver;
  for (const char* object : {"activity", "product", "note"}) {
    ASSERT_EQ(call("POST", "/v1/webhooks",
                   R"({"subscription_url":")" + receiver.url() +
                       R"(","event_action":"*","event_object":")" + object + R"("})")
                  .status,
              201);
  }
  call("POST", "/api/v2/activities", R"({"subject":"Call"})");
  // The receiver's first answer is a 500: one retry, then one body per change.
  ASSERT_EQ(receiver.wait_for(2).size(), 2u);
  call("POST", "/api/v2/products", R"({"name":"Loan"})");
  ASSERT_EQ(receiver.wait_for(3).size(), 3u);
  call("PATCH", "/__admin/activities/1", R"({"done":true})", "");
  ASSERT_EQ(receiver.wait_for(4).size(), 4u);
  call("POST", "/api/v2/persons", R"({"name":"Ann"})");  // not subscribed
  call("POST", "/v1/notes", R"({"content":"hi","person_id":1})");
  auto bodies = receiver.wait_for(5);
  ASSERT_EQ(bodies.size(), 5u);
  std::vector<std::string> entities;
  for (size_t i = 1; i < bodies.size(); ++i) {
    auto body = parse_json(bodies[i]);
    ASSERT_TRUE(body.ok());
    entities.push_back(body->find("meta")->find("entity")->as_string());
  }
  EXPECT_EQ(entities, (std::vector<std::string>{"activity", "product", "activity", "note"}));
  auto change = parse_json(bodies[3]);
  EXPECT_EQ(*change->find("meta")->find("change_source"), Value("app"));
  EXPECT_EQ(*change->find("previous")->find("done"), Value(false));
  EXPECT_EQ(*change->find("data")->find("done"), Value(true));
}

TEST_F(PipedriveWebhooksTest, RejectsBadSubscriptions) {
  EXPECT_EQ(call("POST", "/v1/webhooks",
                 R"({"subscription_url":"ftp://x","event_action":"*","event_object":"*"})")
                .status,
            400);
  EXPECT_EQ(
      call(
          "POST", "/v1/webhooks",
          R"({"subscription_url":"http://127.0.0.1:1/","event_action":"explode","event_object":"*"})")
          .status,
      400);
}

}  // namespace
}  // namespace crmsync::sandbox::pipedrive::testing
