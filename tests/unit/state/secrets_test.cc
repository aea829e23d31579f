#include <gtest/gtest.h>

#include "state/secret_cipher.h"
#include "state/state_store.h"

namespace crmsync {
namespace {

const std::string kToken = "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJrcx.YDJnVb8zc0dHO.Js2Q";

TEST(Secrets, ASecretCannotBeMovedToAnotherName) {
  std::string key(32, 'z');
  std::string sealed = seal_secret(key, "connection:a:refresh_token", kToken);
  EXPECT_TRUE(open_secret(key, "connection:a:refresh_token", sealed).ok());
  EXPECT_FALSE(open_secret(key, "connection:b:refresh_token", sealed).ok());
  sealed[14] ^= 1;
  EXPECT_FALSE(open_secret(key, "connection:a:refresh_token", sealed).ok());
  EXPECT_FALSE(open_secret(key, "x", "short").ok());
}

}  // namespace
}  // namespace crmsync
