#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "net/http_client.h"
#include "net/http_server.h"
#include "net/http_status.h"

namespace crmsync::net {
namespace {

// A server on 127.0.0.1:0 with an echo route per method.
class ClientServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto echo = [](const HttpRequest& req, HttpResponse& res) {
      res.status = req.method == "POST" ? 201 : 200;
      res.headers.emplace("X-Method", req.method);
      res.headers.emplace("X-Id", req.matches.size() > 1 ? req.matches[1] : "");
      res.headers.emplace("X-Custom-Seen", req.header("x-custom").value_or("none"));
      res.headers.emplace("X-Query", req.query_param("q").value_or(""));
      res.body = req.body;
    };
    for (const char* method : {"GET", "POST", "PATCH", "PUT", "DELETE"})
      server_.on(method, R"(/items/(\d+))", echo);
    server_.on("POST", "/items", echo);
    server_.on("GET", "/slow", [](const HttpRequest&, HttpResponse& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      res.body = "late";
    });
    server_.on("GET", "/reset",
               [](const HttpRequest&, HttpResponse& res) { res.reset_connection = true; });
    server_.on("GET", "/status/(\\d+)", [](const HttpRequest& req, HttpResponse& res) {
      res.status = std::stoi(req.matches[1]);
      res.headers.emplace("Retry-After", "3");
      res.body = R"({"error":"status )" + req.matches[1] + "\"}";
    });
    ASSERT_TRUE(server_.listen("127.0.0.1", 0).ok());
    ASSERT_GT(server_.port(), 0);
    ASSERT_TRUE(server_.start().ok());
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }

  HttpClientRequest request(const std::string& method, const std::string& path,
                            std::string body = "") {
    HttpClientRequest req;
    req.method = method;
    req.url = url(path);
    req.body = std::move(body);
    req.timeout_secs = 5;
    return req;
  }

  HttpServer server_;
  HttpClient client_;
};

TEST_F(ClientServerTest, MethodsCarryBodiesHeadersAndPathParams) {
  // GET goes without a body, as HTTP clients send it.
  for (std::string method : {"GET", "PATCH", "PUT", "DELETE"}) {
    std::string body = method == "GET" ? "" : "body of " + method;
    auto req = request(method, "/items/42?q=a%20b", body);
    req.headers.emplace("X-Custom", "yes");
    auto res = client_.send(req);
    ASSERT_TRUE(res.ok()) << res.error().to_string();
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->header("x-method"), method);
    EXPECT_EQ(res->header("X-ID"), "42");
    EXPECT_EQ(res->header("x-custom-seen"), "yes");
    EXPECT_EQ(res->header("x-query"), "a b");
    EXPECT_EQ(res->body, body);
  }
  auto created = client_.send(request("POST", "/items", R"({"name":"x"})"));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->status, 201);
  EXPECT_EQ(created->body, R"({"name":"x"})");
  EXPECT_EQ(created->content_type, "application/json");
}

TEST_F(ClientServerTest, UnknownRouteGetsTheCatchAll) {
  auto res = client_.send(request("GET", "/nope"));
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 404);
  server_.set_not_found([](const HttpRequest&, HttpResponse& r) {
    r.status = 418;
    r.body = "teapot";
  });
  res = client_.send(request("GET", "/nope"));
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 418);
}

TEST_F(ClientServerTest, StatusesClassifyWithRetryAfter) {
  struct Case {
    int status;
    ErrorKind kind;
  };
  for (Case c :
       {Case{429, ErrorKind::retryable}, Case{503, ErrorKind::retryable},
        Case{401, ErrorKind::auth}, Case{422, ErrorKind::rejected}, Case{403, ErrorKind::fatal}}) {
    auto res = client_.send(request("GET", "/status/" + std::to_string(c.status)));
    ASSERT_TRUE(res.ok());
    ASSERT_EQ(res->status, c.status);
    Error error = http_status_error(*res, "GET /status");
    EXPECT_EQ(error.kind, c.kind) << c.status;
    EXPECT_EQ(error.retry_after_secs, 3.0);
  }
}

