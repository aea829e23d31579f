#include "config/loader.h"

#include <gtest/gtest.h>

#include "config/schedule.h"
#include "config/spec.h"
#include "core/json.h"

namespace crmsync {
namespace {

EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const char* kValid = R"(version: 1
state:
  path: /tmp/x.db
connections:
  crm:
    type: sqlite
    path: ${CRM_DB:-crm.db}
  files: {type: file, dir: data}
flows:
  loans:
    source:
      connection: crm
      object: Loan__c
      filter: "Loan_Officer__c = 'Jake'"
      cursor_field: SystemModstamp
      lookback_secs: 30
      batch_size: 2000
      custom_option: 7
    target: {connection: files, object: deals.csv, external_id: sf_id}
    mode: mirror
    match: sf_id
    mapping:
      title: Name
      stage: {from: Stage__c, map: {"Closed Won": won, 1: one}, default: open}
      amount: {value: 12.50}
      quoted: {value: "12.50"}
    trigger: {schedule: "0 5 * * *", cdc: true}
)";

TEST(ConfigLoader, ValidConfigFillsTypedStructs) {
  LoadResult r = load_config_text(kValid, "crmsync.yaml", env({}));
  ASSERT_TRUE(r.ok()) << r.diagnostics[0].to_string();
  const Config& c = r.config;
  EXPECT_EQ(c.state.path, "/tmp/x.db");
  ASSERT_EQ(c.connections.size(), 2u);
  EXPECT_EQ(c.connections[0].type, "sqlite");
  EXPECT_EQ(c.connections[0].options.get("path")->as_string(), "crm.db");
  EXPECT_EQ(c.connections[0].options.locations.at("path").line, 7);
  const FlowConfig& f = c.flows.at(0);
  EXPECT_EQ(f.source.filter, "Loan_Officer__c = 'Jake'");
  EXPECT_EQ(f.source.filter_location.line, 14);
  EXPECT_EQ(f.source.batch_size, 2000);
  EXPECT_DOUBLE_EQ(f.source.lookback_secs, 30);
  EXPECT_EQ(f.source.options.get("custom_option")->as_int(), 7);
  EXPECT_EQ(f.target.external_id, "sf_id");
  EXPECT_EQ(f.mode, SyncMode::mirror);
  EXPECT_EQ(f.on_delete.kind, DeletePolicy::Kind::remove);  // mirror's default
  EXPECT_EQ(f.match->target_field, "sf_id");
  ASSERT_EQ(f.mapping.size(), 4u);
  EXPECT_EQ(f.mapping[0].spec.as_string(), "Name");
  EXPECT_EQ(f.mapping[1].spec.find("map")->find("Closed Won")->as_string(), "won");
  EXPECT_EQ(f.mapping[2].spec.find("value")->as_decimal().to_string(), "12.50");
  EXPECT_TRUE(f.mapping[3].spec.find("value")->is_string());
  EXPECT_EQ(f.mapping[1].key_locations.at("map.Closed Won").line, 24);
  EXPECT_TRUE(f.trigger.cdc);
}

TEST(ConfigLoader, EnvironmentInterpolation) {
  auto r = load_config_text(kValid, "c.yaml", env({{"CRM_DB", "/data/crm.db"}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.connections[0].options.get("path")->as_string(), "/data/crm.db");
  auto missing =
      load_config_text("connections:\n  a: {type: file, token: \"${SECRET_TOKEN}\"}\nflows: {}\n",
                       "c.yaml", env({}));
  ASSERT_FALSE(missing.ok());
  bool found = false;
  for (const auto& d : missing.diagnostics) {
    if (d.message.find("SECRET_TOKEN is not set") != std::string::npos) {
      found = true;
      EXPECT_EQ(d.location.line, 2);
      EXPECT_EQ(d.location.key, "connections.a.token");
    }
  }
  EXPECT_TRUE(found);
  auto escaped = load_config_text(
      "connections:\n  a: {type: file, x: \"$${HOME}\"}\nflows:\n  f: {source: {connection: a, "
      "object: o}, target: {connection: a, object: p}, mapping: {a: b}}\n",
      "c.yaml", env({}));
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(escaped.config.connections[0].options.get("x")->as_string(), "${HOME}");
}

TEST(ConfigLoader, EveryErrorNamesFileLineAndKeyAllAtOnce) {
  const char* bad = R"(connections:
  crm: {type: sqlite, path: a.db}
flows:
  f:
    source: {connection: crn, object: A, batch_size: lots}
    target: {connection: crm, object: B}
    mod: upsert
    on_delete: remove
    mapping: {a: a}
    trigger: {schedule: "0 25 * * *"}
)";
  LoadResult r = load_config_text(bad, "my.yaml", env({}));
  ASSERT_EQ(r.diagnostics.size(), 5u) << [&] {
    std::string s;
    for (auto& d : r.diagnostics) s += d.to_string() + "\n";
    return s;
  }();
  auto has = [&](int line, const std::string& key, const std::string& text) {
    for (const auto& d : r.diagnostics) {
      if (d.location.file == "my.yaml" && d.location.line == line && d.location.key == key &&
          d.message.find(text) != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(has(5, "flows.f.source.connection", "did you mean 'crm'"));
  EXPECT_TRUE(has(5, "flows.f.source.batch_size", "whole number"));
  EXPECT_TRUE(has(7, "flows.f.mod", "did you mean 'mode'"));
  EXPECT_TRUE(has(8, "flows.f.on_delete", "expected ignore, delete"));
  EXPECT_TRUE(has(10, "flows.f.trigger.schedule", "hour"));
}

TEST(ConfigLoader, SyntaxErrorsDuplicatesAndMissingKeys) {
  auto syntax = load_config_text("connections:\n  a: [unclosed\n", "s.yaml", env({}));
  ASSERT_EQ(syntax.diagnostics.size(), 1u);
  EXPECT_NE(syntax.diagnostics[0].message.find("YAML syntax error"), std::string::npos);
  EXPECT_GT(syntax.diagnostics[0].location.line, 0);

  auto dup = load_config_text(
      "connections:\n  a: {type: file}\n  a: {type: file}\nflows:\n  f: {source: {connection: a, "
      "object: o}, target: {connection: a, object: p}, mapping: {x: y}}\n",
      "d.yaml", env({}));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.diagnostics[0].message.find("duplicate key 'a'"), std::string::npos);
  EXPECT_EQ(dup.diagnostics[0].location.line, 3);

  auto missing = load_config_text("connections:\n  a: {dir: x}\n", "m.yaml", env({}));
  ASSERT_EQ(missing.diagnostics.size(), 2u);
  EXPECT_EQ(missing.diagnostics[0].location.key, "connections.a.type");
  EXPECT_EQ(missing.diagnostics[1].location.key, "flows");
}

TEST(Schedule, EveryAndCron) {
  EXPECT_EQ(check_schedule("every 5m"), "");
  EXPECT_EQ(check_schedule("0 5 * * *"), "");
  EXPECT_EQ(check_schedule("*/15 8-18 * 1,6,12 1-5"), "");
  EXPECT_NE(check_schedule("every 5"), "");
  EXPECT_NE(check_schedule("every 0m"), "");
  EXPECT_NE(check_schedule("0 5 * *"), "");
  EXPECT_NE(check_schedule("60 5 * * *").find("minute"), std::string::npos);
  EXPECT_NE(check_schedule("0 5 0 * *").find("day-of-month"), std::string::npos);
  EXPECT_NE(check_schedule("0 5 * * 1-9").find("day-of-week"), std::string::npos);
}

TEST(DidYouMean, SuggestsCloseNamesOnly) {
  EXPECT_EQ(did_you_mean("contacs", {"contacts", "accounts"}), "did you mean 'contacts'?");
  EXPECT_EQ(did_you_mean("zzzzzz", {"contacts", "accounts"}), "");
}

TEST(Spec, ValidateFillDocumentAndRedact) {
  std::vector<OptionSpec> specs = {
      {"path", OptionSpec::Type::path, true, Value(), "db file", "a.db", false, {}},
      {"timeout_secs",
       OptionSpec::Type::integer,
       false,
       Value(int64_t{30}),
       "timeout",
       "",
       false,
       {}},
      {"mode",
       OptionSpec::Type::enumeration,
       false,
       Value("fast"),
       "m",
       "",
       false,
       {"fast", "safe"}},
      {"password", OptionSpec::Type::string, false, Value(), "pw", "", true, {}},
  };
  OptionSet o;
  o.values = Value(Object{{"timeout_secs", Value("soon")},
                          {"mode", Value("slow")},
                          {"pasword", Value("x")},
                          {"password", Value("hunter2")}});
  o.locations["pasword"] = Location{"c.yaml", 9, 5, "connections.a.pasword"};
  Diagnostics d = validate_options(specs, o);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_NE(d[0].message.find("did you mean 'password'"), std::string::npos);
  EXPECT_EQ(d[0].location.line, 9);
  EXPECT_NE(d[1].message.find("missing required option 'path'"), std::string::npos);

  OptionSet ok;
  ok.values = Value(Object{{"path", Value("x.db")}});
  OptionSet filled;
  EXPECT_TRUE(validate_options(specs, ok, &filled).empty());
  EXPECT_EQ(filled.get("timeout_secs")->as_int(), 30);

  ComponentSpec cs{"demo", "A demo.", specs, {}, {}};
  EXPECT_NE(render_markdown(cs).find("| `password` |"), std::string::npos);
  auto schema = parse_json(render_json_schema({cs}));
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_NE(schema->find("properties")->find("flows"), nullptr);
}

}  // namespace
}  // namespace crmsync
