// A file flow into a REST sink (the finance API of S1, which creates with
// POST /api/customers and is searched with ?code=), through a proxy that
// loses 5% of the answers to applied creates: after `crmsync run` and
// `crmsync retry`, every customer exists once (issue 30, "Lost answers").
#include <gtest/gtest.h>

#include "integration/rest_connector/finance_server.h"
#include "net/url.h"
#include "scenario/lost_answers/lost_answers.h"

namespace crmsync::testing {
namespace {

constexpr int kCustomers = 1000;

std::string config(const std::string& api_url) {
  return R"(version: 1
connections:
  files: {type: file, dir: data}
  finance:
    type: rest
    base_url: )" +
         api_url + R"(/api
    auth: session
    username: admin
    password: ")" +
         FinanceServer::kPassword + R"("
    password_transform: md5
    login_path: /login
    login_body: '{"UserName": "{username}", "Password": "{password}"}'
    token_pointer: /Data/SessionId
    token_header: X-Session
    token_template: "{token}"
    objects:
      customers:
        path: /customers
        records_pointer: /items
        pagination: cursor
        cursor_pointer: /next
        size_param: limit
        page_size: 10
        write_pointer: /data
flows:
  customers_out:
    source: {connection: files, object: customers.csv, id_field: code}
    target: {connection: finance, object: customers}
    match: {target_field: code}
    mapping:
      code: code
      name: name
)";
}

std::vector<std::string> rest_creates(const ProxyExchange& e) {
  if (e.method != "POST" || FaultProxy::path_of(e.target) != "/api/customers") return {};
  auto body = parse_json(e.body);
  const Value* code = body.ok() ? body->find("code") : nullptr;
  return code ? std::vector<std::string>{code->to_text()} : std::vector<std::string>{};
}

std::vector<std::string> rest_lookups(const ProxyExchange& e) {
  if (e.method != "GET" || FaultProxy::path_of(e.target) != "/api/customers") return {};
  size_t at = e.target.find("code=");
  if (at == std::string::npos) return {};
  return {net::url_decode(e.target.substr(at + 5, e.target.find('&', at) - at - 5))};
}

class RestLostAnswers : public ::testing::TestWithParam<ProxyFault> {};

TEST_P(RestLostAnswers, RunAndRetryCreateEveryCustomerOnce) {
  FinanceServer server;
  FaultProxy proxy(server.port(), {{"POST", {"/api/customers"}, 0.05, GetParam()}}, 7);
  TempDir dir;
  std::string csv = "code,name\n";
  std::set<std::string> codes;
  for (int i = 0; i < kCustomers; ++i) {
    codes.insert("C" + std::to_string(i));
    csv += "C" + std::to_string(i) + ",Customer " + std::to_string(i) + "\n";
  }
  dir.write("data/customers.csv", csv);
  dir.write("crmsync.yaml", config(proxy.url()));

  CommandResult run = crmsync_in(dir, "run --json");
  ASSERT_NE(run.exit_code, 2) << run.output;
  CommandResult retry = crmsync_in(dir, "retry --json");
  ASSERT_NE(retry.exit_code, 2) << retry.output;
  ASSERT_GT(proxy.faults(), 0) << "the proxy lost no answer: the test proves nothing";

  std::map<std::string, int> found;
  for (const Value& c : server.customers()) ++found[c.find("code")->to_text()];
  // The server's own request log saw every create the proxy forwarded.
  int64_t logged = 0;
  for (const std::string& q : server.queries()) logged += q == "POST /api/customers";
  EXPECT_EQ(logged, proxy.forwarded()["POST /api/customers"]);
  expect_exactly_once("REST customers", tally(found, codes));
  expect_no_blind_resend(proxy, audit_creates(proxy.exchanges(), rest_creates, rest_lookups));
  EXPECT_EQ(retry.exit_code, 0) << retry.output;
}

INSTANTIATE_TEST_SUITE_P(Faults, RestLostAnswers,
                         ::testing::Values(ProxyFault::drop_answer, ProxyFault::reset_after_store),
                         [](const auto& info) { return fault_name(info.param); });

}  // namespace
}  // namespace crmsync::testing
