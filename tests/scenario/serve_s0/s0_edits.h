#pragma once

// Loans edited in the S0 world's Salesforce sandbox as a user would, and
// the wait until Pipedrive's deals show those edits.

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "scenario/s0/s0_world.h"

namespace crmsync::testing {

inline const std::vector<std::string> kStages = {"Application", "Processing", "Underwriting",
                                                 "Approved",    "Closing",    "Funded"};

struct Edit {
  std::string loan_id;
  std::string amount;
  std::string stage;
};

// Edits each of `loans` as a Salesforce user: a new amount and stage.
inline std::vector<Edit> edit_loans(S0World& w, const std::vector<Loan>& loans, int base) {
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
inline size_t edits_in_pipedrive(S0World& w, const std::vector<Edit>& edits) {
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
inline bool wait_for_edits(S0World& w, const std::vector<Edit>& edits, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (edits_in_pipedrive(w, edits) < edits.size()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return true;
}

}  // namespace crmsync::testing
