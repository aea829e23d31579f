// What `crmsync setup` does to Pipedrive's webhook subscriptions: the plan
// from a listing (GET /v1/webhooks) and the request. Exactly one per needed
// object at our URL; drift replaced; extras and duplicates deleted; other
// URLs never touched. The end-to-end proof against the sandbox is
// tests/scenario/serve_webhooks/registration_test.cc.
#include "connectors/pipedrive/pipedrive_webhook_subscriptions.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace crmsync {
namespace {

WebhookSubscriptionRequest request(std::vector<std::string> objects) {
  WebhookSubscriptionRequest r;
  r.url = "https://sync.example.com/hooks/pd";
  r.user = "crmsync";
  r.password = "s3cret-hook-password";
  r.objects = std::move(objects);
  r.apply = true;
  return r;
}

// A subscription as our own create would have made it.
PipedriveSubscription ours(int64_t id, const std::string& object,
                           const WebhookSubscriptionRequest& r) {
  return {id, r.url, "*", object, "2.0", r.user, "***", pipedrive_subscription_name(r)};
}

TEST(PipedriveWebhookSubscriptions, NothingListedRegistersEachObjectOnce) {
  auto r = request({"deal", "person"});
  auto plan = plan_pipedrive_subscriptions({}, r);
  EXPECT_EQ(plan.create_objects, (std::vector<std::string>{"deal", "person"}));
  EXPECT_TRUE(plan.delete_ids.empty());
  EXPECT_EQ(plan.lines,
            (std::vector<std::string>{"register deal webhook", "register person webhook"}));
}

TEST(PipedriveWebhookSubscriptions, WhatIsThereAlreadyIsKept) {
  auto r = request({"deal", "person"});
  auto plan = plan_pipedrive_subscriptions({ours(3, "person", r), ours(4, "deal", r)}, r);
  EXPECT_TRUE(plan.empty());
  EXPECT_TRUE(plan.lines.empty());
}

TEST(PipedriveWebhookSubscriptions, TrailingSlashesDoNotMakeADuplicate) {
  auto r = request({"person"});
  auto s = ours(3, "person", r);
  s.url += "/";
  EXPECT_TRUE(plan_pipedrive_subscriptions({s}, r).empty());
}

TEST(PipedriveWebhookSubscriptions, DuplicatesAndUnneededObjectsAreDeleted) {
  auto r = request({"person"});
  auto plan = plan_pipedrive_subscriptions(
      {ours(3, "person", r), ours(4, "person", r), ours(5, "deal", r)}, r);
  EXPECT_TRUE(plan.create_objects.empty());
  EXPECT_EQ(plan.delete_ids, (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(plan.lines, (std::vector<std::string>{"delete person webhook 4 (a duplicate)",
                                                  "delete deal webhook 5 (no flow takes deal "
                                                  "webhooks)"}));
}

TEST(PipedriveWebhookSubscriptions, NoObjectNeededDeletesEverySubscriptionAtOurUrl) {
  auto had = request({"person"});
  auto plan = plan_pipedrive_subscriptions({ours(3, "person", had)}, request({}));
  EXPECT_EQ(plan.delete_ids, (std::vector<int64_t>{3}));
}

TEST(PipedriveWebhookSubscriptions, OtherUrlsAreNeverTouched) {
  auto r = request({"person"});
  auto foreign = ours(8, "person", r);
  foreign.url = "https://zapier.example.com/hooks/catch/1";
  auto other_connection = ours(9, "deal", r);
  other_connection.url = "https://sync.example.com/hooks/pd2";
  auto plan = plan_pipedrive_subscriptions({foreign, other_connection}, r);
  EXPECT_EQ(plan.create_objects, (std::vector<std::string>{"person"}));
  EXPECT_TRUE(plan.delete_ids.empty());
}

TEST(PipedriveWebhookSubscriptions, DriftIsReplacedAndSaysWhat) {
  auto r = request({"person"});
  struct Case {
    std::function<void(PipedriveSubscription&)> change;
    std::string why;
  };
  std::vector<Case> cases = {
      {[](PipedriveSubscription& s) { s.version = "1.0"; }, "version 1.0, not 2.0"},
      {[](PipedriveSubscription& s) { s.event_action = "change"; }, "event_action change, not *"},
      {[](PipedriveSubscription& s) { s.user = "someone"; }, "http auth user changed"},
      // The password changed in the config: the fingerprint no longer matches.
      {[](PipedriveSubscription& s) {
         auto old = request({"person"});
         old.password = "the-old-password";
         s.name = pipedrive_subscription_name(old);
       },
       "http auth password changed"},
      // A listing that gives the password back in clear is compared.
      {[](PipedriveSubscription& s) { s.password = "the-old-password"; },
       "http auth password changed"},
  };
  for (const Case& c : cases) {
    auto s = ours(3, "person", r);
    c.change(s);
    auto plan = plan_pipedrive_subscriptions({s}, r);
    EXPECT_EQ(plan.create_objects, (std::vector<std::string>{"person"})) << c.why;
    EXPECT_EQ(plan.delete_ids, (std::vector<int64_t>{3})) << c.why;
    ASSERT_EQ(plan.lines.size(), 2u);
    EXPECT_EQ(plan.lines[1], "delete person webhook 3 (" + c.why + ")");
  }
}

TEST(PipedriveWebhookSubscriptions, ADriftedOneBesideAGoodOneIsOnlyDeleted) {
  auto r = request({"person"});
  auto drifted = ours(3, "person", r);
  drifted.version = "1.0";
  auto plan = plan_pipedrive_subscriptions({drifted, ours(4, "person", r)}, r);
  EXPECT_TRUE(plan.create_objects.empty());
  EXPECT_EQ(plan.delete_ids, (std::vector<int64_t>{3}));
}

TEST(PipedriveWebhookSubscriptions, TheNameFingerprintsButNeverShowsThePassword) {
  auto r = request({"person"});
  std::string name = pipedrive_subscription_name(r);
  EXPECT_EQ(name.size(), std::string("crmsync ").size() + 16);
  EXPECT_EQ(name.find(r.password), std::string::npos);
  auto other = r;
  other.password += "x";
  EXPECT_NE(pipedrive_subscription_name(other), name);
}

TEST(PipedriveWebhookSubscriptions, TheBodyIsWhatPipedriveDocuments) {
  auto r = request({"person"});
  auto body = parse_json(pipedrive_subscription_body(r, "person"));
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body->find("subscription_url"), Value("https://sync.example.com/hooks/pd"));
  EXPECT_EQ(*body->find("event_action"), Value("*"));
  EXPECT_EQ(*body->find("event_object"), Value("person"));
  EXPECT_EQ(*body->find("version"), Value("2.0"));
  EXPECT_EQ(*body->find("http_auth_user"), Value("crmsync"));
  EXPECT_EQ(*body->find("http_auth_password"), Value("s3cret-hook-password"));
  EXPECT_EQ(*body->find("name"), Value(pipedrive_subscription_name(r)));
}

TEST(PipedriveWebhookSubscriptions, ParsesAListingAndRefusesOneWithoutIds) {
  auto listed = parse_json(R"([{"id":12,"subscription_url":"https://x/hooks/pd",
    "event_action":"*","event_object":"deal","version":"2.0","http_auth_user":"crmsync",
    "http_auth_password":"***","name":"crmsync 0011223344556677","is_active":1}])");
  ASSERT_TRUE(listed.ok());
  auto subs = parse_pipedrive_subscriptions(*listed);
  ASSERT_TRUE(subs.ok()) << subs.error().message;
  ASSERT_EQ(subs->size(), 1u);
  EXPECT_EQ((*subs)[0].id, 12);
  EXPECT_EQ((*subs)[0].event_object, "deal");
  EXPECT_EQ((*subs)[0].password, "***");
  EXPECT_TRUE(parse_pipedrive_subscriptions(Value())->empty());  // data: null
  auto bad = parse_json(R"([{"subscription_url":"https://x"}])");
  EXPECT_FALSE(parse_pipedrive_subscriptions(*bad).ok());
}

}  // namespace
}  // namespace crmsync
