// Story S0 (2,000 loans) with a proxy in front of the Pipedrive sandbox that
// loses 5% of the answers to applied creates of persons and deals: after
// `crmsync run` and `crmsync retry`, every loan of the officer is one deal
// and every borrower one person, none twice (issue 30, "Lost answers").
#include <gtest/gtest.h>

#include "net/url.h"
#include "scenario/lost_answers/lost_answers.h"
#include "scenario/s0/s0_world.h"

namespace crmsync::testing {
namespace {

const char* kOfficer = "Jake Elmendorf";

// "persons:<Salesforce id>" for a create of a person or deal: the values of
// its custom fields, the only one of which holds the Salesforce id.
std::vector<std::string> pipedrive_creates(const ProxyExchange& e) {
  std::string path = FaultProxy::path_of(e.target);
  if (e.method != "POST" || (path != "/api/v2/persons" && path != "/api/v2/deals")) return {};
  std::string object = path.substr(8);
  auto body = parse_json(e.body);
  const Value* custom = body.ok() ? body->find("custom_fields") : nullptr;
  std::vector<std::string> out;
  if (custom && custom->is_object()) {
    for (const Member& m : custom->as_object()) out.push_back(object + ":" + m.value.to_text());
  }
  return out;
}

// "persons:<term>" for a search of persons or deals.
std::vector<std::string> pipedrive_lookups(const ProxyExchange& e) {
  std::string path = FaultProxy::path_of(e.target);
  if (e.method != "GET" || (path != "/api/v2/persons/search" && path != "/api/v2/deals/search")) {
    return {};
  }
  std::string object = path.substr(8, path.size() - 8 - 7);
  size_t at = e.target.find("term=");
  if (at == std::string::npos) return {};
  std::string term = e.target.substr(at + 5, e.target.find('&', at) - at - 5);
  return {object + ":" + net::url_decode(term)};
}

// Records of a Pipedrive object per value of one of its custom fields.
std::map<std::string, int> by_custom_field(S0World& w, const std::string& object,
                                           const std::string& field) {
  std::string key = w.field_keys(object)[field];
  EXPECT_FALSE(key.empty()) << "no " << object << " field '" << field << "'";
  std::map<std::string, int> out;
  for (const Value& r : w.pd_all("/api/v2/" + object + "s")) {
    const Value* custom = r.find("custom_fields");
    ++out[custom ? S0World::text(custom->find(key)) : ""];
  }
  return out;
}

class S0LostAnswers : public ::testing::TestWithParam<ProxyFault> {};

TEST_P(S0LostAnswers, RunAndRetryLeaveNoDuplicateAndNothingMissing) {
  S0World w;
  w.sf_options.seed_records = 2000;  // 500 loans per officer
  w.start();
  FaultProxy proxy(w.pd->port(), {{"POST", {"/api/v2/persons", "/api/v2/deals"}, 0.05, GetParam()}},
                   30);
  w.pd_url = proxy.url();

  CommandResult setup = w.crmsync("setup");
  ASSERT_EQ(setup.exit_code, 0) << setup.output;
  CommandResult run = w.crmsync("run --json");
  ASSERT_NE(run.exit_code, 2) << run.output;
  CommandResult retry = w.crmsync("retry --json");
  ASSERT_NE(retry.exit_code, 2) << retry.output;
  ASSERT_GT(proxy.faults(), 0) << "the proxy lost no answer: the test proves nothing";

  std::set<std::string> loans, borrowers;
  for (const Loan& l : w.loans(kOfficer)) {
    loans.insert(l.id);
    borrowers.insert(l.borrower);
  }
  ASSERT_GT(loans.size(), 100u);
  Tally deals = tally(by_custom_field(w, "deal", "Salesforce Loan ID"), loans);
  Tally persons = tally(by_custom_field(w, "person", "Salesforce Contact ID"), borrowers);

  // The sandbox's own request log saw every create the proxy forwarded:
  // the proxy's log, which has the bodies, is the whole story.
  int64_t logged = 0;
  for (const auto& [method, path] : w.pd_requests()) {
    logged += method == "POST" && (path == "/api/v2/persons" || path == "/api/v2/deals");
  }
  auto forwarded = proxy.forwarded();
  EXPECT_EQ(logged, forwarded["POST /api/v2/persons"] + forwarded["POST /api/v2/deals"]);

  expect_exactly_once("S0 deals", deals);
  expect_exactly_once("S0 persons", persons);
  expect_no_blind_resend(proxy,
                         audit_creates(proxy.exchanges(), pipedrive_creates, pipedrive_lookups));
  EXPECT_EQ(retry.exit_code, 0) << retry.output;
}

INSTANTIATE_TEST_SUITE_P(Faults, S0LostAnswers,
                         ::testing::Values(ProxyFault::drop_answer, ProxyFault::reset_after_store),
                         [](const auto& info) { return fault_name(info.param); });

}  // namespace
}  // namespace crmsync::testing
