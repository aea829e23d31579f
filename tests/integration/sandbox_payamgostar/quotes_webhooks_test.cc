// Quotes with line items priced from products, and the query-only GET
// webhooks sent to a real local receiver.
#include "pg_fixture.h"
#include "sandbox/payamgostar/payamgostar_webhooks.h"
#include "support/eventually.h"

namespace crmsync::sandbox::payamgostar::testing {
namespace {

using crmsync::testing::eventually;

TEST_F(PgTest, AQuoteHasItsLinesVatAndTotalsInTheCapturedShape) {
  std::string product =
      create("product", R"({"code":"Product-1","name":"کالای نمونه","unitPrice":100000})");
  create("product", R"({"code":"P-2","name":"پیچ","unitPrice":2500,"productUnitTypeName":"بسته"})");
  std::string customer = create("person", R"({"nickName":"خریدار","customerNumber":"100-1001"})");
  std::string id = create(
      "quote/sales", R"({"identityId":")" + customer +
                         R"(","subject":"پیش فاکتور آزمایشی","details":[{"productId":")" + product +
                         R"(","count":1},{"productCode":"P-2","count":4,"totalDiscount":1000}]})");
  Answer q = api("crmobject/quote/sales/get", "{\"id\":\"" + id + "\"}");
  ASSERT_EQ(q.status, 200) << q.response.body;
  EXPECT_EQ(q["identityId"].as_string(), customer);
  EXPECT_EQ(q["crmObjectTypeCode"].as_string(), "PI_5");
  EXPECT_EQ(q["crmObjectTypeIndex"].as_int(), 8);
  EXPECT_EQ(q["number"].as_string(), "");
  EXPECT_EQ(q["quoteType"].as_string(), "Quote");
  EXPECT_EQ(q["subject"].as_string(), "پیش فاکتور آزمایشی");
  const Array& lines = q["details"].as_array();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].find("productCode")->as_string(), "Product-1");
  EXPECT_EQ(lines[0].find("productId")->as_string(), product);
  EXPECT_EQ(lines[0].find("productUnitTypeName")->as_string(), "عدد") << "the default unit";
  EXPECT_EQ(lines[1].find("productUnitTypeName")->as_string(), "بسته");
  const std::string& body = q.response.body;
  for (const char* text :
       {R"("baseUnitPrice":100000.00,"finalUnitPrice":109000.00,"count":1.0000)",
        R"("totalUnitPrice":100000.00,"totalDiscount":0.00,"totalVat":9000.00)",
        R"("totalUnitPrice":10000.00,"totalDiscount":1000.00,"totalVat":810.00)",
        R"("discount":1000.00,"vat":9810.00)", R"("totalValue":110000.00)",
        R"("finalValue":118810.00)", R"("vatPercent":9)",
        R"("creatDate":"2025-12-21T14:06:17.173")", "\"productUnitTypeName\":\"عدد\""})
    EXPECT_NE(body.find(text), std::string::npos) << text << " in " << body;

  EXPECT_EQ(api("crmobject/quote/sales/create",
                R"({"identityId":"nobody","details":[{"productCode":"P-2","count":1}]})")
                .status,
            400);
  EXPECT_EQ(api("crmobject/quote/sales/create",
                R"({"identityId":")" + customer + R"(","details":[{"productCode":"X","count":1}]})")
                .status,
            400);
  EXPECT_EQ(api("crmobject/quote/sales/find", "{}")["total"].as_int(), 1);
}

TEST(PgWebhookEncoding, SubtypeIsFormEncodedAsCaptured) {
  EXPECT_EQ(form_encode("مخاطب حقیقی siagh"),
            "%D9%85%D8%AE%D8%A7%D8%B7%D8%A8+%D8%AD%D9%82%DB%8C%D9%82%DB%8C+siagh");
}

