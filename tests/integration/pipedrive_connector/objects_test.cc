// The connector's activity, product and note objects against the sandbox:
// writes, full reads and reads since an update_time cursor (v2
// updated_since; v1 notes newest first), product custom fields by name and
// search by code.
#include <atomic>

#include "connector_fixture.h"

namespace crmsync::testing {
namespace {

class PipedriveObjects : public PipedriveConnectorTest {
 protected:
  void SetUp() override {
    PipedriveSandboxOptions o;
    o.burst_limit = 0;
    o.search_burst_limit = 0;
    o.threads = 4;
    o.clock = [this] { return now_.load(); };
    start_with(o);
  }

  std::vector<WriteResult> write(const std::string& object, std::vector<WriteItem> items) {
    auto res = conn_->write(WriteRequest{object, "id", "", std::move(items)});
    EXPECT_TRUE(res.ok()) << res.error().message;
    if (!res.ok()) return {};
    for (const WriteResult& r : *res) EXPECT_TRUE(r.ok) << r.error.message;
    return *res;
  }

  std::vector<Record> read_since(const std::string& object, int64_t epoch_secs) {
    ReadRequest req;
    req.object = object;
    req.cursor_field = "update_time";
    req.cursor_from = Value(DateTime::from_unix_seconds(epoch_secs));
    return read_all(req);
  }

  static std::vector<std::string> values(const std::vector<Record>& records, const char* field) {
    std::vector<std::string> out;
    for (const Record& r : records) out.push_back(r.get(field) ? r.get(field)->to_text() : "");
    return out;
  }

  std::atomic<int64_t> now_{1700000000};
};

TEST_F(PipedriveObjects, ProductsWithCustomFieldsByNameSearchAndSince) {
  admin("POST", "/v1/productFields",
        R"({"name":"Tier","field_type":"enum","options":[{"label":"Gold"},{"label":"Silver"}]})");
  admin("POST", "/v1/productFields", R"({"name":"Salesforce Product ID","field_type":"varchar"})");
  auto names = make_field_names({"name", "code", "Tier", "Salesforce Product ID", "prices"});
  std::vector<WriteItem> items;
  for (int i = 0; i < 3; ++i) {
    Record r(names);
    r.value(0) = "Loan product " + std::to_string(i);
    r.value(1) = "LP-" + std::to_string(i);
    r.value(2) = i == 0 ? "Gold" : "Silver";
    r.value(3) = "01tXX" + std::to_string(i);
    r.value(4) = Value(Array{Value(Object{{"currency", Value("EUR")}, {"price", Value(100 + i)}})});
    items.push_back({WriteOp::create, "", r});
  }
  auto created = write("product", items);
  ASSERT_EQ(created.size(), 3u);

  auto all = read_all("product");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(values(all, "Tier"), (std::vector<std::string>{"Gold", "Silver", "Silver"}));
  EXPECT_EQ(values(all, "Salesforce Product ID"),
            (std::vector<std::string>{"01tXX0", "01tXX1", "01tXX2"}));
  const Value* prices = all[2].get("prices");
  ASSERT_TRUE(prices && prices->is_array());
  EXPECT_EQ(prices->as_array()[0].find("price")->to_text(), "102");

  std::vector<Value> codes = {Value("LP-1"), Value("LP-9")};
  auto by_code = conn_->search("product", "id", "code", codes);
  ASSERT_TRUE(by_code.ok()) << by_code.error().message;
  ASSERT_EQ(by_code->size(), 1u);
  EXPECT_EQ((*by_code)[0].id(), created[1].target_id);
  std::vector<Value> sf_ids = {Value("01tXX2")};
  auto by_custom = conn_->search("product", "id", "Salesforce Product ID", sf_ids);
  ASSERT_TRUE(by_custom.ok()) << by_custom.error().message;
  ASSERT_EQ(by_custom->size(), 1u);
  EXPECT_EQ((*by_custom)[0].id(), created[2].target_id);
  EXPECT_FALSE(conn_->search("product", "id", "email", codes).ok());

  now_ += 100;
  Record gold(make_field_names({"Tier"}));
  gold.value(0) = "Gold";
  write("product", {{WriteOp::update, created[1].target_id, gold},
                    {WriteOp::remove, created[2].target_id, {}}});
  auto since = read_since("product", 1700000050);
  ASSERT_EQ(since.size(), 1u);  // v2 lists leave deleted products out
  EXPECT_EQ(since[0].id(), created[1].target_id);
  EXPECT_EQ(since[0].get("Tier")->as_string(), "Gold");
}

TEST_F(PipedriveObjects, ActivitiesWriteAndReadSince) {
  Record person(make_field_names({"name"}));
  person.value(0) = "Ann";
  auto p = write("person", {{WriteOp::create, "", person}});
  ASSERT_EQ(p.size(), 1u);
  auto names = make_field_names({"subject", "type", "due_date", "person_id", "location", "done"});
  Record call(names);
  call.value(0) = "Call Ann";
  call.value(1) = "call";
  call.value(2) = Value(*Date::parse("2026-12-01"));
  call.value(3) = p[0].target_id;  // a reference arrives as text
  call.value(4) = "Tallinn";
  call.value(5) = false;
  auto created = write("activity", {{WriteOp::create, "", call}});
  ASSERT_EQ(created.size(), 1u);

  auto all = read_all("activity");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].get("subject")->as_string(), "Call Ann");
  EXPECT_TRUE(all[0].get("due_date")->is_date());
  EXPECT_EQ(all[0].get("person_id")->to_text(), p[0].target_id);
  EXPECT_EQ(all[0].get("location")->find("value")->as_string(), "Tallinn");

