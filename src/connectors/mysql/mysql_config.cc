#include "connectors/mysql/mysql_config.h"

#include "connectors/mysql/mysql_client.h"
#include "connectors/option_values.h"
#include "connectors/sql/sql_connection.h"
#include "connectors/sql/sql_options.h"

namespace crmsync {

ComponentSpec mysql_spec() {
  ComponentSpec s;
  s.type = "mysql";
  s.summary =
      "A MySQL or MariaDB database (MariaDB Connector/C); each table or view is an object, or a "
      "flow reads a SQL query with named parameters. Reads stream (mysql_use_result), push the "
      "filter down and resume from a cursor column; writes upsert by a key (INSERT ... ON "
      "DUPLICATE KEY UPDATE) in multi-row statements, one transaction per batch.";
  using T = OptionSpec::Type;
  s.options = {
      {"host",
       T::string,
       false,
       Value("127.0.0.1"),
       "server host name or address",
       "db.internal",
       false,
       {}},
      {"port", T::integer, false, Value(int64_t{3306}), "server port", "3306", false, {}},
      {"socket",
       T::path,
       false,
       Value(),
       "unix socket; used instead of host and port",
       "/run/mysqld/mysqld.sock",
       false,
       {}},
      {"database", T::string, true, Value(), "database (schema) name", "crm", false, {}},
      {"user", T::string, true, Value(), "user name", "crmsync", false, {}},
      {"password",
       T::string,
       false,
       Value(),
       "password; use ${ENV} interpolation, never a literal in the file",
       "${MYSQL_PASSWORD}",
       true,
       {}},
      {"tls_required",
       T::boolean,
       false,
       Value(false),
       "refuse to connect without TLS",
       "true",
       false,
       {}},
  };
  add_sql_connection_options(s);
  return s;
}

void register_mysql_connector(ConnectorRegistry& registry) {
  registry.add(
      ConnectorFactory{mysql_spec(),
                       [](const ConnectionConfig&, const OptionSet& o,
                          const ConnectorContext& ctx) -> Result<std::unique_ptr<Connection>> {
                         MysqlConfig c;
                         c.host = option_text(o, "host", "127.0.0.1");
                         c.port = option_int(o, "port", 3306);
                         if (o.get("socket") && !o.get("socket")->is_null()) {
                           c.socket = option_path(o, "socket", ctx.config_dir);
                         }
                         c.database = option_text(o, "database");
                         c.user = option_text(o, "user");
                         c.password = option_text(o, "password");
                         c.tls_required = option_bool(o, "tls_required", false);
                         c.connect_timeout_secs = option_int(o, "connect_timeout_secs", 10);
                         c.create_tables = option_bool(o, "create_tables", false);
                         bool create = c.create_tables;
                         return std::unique_ptr<Connection>(new SqlConnection(
                             std::make_unique<MysqlClient>(std::move(c)), create));
                       }});
}

}  // namespace crmsync
