// The REST sink and a create whose answer is lost: the record that was sent
// carries outcome_unknown (the engine looks it up before anything else);
// the records of the call that were never sent do not (they are simply
// retried, and a flow without a match key does not park them).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "config/loader.h"
#include "connectors/registry.h"
#include "net/http_server.h"

namespace crmsync::testing {
namespace {

TEST(RestLostAnswer, OnlyTheSentRecordHasAnUnknownOutcome) {
  net::HttpServer server;
  std::atomic<int> posts{0};
  server.on("POST", "/api/customers", [&](const net::HttpRequest&, net::HttpResponse& res) {
    // The first create is applied, then the connection is reset.
    if (posts++ == 0) {
      res.reset_connection = true;
      return;
    }
    res.status = 201;
    res.body = R"({"data":{"id":"n)" + std::to_string(posts.load()) + R"("}})";
  });
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  ASSERT_TRUE(server.start().ok());
  std::string yaml = R"(
connections:
  api:
    type: rest
    base_url: http://127.0.0.1:)" +
                     std::to_string(server.port()) +
                     R"(/api
    max_attempts: 1
    objects:
      customers:
        path: /customers
        write_pointer: /data
flows:
  unused:
    source: {connection: api, object: customers}
    target: {connection: api, object: customers}
    mapping: {name: name}
)";
  LoadResult loaded = load_config_text(yaml, "crmsync.yaml");
  std::string errs;
  for (const auto& d : loaded.diagnostics) errs += d.to_string() + "\n";
  ASSERT_TRUE(loaded.ok()) << errs;
  auto conn =
      ConnectorRegistry::instance().create(*loaded.config.connection("api"), ConnectorContext{"."});
  ASSERT_TRUE(conn.ok()) << conn.error().message;

  std::vector<WriteItem> items(3);
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].op = WriteOp::create;
    items[i].record.set("name", Value("Customer " + std::to_string(i)));
  }
  WriteRequest req;
  req.object = "customers";
  req.items = items;
  auto res = (*conn)->write(req);
  ASSERT_TRUE(res.ok()) << res.error().message;
  ASSERT_EQ(res->size(), 3u);
  EXPECT_FALSE((*res)[0].ok);
  EXPECT_TRUE((*res)[0].error.outcome_unknown) << (*res)[0].error.to_string();
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_FALSE((*res)[i].ok);
    EXPECT_FALSE((*res)[i].error.outcome_unknown) << (*res)[i].error.to_string();
    EXPECT_NE((*res)[i].error.message.find("not sent"), std::string::npos);
  }
  EXPECT_EQ(posts.load(), 1);  // sent once, never again by any layer
}

}  // namespace
}  // namespace crmsync::testing
