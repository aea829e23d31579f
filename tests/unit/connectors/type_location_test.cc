#include <gtest/gtest.h>

#include "config/loader.h"
#include "connectors/registry.h"

namespace crmsync {
namespace {

// Issue 30 part 7: `type: nosuchdb` is reported at the `type:` line, not at
// the connection's name.
TEST(ConnectorTypeLocation, AnUnknownTypeIsReportedAtItsOwnLine) {
  const char* text = R"(connections:
  crm:
    path: a.db

    type: nosuchdb
flows: {}
)";
  auto loaded = load_config_text(
      text, "c.yaml", [](const std::string&) -> std::optional<std::string> { return {}; });
  ASSERT_EQ(loaded.config.connections.size(), 1u);
  Diagnostics d = ConnectorRegistry::instance().validate(loaded.config.connections[0]);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].location.line, 5) << d[0].to_string();
  EXPECT_EQ(d[0].location.column, 11) << d[0].to_string();
  EXPECT_EQ(d[0].location.key, "connections.crm.type");
  EXPECT_NE(d[0].message.find("no connector type 'nosuchdb'"), std::string::npos);
}

}  // namespace
}  // namespace crmsync
