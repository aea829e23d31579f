#include <gtest/gtest.h>

#include <string>

#include "config/duration.h"
#include "config/loader.h"
#include "config/spec.h"
#include "core/json.h"

namespace crmsync {
namespace {

// A valid config whose flow `f` has `trigger_lines` (each "key: value") as
// its trigger block, starting on line 9; none: no trigger at all.
LoadResult load_with_trigger(const std::vector<std::string>& trigger_lines,
                             bool has_trigger = true) {
  std::string text =
      "connections:\n"
      "  a: {type: file, dir: data}\n"
      "flows:\n"
      "  f:\n"
      "    source: {connection: a, object: o}\n"
      "    target: {connection: a, object: p}\n"
      "    mapping: {x: y}\n";
  if (has_trigger) {
    text += "    trigger:\n";
    for (const std::string& line : trigger_lines) text += "      " + line + "\n";
  }
  return load_config_text(text, "t.yaml", [](const std::string&) -> std::optional<std::string> {
    return std::nullopt;
  });
}

std::string all(const LoadResult& r) {
  std::string s;
  for (const auto& d : r.diagnostics) s += d.to_string() + "\n";
  return s;
}

TEST(ConfigTrigger, ReadsEveryKey) {
  auto r = load_with_trigger(
      {"schedule: \"30 2 * * *\"", "timezone: Europe/Berlin", "catch_up: 1h30m", "jitter: 30s"});
  ASSERT_TRUE(r.ok()) << all(r);
  const TriggerConfig& t = r.config.flows.at(0).trigger;
  EXPECT_EQ(t.schedule, "30 2 * * *");
  EXPECT_EQ(t.timezone, "Europe/Berlin");
  EXPECT_FALSE(t.cdc);
  EXPECT_FALSE(t.manual);
  EXPECT_EQ(t.catch_up_micros, 5400 * int64_t{1000000});
  EXPECT_EQ(t.jitter_micros, 30 * int64_t{1000000});
  EXPECT_EQ(t.location.line, 9);  // a block map is where its first key is
}

TEST(ConfigTrigger, DefaultsAndManual) {
  auto none = load_with_trigger({}, false);
  ASSERT_TRUE(none.ok()) << all(none);
  EXPECT_TRUE(none.config.flows.at(0).trigger.manual);
  EXPECT_EQ(none.config.flows.at(0).trigger.catch_up_micros, -1);

  auto cdc_off = load_with_trigger({"cdc: false"});
  ASSERT_TRUE(cdc_off.ok()) << all(cdc_off);
  EXPECT_TRUE(cdc_off.config.flows.at(0).trigger.manual);

  auto manual = load_with_trigger({"manual: true"});
  ASSERT_TRUE(manual.ok()) << all(manual);
  EXPECT_TRUE(manual.config.flows.at(0).trigger.manual);

  auto every = load_with_trigger({"schedule: every 5m", "cdc: true"});
  ASSERT_TRUE(every.ok()) << all(every);
  const TriggerConfig& t = every.config.flows.at(0).trigger;
  EXPECT_FALSE(t.manual);
  EXPECT_TRUE(t.cdc);
  EXPECT_EQ(t.timezone, "UTC");
  EXPECT_EQ(t.catch_up_micros, -1);
  EXPECT_EQ(t.jitter_micros, 0);

  auto cdc_only = load_with_trigger({"cdc: true", "manual: false"});
  ASSERT_TRUE(cdc_only.ok()) << all(cdc_only);
  EXPECT_FALSE(cdc_only.config.flows.at(0).trigger.manual);
}

TEST(ConfigTrigger, CatchUpForms) {
  struct CatchUpRow {
    const char* text;
    int64_t micros;
  };
  for (const CatchUpRow& row : {CatchUpRow{"0", 0}, CatchUpRow{"false", 0}, CatchUpRow{"true", -1},
                                CatchUpRow{"2d", 172800000000}, CatchUpRow{"90s", 90000000}}) {
    auto r = load_with_trigger({"schedule: \"@daily\"", std::string("catch_up: ") + row.text});
    ASSERT_TRUE(r.ok()) << row.text << "\n" << all(r);
    EXPECT_EQ(r.config.flows.at(0).trigger.catch_up_micros, row.micros) << row.text;
  }
}

struct TriggerErrorRow {
  std::vector<std::string> lines;
  int line;
  const char* key;  // after flows.f.trigger
  const char* message;
};

TEST(ConfigTrigger, ErrorsNameFileLineAndKey) {
  const TriggerErrorRow rows[] = {
      {{"schedule: \"61 * * * *\""}, 9, "schedule", "cron field minute '61'"},
      {{"schedule: \"0 0 * * MONDAY\""}, 9, "schedule", "cron field day-of-week"},
      {{"schedule: \"0 0 30 2 *\""}, 9, "schedule", "never fires: February has no day 30"},
      {{"schedule: \"0 0 31 4 *\""}, 9, "schedule", "never fires: April has no day 31"},
      {{"schedule: every 5w"}, 9, "schedule", "expected 'every N'"},
      {{"schedule: \"0 5 * * *\"", "timezone: Mars/Olympus"},
       10,
       "timezone",
       "unknown time zone 'Mars/Olympus'"},
      {{"schedule: every 5m", "timezone: Europe/Berlin"},
       10,
       "timezone",
       "applies to a cron schedule only; 'every 5m' is an interval"},
      {{"cdc: true", "timezone: Europe/Berlin"}, 10, "timezone", "needs a cron 'schedule'"},
      {{"schedule: \"0 5 * * *\"", "manual: true"}, 10, "manual", "'manual: true' means only"},
      {{"cdc: true", "manual: true"}, 10, "manual", "'manual: true' means only"},
      {{"manual: false"},
       9,
       "manual",
       "'manual: false' needs a 'schedule', 'cdc: true' or 'webhook: true'"},
      {{"manual: maybe"}, 9, "manual", "expected true or false"},
      {{"schedule: \"@daily\"", "catch_up: -5m"}, 10, "catch_up", "cannot be negative"},
      {{"schedule: \"@daily\"", "catch_up: 30"}, 10, "catch_up", "no unit"},
      {{"schedule: \"@daily\"", "catch_up: soon"}, 10, "catch_up", "or false: never catch up"},
      {{"schedule: \"@daily\"", "jitter: -1s"}, 10, "jitter", "cannot be negative"},
      {{"schedule: \"@daily\"", "jitter: 5x"}, 10, "jitter", "expected a duration"},
      {{"cdc: true", "catch_up: 5m"}, 10, "catch_up", "'catch_up' needs a 'schedule'"},
      {{"cdc: true", "jitter: 5m"}, 10, "jitter", "'jitter' needs a 'schedule'"},
      {{"scheduel: \"@daily\""}, 9, "scheduel", "did you mean 'schedule'"},
  };
  for (const TriggerErrorRow& row : rows) {
    auto r = load_with_trigger(row.lines);
    std::string where = row.lines.back() + "\n" + all(r);
    ASSERT_EQ(r.diagnostics.size(), 1u) << where;
    const Diagnostic& d = r.diagnostics[0];
    EXPECT_EQ(d.location.file, "t.yaml") << where;
    EXPECT_EQ(d.location.line, row.line) << where;
    EXPECT_EQ(d.location.key, std::string("flows.f.trigger.") + row.key) << where;
    EXPECT_NE(d.message.find(row.message), std::string::npos) << where;
  }
}

TEST(ConfigTrigger, ReportsEveryProblemAtOnce) {
  auto r = load_with_trigger(
      {"schedule: \"0 0 30 2 *\"", "timezone: Mars/Olympus", "jitter: -1m", "catch_up: x"});
  EXPECT_EQ(r.diagnostics.size(), 4u) << all(r);
}

TEST(ConfigTrigger, JsonSchemaDescribesEveryKey) {
  auto schema = parse_json(render_json_schema({}));
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  const Value* trigger = schema->find("properties")
                             ->find("flows")
                             ->find("additionalProperties")
                             ->find("properties")
                             ->find("trigger");
  ASSERT_NE(trigger, nullptr);
  for (const char* key : {"schedule", "timezone", "cdc", "manual", "catch_up", "jitter"}) {
    EXPECT_NE(trigger->find("properties")->find(key), nullptr) << key;
  }
  EXPECT_FALSE(trigger->find("additionalProperties")->as_bool());
}

TEST(Duration, ParsesAndFormats) {
  EXPECT_EQ(*parse_duration_micros("0"), 0);
  EXPECT_EQ(*parse_duration_micros("0s"), 0);
  EXPECT_EQ(*parse_duration_micros("45s"), 45000000);
  EXPECT_EQ(*parse_duration_micros("5m"), 300000000);
  EXPECT_EQ(*parse_duration_micros("1h30m"), 5400000000);
  EXPECT_EQ(*parse_duration_micros("2d"), 172800000000);
  for (const char* bad : {"", "-5m", "5", "m", "5w", "1h30", "1.5h", " 5m", "99999999999s"}) {
    EXPECT_FALSE(parse_duration_micros(bad).ok()) << bad;
  }
  EXPECT_NE(parse_duration_micros("-5m").error().message.find("cannot be negative"),
            std::string::npos);
  EXPECT_EQ(format_duration(5400000000), "1h30m");
  EXPECT_EQ(format_duration(90000000), "1m30s");
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(*parse_duration_micros(format_duration(93784000000)), 93784000000);
}

}  // namespace
}  // namespace crmsync
