#pragma once

#include <cstdint>
#include <string>

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
};

ComponentSpec postgres_spec();
void register_postgres_connector(ConnectorRegistry& registry);

}  // namespace crmsync
