#include "connectors/registry.h"

#include "config/loader.h"
#include "core/redact.h"

namespace crmsync {

const ConnectorRegistry& ConnectorRegistry::instance() {
  static const ConnectorRegistry kRegistry = [] {
    ConnectorRegistry r;
    register_connectors(r);
    return r;
  }();
  return kRegistry;
}

void ConnectorRegistry::add(ConnectorFactory factory) {
  factories_.push_back(std::move(factory));
}

const ConnectorFactory* ConnectorRegistry::find(std::string_view type) const {
  for (const ConnectorFactory& f : factories_) {
    if (f.spec.type == type) return &f;
  }
  return nullptr;
}

std::vector<std::string> ConnectorRegistry::types() const {
  std::vector<std::string> out;
  for (const ConnectorFactory& f : factories_) out.push_back(f.spec.type);
  return out;
}

Diagnostics ConnectorRegistry::validate(const ConnectionConfig& config) const {
  const ConnectorFactory* f = find(config.type);
  if (f == nullptr) {
    if (config.type.empty()) return {};  // reported by the loader
    std::string hint = did_you_mean(config.type, types());
    Location loc = config.type_location;
    if (loc.line == 0) {  // built in code, not read from a file
      loc = config.location;
      loc.key += ".type";
    }
    std::string known;
    for (const auto& t : types()) known += (known.empty() ? "" : ", ") + t;
    return {Diagnostic{loc, "no connector type '" + config.type + "'" +
                                (hint.empty() ? " (known: " + known + ")" : "; " + hint)}};
  }
  Diagnostics out = validate_options(f->spec.options, config.options);
  if (out.empty() && f->validate_more) out = f->validate_more(config);
  return out;
}

Result<std::unique_ptr<Connection>> ConnectorRegistry::create(
    const ConnectionConfig& config, const ConnectorContext& context) const {
  Diagnostics d = validate(config);
  if (!d.empty()) {
    std::string msg = "connection " + config.name + " is misconfigured:";
    for (const Diagnostic& x : d) msg += "\n  " + x.to_string();
    return Error(ErrorKind::fatal, msg);
  }
  register_connection_secrets(config);
  const ConnectorFactory* f = find(config.type);
  OptionSet filled;
  validate_options(f->spec.options, config.options, &filled);
  auto conn = f->create(config, filled, context);
  if (!conn) return conn.error().with_context("connection " + config.name);
  return conn;
}

void register_connection_secrets(const ConnectionConfig& config) {
  const ConnectorFactory* f = ConnectorRegistry::instance().find(config.type);
  if (f == nullptr) return;
  std::vector<std::string> users;
  for (const char* key : {"user", "username", "login", "email", "client_id"}) {
    const Value* v = config.options.get(key);
    if (v != nullptr && v->is_string() && !v->as_string().empty()) users.push_back(v->as_string());
  }
  for (const OptionSpec& spec : f->spec.options) {
    if (!spec.secret) continue;
    const Value* v = config.options.get(spec.name);
    if (v != nullptr && !v->is_null()) register_secret(v->to_text(), users);
  }
}

}  // namespace crmsync