  EXPECT_TRUE(read_since("activity", 1700000001).empty());
  now_ += 60;
  Record done(make_field_names({"done"}));
  done.value(0) = true;
  write("activity", {{WriteOp::update, created[0].target_id, done}});
  auto since = read_since("activity", 1700000001);
  ASSERT_EQ(since.size(), 1u);
  EXPECT_EQ(since[0].get("done")->as_bool(), true);
  EXPECT_TRUE(since[0].get("marked_as_done_time")->is_datetime());
  EXPECT_TRUE(conn_->capabilities("activity").read_since_cursor);
  EXPECT_FALSE(conn_->capabilities("activity").search_by_field);
}

TEST_F(PipedriveObjects, NotesThroughV1AndReadSinceNewestFirst) {
  Record person(make_field_names({"name"}));
  person.value(0) = "Ann";
  auto p = write("person", {{WriteOp::create, "", person}});
  ASSERT_EQ(p.size(), 1u);
  auto names = make_field_names({"content", "person_id"});
  std::vector<WriteItem> items;
  for (int i = 0; i < 4; ++i) {
    Record n(names);
    n.value(0) = "note " + std::to_string(i);
    n.value(1) = p[0].target_id;
    items.push_back({WriteOp::create, "", n});
  }
  std::vector<WriteResult> created;
  for (int i = 0; i < 4; ++i) {
    if (i == 2) now_ += 100;  // notes 2 and 3 are newer
    auto r = write("note", {items[i]});
    created.insert(created.end(), r.begin(), r.end());
  }
  ASSERT_EQ(created.size(), 4u);
  EXPECT_EQ(read_all("note").size(), 4u);
  auto since = read_since("note", 1700000050);
  EXPECT_EQ(values(since, "content"), (std::vector<std::string>{"note 2", "note 3"}));

  now_ += 100;
  Record edit(make_field_names({"content"}));
  edit.value(0) = "note 0 edited";
  write("note", {{WriteOp::update, created[0].target_id, edit}});
  since = read_since("note", 1700000150);
  EXPECT_EQ(values(since, "content"), (std::vector<std::string>{"note 0 edited"}));
  Value log = admin("GET", "/__admin/requests?limit=20");
  bool put_used = false;
  for (const Value& r : log.find("requests")->as_array())
    if (r.find("method")->as_string() == "PUT" &&
        r.find("path")->as_string() == "/v1/notes/" + created[0].target_id)
      put_used = true;
  EXPECT_TRUE(put_used);
}

}  // namespace
}  // namespace crmsync::testing
