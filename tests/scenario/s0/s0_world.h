#pragma once

// Story S0's world for scenario tests: a seeded Salesforce sandbox, a
// Pipedrive sandbox with a "Mortgage" pipeline, the example config of
// examples/salesforce-to-pipedrive run by the real `crmsync` binary, and
// readers of both sides that go through the services' own HTTP APIs.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.h"
#include "net/http_client.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"
#include "sandbox/salesforce/salesforce_sandbox.h"
#include "support/run_command.h"
#include "support/salesforce_probe.h"
#include "support/temp_dir.h"

namespace crmsync::testing {

inline const std::vector<std::string> kMortgageStages = {
    "Application In", "Processing", "Underwriting", "Clear to Close", "Closing"};

// The example's value maps, as the test expects them to act.
inline std::string expected_stage(const std::string& sf_stage) {
  static const std::map<std::string, std::string> m = {{"Application", "Application In"},
                                                       {"Processing", "Processing"},
                                                       {"Underwriting", "Underwriting"},
                                                       {"Approved", "Clear to Close"},
                                                       {"Closing", "Closing"},
                                                       {"Funded", "Closing"},
                                                       {"Withdrawn", "Application In"}};
  return m.at(sf_stage);
}
inline std::string expected_status(const std::string& sf_stage) {
  if (sf_stage == "Funded") return "won";
  if (sf_stage == "Withdrawn") return "lost";
  return "open";
}

struct Loan {
  std::string id, name, officer, borrower, stage, amount, close_date;
};
struct Deal {
  int64_t id = 0;
  std::string title, value, currency, stage, status, expected_close_date, loan_id;
  int64_t person_id = 0;
};
struct Person {
  int64_t id = 0;
  std::string name, email, contact_id;
};

class S0World {
 public:
  sandbox::salesforce::SalesforceSandboxOptions sf_options;
  sandbox::pipedrive::PipedriveSandboxOptions pd_options;
  std::unique_ptr<sandbox::salesforce::SalesforceSandbox> sf;
  std::unique_ptr<sandbox::pipedrive::PipedriveSandbox> pd;
  TempDir dir;
  net::HttpClient http;
  // Where crmsync is told Pipedrive is: the sandbox itself when empty, or
  // a proxy in front of it. The readers below always ask the sandbox.
  std::string pd_url;

  S0World() {
    sf_options.seed_records = 200;  // 50 loans per officer
    // Searches happen once per record the id map does not know: a first run
    // of this size at the default 10 per 2 s would spend most of the test
    // waiting. The pacing itself is tested by the fault scenario.
    pd_options.burst_limit = 400;
    pd_options.search_burst_limit = 200;
    // As a Pipedrive admin set it up before crmsync ever runs.
    pd_options.pipelines.push_back({"Mortgage", kMortgageStages});
  }

  void start() {
    sf = std::make_unique<sandbox::salesforce::SalesforceSandbox>(sf_options);
    Status s = sf->start();
    ASSERT_TRUE(s.ok()) << s.error().message;
    pd = std::make_unique<sandbox::pipedrive::PipedriveSandbox>(pd_options);
    s = pd->start();
    ASSERT_TRUE(s.ok()) << s.error().message;
    std::ifstream in(std::string(CRMSYNC_SOURCE_DIR) +
                     "/examples/salesforce-to-pipedrive/crmsync.yaml");
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_FALSE(text.str().empty());
    dir.write("crmsync.yaml", text.str());
  }

  // The environment the example's comment asks for ("NAME=value").
  std::vector<std::string> env() const {
    return {"SALESFORCE_LOGIN_URL=" + sf->base_url(),
            "SALESFORCE_USERNAME=demo@example.com",
            "SALESFORCE_PASSWORD=demo",
            "SALESFORCE_CLIENT_ID=demo-client",
            "SALESFORCE_CLIENT_SECRET=demo-secret",
            "PIPEDRIVE_BASE_URL=" + (pd_url.empty() ? pd->base_url() : pd_url),
            "PIPEDRIVE_API_TOKEN=demo-token",
            "CRMSYNC_LOG=json"};
  }

