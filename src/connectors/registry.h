#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/spec.h"
#include "connectors/connector.h"
#include "core/clock.h"
#include "net/http_session.h"

namespace crmsync {

struct ConnectorContext {
  std::string config_dir;  // relative paths in options resolve against this
  // The clock HTTP sessions wait on (retry backoff, pacing, Bulk polls);
  // null: the system clock. Tests inject a ManualClock. Must outlive the
  // connection.
  Clock* clock = nullptr;
  // Where HTTP sessions log each retry; empty: stderr.
  net::SessionLog log = {};
  // Told every answer of the HTTP connectors' sessions and the budgets they
  // report, under the connection's name (the service's metrics); null:
  // nobody. Must outlive the connection.
  net::ApiObserver* api_observer = nullptr;
};

struct ConnectorFactory {
  ComponentSpec spec;
  // `options` has been validated against spec.options and defaults filled.
  std::function<Result<std::unique_ptr<Connection>>(
      const ConnectionConfig& config, const OptionSet& options, const ConnectorContext& context)>
      create;
  // Optional: checks of nested option blocks the spec declares only as an
  // `object` (a REST connection's `objects:`), run by `validate` offline.
  std::function<Diagnostics(const ConnectionConfig& config)> validate_more = {};
};

// Every connector, registered explicitly in register_connectors.cc.
class ConnectorRegistry {
 public:
  static const ConnectorRegistry& instance();
  void add(ConnectorFactory factory);
  const ConnectorFactory* find(std::string_view type) const;
  std::vector<std::string> types() const;
  const std::vector<ConnectorFactory>& all() const { return factories_; }

  // Validates the connection's options and creates it. Errors are fatal and
  // name the connection and the config location.
  Result<std::unique_ptr<Connection>> create(const ConnectionConfig& config,
                                             const ConnectorContext& context) const;
  // Option diagnostics for `validate` (all at once).
  Diagnostics validate(const ConnectionConfig& config) const;

 private:
  std::vector<ConnectorFactory> factories_;
};

void register_connectors(ConnectorRegistry& registry);

// Registers with the process-wide redactor (core/redact.h) every option of
// `config` whose spec is flagged secret, paired with the connection's user
// names (user, username, client_id, ...) for the Basic header forms. Called
// by ConnectorRegistry::create and by the CLI as soon as a config is loaded,
// so that even `validate` and `check` print no secret.
void register_connection_secrets(const ConnectionConfig& config);

}  // namespace crmsync
