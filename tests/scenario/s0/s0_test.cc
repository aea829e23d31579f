// Story S0 end to end, as a user runs it: the example config, the real
// binary, both sandboxes; the target checked record by record.
#include <gtest/gtest.h>

#include <set>

#include "s0_world.h"

namespace crmsync::testing {
namespace {

const char* kOfficer = "Jake Elmendorf";

// Pipedrive holds exactly the officer's loans as deals (mapped fields,
// stage, status, borrower link) and their borrowers as persons, once each.
void expect_pipedrive_mirrors_the_officers_loans(S0World& w) {
  std::vector<Loan> loans = w.loans(kOfficer);
  ASSERT_FALSE(loans.empty());
  auto deals = w.deals();
  auto persons = w.persons();
  EXPECT_EQ(deals.size(), loans.size());
  std::map<int64_t, std::string> contact_of_person;
  for (const auto& [contact, p] : persons) contact_of_person[p.id] = contact;
  std::set<std::string> borrowers;
  for (const Loan& loan : loans) {
    borrowers.insert(loan.borrower);
    auto it = deals.find(loan.id);
    if (it == deals.end()) {
      ADD_FAILURE() << "no deal for loan " << loan.name << " (" << loan.id << ")";
      continue;
    }
    const Deal& d = it->second;
    EXPECT_EQ(d.title, loan.name);
    EXPECT_EQ(Decimal::parse(d.value)->to_string(), Decimal::parse(loan.amount)->to_string())
        << loan.name;
    EXPECT_EQ(d.currency, "USD");
    EXPECT_EQ(d.expected_close_date, loan.close_date) << loan.name;
    EXPECT_EQ(d.stage, expected_stage(loan.stage)) << loan.name << " in " << loan.stage;
    EXPECT_EQ(d.status, expected_status(loan.stage)) << loan.name;
    EXPECT_EQ(contact_of_person[d.person_id], loan.borrower)
        << loan.name << ": the deal must point at its borrower's person";
  }
  // Only the borrowers of this officer's loans, each once.
  EXPECT_EQ(persons.size(), borrowers.size());
  for (const auto& [contact, p] : persons) {
    EXPECT_TRUE(borrowers.count(contact))
        << "person " << p.name << " is no borrower of " << kOfficer;
  }
}

class S0 : public ::testing::Test {
 protected:
  S0World w;
};

TEST_F(S0, OneOfficersLoansBecomeDealsOfTheirBorrowersAndReRunsWriteOnlyChanges) {
  w.start();
  CommandResult setup = w.crmsync("setup");
  ASSERT_EQ(setup.exit_code, 0) << setup.output;
  EXPECT_NE(setup.output.find("Salesforce Loan ID"), std::string::npos) << setup.output;

  CommandResult first = w.crmsync("run --json");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  auto c = S0World::counts(first);
  size_t loans = w.loans(kOfficer).size();
  EXPECT_EQ(c["loans"].created, static_cast<int64_t>(loans));
  EXPECT_EQ(c["loans"].failed + c["borrowers"].failed, 0);
  expect_pipedrive_mirrors_the_officers_loans(w);

  // Runs 2 and 3: nothing changed, nothing written, nothing duplicated.
  for (int run = 2; run <= 3; ++run) {
    CommandResult again = w.crmsync("run --json");
    ASSERT_EQ(again.exit_code, 0) << again.output;
    auto a = S0World::counts(again);
    for (const char* flow : {"borrowers", "loans"}) {
      EXPECT_EQ(a[flow].created + a[flow].updated + a[flow].deleted, 0) << flow << " run " << run;
    }
  }
  expect_pipedrive_mirrors_the_officers_loans(w);

  // A user edits 3 loans and a borrower's email in Salesforce: exactly those
  // are written.
  std::vector<Loan> mine = w.loans(kOfficer);
  for (int i = 0; i < 3; ++i) {
    w.edit_as_user("Loan__c", mine[i].id, R"({"Amount__c": 4242.42, "Stage__c": "Funded"})");
  }
  w.edit_as_user("Contact", mine[5].borrower, R"({"Email": "changed.borrower@example.com"})");
  CommandResult edited = w.crmsync("run --json");
  ASSERT_EQ(edited.exit_code, 0) << edited.output;
  auto e = S0World::counts(edited);
  EXPECT_EQ(e["loans"].updated, 3);
  EXPECT_EQ(e["loans"].created, 0);
  EXPECT_EQ(e["borrowers"].updated, 1);
  EXPECT_EQ(e["borrowers"].created, 0);
  expect_pipedrive_mirrors_the_officers_loans(w);
  EXPECT_EQ(w.deals()[mine[0].id].status, "won");
  EXPECT_EQ(w.persons()[mine[5].borrower].email, "changed.borrower@example.com");

  // A loan reassigned to another officer leaves this officer's pipeline
  // (the flow's delete policy: delete).
  w.edit_as_user("Loan__c", mine[7].id, R"({"Loan_Officer__c": "Maria Chen"})");
  CommandResult moved = w.crmsync("run --json");
  ASSERT_EQ(moved.exit_code, 0) << moved.output;
  EXPECT_EQ(S0World::counts(moved)["loans"].deleted, 1);
  auto deals = w.deals();
  EXPECT_EQ(deals.count(mine[7].id), 0u);
  EXPECT_EQ(deals.size(), mine.size() - 1);
}

TEST_F(S0, PlanShowsCountsAndDiffsAndWritesNothing) {
  w.start();
  ASSERT_EQ(w.crmsync("setup").exit_code, 0);
  size_t before = w.pd_requests().size();
  CommandResult plan = w.crmsync("plan --diffs 2");
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  EXPECT_NE(plan.output.find("dry run"), std::string::npos) << plan.output;
  EXPECT_NE(plan.output.find("first 2 changes"), std::string::npos) << plan.output;
  EXPECT_NE(plan.output.find("Salesforce Loan ID"), std::string::npos) << plan.output;
  auto requests = w.pd_requests();
  ASSERT_GT(requests.size(), before);
  for (size_t i = before; i < requests.size(); ++i) {
    EXPECT_EQ(requests[i].first, "GET") << requests[i].second;
  }
  EXPECT_TRUE(w.deals().empty());
  EXPECT_TRUE(w.persons().empty());
}

TEST_F(S0, SetupListsStagesNoPipelineHas) {
  w.start();
  std::string config = [&] {
    std::ifstream in(w.dir.file("crmsync.yaml"));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  size_t at = config.find("Approved: Clear to Close");
  ASSERT_NE(at, std::string::npos);
  config.replace(at, 24, "Approved: Approved");
  w.dir.write("crmsync.yaml", config);
  CommandResult setup = w.crmsync("setup --check");
  EXPECT_NE(setup.exit_code, 0) << setup.output;
  EXPECT_NE(setup.output.find("'Approved'"), std::string::npos) << setup.output;
  // Nothing was created by a check.
  EXPECT_EQ(w.field_keys("deal").count("Salesforce Loan ID"), 0u);
}

// The same story with the services misbehaving: 5xx, bursts of 429,
// Salesforce sessions expiring, the Pipedrive burst limit at its default.
TEST_F(S0, SameTargetStateWithFaults) {
  w.sf_options.faults.rate_503 = 0.05;
  w.sf_options.faults.rate_429 = 0.05;
  w.sf_options.faults.session_expiry_every_secs = 5;
  w.pd_options.faults.rate_500 = 0.05;
  w.pd_options.faults.rate_429 = 0.05;
  w.pd_options.burst_limit = 80;
  w.pd_options.search_burst_limit = 40;
  w.sf_options.seed_records = 120;
  w.start();
  CommandResult setup = w.crmsync("setup");
  ASSERT_EQ(setup.exit_code, 0) << setup.output;
  // A record whose calls kept failing is retried by the next run.
  int exit = -1;
  for (int run = 0; run < 4 && exit != 0; ++run) {
    CommandResult r = w.crmsync("run");
    exit = r.exit_code;
    ASSERT_NE(exit, 2) << r.output;
  }
  // Records that failed in between wait out their backoff; `crmsync retry`
  // sends them now, as an operator would.
  CommandResult retry;
  for (int i = 0; i < 3 && retry.exit_code != 0; ++i) retry = w.crmsync("retry");
  EXPECT_EQ(retry.exit_code, 0) << retry.output;
  w.clear_faults();
  expect_pipedrive_mirrors_the_officers_loans(w);
  CommandResult again = w.crmsync("run --json");
  auto a = S0World::counts(again);
  EXPECT_EQ(a["loans"].created + a["loans"].updated, 0);
  EXPECT_EQ(a["borrowers"].created + a["borrowers"].updated, 0);
}

}  // namespace
}  // namespace crmsync::testing