  // `crmsync ARGS` in the test directory, configured as the example's
  // comment says, through the environment.
  CommandResult crmsync(const std::string& args) {
    std::string vars;
    for (const std::string& e : env()) vars += e + " ";
    return run_command("cd " + dir.path().string() + " && " + vars + CRMSYNC_BINARY + " " + args);
  }

  // `crmsync run --json`'s counts of one flow.
  struct Counts {
    int64_t read = 0, created = 0, updated = 0, skipped = 0, deleted = 0, failed = 0;
  };
  static std::map<std::string, Counts> counts(const CommandResult& r) {
    std::map<std::string, Counts> out;
    // stdout's JSON document is the line starting with '{"run_id"'.
    size_t at = r.output.find("{\"run_id\"");
    if (at == std::string::npos) at = r.output.find("{\"status\"");
    EXPECT_NE(at, std::string::npos) << r.output;
    if (at == std::string::npos) return out;
    size_t end = r.output.find('\n', at);
    auto doc = parse_json(r.output.substr(at, end == std::string::npos ? end : end - at));
    EXPECT_TRUE(doc.ok()) << r.output;
    if (!doc.ok()) return out;
    const Value* flows = doc->find("flows");
    if (flows == nullptr || !flows->is_object()) return out;
    for (const Member& f : flows->as_object()) {
      auto get = [&](const char* k) {
        const Value* v = f.value.find(k);
        return v && v->is_int() ? v->as_int() : 0;
      };
      out[f.key] = Counts{get("read"),    get("created"), get("updated"),
                          get("skipped"), get("deleted"), get("failed")};
    }
    return out;
  }

