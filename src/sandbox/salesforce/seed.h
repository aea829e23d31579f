#pragma once

#include <string>

#include "core/result.h"
#include "sandbox/salesforce/store.h"

namespace crmsync::sandbox::salesforce {

// Creates the API user (and the four loan officers) the sandbox logs everyone in
// as; answers the API user's id. Called at start and after reset.
Result<std::string> create_users(Store& store, const std::string& username);

// Deterministic sample data: `n` Accounts, Contacts (each under an account),
// Opportunities, Loan__c (a quarter each for four officers, the first
// "Jake Elmendorf"; the borrower a contact), and min(n, 50) Product2. The same `n` always gives the
// same field values in the same order.
Status seed_records(Store& store, const std::string& user_id, int n);

// Loads `<dir>/<Object>.json` files (a JSON array of records with API field
// names) for every object of the schema that has one. References between
// loaded records use the ids the sandbox assigns: a field value `@Object:k`
// names the k-th (0-based) record loaded from `<Object>.json`.
Status load_data_dir(Store& store, const std::string& user_id, const std::string& dir);

}  // namespace crmsync::sandbox::salesforce
