#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/result.h"
#include "core/value.h"
#include "filter/filter.h"

namespace crmsync {

// The answer to one statement, fully read (small results only: look-ups,
// RETURNING lists, catalog queries). Big reads go through SqlRowStream.
struct SqlResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  uint64_t affected = 0;        // rows inserted/updated/deleted (matched, for updates)
  uint64_t last_insert_id = 0;  // first AUTO_INCREMENT value of an insert (MySQL)
};

struct SqlColumn {
  std::string name;
  std::string type;  // as the catalog spells it (numeric, timestamp with time zone, ...)
  bool nullable = true;
  bool key = false;  // part of the primary key
};

// One streamed SELECT on a connection of its own, so that writes on the
// main connection can go on while it is open. Rows arrive converted to the
// record model by the server's column types.
class SqlRowStream {
 public:
  virtual ~SqlRowStream() = default;
  virtual const std::vector<std::string>& columns() const = 0;
  // Fills `row` with the next row; false at the end.
  virtual Result<bool> next(std::vector<Value>& row) = 0;
};

// What differs between SQL databases: the client library calls and the
// dialect. SqlConnection holds the logic they share (reads with pushdown and
// cursors, batched upserts with per-record fallback, table creation). Used
// from one thread. Errors are classified by the driver (STYLE.md rule 6):
// `rejected` means this statement's data was refused (constraint, type),
// anything else concerns the whole call. Messages never carry a password.
class SqlDriver {
 public:
  virtual ~SqlDriver() = default;

  // "postgres 127.0.0.1:5432/crm": names the database in messages, no secrets.
  virtual const std::string& target_name() const = 0;
  virtual Status connect() = 0;
  // `sql` has placeholder(1..n) for `params`, bound by the client library.
  virtual Result<SqlResult> run(const std::string& sql, std::span<const Value> params,
                                std::string_view doing) = 0;
  virtual Result<std::unique_ptr<SqlRowStream>> stream(const std::string& sql,
                                                       std::span<const Value> params,
                                                       size_t fetch_rows,
                                                       std::string_view doing) = 0;
  // Columns of a table or view in catalog order; empty when it does not exist.
  virtual Result<std::vector<SqlColumn>> columns(const std::string& table) = 0;
  // Tables and views of the configured schema or database, by name.
  virtual Result<std::vector<std::string>> tables() = 0;

  // Dialect.
  virtual filter::Filter::SqlDialect filter_dialect() const = 0;
  virtual std::string quote(std::string_view ident) const = 0;
  // The quoted (schema-qualified) name of a table.
  virtual std::string table_name(std::string_view table) const = 0;
  virtual std::string placeholder(size_t index) const = 0;  // 1-based
  virtual size_t max_params() const = 0;
  // The longest statement the server takes (MySQL's max_allowed_packet);
  // 0 when only max_params() limits a multi-row statement.
  virtual size_t max_statement_bytes() const { return 0; }
  // Column type for create_tables, from the first non-null value written.
  virtual std::string column_type(const Value& sample, bool key) const = 0;
  virtual std::string auto_id_column() const = 0;  // "BIGSERIAL PRIMARY KEY"
  // The tail of an INSERT that turns it into an upsert on `key`.
  virtual std::string upsert_clause(const std::string& key,
                                    const std::vector<std::string>& columns) const = 0;
  // For an upsert: a RETURNING clause giving (id, key, created) of every
  // row written, or "" when the dialect has none (ids are then looked up).
  virtual std::string upsert_returning(const std::string& id, const std::string& key) const = 0;
  // True when INSERT ... RETURNING gives the ids of created rows; else
  // SqlResult::last_insert_id does (consecutive for one multi-row insert).
  virtual bool insert_returning() const = 0;

  // The whole upsert of `rows` ("(?, ?), (?, ?)") into the quoted `table`.
  // By default INSERT ... VALUES ... upsert_clause; dialects whose upsert is
  // a statement of its own (MERGE) override it.
  virtual std::string upsert_statement(const std::string& table,
                                       const std::vector<std::string>& columns,
                                       const std::string& rows, const std::string& key) const {
    std::string cols;
    for (const std::string& c : columns) cols += (cols.empty() ? "" : ", ") + quote(c);
    return "INSERT INTO " + table + " (" + cols + ") VALUES " + rows + " " +
           upsert_clause(key, columns);
  }

  // A bulk path for a multi-row insert or upsert (PostgreSQL: COPY into a
  // staging table, then one INSERT ... SELECT), for drivers that have one.
  // `rows` share the field list `columns`; `key` is the upsert key ("" for
  // a plain insert) and `returning` the clause to append. The answer is the
  // one run() gives for the equivalent INSERT ... VALUES, rows in `rows`
  // order; a refused row fails the whole call as `rejected`, like it.
  virtual bool has_bulk_insert() const { return false; }
  virtual Result<SqlResult> bulk_insert(const std::string& table,
                                        const std::vector<std::string>& columns,
                                        std::span<const Record* const> rows, const std::string& key,
                                        const std::string& returning, std::string_view doing) {
    (void)table, (void)columns, (void)rows, (void)key, (void)returning;
    return Error(ErrorKind::fatal,
                 target_name() + ": " + std::string(doing) + ": no bulk insert in this driver");
  }

  // The transaction of one write call. Statements by default; a client
  // library that owns transactions (ODBC: autocommit off, SQLEndTran)
  // overrides them. Called in begin, then commit or rollback, order.
  virtual Status begin_transaction(std::string_view doing) { return statement("BEGIN", doing); }
  virtual Status commit_transaction(std::string_view doing) { return statement("COMMIT", doing); }
  virtual void rollback_transaction(std::string_view doing) { (void)statement("ROLLBACK", doing); }
  // Savepoints inside it; an empty release statement means the dialect has
  // none (SQL Server frees them with the transaction).
  virtual std::string savepoint_sql(const std::string& name) const { return "SAVEPOINT " + name; }
  virtual std::string release_savepoint_sql(const std::string& name) const {
    return "RELEASE SAVEPOINT " + name;
  }
  virtual std::string rollback_to_savepoint_sql(const std::string& name) const {
    return "ROLLBACK TO SAVEPOINT " + name;
  }

 protected:
  Status statement(const std::string& sql, std::string_view doing) {
    auto r = run(sql, {}, doing);
    if (!r) return r.error();
    return {};
  }
};

}  // namespace crmsync
