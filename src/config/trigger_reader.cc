#include "config/trigger_reader.h"

#include <optional>

#include "config/duration.h"
#include "config/schedule.h"
#include "config/schedule_zone.h"

namespace crmsync {
namespace {

// A duration key: "30s", "1h30m", 0. `catch_up` also takes false (never)
// and true (the default: one interval), given in `when_true`.
std::optional<int64_t> read_duration(YamlReader& r, const YAML::Node& node, const std::string& key,
                                     std::optional<int64_t> when_true) {
  auto text = r.text(node, key);
  if (!text) return std::nullopt;
  if (when_true) {
    if (*text == "false" || *text == "False" || *text == "FALSE") return int64_t{0};
    if (*text == "true" || *text == "True" || *text == "TRUE") return *when_true;
  }
  auto d = parse_duration_micros(*text);
  if (!d.ok()) {
    r.error(node, key, d.error().message + (when_true ? " (or false: never catch up)" : ""));
    return std::nullopt;
  }
  return *d;
}

}  // namespace

void read_trigger(YamlReader& r, const YAML::Node& n, const std::string& key, TriggerConfig& t) {
  t.location = r.where(n, key);
  if (!r.expect_map(n, key,
                    {"schedule", "timezone", "cdc", "webhook", "manual", "catch_up", "jitter"})) {
    return;
  }
  std::optional<Schedule::Kind> kind;
  if (n["schedule"]) {
    t.schedule = r.text(n["schedule"], key + ".schedule").value_or("");
    auto s = parse_schedule(t.schedule);
    if (s.ok()) {
      kind = s->kind;
    } else {
      r.error(n["schedule"], key + ".schedule", s.error().message);
    }
  }
  if (n["timezone"]) {
    const std::string k = key + ".timezone";
    if (auto zone = r.text(n["timezone"], k)) {
      std::string problem = check_time_zone(*zone);
      if (!problem.empty()) {
        r.error(n["timezone"], k, problem);
      } else if (!n["schedule"]) {
        r.error(n["timezone"], k, "'timezone' needs a cron 'schedule' to apply to");
      } else if (kind == Schedule::Kind::interval) {
        r.error(n["timezone"], k,
                "'timezone' applies to a cron schedule only; '" + t.schedule +
                    "' is an interval, counted from the unix epoch whatever the zone");
      } else {
        t.timezone = *zone;
      }
    }
  }
  if (n["cdc"]) t.cdc = r.boolean(n["cdc"], key + ".cdc").value_or(false);
  if (n["webhook"]) t.webhook = r.boolean(n["webhook"], key + ".webhook").value_or(false);
  if (n["catch_up"]) {
    const std::string k = key + ".catch_up";
    if (auto d = read_duration(r, n["catch_up"], k, int64_t{-1})) t.catch_up_micros = *d;
    if (!n["schedule"]) r.error(n["catch_up"], k, "'catch_up' needs a 'schedule' to apply to");
  }
  if (n["jitter"]) {
    const std::string k = key + ".jitter";
    if (auto d = read_duration(r, n["jitter"], k, std::nullopt)) t.jitter_micros = *d;
    if (!n["schedule"]) r.error(n["jitter"], k, "'jitter' needs a 'schedule' to apply to");
  }
  if (n["manual"]) {
    const std::string k = key + ".manual";
    if (auto manual = r.boolean(n["manual"], k)) {
      if (*manual && (n["schedule"] || t.cdc || t.webhook)) {
        r.error(n["manual"], k,
                "'manual: true' means only through the API or `crmsync run`; remove it, or "
                "remove 'schedule', 'cdc' and 'webhook'");
      } else if (!*manual && !n["schedule"] && !t.cdc && !t.webhook) {
        r.error(n["manual"], k,
                "'manual: false' needs a 'schedule', 'cdc: true' or 'webhook: true'");
      }
      t.manual = *manual;
    }
  }
}

void settle_manual(TriggerConfig& t) {
  if (t.schedule.empty() && !t.cdc && !t.webhook) t.manual = true;
}

}  // namespace crmsync
