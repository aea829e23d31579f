// Story S0 under `crmsync serve` (issue 18, "Done when"): the example
// config unchanged, the real binary, both sandboxes. After the first load
// (a run asked through the API), 50 loans edited in Salesforce reach
// Pipedrive through Change Data Capture: no `crmsync run`, and no
// scheduled run in between (the example's schedule is every 5 minutes).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "scenario/s0/s0_world.h"
#include "support/serve_process.h"

namespace crmsync::testing {
namespace {

const char* kOfficer = "Jake Elmendorf";
const std::vector<std::string> kStages = {"Application", "Processing", "Underwriting",
                                          "Approved",    "Closing",    "Funded"};

struct Edit {
  std::string loan_id;
  std::string amount;
  std::string stage;
};

// Edits each of `loans` as a Salesforce user: a new amount and stage.
std::vector<Edit> edit_loans(S0World& w, const std::vector<Loan>& loans, int base) {
  std::vector<Edit> edits;
  for (size_t i = 0; i < loans.size(); ++i) {
    Edit e{loans[i].id, std::to_string(base + static_cast<int>(i)) + ".50",
           kStages[i % kStages.size()]};
    w.edit_as_user("Loan__c", e.loan_id,
                   R"({"Amount__c": )" + e.amount + R"(, "Stage__c": ")" + e.stage + R"("})");
    edits.push_back(e);
  }
  return edits;
}

// How many of `edits` Pipedrive shows (deal value, stage and status).
size_t edits_in_pipedrive(S0World& w, const std::vector<Edit>& edits) {
  auto deals = w.deals();
  size_t arrived = 0;
  for (const Edit& e : edits) {
    auto it = deals.find(e.loan_id);
    if (it == deals.end()) continue;
    const Deal& d = it->second;
    arrived += Decimal::parse(d.value)->to_string() == Decimal::parse(e.amount)->to_string() &&
               d.stage == expected_stage(e.stage) && d.status == expected_status(e.stage);
  }
  return arrived;
}

// Until Pipedrive shows every edit (read every 200 ms), at most `limit`.
bool wait_for_edits(S0World& w, const std::vector<Edit>& edits, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (edits_in_pipedrive(w, edits) < edits.size()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return true;
}

TEST(ServeS0, FiftySalesforceEditsReachPipedriveThroughCdcWithoutARun) {
  S0World w;
  w.start();
  CommandResult setup = w.crmsync("setup");
  ASSERT_EQ(setup.exit_code, 0) << setup.output;

  ServeProcess::Options options;
  options.dir = w.dir.path().string();
  options.env = w.env();
  ServeProcess serve(options);
  serve.start_ready();

  // The first load, asked through the API as an operator would.
  int64_t first = serve.submit({"borrowers", "loans"});
  Value loaded = serve.wait_run_final(first);
  ASSERT_EQ(text_of(loaded, "status"), "succeeded") << to_json(loaded);
  std::vector<Loan> loans = w.loans(kOfficer);
  ASSERT_EQ(loans.size(), 50u);
  ASSERT_EQ(w.deals().size(), loans.size());

  auto started = std::chrono::steady_clock::now();
  std::vector<Edit> edits = edit_loans(w, loans, 7000);
  ASSERT_TRUE(wait_for_edits(w, edits, std::chrono::seconds(60)))
      << edits_in_pipedrive(w, edits) << " of 50 edits reached Pipedrive; log:\n"
      << serve.log_tail();
  std::cout << "[ serve s0 ] 50 edits in Pipedrive "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count()
            << " ms after the first\n";

  // Nothing but the first load ran as a run of its own: the changes came
  // through the change stream.
  for (const Value& r : serve.runs()) {
    std::string trigger = text_of(r, "trigger");
    EXPECT_TRUE(int_of(r, "id") == first || trigger == "cdc" || trigger == "watch")
        << "run " << int_of(r, "id") << " (" << trigger << ") besides the change stream";
  }
  EXPECT_EQ(w.deals().size(), loans.size());

  serve.signal(SIGTERM);
  std::optional<int> exit = serve.wait_exit(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value()) << "serve did not stop within 10 s of SIGTERM";
  EXPECT_EQ(*exit, 0) << serve.log_tail();
}

}  // namespace
}  // namespace crmsync::testing
