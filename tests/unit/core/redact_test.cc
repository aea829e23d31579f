#include "core/redact.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/base64.h"

namespace crmsync {
namespace {

class RedactTest : public ::testing::Test {
 protected:
  void SetUp() override { r_.clear(); }
  Redactor r_;
};

TEST_F(RedactTest, TheSecretAndEveryDerivedFormAreMasked) {
  const std::string secret = "p@ss word/1+2";
  r_.add(secret, {"alice"});
  EXPECT_EQ(r_.redact("pw=p@ss word/1+2."), "pw=***.");
  EXPECT_EQ(r_.redact("url ?pw=p%40ss%20word%2F1%2B2&x"), "url ?pw=***&x");
  EXPECT_EQ(r_.redact("form pw=p%40ss+word%2F1%2B2"), "form pw=***");
  EXPECT_EQ(r_.redact("lower p%40ss%20word%2f1%2b2"), "lower ***");
  EXPECT_EQ(r_.redact("b64 " + base64_encode(secret)), "b64 ***");
  EXPECT_EQ(r_.redact("Authorization=Basic " + base64_encode("alice:" + secret)),
            "Authorization=Basic ***");
  EXPECT_EQ(r_.redact("json {\"pw\":\"p@ss word\\/1+2\"}"), "json {\"pw\":\"***\"}");
}

TEST_F(RedactTest, JsonEscapedQuotesAndBackslashes) {
  r_.add("ab\"cd\\ef");
  EXPECT_EQ(r_.redact(R"({"pw": "ab\"cd\\ef"})"), R"({"pw": "***"})");
}

TEST_F(RedactTest, ApiKeySentAsBasicUser) {
  r_.add("key-0123456789");
  EXPECT_EQ(r_.redact("Basic " + base64_encode("key-0123456789:")), "Basic ***");
}

TEST_F(RedactTest, ShortSecretsAreNotMatchedAsIsButTheirBasicFormIs) {
  r_.add("abc", {"admin"});
  EXPECT_EQ(r_.redact("abc is the alphabet's start"), "abc is the alphabet's start");
  EXPECT_EQ(r_.redact("Basic " + base64_encode("admin:abc")), "Basic ***");
}

TEST_F(RedactTest, ASecretCutShortByAnExcerptLimitLosesItsTail) {
  r_.add("0123456789abcdefghij");
  EXPECT_EQ(r_.redact("token=0123456789ab..."), "token=***...");
  EXPECT_EQ(r_.redact("token=0123456789ab"), "token=***");
  // Fewer than the minimum: left alone (ordinary text ends like that).
  EXPECT_EQ(r_.redact("id 01234"), "id 01234");
}

TEST_F(RedactTest, NothingRegisteredNothingChanged) {
  EXPECT_EQ(r_.redact("hunter2 and friends"), "hunter2 and friends");
  r_.add("");
  EXPECT_EQ(r_.form_count(), 0u);
}

TEST_F(RedactTest, ALongerFormContainingAShorterOneIsMaskedWhole) {
  r_.add("secret-one");
  r_.add("secret-one-and-more");
  EXPECT_EQ(r_.redact("x secret-one-and-more y secret-one"), "x *** y ***");
}

TEST_F(RedactTest, RegisteringWhileRedactingOnOtherThreadsIsSafe) {
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) r_.add("token-number-" + std::to_string(i));
  });
  for (int i = 0; i < 200; ++i) (void)r_.redact("token-number-5 token-number-150");
  writer.join();
  EXPECT_EQ(r_.redact("token-number-5 token-number-150"), "*** ***");
}

TEST(Scrub, ProcessWideRedactorAndValidUtf8) {
  Redactor::process().clear();
  register_secret("hunter2-secret");
  EXPECT_EQ(scrub("login failed for hunter2-secret \xFF!"), "login failed for *** \xEF\xBF\xBD!");
  Redactor::process().clear();
}

}  // namespace
}  // namespace crmsync
