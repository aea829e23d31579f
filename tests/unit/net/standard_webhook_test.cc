// Standard Webhooks verification (net/standard_webhook.h): every way a
// delivery can be wrong is refused with its reason; rotation accepts either key.
#include "net/standard_webhook.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/base64.h"

namespace crmsync::net {
namespace standard_webhook_test {

// The Standard Webhooks spec's own example (standard-webhooks.md, "Signature
// scheme"): this secret, id, timestamp and body sign to this signature.
constexpr char kSpecSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr char kSpecId[] = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr char kSpecTimestamp[] = "1614265330";
constexpr char kSpecBody[] = R"({"test": 2432232314})";
constexpr char kSpecSignature[] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
constexpr int64_t kSpecNow = 1614265330LL * 1'000'000;
constexpr int64_t kTolerance = 300'000'000;

struct Delivery {
  std::string id = kSpecId;
  std::string timestamp = kSpecTimestamp;
  std::string signature = kSpecSignature;
  std::string body = kSpecBody;
};

std::optional<WebhookAuthFailure> verify(const Delivery& d, std::vector<std::string> secrets,
                                         int64_t now = kSpecNow) {
  StandardWebhookHeaders h;
  h.id = d.id;
  h.timestamp = d.timestamp;
  h.signature = d.signature;
  return verify_standard_webhook(h, d.body, secrets, now, kTolerance);
}

std::string reason(const std::optional<WebhookAuthFailure>& f) {
  return f ? f->reason : "accepted";
}

TEST(StandardWebhook, TheSpecExampleVerifiesAndSignsAlike) {
  EXPECT_EQ(reason(verify(Delivery{}, {kSpecSecret})), "accepted");
  EXPECT_EQ(sign_standard_webhook(kSpecSecret, kSpecId, kSpecTimestamp, kSpecBody), kSpecSignature);
}

TEST(StandardWebhook, AWrongSecretIsAMismatch) {
  std::string other = "whsec_" + base64_encode("another key of thirty-two bytes!");
  EXPECT_EQ(reason(verify(Delivery{}, {other})), "signature_mismatch");
}

TEST(StandardWebhook, ATamperedBodyIdOrTimestampIsAMismatch) {
  Delivery body;
  body.body = R"({"test": 2432232315})";
  EXPECT_EQ(reason(verify(body, {kSpecSecret})), "signature_mismatch");
  Delivery id;
  id.id = "msg_other";
  EXPECT_EQ(reason(verify(id, {kSpecSecret})), "signature_mismatch");
  Delivery stamp;
  stamp.timestamp = "1614265331";
  EXPECT_EQ(reason(verify(stamp, {kSpecSecret})), "signature_mismatch");
}

TEST(StandardWebhook, ATimestampOutsideTheToleranceIsStaleEitherWay) {
  EXPECT_EQ(reason(verify(Delivery{}, {kSpecSecret}, kSpecNow + kTolerance)), "accepted");
  EXPECT_EQ(reason(verify(Delivery{}, {kSpecSecret}, kSpecNow + kTolerance + 1'000'000)),
            "stale_timestamp");
  EXPECT_EQ(reason(verify(Delivery{}, {kSpecSecret}, kSpecNow - kTolerance - 1'000'000)),
            "stale_timestamp");
}

TEST(StandardWebhook, RotationAcceptsEitherKeyAndEitherSignature) {
  std::string old_key = "whsec_" + base64_encode("the old key, thirty-two bytes ok");
  // The sender signs with both keys while rotating; we know only the new one.
  Delivery d;
  d.signature = sign_standard_webhook(old_key, d.id, d.timestamp, d.body) + " " + kSpecSignature;
  EXPECT_EQ(reason(verify(d, {kSpecSecret})), "accepted");
  // We know both; the sender still signs with the old one only.
  d.signature = sign_standard_webhook(old_key, d.id, d.timestamp, d.body);
  EXPECT_EQ(reason(verify(d, {kSpecSecret, old_key})), "accepted");
  EXPECT_EQ(reason(verify(d, {kSpecSecret})), "signature_mismatch");
}

TEST(StandardWebhook, MissingHeadersAndMalformedValuesSayWhich) {
  StandardWebhookHeaders h;
  h.id = kSpecId;
  h.timestamp = kSpecTimestamp;  // no signature
  std::vector<std::string> secrets = {kSpecSecret};
  EXPECT_EQ(reason(verify_standard_webhook(h, kSpecBody, secrets, kSpecNow, kTolerance)),
            "missing_header");
  Delivery stamp;
  stamp.timestamp = "16142653x0";
  EXPECT_EQ(reason(verify(stamp, secrets)), "bad_timestamp");
  stamp.timestamp = "";
  EXPECT_EQ(reason(verify(stamp, secrets)), "bad_timestamp");
  for (const char* bad :
       {"", "v1,", "v1,!!!notbase64", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "v1,c2hvcnQ=", "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}) {
    Delivery d;
    d.signature = bad;
    EXPECT_EQ(reason(verify(d, secrets)), "bad_signature") << bad;
  }
}

TEST(StandardWebhook, ASecretThatIsNotBase64NeverMatches) {
  EXPECT_EQ(reason(verify(Delivery{}, {"whsec_***"})), "signature_mismatch");
  EXPECT_EQ(reason(verify(Delivery{}, {""})), "signature_mismatch");
  EXPECT_EQ(sign_standard_webhook("whsec_***", "a", "1", "b"), "");
}

TEST(StandardWebhook, BasicCredentialsComeFromTheBasicSchemeOnly) {
  EXPECT_EQ(basic_credentials("Basic " + base64_encode("crmsync:s3cret")), "crmsync:s3cret");
  EXPECT_EQ(basic_credentials("basic   " + base64_encode("u:p") + " "), "u:p");
  EXPECT_FALSE(basic_credentials("Bearer abc"));
  EXPECT_FALSE(basic_credentials("Basic !!!"));
  EXPECT_FALSE(basic_credentials("Basi"));
}

}  // namespace standard_webhook_test
}  // namespace crmsync::net
