#include "connectors/sqlite/sqlite_config.h"

#include "connectors/option_values.h"
#include "connectors/sql/sql_common.h"
#include "connectors/sqlite/sqlite_connection.h"

namespace crmsync {

ComponentSpec sqlite_spec() {
  ComponentSpec s;
  s.type = "sqlite";
  s.summary =
      "A SQLite database file; each table is an object. Reads push the flow's filter down as "
      "parameterised SQL and resume from a cursor column; writes upsert by a key, one "
      "transaction per batch.";
  using T = OptionSpec::Type;
  s.options = {
      {"path",
       T::path,
       true,
       Value(),
       "database file, relative to the config file",
       "warehouse.db",
       false,
       {}},
      {"create_tables",
       T::boolean,
       false,
       Value(true),
       "create a missing target table, and add missing columns, from the records written",
       "true",
       false,
       {}},
      {"busy_timeout_ms",
       T::integer,
       false,
       Value(int64_t{5000}),
       "how long to wait for a lock held by another process",
       "10000",
       false,
       {}},
      {"journal_mode",
       T::enumeration,
       false,
       Value("wal"),
       "SQLite journal mode",
       "wal",
       false,
       {"wal", "delete"}},
  };
  return s;
}

void register_sqlite_connector(ConnectorRegistry& registry) {
  registry.add(
      ConnectorFactory{sqlite_spec(),
                       [](const ConnectionConfig&, const OptionSet& o,
                          const ConnectorContext& ctx) -> Result<std::unique_ptr<Connection>> {
                         SqliteConfig c;
                         c.path = option_path(o, "path", ctx.config_dir);
                         c.create_tables = option_bool(o, "create_tables", true);
                         c.busy_timeout_ms = option_int(o, "busy_timeout_ms", 5000);
                         c.journal_mode = option_text(o, "journal_mode", "wal");
                         return std::unique_ptr<Connection>(new SqliteConnection(std::move(c)));
                       }});
}

Capabilities SqliteConnection::capabilities(std::string_view) const {
  return sql_table_capabilities();
}

Result<SqliteClient*> SqliteConnection::client() {
  if (!client_) {
    auto c = SqliteClient::open(config_);
    if (!c) return c.error();
    client_ = std::move(*c);
  }
  return client_.get();
}

Status SqliteConnection::check() {
  auto c = client();
  if (!c) return c.error();
  return (*c)->exec("SELECT 1 FROM sqlite_master LIMIT 1", "checking");
}

}  // namespace crmsync
