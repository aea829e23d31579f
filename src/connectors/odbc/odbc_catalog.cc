#include <set>

#include "connectors/odbc/odbc_client.h"

namespace crmsync {
namespace {

// The record model's name for an ODBC type code, which is what the shared
// describe() maps (catalog type names differ by driver: bit, bool, int4).
std::string canonical_type(int64_t data_type, const std::string& type_name) {
  switch (data_type) {
    case SQL_BIT:
      return "boolean";
    case SQL_TINYINT:
    case SQL_SMALLINT:
    case SQL_INTEGER:
    case SQL_BIGINT:
      return "bigint";
    case SQL_DECIMAL:
    case SQL_NUMERIC:
    case SQL_REAL:
    case SQL_FLOAT:
    case SQL_DOUBLE:
      return "numeric";
    case SQL_TYPE_DATE:
    case SQL_DATE:
      return "date";
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
    case -155:  // SQL Server datetimeoffset
      return "timestamp";
    default:
      return type_name.find("json") != std::string::npos ? "json" : "text";
  }
}

}  // namespace

std::string OdbcClient::table_name(std::string_view table) const {
  size_t dot = table.find('.');
  if (dot != std::string_view::npos) {
    return quote(table.substr(0, dot)) + "." + quote(table.substr(dot + 1));
  }
  return config_.schema.empty() ? quote(table) : quote(config_.schema) + "." + quote(table);
}

// SQLTables for tables and views. Without a configured schema, names are
// qualified by theirs (`public.customers`) and the system catalogs skipped.
Result<std::vector<std::string>> OdbcClient::tables() {
  if (Status s = connect(); !s) return s.error();
  std::string doing = "listing the tables";
  SQLHANDLE h = SQL_NULL_HANDLE;
  if (!odbc_ok(SQLAllocHandle(SQL_HANDLE_STMT, dbc_.get(), &h))) {
    return diagnose(SQL_HANDLE_DBC, dbc_.get(), doing);
  }
  OdbcStmt stmt(h);
  auto wschema = to_sqlwchar(config_.schema), wtypes = to_sqlwchar("TABLE,VIEW");
  SQLWCHAR* sp = config_.schema.empty() ? nullptr : wschema.data();
  auto sl = static_cast<SQLSMALLINT>(config_.schema.empty() ? 0 : wschema.size());
  SQLRETURN rc = SQLTablesW(h, nullptr, 0, sp, sl, nullptr, 0, wtypes.data(),
                            static_cast<SQLSMALLINT>(wtypes.size()));
  if (!odbc_ok(rc)) return diagnose(SQL_HANDLE_STMT, h, doing);
  auto cols = result_columns(h, doing);
  if (!cols) return cols.error();
  static const std::set<std::string> kSystem = {
      "pg_catalog", "information_schema", "INFORMATION_SCHEMA", "sys",
      "mysql",      "performance_schema"};
  std::vector<std::string> out;
  std::vector<Value> row;
  while (true) {
    auto more = fetch_row(h, *cols, row, doing);
    if (!more) return more.error();
    if (!*more) break;
    // TABLE_SCHEM (2) and TABLE_NAME (3).
    if (row.size() < 3) continue;
    std::string schema = row[1].is_null() ? "" : row[1].to_text();
    std::string name = row[2].to_text();
    if (!config_.schema.empty() && schema != config_.schema) continue;
    if (config_.schema.empty() && kSystem.count(schema)) continue;
    out.push_back(config_.schema.empty() && !schema.empty() ? schema + "." + name : name);
  }
  return out;
}

// SQLColumns and SQLPrimaryKeys. Their name arguments are patterns where `_`
// matches any character, and not every driver honours an escape, so rows
// are kept only when the table name matches exactly (and, without a schema,
// only the first schema that has the table).
Result<std::vector<SqlColumn>> OdbcClient::columns(const std::string& table) {
  if (Status s = connect(); !s) return s.error();
  size_t dot = table.find('.');
  std::string schema = dot == std::string::npos ? config_.schema : table.substr(0, dot);
  std::string name = dot == std::string::npos ? table : table.substr(dot + 1);
  auto wschema = to_sqlwchar(schema), wname = to_sqlwchar(name);
  std::string doing = "describing " + table;
  auto query = [&](bool keys) -> Result<SqlResult> {
    SQLHANDLE h = SQL_NULL_HANDLE;
    if (!odbc_ok(SQLAllocHandle(SQL_HANDLE_STMT, dbc_.get(), &h))) {
      return diagnose(SQL_HANDLE_DBC, dbc_.get(), doing);
    }
    OdbcStmt stmt(h);
    SQLWCHAR* sp = schema.empty() ? nullptr : wschema.data();
    auto sl = static_cast<SQLSMALLINT>(schema.empty() ? 0 : wschema.size());
    auto nl = static_cast<SQLSMALLINT>(wname.size());
    SQLRETURN rc = keys ? SQLPrimaryKeysW(h, nullptr, 0, sp, sl, wname.data(), nl)
                        : SQLColumnsW(h, nullptr, 0, sp, sl, wname.data(), nl, nullptr, 0);
    if (!odbc_ok(rc)) return diagnose(SQL_HANDLE_STMT, h, doing);
    auto cols = result_columns(h, doing);
    if (!cols) return cols.error();
    SqlResult out;
    std::vector<Value> row;
    while (true) {
      auto more = fetch_row(h, *cols, row, doing);
      if (!more) return more.error();
      if (!*more) break;
      // TABLE_SCHEM (2) and TABLE_NAME (3) in both result sets.
      if (row.size() < 4 || row[2].to_text() != name) continue;
      out.rows.push_back(std::move(row));
      row = {};
    }
    return out;
  };
  auto cols = query(false);
  if (!cols) return cols.error();
  std::vector<SqlColumn> out;
  if (cols->rows.empty()) return out;
  std::string first_schema = cols->rows[0][1].to_text();
  auto keys = query(true);
  if (!keys) return keys.error();
  std::set<std::string> key_names;
  for (const auto& k : keys->rows) {
    if (k[1].to_text() == first_schema) key_names.insert(k[3].to_text());
  }
  // COLUMN_NAME (4), DATA_TYPE (5), TYPE_NAME (6), NULLABLE (11).
  for (const auto& r : cols->rows) {
    if (r.size() < 11 || r[1].to_text() != first_schema) continue;
    std::string type_name = r[5].to_text();
    for (char& c : type_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    int64_t data_type = r[4].is_int() ? r[4].as_int() : 0;
    std::string col = r[3].to_text();
    out.push_back({col, canonical_type(data_type, type_name),
                   !(r[10].is_int() && r[10].as_int() == SQL_NO_NULLS), key_names.count(col) > 0});
  }
  return out;
}

}  // namespace crmsync