  // ---- Pipedrive, through its API ----
  Value pd_get(const std::string& path_and_query) {
    net::HttpClientRequest req;
    req.method = "GET";
    req.url = pd->base_url() + path_and_query;
    req.headers.emplace("x-api-token", "demo-token");
    auto r = http.send(req);
    EXPECT_TRUE(r.ok() && r->status == 200) << path_and_query << ": " << (r.ok() ? r->body : "");
    if (!r.ok()) return Value();
    auto v = parse_json(r->body);
    return v.ok() ? *v : Value();
  }
  // All items of a v2 list endpoint, following the cursor.
  std::vector<Value> pd_all(const std::string& path) {
    std::vector<Value> out;
    std::string cursor;
    for (int page = 0; page < 1000; ++page) {
      Value v = pd_get(path + "?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor));
      const Value* data = v.find("data");
      if (data && data->is_array()) {
        for (const Value& item : data->as_array()) out.push_back(item);
      }
      const Value* add = v.find("additional_data");
      const Value* next = add ? add->find("next_cursor") : nullptr;
      if (next == nullptr || !next->is_string()) break;
      cursor = next->as_string();
    }
    return out;
  }

  // v1 field definitions: name -> 40-hex key.
  std::map<std::string, std::string> field_keys(const std::string& object) {
    std::map<std::string, std::string> out;
    Value v = pd_get("/v1/" + object + "Fields?limit=500");
    if (const Value* data = v.find("data"); data && data->is_array()) {
      for (const Value& f : data->as_array()) {
        out[f.find("name")->to_text()] = f.find("key")->to_text();
      }
    }
    return out;
  }

  std::map<int64_t, std::string> stage_names() {
    std::map<int64_t, std::string> out;
    for (const Value& s : pd_all("/api/v2/stages")) {
      out[s.find("id")->as_int()] = s.find("name")->to_text();
    }
    return out;
  }

  static std::string text(const Value* v) { return v && !v->is_null() ? v->to_text() : ""; }

  // Deals by their "Salesforce Loan ID" (all of them; duplicates fail).
  std::map<std::string, Deal> deals() {
    std::string key = field_keys("deal")["Salesforce Loan ID"];
    EXPECT_FALSE(key.empty()) << "no deal field 'Salesforce Loan ID'";
    auto stages = stage_names();
    std::map<std::string, Deal> out;
    for (const Value& d : pd_all("/api/v2/deals")) {
      Deal deal;
      deal.id = d.find("id")->as_int();
      deal.title = text(d.find("title"));
      deal.value = text(d.find("value"));
      deal.currency = text(d.find("currency"));
      deal.status = text(d.find("status"));
      deal.expected_close_date = text(d.find("expected_close_date"));
      const Value* st = d.find("stage_id");
      deal.stage = st && st->is_int() ? stages[st->as_int()] : "";
      const Value* person = d.find("person_id");
      deal.person_id = person && person->is_int() ? person->as_int() : 0;
      const Value* custom = d.find("custom_fields");
      deal.loan_id = custom ? text(custom->find(key)) : "";
      EXPECT_FALSE(deal.loan_id.empty()) << "deal " << deal.id << " has no Salesforce Loan ID";
      EXPECT_TRUE(out.emplace(deal.loan_id, deal).second) << "two deals for loan " << deal.loan_id;
    }
    return out;
  }

  std::map<std::string, Person> persons() {
    std::string key = field_keys("person")["Salesforce Contact ID"];
    EXPECT_FALSE(key.empty()) << "no person field 'Salesforce Contact ID'";
    std::map<std::string, Person> out;
    for (const Value& p : pd_all("/api/v2/persons")) {
      Person person;
      person.id = p.find("id")->as_int();
      person.name = text(p.find("name"));
      if (const Value* emails = p.find("emails");
          emails && emails->is_array() && !emails->as_array().empty()) {
        person.email = text(emails->as_array()[0].find("value"));
      }
      const Value* custom = p.find("custom_fields");
      person.contact_id = custom ? text(custom->find(key)) : "";
      EXPECT_TRUE(out.emplace(person.contact_id, person).second)
          << "two persons for contact " << person.contact_id;
    }
    return out;
  }

  // ---- Salesforce, through the sandbox's SOQL engine ----
  std::vector<Loan> loans(const std::string& officer) {
    std::vector<Loan> out;
    Value recs = soql(
        "SELECT Id, Name, Loan_Officer__c, Primary_Borrower__c, Stage__c, Amount__c, "
        "CloseDate__c FROM Loan__c WHERE Loan_Officer__c = '" +
        officer + "' ORDER BY Name");
    for (const Value& r : recs.as_array()) {
      out.push_back(Loan{text(r.find("Id")), text(r.find("Name")), text(r.find("Loan_Officer__c")),
                         text(r.find("Primary_Borrower__c")), text(r.find("Stage__c")),
                         text(r.find("Amount__c")), text(r.find("CloseDate__c"))});
    }
    return out;
  }

  Value soql(const std::string& q) { return SalesforceProbe{sf->base_url()}.soql(q); }
  void edit_as_user(const std::string& object, const std::string& id, const std::string& json) {
    SalesforceProbe{sf->base_url()}.edit_as_user(object, id, json);
  }

  // Both services behave again, so the checks below read the target without
  // tripping over injected faults themselves.
  void clear_faults() {
    sf->set_faults({});
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = pd->base_url() + "/__admin/faults";
    req.body = "{}";
    req.headers.emplace("Content-Type", "application/json");
    auto r = http.send(req);
    ASSERT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.error().message);
  }

  // Requests the Pipedrive sandbox logged, as (method, path).
  std::vector<std::pair<std::string, std::string>> pd_requests() {
    std::vector<std::pair<std::string, std::string>> out;
    Value v = pd_get("/__admin/requests?limit=100000");
    if (const Value* reqs = v.find("requests"); reqs && reqs->is_array()) {
      for (const Value& r : reqs->as_array()) {
        out.emplace_back(text(r.find("method")), text(r.find("path")));
      }
    }
    return out;
  }
};

}  // namespace crmsync::testing