TEST_F(ClientServerTest, PreRequestHookAnswersAndObserverSeesEverything) {
  std::mutex mu;
  std::vector<int> seen;
  server_.set_pre_request_hook([](const HttpRequest& req) -> std::optional<HttpResponse> {
    if (req.header("x-api-token") == "good") return std::nullopt;
    HttpResponse denied;
    denied.status = 401;
    denied.body = R"({"success":false})";
    return denied;
  });
  server_.set_observer([&](const HttpRequest&, const HttpResponse& res) {
    std::lock_guard lock(mu);
    seen.push_back(res.status);
  });
  auto denied = client_.send(request("GET", "/items/1"));
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->status, 401);
  auto req = request("GET", "/items/1");
  req.headers.emplace("X-Api-Token", "good");
  auto allowed = client_.send(req);
  ASSERT_TRUE(allowed.ok());
  EXPECT_EQ(allowed->status, 200);
  std::lock_guard lock(mu);
  EXPECT_EQ(seen, (std::vector<int>{401, 200}));
}

TEST_F(ClientServerTest, GzipWhenAsked) {
  std::string big(4000, 'x');
  server_.on("GET", "/big", [&](const HttpRequest&, HttpResponse& res) { res.body = big; });
  auto req = request("GET", "/big");
  req.accept_gzip = true;
  auto res = client_.send(req);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->header("content-encoding"), "gzip");
  EXPECT_EQ(res->body, big);  // decoded by the client
  auto plain = client_.send(request("GET", "/big"));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->header("content-encoding").has_value());
  EXPECT_EQ(plain->body, big);
}

TEST_F(ClientServerTest, KeepAliveReusesOneConnection) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(client_.send(request("GET", "/items/1")).ok());
  EXPECT_EQ(client_.stats().requests, 20);
  EXPECT_EQ(client_.stats().connections_opened, 1);
}

TEST_F(ClientServerTest, TimeoutIsRetryable) {
  auto req = request("GET", "/slow");
  req.timeout_secs = 0.3;
  auto res = client_.send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::retryable);
  EXPECT_NE(res.error().message.find("GET http://127.0.0.1:"), std::string::npos);
}

TEST_F(ClientServerTest, ConnectionResetIsRetryableAndServerKeepsServing) {
  auto res = client_.send(request("GET", "/reset"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::retryable) << res.error().message;
  auto after = client_.send(request("GET", "/items/7"));
  ASSERT_TRUE(after.ok()) << after.error().to_string();
  EXPECT_EQ(after->header("x-id"), "7");
}

TEST_F(ClientServerTest, StoppedServerRefusesRetryably) {
  ASSERT_TRUE(client_.send(request("GET", "/items/1")).ok());
  server_.stop();
  server_.stop();  // idempotent
  auto res = client_.send(request("GET", "/items/1"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::retryable) << res.error().message;
}

TEST(HttpClient, MalformedUrlAndUnsupportedSchemeAreFatalAndRedacted) {
  HttpClient client;
  HttpClientRequest req;
  req.url = "htp://127.0.0.1:1/x?api_token=topsecret";
  auto res = client.send(req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::fatal);
  EXPECT_EQ(res.error().message.find("topsecret"), std::string::npos);
  EXPECT_NE(res.error().message.find("api_token=REDACTED"), std::string::npos);
}

TEST(HttpServer, ListenWithoutStartStopsCleanlyAndPortIsTaken) {
  HttpServer first;
  ASSERT_TRUE(first.listen("127.0.0.1", 0).ok());
  HttpServer second;
  Status taken = second.listen("127.0.0.1", first.port());
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().kind, ErrorKind::fatal);
  first.stop();
}

TEST(HttpServer, ServesConcurrentClients) {
  HttpServer server;
  std::atomic<int> handled = 0;
  server.on("GET", "/n", [&](const HttpRequest&, HttpResponse& res) {
    ++handled;
    res.body = "ok";
  });
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  ASSERT_TRUE(server.start().ok());
  std::vector<std::thread> threads;
  std::atomic<int> ok = 0;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      HttpClient client;
      HttpClientRequest req;
      req.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/n";
      for (int i = 0; i < 50; ++i) {
        auto res = client.send(req);
        if (res.ok() && res->body == "ok") ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 200);
  EXPECT_EQ(handled, 200);
}

}  // namespace
}  // namespace crmsync::net
