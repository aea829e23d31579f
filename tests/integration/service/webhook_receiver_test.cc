// serve's webhook receivers (issue 19): each scheme accepts what its sender
// sends and refuses the rest with the right status and a counted reason;
// nothing is acknowledged before it is committed.
#include <gtest/gtest.h>

#include "webhook_harness.h"

namespace crmsync::testing {
namespace webhook_receiver_test {

int64_t metric(WebhookHarness& h, const std::string& sample) {
  net::HttpClient c;
  net::HttpClientRequest req;
  req.method = "GET";
  req.url = h.url("/metrics");
  auto res = c.send(req);
  if (!res) return -1;
  size_t at = res->body.find("\n" + sample + " ");
  if (at == std::string::npos) return 0;
  return std::stoll(res->body.substr(at + sample.size() + 2));
}

TEST(WebhookReceiver, PipedriveBasicAuthAcceptsOnceAndRefusesWrongCredentials) {
  WebhookHarness h;
  std::string body = WebhookHarness::pipedrive_body("7", "ev-1");
  EXPECT_EQ(h.send("POST", "/hooks/pd", body).status, 401);
  EXPECT_EQ(h.send("POST", "/hooks/pd", body, WebhookHarness::basic("crmsync", "wrong")).status,
            401);
  EXPECT_EQ(h.send("POST", "/hooks/pd", body, WebhookHarness::basic("other", kHookPassword)).status,
            401);
  net::HttpHeaders bearer;
  bearer.emplace("Authorization", "Bearer " + std::string(kHookPassword));
  EXPECT_EQ(h.send("POST", "/hooks/pd", body, bearer).status, 401);
  EXPECT_EQ(h.inbox_rows(), 0);

  auto ok = h.send("POST", "/hooks/pd", body, WebhookHarness::basic("crmsync", kHookPassword));
  EXPECT_EQ(ok.status, 202) << ok.body;
  EXPECT_NE(ok.body.find("\"queued\""), std::string::npos) << ok.body;
  // Pipedrive's retry of the same event: acknowledged, not queued again.
  auto again = h.send("POST", "/hooks/pd", body, WebhookHarness::basic("crmsync", kHookPassword));
  EXPECT_EQ(again.status, 202);
  EXPECT_NE(again.body.find("\"duplicate\""), std::string::npos) << again.body;
  EXPECT_EQ(h.inbox_rows(), 1);

  EXPECT_EQ(metric(h, R"(crmsync_webhook_received_total{connection="pd"})"), 6);
  EXPECT_EQ(metric(h, R"(crmsync_webhook_rejected_total{connection="pd",reason="missing_auth"})"),
            1);
  EXPECT_EQ(metric(h, R"(crmsync_webhook_rejected_total{connection="pd",reason="wrong_password"})"),
            2);
  EXPECT_EQ(metric(h, R"(crmsync_webhook_duplicates_total{connection="pd"})"), 1);
  // Kept in the store too (crmsync inbox), and the password is in no log line.
  auto summary = h.store().inbox_summary();
  ASSERT_TRUE(summary);
  int64_t refused = 0;
  for (const auto& r : summary->rejected) refused += r.count;
  EXPECT_EQ(refused, 4);
  EXPECT_EQ(h.log().text().find(kHookPassword), std::string::npos);
}

TEST(WebhookReceiver, StandardWebhooksRefuseStaleReplayedTamperedAndAcceptRotation) {
  WebhookHarness h;
  std::string body = R"({"type":"people","data":{"id":"p1"}})";
  auto ok = h.send("POST", "/hooks/signed", body, h.signed_headers("msg_1", body));
  EXPECT_EQ(ok.status, 202) << ok.body;
  // The same message again: a replay.
  auto replay = h.send("POST", "/hooks/signed", body, h.signed_headers("msg_1", body));
  EXPECT_EQ(replay.status, 401);
  EXPECT_NE(replay.body.find("replayed"), std::string::npos) << replay.body;
  // Signed 6 minutes ago (or ahead).
  EXPECT_EQ(
      h.send("POST", "/hooks/signed", body, h.signed_headers("msg_2", body, {kSigningKey}, -360))
          .status,
      401);
  EXPECT_EQ(
      h.send("POST", "/hooks/signed", body, h.signed_headers("msg_3", body, {kSigningKey}, 360))
          .status,
      401);
  // Signed for another body.
  auto tampered = h.signed_headers("msg_4", body);
  EXPECT_EQ(
      h.send("POST", "/hooks/signed", R"({"type":"people","data":{"id":"p2"}})", tampered).status,
      401);
  // A key we do not know.
  std::string stranger = "whsec_" + base64_encode("a key nobody configured, 32 byte");
  EXPECT_EQ(
      h.send("POST", "/hooks/signed", body, h.signed_headers("msg_5", body, {stranger})).status,
      401);
  // Missing headers.
  EXPECT_EQ(h.send("POST", "/hooks/signed", body).status, 401);
  // Rotation: two signatures, one of a key we know; or the old key alone.
  EXPECT_EQ(h.send("POST", "/hooks/signed", body,
                   h.signed_headers("msg_6", body, {stranger, kSigningKey}))
                .status,
            202);
  EXPECT_EQ(h.send("POST", "/hooks/signed", body, h.signed_headers("msg_7", body, {kOldSigningKey}))
                .status,
            202);
  EXPECT_EQ(h.inbox_rows(), 3);
  for (const char* reason :
       {"replayed", "stale_timestamp", "signature_mismatch", "missing_header"}) {
    EXPECT_GT(
        metric(h, std::string(R"(crmsync_webhook_rejected_total{connection="signed",reason=")") +
                      reason + "\"}"),
        0)
        << reason;
  }
  EXPECT_EQ(h.log().text().find(kSigningKey.substr(6)), std::string::npos);
}

TEST(WebhookReceiver, QueryOnlyGetNeedsThePathSecret) {
  WebhookHarness h;
  std::string query = "?event=Update&id=p2&type=Identity&subtype=x";
  EXPECT_EQ(h.send("GET", std::string("/hooks/s1/") + kPathSecret + query).status, 202);
  EXPECT_EQ(h.send("GET", "/hooks/s1/wrong-secret-0123456789abcdef" + query).status, 401);
  EXPECT_EQ(h.send("GET", "/hooks/s1" + query).status, 401);
  // A path secret means nothing to another scheme.
  EXPECT_EQ(h.send("POST", std::string("/hooks/pd/") + kPathSecret,
                   WebhookHarness::pipedrive_body("7", "e"),
                   WebhookHarness::basic("crmsync", kHookPassword))
                .status,
            401);
  EXPECT_EQ(h.events_of("s1_people"), 1);
  EXPECT_EQ(
      metric(h, R"(crmsync_webhook_rejected_total{connection="s1",reason="wrong_path_secret"})"),
      1);
  EXPECT_EQ(h.log().text().find(kPathSecret), std::string::npos);
}

TEST(WebhookReceiver, UnknownMalformedOversizeAndIgnoredDeliveries) {
  WebhookHarness h;
  auto auth = WebhookHarness::basic("crmsync", kHookPassword);
  EXPECT_EQ(h.send("POST", "/hooks/nobody", "{}", auth).status, 404);
  EXPECT_EQ(h.send("POST", "/hooks/wh", "{}", auth).status, 404);  // no webhooks: block
  auto bad = h.send("POST", "/hooks/pd", R"({"meta":{"action":"change"}})", auth);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("meta.entity"), std::string::npos) << bad.body;
  EXPECT_EQ(h.send("POST", "/hooks/pd", "not json", auth).status, 400);
  EXPECT_EQ(metric(h, R"(crmsync_webhook_rejected_total{connection="pd",reason="malformed"})"), 2);
  std::string huge = WebhookHarness::pipedrive_body("7", "big");
  huge.insert(huge.size() - 1, ",\"pad\":\"" + std::string(2u << 20, 'x') + "\"");
  EXPECT_EQ(h.send("POST", "/hooks/pd", huge, auth).status, 413);
  // Stages: Pipedrive notifies them, no flow reads them.
  auto stage = h.send("POST", "/hooks/pd", WebhookHarness::pipedrive_body("3", "s", "stage"), auth);
  EXPECT_EQ(stage.status, 202);
  EXPECT_NE(stage.body.find("ignored"), std::string::npos);
  auto deal = h.send("POST", "/hooks/pd", WebhookHarness::pipedrive_body("3", "d", "deal"), auth);
  EXPECT_EQ(deal.status, 202);
  EXPECT_EQ(metric(h, R"(crmsync_webhook_ignored_total{connection="pd"})"), 2);
  EXPECT_EQ(h.inbox_rows(), 0);
}

TEST(WebhookReceiver, AFloodFromOneAddressGets429) {
  service::WebhookLimits limits;
  limits.per_address_rate = 1;
  limits.per_address_burst = 3;
  WebhookHarness h(limits);
  auto auth = WebhookHarness::basic("crmsync", kHookPassword);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(h.send("POST", "/hooks/pd",
                     WebhookHarness::pipedrive_body("7", "e" + std::to_string(i)), auth)
                  .status,
              202);
  }
  auto flood = h.send("POST", "/hooks/pd", WebhookHarness::pipedrive_body("7", "e9"), auth);
  EXPECT_EQ(flood.status, 429);
  EXPECT_TRUE(flood.header("Retry-After"));
  // The bucket refills with time (the service's clock).
  h.clock().advance_micros(1'000'000);
  EXPECT_EQ(h.send("POST", "/hooks/pd", WebhookHarness::pipedrive_body("7", "e9"), auth).status,
            202);
}

TEST(WebhookReceiver, NothingIsAcknowledgedThatWasNotCommitted) {
  WebhookHarness h;
  auto auth = WebhookHarness::basic("crmsync", kHookPassword);
  // Every insert into the inbox fails (as a full disk would), in the real store.
  h.state().exec(
      "create trigger inbox_full before insert on inbox begin "
      "select raise(abort, 'database or disk is full'); end;");
  auto refused = h.send("POST", "/hooks/pd", WebhookHarness::pipedrive_body("7", "ev-1"), auth);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_TRUE(refused.header("Retry-After"));
  h.state().exec("drop trigger inbox_full;");
  EXPECT_EQ(h.inbox_rows(), 0);
  // The sender's retry is then taken (not a duplicate of a lost first try).
  auto retried = h.send("POST", "/hooks/pd", WebhookHarness::pipedrive_body("7", "ev-1"), auth);
  EXPECT_EQ(retried.status, 202);
  EXPECT_NE(retried.body.find("queued"), std::string::npos) << retried.body;
  EXPECT_EQ(h.inbox_rows(), 1);
}

}  // namespace webhook_receiver_test
}  // namespace crmsync::testing
