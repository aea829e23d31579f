#include <gtest/gtest.h>

#include <cstdlib>

#include "core/base64.h"
#include "state/secret_cipher.h"
#include "state/state_store.h"
#include "unit/state/cases/state_suite.h"

namespace crmsync {
namespace secrets_cases {

using testing::SecretsSuite;

// Sets CRMSYNC_SECRET_KEY for one test and restores "unset" after it.
class SecretKeyEnv {
 public:
  explicit SecretKeyEnv(const std::string& value) { setenv(kSecretKeyEnv, value.c_str(), 1); }
  ~SecretKeyEnv() { unsetenv(kSecretKeyEnv); }
};

std::string key_b64(char fill) {
  return base64_encode(std::string(32, fill));
}

const std::string kToken = "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrcx.YDJnVb8zc0dHO.Js2Q";

TEST_P(SecretsSuite, RoundTripEncryptedAtRest) {
  auto s = backend().open();
  ASSERT_TRUE(s.ok()) << s.error().message;
  SecretKeyEnv env(key_b64('k'));
  ASSERT_TRUE((*s)->put_secret("connection:sf:refresh_token", kToken, 100).ok());
  EXPECT_TRUE(*(*s)->has_secret("connection:sf:refresh_token"));
  EXPECT_FALSE(*(*s)->has_secret("connection:other:refresh_token"));
  auto back = (*s)->get_secret("connection:sf:refresh_token");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(**back, kToken);
  auto none = (*s)->get_secret("connection:other:refresh_token");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  std::string sealed = backend().raw_secret("connection:sf:refresh_token");
  EXPECT_EQ(sealed.size(), kToken.size() + 12 + 16);
  EXPECT_EQ(sealed.find(kToken), std::string::npos);
  EXPECT_EQ(sealed.find(kToken.substr(0, 12)), std::string::npos);

  // A second put replaces the value (a new token from a new connect).
  ASSERT_TRUE((*s)->put_secret("connection:sf:refresh_token", "second", 200).ok());
  EXPECT_EQ(**(*s)->get_secret("connection:sf:refresh_token"), "second");
}

TEST_P(SecretsSuite, DeleteForgetsTheSecretWithoutAKey) {
  auto s = backend().open();
  ASSERT_TRUE(s.ok()) << s.error().message;
  {
    SecretKeyEnv env(key_b64('k'));
    ASSERT_TRUE((*s)->put_secret("connection:sf:refresh_token", kToken, 100).ok());
  }
  EXPECT_EQ((*s)->delete_secret("connection:sf:refresh_token").value(), true);
  EXPECT_FALSE((*s)->has_secret("connection:sf:refresh_token").value());
  EXPECT_TRUE(backend().raw_secret("connection:sf:refresh_token").empty());
  EXPECT_EQ((*s)->delete_secret("connection:sf:refresh_token").value(), false);
}

TEST_P(SecretsSuite, WrongKeyIsAClearErrorThatEchoesNothing) {
  auto s = backend().open();
  ASSERT_TRUE(s.ok()) << s.error().message;
  {
    SecretKeyEnv env(key_b64('a'));
    ASSERT_TRUE((*s)->put_secret("connection:sf:refresh_token", kToken, 1).ok());
  }
  SecretKeyEnv env(key_b64('b'));
  auto r = (*s)->get_secret("connection:sf:refresh_token");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::fatal);
  EXPECT_NE(r.error().message.find("CRMSYNC_SECRET_KEY does not open"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().message.find(kToken), std::string::npos);
  EXPECT_EQ(r.error().message.find(key_b64('b')), std::string::npos);
}

TEST_P(SecretsSuite, RefusesWithoutAUsableKey) {
  auto s = backend().open();
  ASSERT_TRUE(s.ok()) << s.error().message;
  unsetenv(kSecretKeyEnv);
  Status put = (*s)->put_secret("n", kToken, 1);
  ASSERT_FALSE(put.ok());
  EXPECT_NE(put.error().message.find("CRMSYNC_SECRET_KEY is not set"), std::string::npos);
  EXPECT_FALSE((*s)->has_secret("n").value());  // nothing was stored
  EXPECT_FALSE((*s)->get_secret("n").ok());
  {
    SecretKeyEnv env(base64_encode("too short"));
    Status p = (*s)->put_secret("n", kToken, 1);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.error().message.find("base64 of exactly 32 bytes"), std::string::npos);
    EXPECT_EQ(p.error().message.find(base64_encode("too short")), std::string::npos);
  }
}

}  // namespace secrets_cases
}  // namespace crmsync
