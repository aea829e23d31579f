// The pipedrive connector against the Pipedrive sandbox (in process, on
// 127.0.0.1:0): custom fields by name, option labels, cursor pages,
// matching by search, and pacing under the burst limit.
#include <set>

#include "connector_fixture.h"

namespace crmsync::testing {
namespace {

TEST_F(PipedriveConnectorTest, CustomFieldsAndOptionsByNameRoundTrip) {
  start(0, 0);
  admin("POST", "/v1/personFields", R"({"name":"Salesforce Contact ID","field_type":"varchar"})");
  admin("POST", "/v1/personFields",
        R"({"name":"Tier","field_type":"enum","options":[{"label":"Gold"},{"label":"Silver"}]})");
  auto names = make_field_names({"name", "Salesforce Contact ID", "Tier"});
  std::vector<WriteItem> items;
  for (int i = 0; i < 3; ++i) {
    Record r(names);
    r.value(0) = "Borrower " + std::to_string(i);
    r.value(1) = "003XX00000000" + std::to_string(i);
    r.value(2) = i == 0 ? "Gold" : "Silver";
    items.push_back({WriteOp::create, "", r});
  }
  Record bad(names);
  bad.value(0) = "Bad tier";
  bad.value(2) = "Platinum";
  items.push_back({WriteOp::create, "", bad});
  auto res = conn_->write(WriteRequest{"person", "id", "", items});
  ASSERT_TRUE(res.ok()) << res.error().message;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE((*res)[i].ok) << (*res)[i].error.message;
  EXPECT_FALSE((*res)[3].ok);
  EXPECT_EQ((*res)[3].error.kind, ErrorKind::rejected);
  EXPECT_NE((*res)[3].error.message.find("no option 'Platinum' (options: Gold, Silver)"),
            std::string::npos)
      << (*res)[3].error.message;

  auto people = read_all("person");
  ASSERT_EQ(people.size(), 3u);
  for (const Record& p : people) {
    ASSERT_NE(p.get("Salesforce Contact ID"), nullptr);
    EXPECT_EQ(p.get("Tier")->as_string(),
              p.get("name")->as_string() == "Borrower 0" ? "Gold" : "Silver");
    EXPECT_TRUE(p.get("update_time")->is_datetime());
  }

  std::vector<Value> wanted = {Value("003XX000000001"), Value("nobody")};
  auto hits = conn_->search("person", "id", "Salesforce Contact ID", wanted);
  ASSERT_TRUE(hits.ok()) << hits.error().message;
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].id(), (*res)[1].target_id);
  EXPECT_EQ((*hits)[0].get("Salesforce Contact ID")->as_string(), "003XX000000001");

  Record rename(make_field_names({"name", "Tier"}));
  rename.value(0) = "Borrower One";
  rename.value(1) = "Gold";
  std::vector<WriteItem> more = {{WriteOp::update, (*res)[1].target_id, rename},
                                 {WriteOp::remove, (*res)[2].target_id, {}}};
  auto res2 = conn_->write(WriteRequest{"person", "id", "", more});
  ASSERT_TRUE(res2.ok()) << res2.error().message;
  EXPECT_TRUE((*res2)[0].ok) << (*res2)[0].error.message;
  EXPECT_TRUE((*res2)[1].ok) << (*res2)[1].error.message;
  auto again = conn_->read_by_ids("person", "id", std::vector<std::string>{(*res)[1].target_id});
  ASSERT_TRUE(again.ok()) << again.error().message;
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].get("name")->as_string(), "Borrower One");
  EXPECT_EQ((*again)[0].get("Tier")->as_string(), "Gold");
  EXPECT_EQ((*again)[0].get("Salesforce Contact ID")->as_string(), "003XX000000001");
}

TEST_F(PipedriveConnectorTest, PagesThroughManyRecordsWithCursors) {
  start(0, 0);
  auto names = make_field_names({"title", "value", "currency"});
  std::vector<WriteItem> items;
  for (int i = 0; i < 1203; ++i) {
    Record r(names);
    r.value(0) = "Deal " + std::to_string(i);
    r.value(1) = *Decimal::parse(std::to_string(i) + ".50");
    r.value(2) = "EUR";
    items.push_back({WriteOp::create, "", r});
  }
  auto res = conn_->write(WriteRequest{"deal", "id", "", items});
  ASSERT_TRUE(res.ok()) << res.error().message;
  auto deals = read_all("deal");
  ASSERT_EQ(deals.size(), 1203u);
  std::set<std::string> ids;
  for (const Record& d : deals) ids.insert(d.id());
  EXPECT_EQ(ids.size(), 1203u);
  EXPECT_GE(conn_->api_calls(), 1203u + 3u);  // one write each, three pages at least
}

TEST_F(PipedriveConnectorTest, StaysUnderTheBurstWindowWithoutA429) {
  start(20, 20);
  auto names = make_field_names({"name"});
  std::vector<WriteItem> items;
  for (int i = 0; i < 50; ++i) {
    Record r(names);
    r.value(0) = "P" + std::to_string(i);
    items.push_back({WriteOp::create, "", r});
  }
  auto res = conn_->write(WriteRequest{"person", "id", "", items});
  ASSERT_TRUE(res.ok()) << res.error().message;
  for (const WriteResult& r : *res) EXPECT_TRUE(r.ok) << r.error.message;
  Value log = admin("GET", "/__admin/requests?limit=1000");
  const Value* requests = log.find("requests");
  ASSERT_NE(requests, nullptr);
  int too_many = 0, posts = 0;
  for (const Value& r : requests->as_array()) {
    if (r.find("status")->as_int() == 429) ++too_many;
    if (r.find("method")->as_string() == "POST") ++posts;
  }
  EXPECT_EQ(too_many, 0);
  EXPECT_EQ(posts, 50);
}

}  // namespace
}  // namespace crmsync::testing
