#include "sandbox_fixture.h"

namespace crmsync::sandbox::pipedrive::testing {
namespace {

class PipedrivePaging : public SandboxTest {
 protected:
  void SetUp() override {
    auto o = default_options();
    o.seed_records = 25;
    start(o);
  }
};

TEST_F(PipedrivePaging, V2CursorWalksEveryRecordOnce) {
  std::vector<int64_t> ids;
  std::string cursor;
  int pages = 0;
  do {
    auto page =
        call("GET", "/api/v2/persons?limit=10" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200);
    for (const auto& p : page["data"].as_array()) ids.push_back(p.find("id")->as_int());
    const Value* next = page["additional_data"].find("next_cursor");
    cursor = next->is_null() ? "" : next->as_string();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(ids.size(), 25u);
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], static_cast<int64_t>(i + 1));
  EXPECT_EQ(call("GET", "/api/v2/persons?limit=501").status, 400);
  EXPECT_EQ(call("GET", "/api/v2/persons?cursor=@@@").status, 400);
}

TEST_F(PipedrivePaging, DescendingCursorContinuesDownwards) {
  auto first = call("GET", "/api/v2/persons?limit=10&sort_direction=desc");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(*first["data"].as_array().front().find("id"), Value(25));
  EXPECT_EQ(*first["data"].as_array().back().find("id"), Value(16));
  std::string cursor = first["additional_data"].find("next_cursor")->as_string();
  auto second = call("GET", "/api/v2/persons?limit=10&sort_direction=desc&cursor=" + cursor);
  EXPECT_EQ(*second["data"].as_array().front().find("id"), Value(15));
  EXPECT_EQ(call("GET", "/api/v2/persons?sort_by=name").status, 400);
}

TEST_F(PipedrivePaging, SeedIsDeterministic) {
  auto first = call("GET", "/api/v2/deals/7");
  call("POST", "/__admin/reset");
  auto again = call("GET", "/api/v2/deals/7");
  EXPECT_EQ(first["data"].find("title")->as_string(), again["data"].find("title")->as_string());
  EXPECT_EQ(*first["data"].find("value"), *again["data"].find("value"));
  EXPECT_EQ(*first["data"].find("person_id"), *again["data"].find("person_id"));
}

TEST_F(PipedrivePaging, CustomEnumFieldsInBothShapesAndSearchByCustomField) {
  auto field = call(
      "POST", "/api/v2/personFields",
      R"({"field_name":"Tier","field_type":"enum","options":[{"label":"Gold"},{"label":"Silver"}]})");
  ASSERT_EQ(field.status, 200);
  std::string code = field["data"].find("field_code")->as_string();
  int64_t gold = field["data"].find("options")->as_array()[0].find("id")->as_int();
  auto sfid = call("POST", "/v1/personFields", R"({"name":"SF Id","field_type":"varchar"})");
  std::string sf_key = sfid["data"].find("key")->as_string();

  std::string body = R"({"name":"Zed Q","custom_fields":{")" + code + R"(":)" +
                     std::to_string(gold) + R"(,")" + sf_key + R"(":"003ABC"}})";
  auto person = call("POST", "/api/v2/persons", body);
  ASSERT_EQ(person.status, 200) << person.response.body;
  std::string id = person["data"].find("id")->to_text();
  EXPECT_EQ(*call("GET", "/v1/persons/" + id)["data"].find(code), Value(std::to_string(gold)));
  EXPECT_EQ(
      call("POST", "/api/v2/persons", R"({"name":"Bad","custom_fields":{")" + code + R"(":99999}})")
          .status,
      400);

  auto hit =
      call("GET", "/api/v2/persons/search?term=003abc&fields=custom_fields&exact_match=true");
  ASSERT_EQ(hit.status, 200);
  const auto& items = hit["data"].find("items")->as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].find("item")->find("id")->to_text(), id);
  EXPECT_EQ(*items[0].find("item")->find("type"), Value("person"));
  EXPECT_TRUE(
      call("GET", "/api/v2/persons/search?term=003AB&fields=custom_fields&exact_match=true")["data"]
          .find("items")
          ->as_array()
          .empty());
  EXPECT_EQ(call("GET", "/api/v2/persons/search?term=z").status, 400);  // 2 chars unless exact

  auto v2_fields = call("GET", "/api/v2/personFields");
  bool listed = false;
  for (const auto& f : v2_fields["data"].as_array())
    listed |=
        f.find("field_code")->as_string() == code && *f.find("is_custom_field") == Value(true);
  EXPECT_TRUE(listed);
  auto renamed = call("PATCH", "/api/v2/personFields/" + code, R"({"field_name":"Level"})");
  EXPECT_EQ(*renamed["data"].find("field_name"), Value("Level"));
  EXPECT_EQ(call("DELETE", "/api/v2/personFields/" + code).status, 200);
  EXPECT_EQ(call("GET", "/api/v2/personFields/" + code).status, 404);
}

TEST_F(PipedrivePaging, ItemSearchAcrossTypes) {
  call("POST", "/api/v2/organizations", R"({"name":"Zyxel Holdings"})");
  call("POST", "/api/v2/deals", R"({"title":"Zyxel renewal"})");
  auto hits = call("GET", "/api/v2/itemSearch?term=zyxel");
  ASSERT_EQ(hits.status, 200);
  EXPECT_EQ(hits["data"].find("items")->as_array().size(), 2u);
  auto deals_only = call("GET", "/api/v2/itemSearch?term=zyxel&item_types=deal");
  EXPECT_EQ(deals_only["data"].find("items")->as_array().size(), 1u);
}

TEST_F(PipedrivePaging, UpdatedSinceFilters) {
  EXPECT_EQ(call("GET", "/api/v2/persons?updated_since=2000-01-01T00:00:00Z&limit=500")["data"]
                .as_array()
                .size(),
            25u);
  EXPECT_EQ(
      call("GET", "/api/v2/persons?updated_since=2999-01-01T00:00:00Z")["data"].as_array().size(),
      0u);
  EXPECT_EQ(call("GET", "/api/v2/persons?updated_since=yesterday").status, 400);
}

}  // namespace
}  // namespace crmsync::sandbox::pipedrive::testing
