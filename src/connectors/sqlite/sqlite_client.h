#pragma once

#include <sqlite3.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/sqlite/sqlite_config.h"
#include "core/record.h"
#include "core/result.h"

namespace crmsync {

// The connector's SQLite connection: open, errors with context, quoting,
// and the Value <-> column conversions (by declared column type).
class SqliteClient {
 public:
  static Result<std::unique_ptr<SqliteClient>> open(const SqliteConfig& config);
  ~SqliteClient();

  sqlite3* db() const { return db_; }
  Error error(std::string_view doing) const;
  Status exec(const std::string& sql, std::string_view doing);
  Result<sqlite3_stmt*> prepare(const std::string& sql, std::string_view doing);

  // Column name -> declared type of a table; empty when it does not exist.
  Result<std::vector<std::pair<std::string, std::string>>> columns(const std::string& table);

  static std::string quote(std::string_view ident);
  static void bind(sqlite3_stmt* st, int index, const Value& v);
  static Value read(sqlite3_stmt* st, int col, const std::string& declared_type);

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace crmsync
