#include <gtest/gtest.h>

#include "config/loader.h"

namespace crmsync {
namespace max_deletes_test {

LoadResult load_with(const std::string& value) {
  std::string text = R"(connections:
  a: {type: sqlite, path: a.db}
flows:
  f:
    source: {connection: a, object: A}
    target: {connection: a, object: B}
    on_delete: delete
    max_deletes: )" + value +
                     R"(
    mapping: {a: a}
)";
  return load_config_text(text, "my.yaml",
                          [](const std::string&) { return std::optional<std::string>(); });
}

TEST(MaxDeletes, DefaultIsTenPercentWithAFloorOfOne) {
  DeleteLimit d;
  EXPECT_EQ(d.to_string(), "10%");
  EXPECT_EQ(d.limit_for(100), 10);
  EXPECT_EQ(d.limit_for(12), 1);
  EXPECT_EQ(d.limit_for(0), 1);
  EXPECT_EQ(d.limit_for(100000), 10000);
}

TEST(MaxDeletes, ACountOrAPercent) {
  LoadResult count = load_with("500");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count.config.flows[0].max_deletes.count, 500);
  EXPECT_EQ(count.config.flows[0].max_deletes.limit_for(10), 500);
  EXPECT_EQ(count.config.flows[0].max_deletes.to_string(), "500");

  LoadResult percent = load_with("\"2.5%\"");
  ASSERT_TRUE(percent.ok());
  EXPECT_EQ(percent.config.flows[0].max_deletes.count, -1);
  EXPECT_EQ(percent.config.flows[0].max_deletes.limit_for(1000), 25);
  EXPECT_EQ(percent.config.flows[0].max_deletes.to_string(), "2.5%");

  LoadResult zero = load_with("0");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero.config.flows[0].max_deletes.limit_for(1000), 0);
}

TEST(MaxDeletes, BadValuesNameFileLineAndKey) {
  for (const char* bad : {"lots", "-3", "150%", "1.5", "\"%\"", "10%%", "1e3"}) {
    SCOPED_TRACE(bad);
    LoadResult r = load_with(bad);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    const Diagnostic& d = r.diagnostics[0];
    EXPECT_EQ(d.location.file, "my.yaml");
    EXPECT_EQ(d.location.line, 8);
    EXPECT_EQ(d.location.key, "flows.f.max_deletes");
    EXPECT_NE(d.message.find("a percent of the flow's records"), std::string::npos) << d.message;
  }
}

}  // namespace max_deletes_test
}  // namespace crmsync
