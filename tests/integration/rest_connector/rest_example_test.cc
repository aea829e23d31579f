#include <gtest/gtest.h>

#include <string>

#include "support/run_command.h"

namespace crmsync::testing {
namespace {

TEST(RestExample, ShippedConfigValidates) {
  auto r = run_command("FINANCE_PASSWORD=x CRM_TOKEN=y " + std::string(CRMSYNC_BINARY) + " -c " +
                       CRMSYNC_SOURCE_DIR + "/examples/rest-to-sqlite/crmsync.yaml validate");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(RestExample, SpecListsTheConnectionOptions) {
  auto r = run_command(std::string(CRMSYNC_BINARY) + " spec rest");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* key : {"base_url", "objects", "password_transform", "token_pointer",
                          "requests_per_second", "verify_tls"}) {
    EXPECT_NE(r.output.find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace crmsync::testing
