#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "connectors/registry.h"

namespace crmsync {

struct PostgresConfig {
  std::string url;  // postgresql://user@host:port/db?sslmode=...; options below override it
  std::string host;
  std::string port;
  std::string database;
  std::string user;
  std::string password;  // secret
  std::string sslmode;
  std::string schema = "public";
  int64_t connect_timeout_secs = 10;
  bool create_tables = false;
  // Run-time parameters set on every session right after it connects (and
  // so again after a reconnect), in order, with set_config(name, value,
  // false): e.g. `app.current_org` for row-level security policies.
  std::vector<std::pair<std::string, std::string>> session;
};

ComponentSpec postgres_spec();
void register_postgres_connector(ConnectorRegistry& registry);

}  // namespace crmsync
