#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "connectors/odbc/odbc_config.h"
#include "connectors/odbc/odbc_handles.h"
#include "connectors/sql/sql_driver.h"

namespace crmsync {

// A column of a result set: its name and ODBC type, which decides how its
// cells are fetched (exact text for decimals and times, UTF-16 for text).
struct OdbcResultColumn {
  std::string name;
  SQLSMALLINT type = SQL_VARCHAR;
};

// Any database through the unixODBC driver manager: the driver is named in
// odbcinst.ini (or by its library path), a DSN, or a whole connection
// string. Statements run with parameters bound by SQLBindParameter (never
// pasted into the text); write transactions switch autocommit off and end
// with SQLEndTran. Diagnostics (SQLGetDiagRec) become classified errors with
// the password scrubbed. The SQL itself follows the configured dialect.
class OdbcClient final : public SqlDriver {
 public:
  explicit OdbcClient(OdbcConfig config);

  const std::string& target_name() const override { return name_; }
  Status connect() override;
  Result<SqlResult> run(const std::string& sql, std::span<const Value> params,
                        std::string_view doing) override;
  Result<std::unique_ptr<SqlRowStream>> stream(const std::string& sql,
                                               std::span<const Value> params, size_t fetch_rows,
                                               std::string_view doing) override;
  Result<std::vector<SqlColumn>> columns(const std::string& table) override;
  Result<std::vector<std::string>> tables() override;

  filter::Filter::SqlDialect filter_dialect() const override {
    return odbc_filter_dialect(config_.dialect);
  }
  std::string quote(std::string_view ident) const override {
    return odbc_quote(config_.dialect, ident);
  }
  std::string table_name(std::string_view table) const override;
  std::string placeholder(size_t) const override { return "?"; }
  size_t max_params() const override { return odbc_max_params(config_.dialect); }
  std::string column_type(const Value& sample, bool key) const override {
    return odbc_column_type(config_.dialect, sample, key);
  }
  std::string auto_id_column() const override { return odbc_auto_id_column(config_.dialect); }
  std::string upsert_clause(const std::string& key,
                            const std::vector<std::string>& columns) const override {
    return odbc_upsert_clause(config_.dialect, key, columns);
  }
  std::string upsert_statement(const std::string& table, const std::vector<std::string>& columns,
                               const std::string& rows, const std::string& key) const override;
  bool insert_returning() const override;
  std::string upsert_returning(const std::string& id, const std::string& key) const override;

  Status begin_transaction(std::string_view doing) override;
  Status commit_transaction(std::string_view doing) override;
  void rollback_transaction(std::string_view doing) override;
  std::string savepoint_sql(const std::string& name) const override;
  std::string release_savepoint_sql(const std::string& name) const override;
  std::string rollback_to_savepoint_sql(const std::string& name) const override;

  // A new connection (the main one, or one per streamed read).
  Result<OdbcDbc> open_session(bool streaming, size_t fetch_rows) const;
  // Binds `params` and executes `sql` on `stmt`; the parameter buffers
  // live in `keep` until the statement is done with them.
  // One parameter's buffers per slot. SQLBindParameter keeps pointers into
  // them until the statement has executed, so slots never move.
  struct ParamBuffers {
    struct Slot {
      SQLLEN ind = 0;
      int64_t integer = 0;
      unsigned char bit = 0;
      SQL_DATE_STRUCT date{};
      SQL_TIMESTAMP_STRUCT ts{};
      std::string text;
      std::basic_string<SQLWCHAR> wide;
    };
    std::vector<Slot> slots;
  };
  Status execute(SQLHSTMT stmt, const std::string& sql, std::span<const Value> params,
                 std::unique_ptr<ParamBuffers>& keep, std::string_view doing) const;
  // The diagnostics of a failed call as a classified error, password removed.
  Error diagnose(SQLSMALLINT handle_type, SQLHANDLE handle, std::string_view doing) const;
  // Result columns of an executed statement, and one row of them.
  Result<std::vector<OdbcResultColumn>> result_columns(SQLHSTMT stmt, std::string_view doing) const;
  Result<bool> fetch_row(SQLHSTMT stmt, const std::vector<OdbcResultColumn>& columns,
                         std::vector<Value>& row, std::string_view doing) const;

 private:
  std::string connection_string(bool streaming, size_t fetch_rows) const;
  std::string scrub(std::string text) const;
  Status set_autocommit(bool on, std::string_view doing);
  Status end_transaction(SQLSMALLINT completion, std::string_view doing);

  OdbcConfig config_;
  std::string name_;
  OdbcEnv env_;
  OdbcDbc dbc_;
};

}  // namespace crmsync
