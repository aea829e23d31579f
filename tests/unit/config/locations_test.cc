#include <gtest/gtest.h>

#include "config/loader.h"
#include "config/spec.h"
#include "config/yaml_key_path.h"

namespace crmsync {
namespace {

EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

TEST(ConfigLocations, YamlSyntaxErrorsNameTheNearestKeyAbove) {
  const char* text = R"(connections:
  crm:
    type: sqlite
    path: "a.db" trailing
flows: {}
)";
  auto r = load_config_text(text, "c.yaml", no_env());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const Diagnostic& d = r.diagnostics[0];
  EXPECT_NE(d.message.find("YAML syntax error"), std::string::npos) << d.to_string();
  EXPECT_GT(d.location.line, 0);
  EXPECT_EQ(d.location.key.rfind("connections.crm", 0), 0u) << d.to_string();
}

TEST(ConfigLocations, YamlSyntaxErrorInsideAFlow) {
  const char* text = R"(connections:
  a: {type: sqlite, path: a.db}
flows:
  loans:
    source:
      connection: a
      object: [x, y
    target: {connection: a, object: t}
)";
  auto r = load_config_text(text, "c.yaml", no_env());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].location.key.rfind("flows.loans", 0), 0u)
      << r.diagnostics[0].to_string();
}

TEST(ConfigLocations, KeyPathFollowsIndentationListsAndQuotes) {
  const char* text =
      "a:\n"
      "  b:\n"
      "    # a comment: not a key\n"
      "    c: 1\n"
      "  d:\n"
      "    - e: 1\n"
      "      f: 2\n"
      "  \"g h\": 3\n";
  EXPECT_EQ(yaml_key_path_at(text, 0), "a");
  EXPECT_EQ(yaml_key_path_at(text, 2), "a.b");
  EXPECT_EQ(yaml_key_path_at(text, 3), "a.b.c");
  EXPECT_EQ(yaml_key_path_at(text, 4), "a.d");
  EXPECT_EQ(yaml_key_path_at(text, 6), "a.d.f");
  EXPECT_EQ(yaml_key_path_at(text, 7), "a.g h");
  EXPECT_EQ(yaml_key_path_at("", 0), "");
}

TEST(ConfigLocations, TheTypeOfAConnectionIsAtItsOwnLine) {
  const char* text = R"(connections:
  crm:
    path: a.db

    type: nosuchdb
flows: {}
)";
  auto r = load_config_text(text, "c.yaml", no_env());
  ASSERT_EQ(r.config.connections.size(), 1u);
  EXPECT_EQ(r.config.connections[0].type_location.line, 5);
  EXPECT_EQ(r.config.connections[0].type_location.key, "connections.crm.type");
}

TEST(ConfigLocations, ABadOptionValueIsReportedAtTheValuesLine) {
  const char* text = R"(connections:
  crm:
    type: sqlite
    timeout_secs:
      soon
flows: {}
)";
  auto r = load_config_text(text, "c.yaml", no_env());
  ASSERT_EQ(r.config.connections.size(), 1u);
  std::vector<OptionSpec> specs = {
      {"timeout_secs", OptionSpec::Type::integer, false, Value(int64_t{30}), "", "", false, {}}};
  Diagnostics d = validate_options(specs, r.config.connections[0].options);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].location.line, 5) << d[0].to_string();
  EXPECT_EQ(d[0].location.key, "connections.crm.timeout_secs");
}

TEST(ConfigLocations, NamesUseLettersDigitsUnderscoreAndDash) {
  EXPECT_TRUE(is_config_name("loans_to-deals2"));
  EXPECT_FALSE(is_config_name(""));
  EXPECT_FALSE(is_config_name("a.b"));
  EXPECT_FALSE(is_config_name("caf\xC3\xA9"));
}

}  // namespace
}  // namespace crmsync
