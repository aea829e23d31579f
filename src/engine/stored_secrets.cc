#include "engine/stored_secrets.h"

#include "connectors/registry.h"

namespace crmsync {

std::string connection_secret_name(std::string_view connection, std::string_view option) {
  return "connection:" + std::string(connection) + ":" + std::string(option);
}

Result<ConnectionConfig> with_stored_secrets(const ConnectionConfig& config, StateStore& store) {
  const ConnectorFactory* factory = ConnectorRegistry::instance().find(config.type);
  if (factory == nullptr) return config;  // reported by validation
  ConnectionConfig out = config;
  for (const OptionSpec& spec : factory->spec.options) {
    if (!spec.secret) continue;
    const Value* given = config.options.get(spec.name);
    if (given && !given->is_null() && !given->to_text().empty()) continue;
    std::string name = connection_secret_name(config.name, spec.name);
    auto stored = store.has_secret(name);
    if (!stored) return stored.error();
    if (!*stored) continue;
    auto value = store.get_secret(name);
    if (!value) return value.error().with_context("connection " + config.name);
    if (!*value) continue;
    Object& o = out.options.values.as_object();
    std::erase_if(o, [&](const Member& m) { return m.key == spec.name; });
    o.push_back(Member{spec.name, Value(**value)});
  }
  return out;
}

}  // namespace crmsync
