// Activities (v1 and v2), products (v1 and v2, custom fields by key) and v1
// notes sorted by update_time, against the in-process sandbox.
#include <atomic>

#include "sandbox_fixture.h"

namespace crmsync::sandbox::pipedrive::testing {
namespace {

class ActivitiesProducts : public SandboxTest {
 protected:
  void SetUp() override {
    auto o = default_options();
    o.clock = [this] { return now_.load(); };
    start(o);
  }
  int64_t create(const std::string& path, const std::string& body) {
    auto a = call("POST", path, body);
    EXPECT_TRUE(a.status == 200 || a.status == 201) << a.response.body;
    const Value* id = a["data"].find("id");
    return id && id->is_int() ? id->as_int() : 0;
  }
  std::atomic<int64_t> now_{1700000000};
};

TEST_F(ActivitiesProducts, V2ActivityLifecycle) {
  int64_t deal = create("/api/v2/deals", R"({"title":"Loan 1"})");
  auto created = call("POST", "/api/v2/activities",
                      R"({"subject":"Call Ann","type":"call","due_date":"2026-12-01","deal_id":)" +
                          std::to_string(deal) + R"(,"location":{"value":"Tallinn"}})");
  ASSERT_EQ(created.status, 200) << created.response.body;
  const Value& a = created["data"];
  int64_t id = a.find("id")->as_int();
  EXPECT_EQ(*a.find("subject"), Value("Call Ann"));
  EXPECT_EQ(*a.find("deal_id"), Value(deal));
  EXPECT_EQ(*a.find("done"), Value(false));
  EXPECT_EQ(*a.find("person_id"), Value());
  EXPECT_TRUE(a.find("participants")->is_array());
  EXPECT_EQ(*a.find("marked_as_done_time"), Value());
  EXPECT_EQ(a.find("custom_fields"), nullptr);  // activities have none
  EXPECT_EQ(*a.find("is_deleted"), Value(false));

  std::string path = "/api/v2/activities/" + std::to_string(id);
  now_ += 60;
  auto done = call("PATCH", path, R"({"done":true})");
  ASSERT_EQ(done.status, 200);
  EXPECT_EQ(*done["data"].find("marked_as_done_time"), Value("2023-11-14T22:14:20Z"));
  EXPECT_EQ(call("GET", "/api/v2/activities?done=true")["data"].as_array().size(), 1u);
  EXPECT_EQ(call("GET", "/api/v2/activities?done=false")["data"].as_array().size(), 0u);
  EXPECT_EQ(
      call("GET", "/api/v2/activities?deal_id=" + std::to_string(deal))["data"].as_array().size(),
      1u);
  EXPECT_EQ(call("PATCH", path, R"({"done":"yes"})").status, 400);  // v2 booleans are strict

  // The same record in v1: owner as user_id, busy_flag, the location's text.
  auto v1 = call("GET", "/v1/activities/" + std::to_string(id));
  ASSERT_EQ(v1.status, 200);
  EXPECT_EQ(*v1["data"].find("user_id"), Value(int64_t{1}));
  EXPECT_EQ(*v1["data"].find("busy_flag"), Value(false));
  EXPECT_EQ(*v1["data"].find("location"), Value("Tallinn"));
  EXPECT_EQ(*v1["data"].find("deal_title"), Value("Loan 1"));
  EXPECT_EQ(*v1["data"].find("active_flag"), Value(true));

  ASSERT_EQ(call("DELETE", path).status, 200);
  EXPECT_TRUE(call("GET", "/api/v2/activities")["data"].as_array().empty());
  EXPECT_EQ(*call("GET", "/v1/activities/" + std::to_string(id))["data"].find("active_flag"),
            Value(false));
  EXPECT_EQ(call("PATCH", path, R"({"done":false})").status, 404);
}

TEST_F(ActivitiesProducts, V1ActivityAnswers201AndTakesV1Names) {
  auto created = call("POST", "/v1/activities",
                      R"({"subject":"Visit","type":"meeting","user_id":1,"busy_flag":1,"done":1,)"
                      R"("location":"Tartu"})");
  ASSERT_EQ(created.status, 201) << created.response.body;
  int64_t id = created["data"].find("id")->as_int();
  auto v2 = call("GET", "/api/v2/activities/" + std::to_string(id));
  EXPECT_EQ(*v2["data"].find("busy"), Value(true));
  EXPECT_EQ(*v2["data"].find("done"), Value(true));
  EXPECT_EQ(*v2["data"].find("location")->find("value"), Value("Tartu"));
  // No subject: the type's name, as the real API fills it.
  auto unnamed = call("POST", "/api/v2/activities", R"({"type":"email"})");
  EXPECT_EQ(*unnamed["data"].find("subject"), Value("Email"));
  EXPECT_EQ(call("POST", "/api/v2/activities", R"({"deal_id":999})").status, 400);
  auto listed = call("GET", "/v1/activities?type=meeting&done=1");
  ASSERT_TRUE(listed["data"].is_array());
  EXPECT_EQ(listed["data"].as_array().size(), 1u);
}

TEST_F(ActivitiesProducts, ProductsWithPricesAndCustomFieldsInBothVersions) {
  auto field = call("POST", "/v1/productFields",
                    R"({"name":"Tier","field_type":"enum","options":[{"label":"Gold"}]})");
  ASSERT_EQ(field.status, 200);
  std::string key = field["data"].find("key")->as_string();
  int64_t gold = field["data"].find("options")->as_array()[0].find("id")->as_int();
  EXPECT_EQ(call("GET", "/api/v2/productFields")["data"].as_array().size(), 13u);  // 12 + Tier

  auto created = call("POST", "/api/v2/products",
                      R"({"name":"Loan Plus","code":"LP-1","prices":[{"currency":"EUR","price":10,)"
                      R"("cost":4}],"custom_fields":{")" +
                          key + R"(":)" + std::to_string(gold) + "}}");
  ASSERT_EQ(created.status, 200) << created.response.body;
  const Value& p = created["data"];
  int64_t id = p.find("id")->as_int();
  EXPECT_EQ(*p.find("code"), Value("LP-1"));
  EXPECT_EQ(*p.find("is_linkable"), Value(true));
  EXPECT_EQ(*p.find("prices")->as_array()[0].find("price"), Value(int64_t{10}));
  EXPECT_EQ(*p.find("custom_fields")->find(key), Value(gold));

  auto v1 = call("GET", "/v1/products/" + std::to_string(id));
  ASSERT_EQ(v1.status, 200);
  EXPECT_EQ(*v1["data"].find(key), Value(std::to_string(gold)));  // v1: option ids as text
  EXPECT_EQ(*v1["data"].find("selectable"), Value(true));
  EXPECT_EQ(*v1["data"].find("prices")->as_array()[0].find("product_id"), Value(id));

  auto renamed = call("PUT", "/v1/products/" + std::to_string(id), R"({"name":"Loan Max"})");
  ASSERT_EQ(renamed.status, 200);
  EXPECT_EQ(*call("GET", "/api/v2/products/" + std::to_string(id))["data"].find("name"),
            Value("Loan Max"));
  // Default price when none is given; one price per currency; name required.
  auto plain = call("POST", "/v1/products", R"({"name":"Basic"})");
  EXPECT_EQ(plain.status, 201);
  EXPECT_EQ(*plain["data"].find("prices")->as_array()[0].find("price"), Value(int64_t{0}));
  EXPECT_EQ(call("POST", "/api/v2/products",
                 R"({"name":"X","prices":[{"currency":"EUR"},{"currency":"EUR"}]})")
                .status,
            400);
  EXPECT_EQ(call("POST", "/api/v2/products", R"({"code":"X"})").status, 400);
  ASSERT_EQ(call("DELETE", "/api/v2/products/" + std::to_string(id)).status, 200);
  EXPECT_EQ(call("GET", "/api/v2/products")["data"].as_array().size(), 1u);
}

