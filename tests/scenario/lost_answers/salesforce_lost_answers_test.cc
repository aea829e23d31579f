// Salesforce creates without an external id (sObject Collections POST,
// matched by Email through SOQL) through a proxy that loses 5% of the
// answers to applied collection creates: after `crmsync run` and
// `crmsync retry`, every contact exists once (issue 30, "Lost answers").
#include <gtest/gtest.h>

#include "net/url.h"
#include "sandbox/salesforce/salesforce_sandbox.h"
#include "scenario/lost_answers/lost_answers.h"
#include "support/salesforce_probe.h"

namespace crmsync::testing {
namespace {

constexpr int kContacts = 1000;
// 40 collection calls of 25: enough calls for 5% of them to be hit.
constexpr const char* kCollectionsPath = "/services/data/v60.0/composite/sobjects";

std::string email(int i) {
  return "borrower" + std::to_string(i) + "@lost-answers.test";
}

std::string config(const std::string& instance_url, const std::string& token) {
  return R"(version: 1
connections:
  files: {type: file, dir: data}
  salesforce:
    type: salesforce
    auth: access_token
    instance_url: )" +
         instance_url + R"(
    access_token: )" +
         token + R"(
flows:
  contacts:
    source: {connection: files, object: contacts.csv, id_field: ref}
    target: {connection: salesforce, object: Contact, batch_size: 25}
    match: {target_field: Email}
    mapping:
      FirstName: first
      LastName: last
      Email: email
)";
}

// The Emails of the records a collection create carries.
std::vector<std::string> salesforce_creates(const ProxyExchange& e) {
  if (e.method != "POST" || FaultProxy::path_of(e.target) != kCollectionsPath) return {};
  auto body = parse_json(e.body);
  const Value* records = body.ok() ? body->find("records") : nullptr;
  std::vector<std::string> out;
  if (records && records->is_array()) {
    for (const Value& r : records->as_array()) {
      if (const Value* v = r.find("Email")) out.push_back(v->to_text());
    }
  }
  return out;
}

// The quoted literals of a SOQL query on Contact (its `Email IN (...)`).
std::vector<std::string> salesforce_lookups(const ProxyExchange& e) {
  if (e.method != "GET" || FaultProxy::path_of(e.target) != "/services/data/v60.0/query") {
    return {};
  }
  size_t at = e.target.find("q=");
  if (at == std::string::npos) return {};
  std::string q = net::url_decode(e.target.substr(at + 2, e.target.find('&', at) - at - 2));
  if (q.find("FROM Contact") == std::string::npos) return {};
  std::vector<std::string> out;
  for (size_t open = q.find('\''); open != std::string::npos; open = q.find('\'', open)) {
    size_t close = q.find('\'', open + 1);
    if (close == std::string::npos) break;
    out.push_back(q.substr(open + 1, close - open - 1));
    open = close + 1;
  }
  return out;
}

class SalesforceLostAnswers : public ::testing::TestWithParam<ProxyFault> {};

TEST_P(SalesforceLostAnswers, RunAndRetryCreateEveryContactOnce) {
  sandbox::salesforce::SalesforceSandboxOptions options;
  sandbox::salesforce::SalesforceSandbox sf(options);
  Status started = sf.start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  SalesforceProbe probe{sf.base_url()};
  std::string token = probe.sf_token();
  ASSERT_FALSE(token.empty());
  FaultProxy proxy(sf.port(), {{"POST", {kCollectionsPath}, 0.05, GetParam()}}, 11);

  TempDir dir;
  std::string csv = "ref,first,last,email\n";
  std::set<std::string> emails;
  for (int i = 0; i < kContacts; ++i) {
    emails.insert(email(i));
    csv += "R" + std::to_string(i) + ",Bo,Rower " + std::to_string(i) + "," + email(i) + "\n";
  }
  dir.write("data/contacts.csv", csv);
  // The instance is the proxy: every API call after the token goes through it.
  dir.write("crmsync.yaml", config(proxy.url(), token));

  CommandResult run = crmsync_in(dir, "run --json");
  ASSERT_NE(run.exit_code, 2) << run.output;
  CommandResult retry = crmsync_in(dir, "retry --json");
  ASSERT_NE(retry.exit_code, 2) << retry.output;
  ASSERT_GT(proxy.faults(), 0) << "the proxy lost no answer: the test proves nothing";

  std::map<std::string, int> found;
  Value contacts = probe.soql("SELECT Id, Email FROM Contact");
  for (const Value& c : contacts.as_array()) {
    const Value* e = c.find("Email");
    if (e && emails.count(e->to_text())) ++found[e->to_text()];
  }
  expect_exactly_once("Salesforce contacts", tally(found, emails));
  expect_no_blind_resend(proxy,
                         audit_creates(proxy.exchanges(), salesforce_creates, salesforce_lookups));
  EXPECT_EQ(retry.exit_code, 0) << retry.output;
}

INSTANTIATE_TEST_SUITE_P(Faults, SalesforceLostAnswers,
                         ::testing::Values(ProxyFault::drop_answer, ProxyFault::reset_after_store),
                         [](const auto& info) { return fault_name(info.param); });

}  // namespace
}  // namespace crmsync::testing
