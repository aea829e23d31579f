#include "config/flow_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "config/trigger_reader.h"

namespace crmsync {
namespace {

void read_connection_ref(YamlReader& r, const YAML::Node& side, const std::string& key,
                         const Config& c, std::string& out) {
  if (!side["connection"]) {
    r.error(side, key + ".connection", "missing required key 'connection'");
    return;
  }
  auto name = r.text(side["connection"], key + ".connection");
  if (!name) return;
  out = *name;
  if (c.connection(out) == nullptr) {
    std::vector<std::string> names;
    for (const auto& conn : c.connections) names.push_back(conn.name);
    std::string hint = did_you_mean(out, names);
    r.error(side["connection"], key + ".connection",
            "no connection named '" + out + "'" + (hint.empty() ? "" : "; " + hint));
  }
}

// The keys both sides of a flow share: connection, object, id_field,
// batch_size. False when the block is not a map.
template <typename Side>
bool read_endpoint(YamlReader& r, const YAML::Node& n, const std::string& key, const Config& c,
                   Side& side) {
  side.location = r.where(n, key);
  if (!n.IsMap()) {
    r.error(n, key, "expected a map with connection and object");
    return false;
  }
  r.expect_map(n, key, {});
  read_connection_ref(r, n, key, c, side.connection);
  if (!n["object"]) {
    r.error(n, key + ".object", "missing required key 'object'");
  } else if (auto o = r.text(n["object"], key + ".object")) {
    side.object = *o;
  }
  if (n["id_field"]) side.id_field = r.text(n["id_field"], key + ".id_field").value_or("");
  if (n["batch_size"]) {
    side.batch_size = static_cast<int>(
        r.integer(n["batch_size"], key + ".batch_size", 1, 100000).value_or(side.batch_size));
  }
  return true;
}

void read_source(YamlReader& r, const YAML::Node& n, const std::string& key, const Config& c,
                 SourceConfig& s) {
  if (!read_endpoint(r, n, key, c, s)) return;
  if (n["filter"]) {
    s.filter_location = r.where(n["filter"], key + ".filter");
    if (auto f = r.text(n["filter"], key + ".filter")) s.filter = *f;
  }
  if (n["cursor_field"]) {
    s.cursor_field = r.text(n["cursor_field"], key + ".cursor_field").value_or("");
  }
  if (n["lookback_secs"]) {
    s.lookback_secs = r.number(n["lookback_secs"], key + ".lookback_secs", 0).value_or(0);
  }
  s.options = r.options(n, key,
                        {"connection", "object", "filter", "id_field", "cursor_field",
                         "lookback_secs", "batch_size"});
}

void read_target(YamlReader& r, const YAML::Node& n, const std::string& key, const Config& c,
                 TargetConfig& t) {
  if (!read_endpoint(r, n, key, c, t)) return;
  if (n["external_id"]) {
    t.external_id = r.text(n["external_id"], key + ".external_id").value_or("");
  }
  t.options = r.options(n, key, {"connection", "object", "id_field", "external_id", "batch_size"});
}

void read_on_delete(YamlReader& r, const YAML::Node& n, const std::string& key, DeletePolicy& d) {
  d.location = r.where(n, key);
  if (n.IsScalar()) {
    auto t = r.text(n, key);
    if (!t) return;
    if (*t == "ignore") {
      d.kind = DeletePolicy::Kind::ignore;
    } else if (*t == "delete") {
      d.kind = DeletePolicy::Kind::remove;
    } else {
      std::string hint = did_you_mean(*t, {"ignore", "delete", "flag"});
      r.error(n, key,
              "expected ignore, delete or {flag: {field: F, value: V}}, found '" + *t + "'" +
                  (hint.empty() ? "" : "; " + hint));
    }
    return;
  }
  if (!r.expect_map(n, key, {"flag"}) || !n["flag"]) return;
  const YAML::Node f = n["flag"];
  if (!r.expect_map(f, key + ".flag", {"field", "value"})) return;
  d.kind = DeletePolicy::Kind::flag;
  if (!f["field"]) {
    r.error(f, key + ".flag.field", "missing required key 'field'");
  } else {
    d.flag_field = r.text(f["field"], key + ".flag.field").value_or("");
  }
  if (f["value"]) d.flag_value = r.value(f["value"], key + ".flag.value");
}

// `max_deletes: 500` (records) or `max_deletes: 10%` (of the flow's records
// in the state store).
void read_max_deletes(YamlReader& r, const YAML::Node& n, const std::string& key, DeleteLimit& d) {
  d.location = r.where(n, key);
  auto t = r.text(n, key);
  if (!t) return;
  std::string s = *t;
  bool percent = !s.empty() && s.back() == '%';
  if (percent) s.pop_back();
  char* end = nullptr;
  errno = 0;
  double v = s.empty() ? -1 : std::strtod(s.c_str(), &end);
  bool whole = !percent && end != nullptr && *end == '\0' && v == std::floor(v);
  if (s.empty() || *end != '\0' || errno != 0 || v < 0 || (percent && v > 100) ||
      (!percent && !whole) || s.find_first_not_of("0123456789.") != std::string::npos) {
    r.error(n, key,
            "expected a number of records (500) or a percent of the flow's records (10%), "
            "found '" +
                *t + "'");
    return;
  }
  if (percent) {
    d.count = -1;
    d.percent = v;
  } else {
    d.count = static_cast<int64_t>(v);
  }
}

void read_flow(YamlReader& r, const std::string& name, const YAML::Node& key_node,
               const YAML::Node& n, Config& c) {
  std::string key = "flows." + name;
  FlowConfig f;
  f.name = name;
  f.location = r.where(key_node, key);
  if (!r.expect_map(n, key,
                    {"description", "source", "target", "mode", "match", "on_delete", "max_deletes",
                     "mapping", "retry", "trigger"})) {
    return;
  }
  if (n["source"]) {
    read_source(r, n["source"], key + ".source", c, f.source);
  } else {
    r.error(n, key + ".source", "missing required key 'source'");
  }
  if (n["target"]) {
    read_target(r, n["target"], key + ".target", c, f.target);
  } else {
    r.error(n, key + ".target", "missing required key 'target'");
  }
  bool mode_set = false;
  if (n["mode"]) {
    auto m = r.text(n["mode"], key + ".mode");
    static const std::vector<std::string> kModes = {"upsert", "update", "insert", "mirror"};
    if (m) {
      auto it = std::find(kModes.begin(), kModes.end(), *m);
      if (it == kModes.end()) {
        std::string hint = did_you_mean(*m, kModes);
        r.error(n["mode"], key + ".mode",
                "expected upsert, update, insert or mirror, found '" + *m + "'" +
                    (hint.empty() ? "" : "; " + hint));
      } else {
        f.mode = static_cast<SyncMode>(it - kModes.begin());
        mode_set = true;
      }
    }
  }
  if (n["match"]) {
    const YAML::Node m = n["match"];
    MatchConfig mc;
    mc.location = r.where(m, key + ".match");
    if (m.IsScalar()) {
      mc.target_field = r.text(m, key + ".match").value_or("");
    } else if (r.expect_map(m, key + ".match", {"target_field", "source_field", "ignore_case"})) {
      if (!m["target_field"]) {
        r.error(m, key + ".match.target_field", "missing required key 'target_field'");
      } else {
        mc.target_field = r.text(m["target_field"], key + ".match.target_field").value_or("");
      }
      if (m["source_field"]) {
        mc.source_field = r.text(m["source_field"], key + ".match.source_field").value_or("");
      }
      if (m["ignore_case"]) {
        mc.ignore_case = r.boolean(m["ignore_case"], key + ".match.ignore_case").value_or(false);
      }
    }
    f.match = mc;
  }
  if (n["on_delete"]) {
    read_on_delete(r, n["on_delete"], key + ".on_delete", f.on_delete);
  } else if (mode_set && f.mode == SyncMode::mirror) {
    f.on_delete.kind = DeletePolicy::Kind::remove;
  }
  if (n["max_deletes"]) read_max_deletes(r, n["max_deletes"], key + ".max_deletes", f.max_deletes);
  if (!n["mapping"]) {
    r.error(n, key + ".mapping", "missing required key 'mapping' (target field: source field)");
  } else if (r.expect_map(n["mapping"], key + ".mapping", {})) {
    for (const auto& kv : n["mapping"]) {
      MappingEntry e;
      e.target = kv.first.as<std::string>("");
      std::string ekey = key + ".mapping." + e.target;
      e.location = r.where(kv.first, ekey);
      e.spec = r.value(kv.second, ekey, &e.key_locations);
      f.mapping.push_back(std::move(e));
    }
  }
  if (n["retry"]) {
    const YAML::Node rt = n["retry"];
    std::string k = key + ".retry";
    if (r.expect_map(
            rt, k, {"max_attempts", "backoff_base_secs", "backoff_max_secs", "parent_wait_runs"})) {
      if (rt["max_attempts"]) {
        f.retry.max_attempts = static_cast<int>(
            r.integer(rt["max_attempts"], k + ".max_attempts", 1, 1000).value_or(5));
      }
      if (rt["backoff_base_secs"]) {
        f.retry.backoff_base_secs =
            r.number(rt["backoff_base_secs"], k + ".backoff_base_secs", 0).value_or(30);
      }
      if (rt["backoff_max_secs"]) {
        f.retry.backoff_max_secs =
            r.number(rt["backoff_max_secs"], k + ".backoff_max_secs", 0).value_or(3600);
      }
      if (rt["parent_wait_runs"]) {
        f.retry.parent_wait_runs = static_cast<int>(
            r.integer(rt["parent_wait_runs"], k + ".parent_wait_runs", 1, 1000).value_or(3));
      }
    }
  }
  if (n["trigger"]) read_trigger(r, n["trigger"], key + ".trigger", f.trigger);
  settle_manual(f.trigger);
  if (f.trigger.webhook) {
    const ConnectionConfig* source = c.connection(f.source.connection);
    if (source != nullptr && !source->webhooks) {
      r.error(n["trigger"]["webhook"], key + ".trigger.webhook",
              "connection '" + source->name +
                  "' has no 'webhooks:' block to say how serve receives them");
    }
  }
  c.flows.push_back(std::move(f));
}

}  // namespace

void read_flows(YamlReader& r, const YAML::Node& node, Config& c) {
  if (!r.expect_map(node, "flows", {})) return;
  if (node.size() == 0) r.error(node, "flows", "expected at least one flow");
  for (const auto& kv : node) {
    std::string name = kv.first.as<std::string>("");
    if (!is_config_name(name)) {
      r.error(kv.first, "flows." + name, "a flow name uses letters, digits, _ and - only");
    }
    read_flow(r, name, kv.first, kv.second, c);
  }
}

}  // namespace crmsync
