// sObject Collections take 200 records a call, so a write of more goes out
// as several calls. One call failing transiently must fail its own records
// only: the records of the calls that succeeded were created, and throwing
// their results away would have them created again (no match key) or
// looked up for nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "connectors/registry.h"
#include "net/http_server.h"

namespace crmsync::testing {
namespace {

TEST(SalesforceChunks, ATransientFailureOfOneCallFailsOnlyItsRecords) {
  net::HttpServer server;
  std::atomic<int> calls{0};
  std::string base;
  server.on("POST", "/services/oauth2/token", [&](const net::HttpRequest&, net::HttpResponse& res) {
    res.content_type = "application/json";
    res.body = R"({"access_token":"tok","instance_url":")" + base + R"(","token_type":"Bearer"})";
  });
  server.on("POST", R"(/services/data/v[0-9.]+/composite/sobjects)",
            [&](const net::HttpRequest& req, net::HttpResponse& res) {
              res.content_type = "application/json";
              // The second call: a proxy's 502. The HTTP session does not
              // resend a create after an answer like that (it may have been
              // applied), so the failure reaches the sink.
              if (calls++ == 1) {
                res.status = 502;
                res.body = R"([{"errorCode":"BAD_GATEWAY","message":"down"}])";
                return;
              }
              size_t n = 0;
              for (size_t at = req.body.find("\"attributes\""); at != std::string::npos;
                   at = req.body.find("\"attributes\"", at + 1)) {
                ++n;
              }
              std::string out = "[";
              for (size_t i = 0; i < n; ++i) {
                out += std::string(i ? "," : "") + R"({"id":"001C)" + std::to_string(calls.load()) +
                       "x" + std::to_string(i) + R"(","success":true,"errors":[]})";
              }
              res.body = out + "]";
            });
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  ASSERT_TRUE(server.start().ok());
  base = "http://127.0.0.1:" + std::to_string(server.port());

  ConnectionConfig c;
  c.name = "sf";
  c.type = "salesforce";
  c.options.values = Value(Object{{"login_url", Value(base)},
                                  {"username", Value("u@example.com")},
                                  {"password", Value("pw")},
                                  {"client_id", Value("id")},
                                  {"client_secret", Value("secret")},
                                  {"max_parallel_requests", Value(int64_t{1})}});
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{"."});
  ASSERT_TRUE(conn.ok()) << conn.error().message;

  std::vector<WriteItem> items(450);
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].op = WriteOp::create;
    items[i].record.set("LastName", Value("L" + std::to_string(i)));
  }
  WriteRequest req;
  req.object = "Contact";
  req.items = items;
  auto res = (*conn)->write(req);
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  ASSERT_EQ(res->size(), 450u);
  for (size_t i = 0; i < 450; ++i) {
    bool in_failed_call = i >= 200 && i < 400;
    EXPECT_EQ((*res)[i].ok, !in_failed_call) << i;
    if (in_failed_call) {
      EXPECT_EQ((*res)[i].error.kind, ErrorKind::retryable) << (*res)[i].error.to_string();
      EXPECT_TRUE((*res)[i].error.outcome_unknown) << i;
    } else {
      EXPECT_TRUE((*res)[i].created) << i;
    }
  }
}

}  // namespace
}  // namespace crmsync::testing
