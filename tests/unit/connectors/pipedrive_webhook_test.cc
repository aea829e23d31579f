// Pipedrive webhook bodies (v1 and v2) into change hints, and malformed
// bodies into errors that say where and what. The bodies follow Pipedrive's
// webhook guides (v2: meta.action create|change|delete, entity_id as a
// string, RFC 3339 timestamp; v1: added|updated|deleted|merged, numeric id,
// epoch seconds); the recorded fixtures have no webhook bodies.
#include "connectors/pipedrive/pipedrive_webhook.h"

#include <gtest/gtest.h>

namespace crmsync {
namespace {

using Action = PipedriveChangeHint::Action;

TEST(PipedriveWebhook, V2Change) {
  auto h = parse_pipedrive_webhook(R"({"meta":{"action":"change","entity":"person",
    "entity_id":"7","id":"9b1c","company_id":"123","user_id":"1","correlation_id":"c1",
    "is_bulk_edit":false,"timestamp":"2024-01-02T10:00:00.000Z","type":"general",
    "version":"2.0","webhook_id":"55","webhook_owner_id":"1","change_source":"api",
    "attempt":1,"host":"acme.pipedrive.com","permitted_user_ids":["1"]},
    "data":{"id":7,"name":"Jane Doe","custom_fields":{}},"previous":{"name":"Jane D."}})");
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->object, "person");
  EXPECT_EQ(h->id, "7");
  EXPECT_EQ(h->action, Action::update);
  EXPECT_EQ(h->time, *DateTime::parse("2024-01-02T10:00:00Z", 0));
}

TEST(PipedriveWebhook, V2CreateAndDelete) {
  auto c = parse_pipedrive_webhook(
      R"({"meta":{"action":"create","entity":"deal","entity_id":"42","version":"2.0",
      "timestamp":"2024-05-01T08:30:00Z"},"data":{"id":42},"previous":null})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->action, Action::create);
  EXPECT_EQ(c->object, "deal");
  auto d = parse_pipedrive_webhook(
      R"({"meta":{"action":"delete","entity":"organization","entity_id":"3","version":"2.0",
      "timestamp":"2024-05-01T08:30:00Z"},"data":null,"previous":{"id":3,"name":"Acme"}})");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->action, Action::remove);
  EXPECT_EQ(d->id, "3");
  EXPECT_EQ(to_string(d->action), "delete");
}

TEST(PipedriveWebhook, V1Bodies) {
  auto u = parse_pipedrive_webhook(R"({"v":1,"matches_filters":{"current":[]},
    "meta":{"v":1,"action":"updated","object":"deal","id":1,"company_id":2,"user_id":3,
    "host":"acme.pipedrive.com","timestamp":1523440213,"timestamp_micro":1523440213000000,
    "change_source":"app","is_bulk_update":false,"webhook_id":4},
    "retry":0,"current":{"id":1,"title":"D"},"previous":{"id":1,"title":"C"},
    "event":"updated.deal"})");
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ(u->action, Action::update);
  EXPECT_EQ(u->object, "deal");
  EXPECT_EQ(u->id, "1");
  EXPECT_EQ(u->time, DateTime::from_unix_seconds(1523440213));
  for (auto [action, want] :
       {std::pair{"added", Action::create}, std::pair{"deleted", Action::remove},
        std::pair{"merged", Action::update}}) {
    auto h = parse_pipedrive_webhook(std::string(R"({"v":1,"meta":{"action":")") + action +
                                     R"(","object":"person","id":5,"timestamp":1}})");
    ASSERT_TRUE(h.ok()) << action << ": " << h.error().message;
    EXPECT_EQ(h->action, want) << action;
  }
}

// Each malformed body is rejected with the place and the problem.
TEST(PipedriveWebhook, MalformedBodiesSayWhereAndWhat) {
  struct Case {
    const char* body;
    const char* says;
  };
  const Case cases[] = {
      {"not json", "body: not JSON"},
      {"[1,2]", "body: expected a JSON object, got an array"},
      {R"({"data":{}})", "meta: missing"},
      {R"({"meta":"x"})", "meta: expected an object, got a string"},
      {R"({"meta":{"entity":"person","entity_id":"1","timestamp":"2024-01-01T00:00:00Z"}})",
       "meta.action: missing"},
      {R"({"meta":{"action":"updated","entity":"person","entity_id":"1","version":"2.0",
          "timestamp":"2024-01-01T00:00:00Z"}})",
       "meta.action: expected create, change or delete, got 'updated'"},
      {R"({"meta":{"action":"change","entity":"stage","entity_id":"1",
          "timestamp":"2024-01-01T00:00:00Z"}})",
       "meta.entity: object 'stage' is not one crmsync syncs"},
      {R"({"meta":{"action":"change","entity":"person","entity_id":"abc",
          "timestamp":"2024-01-01T00:00:00Z"}})",
       "meta.entity_id: expected a record id, got a string 'abc'"},
      {R"({"meta":{"action":"change","entity":"person","entity_id":"1","timestamp":"yesterday"}})",
       "meta.timestamp: not an RFC 3339 time: 'yesterday'"},
      {R"({"meta":{"action":"change","entity":"person","entity_id":"1","version":"3.0",
          "timestamp":"2024-01-01T00:00:00Z"}})",
       "meta.version: expected \"2.0\""},
      {R"({"v":1,"meta":{"action":"updated","object":"deal","id":1,"timestamp":"1523440213"}})",
       "meta.timestamp: expected epoch seconds, got a string"},
      {R"({"v":1,"meta":{"action":"updated","object":"deal","timestamp":1}})", "meta.id: missing"},
      // Found by fuzz/pipedrive_webhook: seconds times 10^6 overflowed (UB).
      {R"({"v":1,"meta":{"action":"updated","object":"deal","id":1,"timestamp":151523440213000000}})",
       "meta.timestamp: epoch seconds past the year 9999"},
  };
  for (const Case& c : cases) {
    auto h = parse_pipedrive_webhook(c.body);
    ASSERT_FALSE(h.ok()) << c.body;
    EXPECT_EQ(h.error().kind, ErrorKind::rejected);
    EXPECT_NE(h.error().message.find(c.says), std::string::npos)
        << "body: " << c.body << "\nmessage: " << h.error().message;
  }
}

}  // namespace
}  // namespace crmsync
