// Webhook deliveries read at the places a config names (no C++ per CRM),
// and the per-connector hook (Pipedrive's own bodies).
#include "connectors/webhook_fields.h"

#include <gtest/gtest.h>

#include "connectors/webhook_parsers.h"

namespace crmsync {
namespace webhook_fields_test {

// S1's query-only GET (shared/api/s1-finance-crm.md section 3).
WebhookConfig s1_config() {
  WebhookConfig c;
  c.scheme = WebhookConfig::Scheme::path_secret;
  c.id_at = "query.id";
  c.object_at = "query.type";
  c.action_at = "query.event";
  c.actions = {{"Insert", "create"}, {"Update", "update"}, {"Delete", "delete"}};
  c.objects = {{"Identity", "identity"}};
  return c;
}

struct Delivery {
  std::multimap<std::string, std::string> query;
  net::HttpHeaders headers;
  std::string body;
  Result<WebhookChange> parse(const WebhookConfig& c, std::string_view type = "rest") const {
    return parse_webhook(type, c, WebhookRequest{"GET", &query, &headers, body});
  }
};

TEST(WebhookFields, ReadsS1sQueryOnlyGetThroughTheNameMaps) {
  Delivery d;
  d.query = {{"event", "Update"},
             {"id", "6f1c1d7e-0000-4000-8000-000000000001"},
             {"type", "Identity"},
             {"subtype", "مخاطب حقیقی siagh"}};
  auto c = d.parse(s1_config());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->record_id, "6f1c1d7e-0000-4000-8000-000000000001");
  EXPECT_EQ(c->object, "identity");
  EXPECT_EQ(c->action, "update");
  EXPECT_EQ(c->event_id, "");
  EXPECT_EQ(c->changed_at, 0);
  d.query.find("event")->second = "Insert";
  EXPECT_EQ(d.parse(s1_config())->action, "create");
  // A word the map does not know is an update (the record is read again anyway).
  d.query.find("event")->second = "Touched";
  EXPECT_EQ(d.parse(s1_config())->action, "update");
  // An object outside the map keeps its name (no flow reads it: ignored).
  d.query.find("type")->second = "Quote";
  EXPECT_EQ(d.parse(s1_config())->object, "Quote");
}

TEST(WebhookFields, BodyPathsHeadersAndNumbers) {
  WebhookConfig c;
  c.id_at = "body.data.id";
  c.object_at = "header.X-Object";
  c.action_at = "body.type";
  c.event_id_at = "body.event";
  Delivery d;
  d.headers.emplace("x-object", "contact");
  d.body = R"({"event":"evt_1","type":"DELETE","data":{"id":42}})";
  auto ch = d.parse(c);
  ASSERT_TRUE(ch.ok()) << ch.error().message;
  EXPECT_EQ(ch->record_id, "42");
  EXPECT_EQ(ch->object, "contact");
  EXPECT_EQ(ch->action, "delete");
  EXPECT_EQ(ch->event_id, "evt_1");
}

TEST(WebhookFields, MalformedDeliveriesNameThePlace) {
  WebhookConfig c;
  c.id_at = "body.data.id";
  auto expect_error = [&](const std::string& body, const std::string& says) {
    Delivery d;
    d.body = body;
    auto ch = d.parse(c);
    ASSERT_FALSE(ch.ok()) << body;
    EXPECT_EQ(ch.error().kind, ErrorKind::rejected);
    EXPECT_NE(ch.error().message.find(says), std::string::npos) << ch.error().message;
  };
  expect_error("", "body.data.id: the body is not JSON");
  expect_error("{", "body.data.id: the body is not JSON");
  expect_error(R"({"data":{}})", "body.data.id: missing");
  expect_error(R"({"data":7})", "body.data.id: the body has no object at 'id'");
  expect_error(R"({"data":{"id":[1]}})", "body.data.id: expected a string or an integer");
  expect_error(R"({"data":{"id":""}})", "body.data.id: empty");
  Delivery none;
  WebhookConfig q = s1_config();
  auto missing = none.parse(q);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("query.id: missing"), std::string::npos);
  WebhookConfig unplaced;
  EXPECT_FALSE(none.parse(unplaced).ok());
}

TEST(WebhookParsers, PipedriveBodiesGiveTheEventIdAndTime) {
  WebhookConfig c;  // scheme pipedrive, no places: Pipedrive's own parser
  Delivery v2;
  v2.body = R"({"meta":{"action":"change","entity":"person","entity_id":"7","id":"ev-1",
      "timestamp":"2026-12-01T10:00:00Z","version":"2.0"},"data":{},"previous":{}})";
  auto ch = v2.parse(c, "pipedrive");
  ASSERT_TRUE(ch.ok()) << ch.error().message;
  EXPECT_EQ(ch->event_id, "ev-1");
  EXPECT_EQ(ch->object, "person");
  EXPECT_EQ(ch->record_id, "7");
  EXPECT_EQ(ch->action, "update");
  EXPECT_GT(ch->changed_at, 0);
  Delivery v1;
  v1.body = R"({"v":1,"meta":{"action":"deleted","object":"deal","id":9,"timestamp":1796000000,
      "timestamp_micro":1796000000123456},"current":null,"previous":{}})";
  ch = v1.parse(c, "pipedrive");
  ASSERT_TRUE(ch.ok()) << ch.error().message;
  EXPECT_EQ(ch->event_id, "");
  EXPECT_EQ(ch->action, "delete");
  EXPECT_EQ(ch->changed_at, 1796000000123456);
}

TEST(WebhookParsers, APipedriveObjectCrmsyncDoesNotSyncIsNamedNotRefused) {
  Delivery d;
  d.body = R"({"meta":{"action":"change","entity":"stage","entity_id":"1","id":"e",
      "timestamp":"2026-12-01T10:00:00Z","version":"2.0"}})";
  auto ch = d.parse(WebhookConfig{}, "pipedrive");
  ASSERT_TRUE(ch.ok()) << ch.error().message;
  EXPECT_EQ(ch->object, "pipedrive:stage");
  Delivery broken;
  broken.body = R"({"meta":{"action":"change"}})";
  EXPECT_FALSE(broken.parse(WebhookConfig{}, "pipedrive").ok());
}

TEST(WebhookParsers, FlowObjectsAreNamedAsDeliveriesNameThem) {
  EXPECT_EQ(webhook_object_name("pipedrive", "persons"), "person");
  EXPECT_EQ(webhook_object_name("pipedrive", "person"), "person");
  EXPECT_EQ(webhook_object_name("rest", "persons"), "persons");
}

}  // namespace webhook_fields_test
}  // namespace crmsync
