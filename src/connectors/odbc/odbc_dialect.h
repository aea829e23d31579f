#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "filter/filter.h"

namespace crmsync {

// The SQL the database behind an ODBC driver speaks: how identifiers are
// quoted, which upsert it has, savepoints and the column types created.
// The driver manager does not translate SQL, so this is the user's choice.
enum class OdbcDialect { sqlserver, postgres, sqlite, mysql, generic };

std::optional<OdbcDialect> parse_odbc_dialect(std::string_view name);
std::string_view to_string(OdbcDialect d);

// `?` placeholders everywhere; identifiers quoted as the dialect does.
filter::Filter::SqlDialect odbc_filter_dialect(OdbcDialect d);
std::string odbc_quote(OdbcDialect d, std::string_view ident);
// Bound parameters per statement (SQL Server stops at 2100).
size_t odbc_max_params(OdbcDialect d);
std::string odbc_column_type(OdbcDialect d, const Value& sample, bool key);
std::string odbc_auto_id_column(OdbcDialect d);
// ON CONFLICT / ON DUPLICATE KEY tail; empty for the MERGE dialects.
std::string odbc_upsert_clause(OdbcDialect d, const std::string& key,
                               const std::vector<std::string>& columns);
// MERGE ... USING (VALUES rows) AS crmsync_s (...) ON key: SQL Server (WITH
// (HOLDLOCK), so that two writers cannot both insert a key) and standard
// SQL for the generic dialect.
std::string odbc_merge_statement(OdbcDialect d, const std::string& table,
                                 const std::vector<std::string>& columns, const std::string& rows,
                                 const std::string& key);

}  // namespace crmsync
