#include "connectors/sql/sql_options.h"

namespace crmsync {

void add_sql_connection_options(ComponentSpec& spec) {
  using T = OptionSpec::Type;
  spec.options.push_back({"connect_timeout_secs",
                          T::integer,
                          false,
                          Value(int64_t{10}),
                          "how long to wait for a connection",
                          "5",
                          false,
                          {}});
  spec.options.push_back(
      {"create_tables",
       T::boolean,
       false,
       Value(false),
       "create a missing target table, and add missing columns, from the records written",
       "true",
       false,
       {}});
  spec.source_options = {
      {"query",
       T::string,
       false,
       Value(),
       "a SELECT to read instead of the table named by object; :name placeholders take their "
       "values from params (bound, never pasted into the text)",
       "SELECT * FROM accounts_v WHERE company = :company",
       false,
       {}},
      {"params",
       T::object,
       false,
       Value(),
       "values of the query's :name placeholders",
       "{company: ACME}",
       false,
       {}},
  };
}

}  // namespace crmsync
