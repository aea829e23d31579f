#include "engine/target_setup.h"

#include <algorithm>
#include <map>
#include <memory>

#include "connectors/registry.h"
#include "mapping/mapping.h"

namespace crmsync {
namespace {

void add_need(std::vector<TargetFieldNeed>& needs, const std::string& name,
              std::vector<Value> values) {
  for (TargetFieldNeed& n : needs) {
    if (n.name != name) continue;
    // Two flows writing one field: the union of what they fix, unless one
    // of them writes any value.
    if (n.values.empty() || values.empty()) {
      n.values.clear();
    } else {
      for (Value& v : values) {
        bool have = std::any_of(n.values.begin(), n.values.end(),
                                [&](const Value& x) { return x.to_text() == v.to_text(); });
        if (!have) n.values.push_back(std::move(v));
      }
    }
    return;
  }
  needs.push_back({name, std::move(values)});
}

}  // namespace

Result<std::vector<FlowSetup>> setup_targets(const Config& config,
                                             const std::vector<std::string>& flows, bool apply,
                                             const SetupProgress& progress) {
  for (const std::string& name : flows) {
    if (config.flow(name) == nullptr)
      return Error(ErrorKind::fatal, "no flow named '" + name + "'");
  }
  mapping::SchemaHints hints;
  for (const FlowConfig& f : config.flows) hints.flows.push_back(f.name);

  // One request per (connection, object), naming the flows that write it.
  struct Target {
    SetupRequest request;
    std::vector<std::string> flows;
  };
  std::map<std::pair<std::string, std::string>, Target> targets;
  std::vector<std::pair<std::string, std::string>> order;
  for (const FlowConfig& flow : config.flows) {
    if (!flows.empty() && std::find(flows.begin(), flows.end(), flow.name) == flows.end()) continue;
    auto compiled = mapping::compile(flow.mapping, hints);
    if (!compiled.mapping) {
      std::string msg = "flow " + flow.name + ": the mapping does not compile";
      for (const Diagnostic& d : compiled.diagnostics) msg += "\n  " + d.to_string();
      return Error(ErrorKind::fatal, msg);
    }
    auto key = std::make_pair(flow.target.connection, flow.target.object);
    auto [it, added] = targets.try_emplace(key);
    if (added) order.push_back(key);
    Target& t = it->second;
    t.request.object = flow.target.object;
    t.request.apply = apply;
    t.flows.push_back(flow.name);
    for (const std::string& field : compiled.mapping->target_fields()) {
      add_need(t.request.fields, field, compiled.mapping->fixed_values(field));
    }
    if (flow.on_delete.kind == DeletePolicy::Kind::flag && !flow.on_delete.flag_field.empty()) {
      add_need(t.request.fields, flow.on_delete.flag_field, {});
    }
  }

  std::map<std::string, std::unique_ptr<Connection>> opened;
  std::vector<FlowSetup> out;
  for (const auto& key : order) {
    if (progress) progress(out.size(), order.size(), key.first + " " + key.second);
    Target& t = targets.at(key);
    FlowSetup s;
    for (const std::string& f : t.flows) s.flow += (s.flow.empty() ? "" : ", ") + f;
    s.connection = key.first;
    s.object = key.second;
    auto conn = opened.find(key.first);
    if (conn == opened.end()) {
      const ConnectionConfig* cfg = config.connection(key.first);
      if (cfg == nullptr) return Error(ErrorKind::fatal, "no connection named '" + key.first + "'");
      auto created = ConnectorRegistry::instance().create(*cfg, ConnectorContext{config.dir});
      if (!created) return created.error().with_context("connection " + key.first);
      conn = opened.emplace(key.first, std::move(*created)).first;
    }
    // The connection's HTTP session already retried what may be retried. A
    // create whose answer was lost (outcome unknown) is asked again at once:
    // setup_target re-reads what exists first and creates only what is
    // missing, so the second call is the look-up, not a blind resend.
    auto report = conn->second->setup_target(t.request);
    for (int again = 0; again < 3 && !report && report.error().outcome_unknown; ++again) {
      report = conn->second->setup_target(t.request);
    }
    if (report) {
      s.report = std::move(*report);
    } else {
      s.error = report.error().message;
    }
    out.push_back(std::move(s));
  }
  if (progress) progress(out.size(), order.size(), "");
  return out;
}

}  // namespace crmsync
