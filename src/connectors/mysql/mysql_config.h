#pragma once

#include <cstdint>
#include <string>

#include "connectors/registry.h"

namespace crmsync {

struct MysqlConfig {
  std::string host = "127.0.0.1";
  int64_t port = 3306;
  std::string socket;  // unix socket path; used instead of host:port when set
  std::string database;
  std::string user;
  std::string password;  // secret
  bool tls_required = false;
  int64_t connect_timeout_secs = 10;
  bool create_tables = false;
};

ComponentSpec mysql_spec();
void register_mysql_connector(ConnectorRegistry& registry);

}  // namespace crmsync
