#include "connectors/odbc/odbc_config.h"

#include "connectors/odbc/odbc_client.h"
#include "connectors/option_values.h"
#include "connectors/sql/sql_connection.h"
#include "connectors/sql/sql_options.h"

namespace crmsync {

ComponentSpec odbc_spec() {
  ComponentSpec s;
  s.type = "odbc";
  s.summary =
      "Any database with an ODBC driver (unixODBC): SQL Server through FreeTDS, PostgreSQL "
      "through psqlODBC, SQLite through sqlite3odbc, others with dialect: generic. Each table "
      "or view is an object, or a flow reads a SQL query with named parameters. Reads fetch row "
      "by row on a connection of their own, push the filter down as parameterised SQL (?) and "
      "resume from a cursor column; writes upsert by a key (MERGE on SQL Server, ON CONFLICT, "
      "ON DUPLICATE KEY) with autocommit off, one transaction per batch.";
  using T = OptionSpec::Type;
  s.options = {
      {"driver",
       T::string,
       false,
       Value(),
       "the driver's name in odbcinst.ini (or the path of its library); one of driver, dsn "
       "or connection_string is needed",
       "FreeTDS",
       false,
       {}},
      {"dsn",
       T::string,
       false,
       Value(),
       "a data source name from odbc.ini",
       "crm_sqlserver",
       false,
       {}},
      {"connection_string",
       T::string,
       false,
       Value(),
       "a whole ODBC connection string; the options below are appended unless it sets them. "
       "Put a password in the password option, not here",
       "DRIVER={FreeTDS};TDS_Version=7.4;ClientCharset=UTF-8",
       false,
       {}},
      {"host",
       T::string,
       false,
       Value(),
       "server host name or address (SERVER=)",
       "sql.internal",
       false,
       {}},
      {"port", T::integer, false, Value(), "server port (PORT=)", "1433", false, {}},
      {"database",
       T::string,
       false,
       Value(),
       "database name (DATABASE=); for SQLite the file's path",
       "crm",
       false,
       {}},
      {"user", T::string, false, Value(), "user name (UID=)", "crmsync", false, {}},
      {"password",
       T::string,
       false,
       Value(),
       "password (PWD=); use ${ENV} interpolation, never a literal in the file",
       "${MSSQL_PASSWORD}",
       true,
       {}},
      {"dialect",
       T::enumeration,
       false,
       Value("generic"),
       "the SQL the database speaks: identifier quoting, the upsert statement (sqlserver: MERGE "
       "... WITH (HOLDLOCK); postgres, sqlite: ON CONFLICT; mysql: ON DUPLICATE KEY; generic: "
       "standard MERGE), savepoints and created column types",
       "sqlserver",
       false,
       {"sqlserver", "postgres", "sqlite", "mysql", "generic"}},
      {"schema",
       T::string,
       false,
       Value(),
       "schema of the objects (default: the driver's; public for dialect postgres); an object "
       "written schema.table names its own",
       "dbo",
       false,
       {}},
  };
  add_sql_connection_options(s);
  return s;
}

void register_odbc_connector(ConnectorRegistry& registry) {
  registry.add(ConnectorFactory{
      odbc_spec(),
      [](const ConnectionConfig& conn, const OptionSet& o,
         const ConnectorContext&) -> Result<std::unique_ptr<Connection>> {
        OdbcConfig c;
        c.driver = option_text(o, "driver");
        c.dsn = option_text(o, "dsn");
        c.connection_string = option_text(o, "connection_string");
        if (c.driver.empty() && c.dsn.empty() && c.connection_string.empty()) {
          return Error(ErrorKind::fatal,
                       "connection " + conn.name + ": odbc needs driver, dsn or connection_string");
        }
        c.host = option_text(o, "host");
        c.port = option_text(o, "port");
        c.database = option_text(o, "database");
        c.user = option_text(o, "user");
        c.password = option_text(o, "password");
        c.schema = option_text(o, "schema");
        c.dialect =
            parse_odbc_dialect(option_text(o, "dialect", "generic")).value_or(OdbcDialect::generic);
        c.connect_timeout_secs = option_int(o, "connect_timeout_secs", 10);
        c.create_tables = option_bool(o, "create_tables", false);
        bool create = c.create_tables;
        return std::unique_ptr<Connection>(
            new SqlConnection(std::make_unique<OdbcClient>(std::move(c)), create));
      }});
}

}  // namespace crmsync