TEST_F(ActivitiesProducts, PagingAndUpdatedSince) {
  for (int i = 0; i < 5; ++i)
    create("/api/v2/products", R"({"name":"P)" + std::to_string(i) + "\"}");
  now_ += 100;
  create("/api/v2/products", R"({"name":"Late"})");
  std::vector<int64_t> ids;
  std::string cursor;
  int pages = 0;
  do {
    auto page =
        call("GET", "/api/v2/products?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200);
    for (const auto& p : page["data"].as_array()) ids.push_back(p.find("id")->as_int());
    const Value* next = page["additional_data"].find("next_cursor");
    cursor = next && next->is_string() ? next->as_string() : "";
    ++pages;
  } while (!cursor.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  auto since = call("GET", "/api/v2/products?updated_since=2023-11-14T22:14:40Z");
  ASSERT_EQ(since["data"].as_array().size(), 1u);
  EXPECT_EQ(*since["data"].as_array()[0].find("name"), Value("Late"));

  // v1 offset pages.
  auto first = call("GET", "/v1/products?start=0&limit=4");
  EXPECT_EQ(first["data"].as_array().size(), 4u);
  EXPECT_EQ(*first["additional_data"].find("pagination")->find("next_start"), Value(int64_t{4}));
  auto last = call("GET", "/v1/products?start=4&limit=4");
  EXPECT_EQ(last["data"].as_array().size(), 2u);
  EXPECT_EQ(*last["additional_data"].find("pagination")->find("more_items_in_collection"),
            Value(false));
}

TEST_F(ActivitiesProducts, V1NotesSortByUpdateTime) {
  int64_t person = create("/api/v2/persons", R"({"name":"Ann"})");
  std::string link = R"(,"person_id":)" + std::to_string(person) + "}";
  int64_t a = create("/v1/notes", R"({"content":"a")" + link);
  now_ += 10;
  create("/v1/notes", R"({"content":"b")" + link);
  now_ += 10;
  ASSERT_EQ(call("PUT", "/v1/notes/" + std::to_string(a), R"({"content":"a2"})").status, 200);
  auto sorted = call("GET", "/v1/notes?sort=update_time%20DESC&limit=10");
  ASSERT_EQ(sorted.status, 200);
  std::vector<std::string> order;
  for (const auto& n : sorted["data"].as_array()) order.push_back(n.find("content")->as_string());
  EXPECT_EQ(order, (std::vector<std::string>{"a2", "b"}));
  EXPECT_EQ(call("GET", "/v1/notes?sort=content%20ASC").status, 400);
}

TEST_F(ActivitiesProducts, ActivityFieldsAreReadOnly) {
  auto fields = call("GET", "/v1/activityFields");
  ASSERT_EQ(fields.status, 200);
  EXPECT_EQ(*fields["data"].as_array()[0].find("key"), Value("subject"));
  EXPECT_EQ(call("POST", "/v1/activityFields", R"({"name":"X","field_type":"varchar"})").status,
            404);
  EXPECT_EQ(call("GET", "/api/v2/activityFields").status, 200);
}

TEST_F(ActivitiesProducts, AdminEditsAsAUser) {
  auto product = call("POST", "/__admin/products", R"({"name":"UI product"})", "");
  ASSERT_EQ(product.status, 200);
  int64_t person = create("/api/v2/persons", R"({"name":"Ann"})");
  auto note = call("POST", "/__admin/notes",
                   R"({"content":"from the UI","person_id":)" + std::to_string(person) + "}", "");
  ASSERT_EQ(note.status, 200);
  auto activity = call("POST", "/__admin/activities", R"({"subject":"UI call"})", "");
  ASSERT_EQ(activity.status, 200);
  EXPECT_EQ(call("PATCH", "/__admin/activities/1", R"({"done":true})", "").status, 200);
  EXPECT_EQ(call("DELETE", "/__admin/products/1", "", "").status, 200);
  EXPECT_TRUE(call("GET", "/api/v2/products")["data"].as_array().empty());
}

}  // namespace
}  // namespace crmsync::sandbox::pipedrive::testing
