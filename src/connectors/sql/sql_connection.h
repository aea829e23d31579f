#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/sql/sql_driver.h"

namespace crmsync {

// A SQL database as a connection, for any SqlDriver (postgres, mysql).
// Objects are tables or views, or a flow's `query:` (source option) read as
// a subquery. Reads stream on their own connection, push the filter down as
// parameterised SQL and order by (cursor, id) with `cursor >= from`. Writes
// run one transaction per call: consecutive creates/upserts with the same
// fields go out as one multi-row statement; when the database refuses it,
// each row is retried under its own savepoint so that only the bad records
// are rejected, with the database's message.
class SqlConnection final : public Connection {
 public:
  SqlConnection(std::unique_ptr<SqlDriver> driver, bool create_tables)
      : driver_(std::move(driver)), create_tables_(create_tables) {}

  Capabilities capabilities(std::string_view object) const override;
  Status check() override;
  Result<ObjectSchema> describe(std::string_view object) override;
  Result<std::vector<std::string>> list_objects() override;
  Result<std::unique_ptr<RecordReader>> read(const ReadRequest& request) override;
  // SELECT COUNT(*) over what read(request) would select (same query,
  // filter and cursor bound); one API call.
  Result<std::optional<int64_t>> count(const ReadRequest& request) override;
  Result<std::vector<Record>> read_by_ids(std::string_view object, std::string_view id_field,
                                          std::span<const std::string> ids) override;
  Result<std::vector<Record>> search(std::string_view object, std::string_view id_field,
                                     std::string_view field,
                                     std::span<const Value> values) override;
  // lower(field) IN (lower($1), ...): uses an index on lower(field).
  Result<std::vector<Record>> search_ignoring_case(std::string_view object,
                                                   std::string_view id_field,
                                                   std::string_view field,
                                                   std::span<const Value> values) override;
  Result<std::vector<WriteResult>> write(const WriteRequest& request) override;

 private:
  struct Query {
    std::string sql;  // with placeholders from 1
    std::vector<Value> params;
  };
  // What read() and count() select from: " FROM ... [WHERE filter AND
  // cursor >= from]" with its parameters, the column list and the id field.
  // Registers a flow's `query:` for the object (from_clause).
  struct ReadSql {
    std::string select;
    std::string from_where;
    std::vector<Value> params;
    std::string id_field;
  };
  Result<ReadSql> read_sql(const ReadRequest& request);
  // FROM clause of `object`: its table, or the query a read registered for it.
  std::string from_clause(const std::string& object, std::vector<Value>& params) const;
  Result<std::vector<Record>> select_in(const std::string& object, const std::string& id_field,
                                        const std::string& column, std::span<const Value> values,
                                        bool ignore_case = false);
  // Creates the table or adds missing columns for these records, when allowed.
  Status ensure_table(const std::string& table, const std::string& id_field,
                      const std::string& external_id, std::span<const WriteItem> items);

  // Writers (sql_write.cc); each fills results[i] for its items.
  class BatchWriter;

  std::unique_ptr<SqlDriver> driver_;
  bool create_tables_ = false;
  std::map<std::string, Query> queries_;  // object -> query source seen in read()
  std::map<std::string, std::set<std::string>> known_columns_;  // table -> columns written to
};

// The record model's type for a catalog type name (numeric -> decimal, ...).
ValueType value_type_for_sql_type(std::string_view sql_type);

}  // namespace crmsync
