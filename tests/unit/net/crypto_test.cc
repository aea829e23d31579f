#include "net/crypto.h"

#include <gtest/gtest.h>

#include "core/base64.h"
#include "support/test_keys.h"

namespace crmsync::net {
namespace {

TEST(Crypto, Sha256KnownVector) {
  EXPECT_EQ(base64_encode(sha256("abc")), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
}

TEST(Crypto, Rs256SignatureVerifiesOnlyWithTheMatchingCertificate) {
  auto a = testing::make_test_key_pair();
  auto b = testing::make_test_key_pair();
  auto sig = rs256_sign(a.private_key_pem, "header.claims");
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  EXPECT_EQ(sig->size(), 256u);
  EXPECT_TRUE(*rs256_verify(a.certificate_pem, "header.claims", *sig));
  EXPECT_FALSE(*rs256_verify(a.certificate_pem, "header.claimz", *sig));
  EXPECT_FALSE(*rs256_verify(b.certificate_pem, "header.claims", *sig));
}

TEST(Crypto, BadKeyMaterialIsAFatalErrorThatQuotesNothing) {
  auto sig = rs256_sign("-----BEGIN PRIVATE KEY-----\nnot a key\n", "x");
  ASSERT_FALSE(sig.ok());
  EXPECT_EQ(sig.error().kind, ErrorKind::fatal);
  EXPECT_EQ(sig.error().message.find("not a key"), std::string::npos);
  EXPECT_FALSE(rs256_verify("garbage", "x", "y").ok());
}

TEST(Crypto, RandomBytesDiffer) {
  EXPECT_EQ(random_bytes(32).size(), 32u);
  EXPECT_NE(random_bytes(16), random_bytes(16));
}

}  // namespace
}  // namespace crmsync::net
