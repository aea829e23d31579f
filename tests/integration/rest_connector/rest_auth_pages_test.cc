#include <gtest/gtest.h>

#include <chrono>

#include "connectors/rest/rest_connection.h"
#include "integration/rest_connector/rest_fixture.h"

namespace crmsync::testing {
namespace {

class RestAuthPages : public RestFixture {
 protected:
  void SetUp() override {
    for (int i = 0; i < 25; ++i) server.add_customer("C" + std::to_string(i), "N");
  }
  const RestClient& client() const { return static_cast<RestConnection&>(*conn).client(); }
};

TEST_F(RestAuthPages, BasicBearerAndApiKeys) {
  ASSERT_NO_FATAL_FAILURE(
      connect("\n    auth: basic\n    username: admin\n    password: s3cret-pass\n"));
  EXPECT_EQ(read_all("customers").size(), 25u);

  ASSERT_NO_FATAL_FAILURE(connect("\n    auth: api_key\n    api_key: k-123\n"));
  EXPECT_EQ(read_all("customers").size(), 25u);

  ASSERT_NO_FATAL_FAILURE(connect(
      "\n    auth: api_key\n    api_key: k-123\n    api_key_in: query\n    api_key_name: key\n"));
  EXPECT_EQ(read_all("customers").size(), 25u);

  ASSERT_NO_FATAL_FAILURE(connect("\n    auth: bearer\n    token: not-issued\n"));
  ReadRequest req;
  req.object = "customers";
  auto reader = conn->read(req);
  ASSERT_TRUE(reader.ok());
  std::vector<Record> b;
  auto more = (*reader)->next(b);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.error().kind, ErrorKind::auth);
  EXPECT_EQ(more.error().message.find("not-issued"), std::string::npos);
}

TEST_F(RestAuthPages, ClientCredentialsTokenIsFetchedOnceAndAgainAfterA401) {
  ASSERT_NO_FATAL_FAILURE(
      connect("\n    auth: oauth2_client_credentials\n    token_url: /oauth/token\n"
              "    client_id: app\n    client_secret: app-secret\n"));
  EXPECT_EQ(read_all("customers").size(), 25u);
  EXPECT_EQ(read_all("customers").size(), 25u);
  EXPECT_EQ(server.grants("client_credentials"), 1);
  server.expire_sessions();
  EXPECT_EQ(read_all("customers").size(), 25u);
  EXPECT_EQ(server.grants("client_credentials"), 2);
}

TEST_F(RestAuthPages, PasswordGrantRefreshesBeforeExpiry) {
  server.set_token_lifetime(0);  // lapses at once: refreshed before each next call
  ASSERT_NO_FATAL_FAILURE(
      connect("\n    auth: oauth2_password\n    token_url: /oauth/token\n    client_id: app\n"
              "    username: admin\n    password: s3cret-pass\n"));
  EXPECT_EQ(read_all("customers").size(), 25u);
  EXPECT_EQ(server.grants("password"), 1);
  EXPECT_GE(server.grants("refresh_token"), 2);        // before each of the next pages
  EXPECT_EQ(count_queries("GET /api/customers"), 3u);  // never a 401 round trip
}

TEST_F(RestAuthPages, OffsetPageAndNextUrlPagination) {
  ASSERT_NO_FATAL_FAILURE(connect());
  server.clear_queries();
  EXPECT_EQ(read_all("customers_by_offset").size(), 25u);
  EXPECT_EQ(count_queries("GET /api/customers?limit=10&offset=20"), 1u);
  server.clear_queries();
  EXPECT_EQ(read_all("customers_by_page").size(), 25u);
  EXPECT_EQ(count_queries("GET /api/customers?limit=10&page=3"), 1u);
  EXPECT_EQ(count_queries("GET /api/customers"), 3u);
  server.clear_queries();
  auto recs = read_all("customers_by_next_url");
  ASSERT_EQ(recs.size(), 25u);
  EXPECT_EQ(recs[24].get("code")->to_text(), "C24");
  EXPECT_EQ(count_queries("GET /api/customers?cursor=20&limit=10"), 1u);
  EXPECT_EQ(count_queries("GET /api/customers"), 3u);
}

TEST_F(RestAuthPages, ReadsRetry5xxButCreatesDoNot) {
  ASSERT_NO_FATAL_FAILURE(connect());
  ASSERT_TRUE(conn->check().ok());
  server.fail(2, 502);
  EXPECT_EQ(read_all("customers").size(), 25u);  // 2 x 502, then the pages

  // A 502 may come from a proxy after the API applied the create: the
  // create is not resent, its outcome is unknown.
  server.fail(1, 502);
  std::vector<WriteItem> items(2);
  items[0].record.set("name", Value("A"));
  items[1].record.set("name", Value("B"));
  WriteRequest req;
  req.object = "customers";
  req.items = items;
  auto res = conn->write(req);
  ASSERT_TRUE(res.ok());
  EXPECT_FALSE((*res)[0].ok);
  EXPECT_EQ((*res)[0].error.kind, ErrorKind::retryable);
  EXPECT_TRUE((*res)[0].error.outcome_unknown);
  EXPECT_NE((*res)[0].error.message.find("maintenance"), std::string::npos);
  // An unknown outcome is the engine's to look up; it does not stop the
  // batch: the next create goes out once and is created.
  EXPECT_TRUE((*res)[1].ok) << (*res)[1].error.to_string();
  EXPECT_EQ(server.customers().size(), 26u);
}

TEST_F(RestAuthPages, CreateRefusedWith503IsSentAgain) {
  ASSERT_NO_FATAL_FAILURE(connect());
  // 503 refuses a request without doing it: any method may go again.
  server.fail(1, 503);
  std::vector<WriteItem> items(1);
  items[0].record.set("name", Value("A"));
  WriteRequest req;
  req.object = "customers";
  req.items = items;
  auto res = conn->write(req);
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE((*res)[0].ok) << (*res)[0].error.message;
  EXPECT_EQ(server.customers().size(), 26u);
}

TEST_F(RestAuthPages, RequestsPerSecondPacesCalls) {
  ASSERT_NO_FATAL_FAILURE(
      connect(session_auth(FinanceServer::kPassword), "    requests_per_second: 2\n"));
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(read_all("customers").size(), 25u);  // login + 3 pages = 4 calls
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(secs, 0.9);
  EXPECT_GT(client().pacer().waits(), 0);
}

}  // namespace
}  // namespace crmsync::testing

namespace crmsync::testing {
namespace {

class RestUnreachable : public RestFixture {};

TEST_F(RestUnreachable, ErrorIsRetryableAndNeverQuotesAQueryApiKey) {
  // Nothing listens on port 1: connection refused at every attempt.
  LoadResult loaded = load_config_text(
      connection_yaml(
          "http://127.0.0.1:1",
          "\n    auth: api_key\n    api_key: sk-live-0123456789\n    api_key_in: query\n"
          "    api_key_name: apikey\n"),
      "crmsync.yaml");
  ASSERT_TRUE(loaded.ok());
  auto conn = ConnectorRegistry::instance().create(*loaded.config.connection("finance"),
                                                   ConnectorContext{"."});
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  Status s = (*conn)->check();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::retryable);
  EXPECT_EQ(s.error().message.find("sk-live-0123456789"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("rest GET /api/customers"), std::string::npos)
      << s.error().message;
}

}  // namespace
}  // namespace crmsync::testing
