#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "connectors/connector.h"
#include "connectors/sqlite/sqlite_client.h"

namespace crmsync {

// SQLite tables as objects. Reads stream one prepared statement (flat
// memory), push the filter down as parameterised SQL and order by
// (cursor, id); writes run in one transaction per call, runs of creates as
// multi-row inserts, the rest one statement per record; one bad row is
// rejected alone.
class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(SqliteConfig config) : config_(std::move(config)) {}

  Capabilities capabilities(std::string_view object) const override;
  Status check() override;
  Result<ObjectSchema> describe(std::string_view object) override;
  Result<std::vector<std::string>> list_objects() override;
  Result<std::unique_ptr<RecordReader>> read(const ReadRequest& request) override;
  // SELECT COUNT(*) with read(request)'s filter and cursor bound.
  Result<std::optional<int64_t>> count(const ReadRequest& request) override;
  Result<std::vector<Record>> read_by_ids(std::string_view object, std::string_view id_field,
                                          std::span<const std::string> ids) override;
  Result<std::vector<Record>> search(std::string_view object, std::string_view id_field,
                                     std::string_view field,
                                     std::span<const Value> values) override;
  Result<std::vector<WriteResult>> write(const WriteRequest& request) override;

 private:
  Result<SqliteClient*> client();
  // Creates the table or adds missing columns for these records, when allowed.
  Status ensure_columns(const std::string& table, const std::string& id_field,
                        const std::string& external_id, const WriteRequest& req);
  // Indexes `column` of `table` for match searches, once, when crmsync
  // manages the schema and no index starts with that column.
  Status ensure_search_index(SqliteClient& c, const std::string& table, const std::string& column);
  Result<std::vector<Record>> select_in(const std::string& table, const std::string& id_field,
                                        const std::string& column, std::span<const Value> values);

  SqliteConfig config_;
  std::unique_ptr<SqliteClient> client_;
  std::set<std::string> indexed_;  // "table\ncolumn" already checked
};

}  // namespace crmsync
