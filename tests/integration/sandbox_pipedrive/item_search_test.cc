// itemSearch (v2 cursor pages, v1 start/limit pages) and product search.
#include <algorithm>

#include "sandbox_fixture.h"

namespace crmsync::sandbox::pipedrive::testing {
namespace {

class ItemSearch : public SandboxTest {
 protected:
  void SetUp() override {
    start();
    call("POST", "/api/v2/organizations", R"({"name":"Acme Lending"})");   // org 1
    call("POST", "/api/v2/persons", R"({"name":"Ann Acme","org_id":1})");  // person 1
    call("POST", "/api/v2/persons", R"({"name":"Bob","emails":[{"value":"bob@acme.io"}]})");
    call("POST", "/api/v2/deals", R"({"title":"Acme loan","person_id":2,"org_id":1})");  // deal 1
    call("POST", "/api/v2/products", R"({"name":"Acme Plus","code":"AP-7"})");  // product 1
    call("POST", "/api/v2/products", R"({"name":"Other","code":"OT-1"})");
  }

  std::vector<std::string> types(const Answer& a, const char* list = "items") {
    std::vector<std::string> out;
    const Value* items = a["data"].find(list);
    if (items == nullptr || !items->is_array()) return out;
    for (const auto& hit : items->as_array()) {
      EXPECT_TRUE(hit.find("result_score")->is_number());
      const Value* item = hit.find("item");
      out.push_back(item->find("type")->as_string() + ":" + item->find("id")->to_text());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(ItemSearch, FindsEveryTypeWithTheRealShape) {
  auto all = call("GET", "/api/v2/itemSearch?term=acme");
  ASSERT_EQ(all.status, 200) << all.response.body;
  EXPECT_EQ(types(all), (std::vector<std::string>{"deal:1", "organization:1", "person:1",
                                                  "person:2", "product:1"}));
  EXPECT_TRUE(all["additional_data"].find("next_cursor")->is_null());
  EXPECT_EQ(all["data"].find("related_items"), nullptr);

  auto products = call("GET", "/api/v2/itemSearch?term=acme&item_types=product");
  EXPECT_EQ(types(products), (std::vector<std::string>{"product:1"}));
  const Value& item = *products["data"].find("items")->as_array()[0].find("item");
  EXPECT_EQ(*item.find("code"), Value("AP-7"));
  EXPECT_EQ(*item.find("name"), Value("Acme Plus"));

  auto by_code = call("GET", "/api/v2/itemSearch?term=ap-7&fields=code&exact_match=true");
  EXPECT_EQ(types(by_code), (std::vector<std::string>{"product:1"}));
  EXPECT_TRUE(
      types(call("GET", "/api/v2/itemSearch?term=ap&fields=code&exact_match=true")).empty());
  EXPECT_TRUE(types(call("GET", "/api/v2/itemSearch?term=acme&item_types=lead")).empty());
  EXPECT_EQ(call("GET", "/api/v2/itemSearch?term=acme&item_types=spaceship").status, 400);
  EXPECT_EQ(call("GET", "/api/v2/itemSearch?term=a").status, 400);
}

TEST_F(ItemSearch, RelatedItemsArePersonsAndOrganizationsOfHits) {
  auto a = call(
      "GET", "/api/v2/itemSearch?term=acme%20loan&item_types=deal&search_for_related_items=true");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(types(a), (std::vector<std::string>{"deal:1"}));
  EXPECT_EQ(types(a, "related_items"), (std::vector<std::string>{"organization:1", "person:2"}));
}

TEST_F(ItemSearch, PagesByCursorInV2AndByStartInV1) {
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = call("GET", "/api/v2/itemSearch?term=acme&limit=2" +
                                (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200);
    for (auto& t : types(page)) seen.push_back(t);
    const Value* next = page["additional_data"].find("next_cursor");
    cursor = next && next->is_string() ? next->as_string() : "";
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5u);

  auto first = call("GET", "/v1/itemSearch?term=acme&start=0&limit=3");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(types(first).size(), 3u);
  const Value* pagination = first["additional_data"].find("pagination");
  EXPECT_EQ(*pagination->find("more_items_in_collection"), Value(true));
  EXPECT_EQ(*pagination->find("next_start"), Value(int64_t{3}));
  auto rest = call("GET", "/v1/itemSearch?term=acme&start=3&limit=3");
  EXPECT_EQ(types(rest).size(), 2u);
  EXPECT_EQ(*rest["additional_data"].find("pagination")->find("more_items_in_collection"),
            Value(false));
}

TEST_F(ItemSearch, ProductSearchByNameAndCode) {
  auto a = call("GET", "/api/v2/products/search?term=OT-1&fields=code&exact_match=true");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(types(a), (std::vector<std::string>{"product:2"}));
  EXPECT_EQ(types(call("GET", "/api/v2/products/search?term=acme")),
            (std::vector<std::string>{"product:1"}));
}

}  // namespace
}  // namespace crmsync::sandbox::pipedrive::testing
