#include "connectors/postgres/postgres_config.h"

#include "connectors/option_values.h"
#include "connectors/postgres/postgres_client.h"
#include "connectors/sql/sql_connection.h"
#include "connectors/sql/sql_options.h"

namespace crmsync {

ComponentSpec postgres_spec() {
  ComponentSpec s;
  s.type = "postgres";
  s.summary =
      "A PostgreSQL database (libpq); each table or view is an object, or a flow reads a SQL "
      "query with named parameters. Reads stream through a server-side cursor, push the filter "
      "down as parameterised SQL and resume from a cursor column; writes upsert by a key "
      "(INSERT ... ON CONFLICT) in multi-row statements, one transaction per batch.";
  using T = OptionSpec::Type;
  s.options = {
      {"url",
       T::string,
       false,
       Value(),
       "connection URI; the options below override its parts",
       "postgresql://crm@db.internal:5432/crm?sslmode=require",
       false,
       {}},
      {"host",
       T::string,
       false,
       Value(),
       "server host name or address (or a socket directory)",
       "db.internal",
       false,
       {}},
      {"port", T::integer, false, Value(), "server port (default 5432)", "5432", false, {}},
      {"database", T::string, false, Value(), "database name", "crm", false, {}},
      {"user", T::string, false, Value(), "user name", "crmsync", false, {}},
      {"password",
       T::string,
       false,
       Value(),
       "password; use ${ENV} interpolation, never a literal in the file",
       "${PG_PASSWORD}",
       true,
       {}},
      {"sslmode",
       T::enumeration,
       false,
       Value(),
       "libpq sslmode (default prefer)",
       "require",
       false,
       {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}},
      {"schema",
       T::string,
       false,
       Value("public"),
       "schema of the objects (an object written schema.table names its own)",
       "sales",
       false,
       {}},
      {"session",
       T::object,
       false,
       Value(),
       "run-time parameters set on every session after it connects (and reconnects), before "
       "any read or write, with set_config(name, value, false): custom settings that "
       "row-level security policies read, or server settings such as statement_timeout",
       "{app.current_org: \"${param.org}\"}",
       false,
       {}},
  };
  add_sql_connection_options(s);
  return s;
}

void register_postgres_connector(ConnectorRegistry& registry) {
  registry.add(ConnectorFactory{postgres_spec(),
                                [](const ConnectionConfig&, const OptionSet& o,
                                   const ConnectorContext&) -> Result<std::unique_ptr<Connection>> {
                                  PostgresConfig c;
                                  c.url = option_text(o, "url");
                                  c.host = option_text(o, "host");
                                  c.port = option_text(o, "port");
                                  c.database = option_text(o, "database");
                                  c.user = option_text(o, "user");
                                  c.password = option_text(o, "password");
                                  c.sslmode = option_text(o, "sslmode");
                                  c.schema = option_text(o, "schema", "public");
                                  c.connect_timeout_secs =
                                      option_int(o, "connect_timeout_secs", 10);
                                  c.create_tables = option_bool(o, "create_tables", false);
                                  if (const Value* v = o.get("session"); v && v->is_object()) {
                                    for (const Member& m : v->as_object()) {
                                      c.session.emplace_back(m.key, m.value.to_text());
                                    }
                                  }
                                  bool create = c.create_tables;
                                  return std::unique_ptr<Connection>(new SqlConnection(
                                      std::make_unique<PostgresClient>(std::move(c)), create));
                                }});
}

}  // namespace crmsync
