#include "engine/validator.h"

#include <map>
#include <memory>

#include "connectors/registry.h"
#include "engine/planner.h"
#include "filter/filter.h"
#include "mapping/mapping.h"

namespace crmsync {
namespace {

// Filter errors say "column N"; the config location points at the value.
Diagnostic filter_diagnostic(const SourceConfig& src, const Error& e) {
  return Diagnostic{src.filter_location, "invalid filter: " + e.message};
}

void validate_side(const std::vector<OptionSpec>& specs, const OptionSet& options,
                   ValidationResult& out) {
  Diagnostics d = validate_options(specs, options);
  out.errors.insert(out.errors.end(), d.begin(), d.end());
}

std::vector<std::string> field_names(const ObjectSchema& schema) {
  std::vector<std::string> out;
  for (const FieldInfo& f : schema.fields) out.push_back(f.name);
  return out;
}

}  // namespace

ValidationResult validate_config(const Config& config, bool connect) {
  ValidationResult out;
  const ConnectorRegistry& registry = ConnectorRegistry::instance();
  std::map<std::string, std::unique_ptr<Connection>> opened;
  for (const ConnectionConfig& c : config.connections) {
    Diagnostics d = registry.validate(c);
    out.errors.insert(out.errors.end(), d.begin(), d.end());
    if (!d.empty() || !connect) continue;
    auto conn = registry.create(c, ConnectorContext{config.dir});
    if (!conn) {
      out.errors.push_back({c.location, conn.error().message});
      continue;
    }
    if (Status s = (*conn)->check(); !s) {
      out.errors.push_back({c.location, "cannot connect: " + s.error().message});
      continue;
    }
    opened.emplace(c.name, std::move(*conn));
  }

  std::vector<std::string> flow_names;
  for (const FlowConfig& f : config.flows) flow_names.push_back(f.name);
  std::map<std::string, std::vector<std::string>> refs;
  for (const FlowConfig& flow : config.flows) {
    for (const auto* side : {&flow.source.connection, &flow.target.connection}) {
      const ConnectionConfig* c = config.connection(*side);
      if (c == nullptr) continue;  // reported by the loader
      const ConnectorFactory* factory = registry.find(c->type);
      if (factory == nullptr) continue;  // reported by registry.validate
      if (side == &flow.source.connection) {
        validate_side(factory->spec.source_options, flow.source.options, out);
      } else {
        validate_side(factory->spec.target_options, flow.target.options, out);
      }
    }
    if (!flow.source.filter.empty()) {
      auto f = filter::Filter::parse(flow.source.filter);
      if (!f) out.errors.push_back(filter_diagnostic(flow.source, f.error()));
    }
    mapping::SchemaHints hints;
    hints.flows = flow_names;
    if (connect) {
      auto src = opened.find(flow.source.connection);
      // A source that reads a query (SQL `query:`) has no object to describe.
      bool query_source = flow.source.options.get("query") != nullptr;
      if (src != opened.end() && !query_source &&
          src->second->capabilities(flow.source.object).describe) {
        auto schema = src->second->describe(flow.source.object);
        if (schema) {
          hints.source_fields = field_names(*schema);
        } else {
          out.errors.push_back({flow.source.location, schema.error().message});
        }
      }
      auto tgt = opened.find(flow.target.connection);
      if (tgt != opened.end() && tgt->second->capabilities(flow.target.object).describe) {
        auto schema = tgt->second->describe(flow.target.object);
        // A target object that does not exist yet may be created on first
        // write (SQL tables, files): not an error here.
        if (schema) hints.target_fields = field_names(*schema);
      }
    }
    auto compiled = mapping::compile(flow.mapping, hints);
    out.errors.insert(out.errors.end(), compiled.diagnostics.begin(), compiled.diagnostics.end());
    if (!compiled.mapping) continue;
    refs[flow.name] = compiled.mapping->referenced_flows();

    bool creates = flow.mode != SyncMode::update;
    bool has_match = flow.match.has_value() || !flow.target.external_id.empty();
    if (!has_match && !flow.target.id_field.empty()) {
      for (const std::string& t : compiled.mapping->target_fields()) {
        if (t == flow.target.id_field) has_match = true;
      }
    }
    if (flow.match && flow.match->source_field.empty()) {
      bool mapped = false;
      for (const std::string& t : compiled.mapping->target_fields()) {
        if (t == flow.match->target_field) mapped = true;
      }
      if (!mapped) {
        out.errors.push_back(
            {flow.match->location, "match.target_field '" + flow.match->target_field +
                                       "' is not set by the mapping; map it or give "
                                       "match.source_field"});
      }
    }
    if (creates && !has_match) {
      out.warnings.push_back(
          {flow.location,
           "flow creates records but has no match key (match:, target.external_id, or a mapped "
           "target.id_field): records created just before a crash may be created again, and "
           "existing target records are not linked"});
    }
    if (flow.on_delete.kind == DeletePolicy::Kind::flag && flow.on_delete.flag_field.empty()) {
      out.errors.push_back({flow.on_delete.location, "on_delete flag needs a field"});
    }
  }
  FlowOrder order = plan_flow_order(config, refs);
  out.errors.insert(out.errors.end(), order.diagnostics.begin(), order.diagnostics.end());
  return out;
}

}  // namespace crmsync