TEST_F(PgTest, ChangesSendQueryOnlyGetWebhooksToRegisteredUrls) {
  HookReceiver receiver;
  auto add = [&](const std::string& type, const std::string& events) {
    return call("POST", "/__admin/webhooks",
                "{\"url\":\"" + receiver.url("test") + "\",\"type\":\"" + type +
                    "\",\"events\":" + events + "}",
                "");
  };
  ASSERT_EQ(add("Identity", R"(["Insert","Update"])").status, 201);
  ASSERT_EQ(add("Quote", R"(["Insert"])").status, 201);
  EXPECT_EQ(add("Deal", R"(["Insert"])").status, 400);

  std::string person = create("person", R"({"nickName":"علی"})");
  std::string org = create("organization", R"({"nickName":"شرکت"})");
  api("crmobject/person/update", "{\"crmId\":\"" + person + "\",\"email\":\"a@b.ir\"}");
  create("product", R"({"code":"P","name":"کالا","unitPrice":10})");
  std::string quote = create("quote/sales", R"({"identityId":")" + person +
                                                R"(","details":[{"productCode":"P","count":1}]})");
  api("crmobject/person/delete", "{\"id\":\"" + org + "\"}");  // Delete not subscribed
  ASSERT_TRUE(eventually([&] { return receiver.count() >= 4; })) << receiver.count();
  ASSERT_TRUE(eventually(
      [&] { return call("GET", "/__admin/webhook_deliveries", "", "")["queued"].as_int() == 0; }));
  std::vector<HookReceiver::Hit> hits = receiver.hits();
  ASSERT_EQ(hits.size(), 4u);
  auto q = [](const HookReceiver::Hit& h, const std::string& key) {
    auto it = h.query.find(key);
    return it == h.query.end() ? std::string("<none>") : it->second;
  };
  // Deliveries go out one at a time in order.
  EXPECT_EQ(q(hits[0], "event"), "Insert");
  EXPECT_EQ(q(hits[0], "id"), person);
  EXPECT_EQ(q(hits[0], "type"), "Identity");
  EXPECT_EQ(q(hits[0], "subtype"), "مخاطب حقیقی");
  EXPECT_EQ(q(hits[1], "subtype"), "مخاطب حقوقی");
  EXPECT_EQ(q(hits[1], "id"), org);
  EXPECT_EQ(q(hits[2], "event"), "Update");
  EXPECT_EQ(q(hits[3], "type"), "Quote");
  EXPECT_EQ(q(hits[3], "id"), quote);
  EXPECT_EQ(q(hits[3], "subtype"), "پیش فاکتور فروش");
  for (const auto& h : hits) {
    EXPECT_EQ(h.method, "GET");
    EXPECT_EQ(h.path, "/webhook/crm/test");
    EXPECT_EQ(h.query.size(), 4u);
    EXPECT_TRUE(h.body.empty());
    EXPECT_FALSE(net::find_header(h.headers, "content-type"));
    EXPECT_FALSE(net::find_header(h.headers, "authorization"));
  }
  Answer log = call("GET", "/__admin/webhook_deliveries", "", "");
  EXPECT_EQ(log["deliveries"].as_array().size(), 4u);
  EXPECT_TRUE(log["deliveries"].as_array()[0].find("delivered")->as_bool());
}

TEST_F(PgTest, PausedWebhooksAreLostAndAdminEditsFireThemToo) {
  HookReceiver receiver;
  call("POST", "/__admin/webhooks", "{\"url\":\"" + receiver.url("x") + "\",\"type\":\"Identity\"}",
       "");
  call("POST", "/__admin/webhook_delivery", R"({"paused":true})", "");
  create("person", R"({"nickName":"گمشده"})");
  call("POST", "/__admin/webhook_delivery", R"({"paused":false})", "");
  Answer made = call("POST", "/__admin/person", R"({"nickName":"کاربر"})", "");
  ASSERT_EQ(made.status, 201) << made.response.body;
  ASSERT_TRUE(eventually([&] { return receiver.count() >= 1; }));
  ASSERT_TRUE(eventually(
      [&] { return call("GET", "/__admin/webhook_deliveries", "", "")["queued"].as_int() == 0; }));
  ASSERT_EQ(receiver.count(), 1u);
  EXPECT_EQ(receiver.hits()[0].query.find("id")->second, made["crmId"].as_string());
  Answer log = call("GET", "/__admin/webhook_deliveries", "", "");
  EXPECT_TRUE(log["deliveries"].as_array()[0].find("dropped")->as_bool());
  EXPECT_EQ(call("GET", "/__admin/person", "", "").json.as_array().size(), 2u);
}

}  // namespace
}  // namespace crmsync::sandbox::payamgostar::testing
