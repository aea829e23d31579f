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

class WalCheckpointer;

// The connector's SQLite connection: open, errors with context, quoting,
// and the Value <-> column conversions (by declared column type).
class SqliteClient {
 public:
  static Result<std::unique_ptr<SqliteClient>> open(const SqliteConfig& config);
  ~SqliteClient();

  sqlite3* db() const { return db_; }
  Error error(std::string_view doing) const;
  Status exec(const std::string& sql, std::string_view doing);
  // BEGIN IMMEDIATE, unless the log could not be checkpointed since the
  // last write: that stops the flow before it writes more.
  Status begin_write(std::string_view doing);
  // A new statement; the caller finalizes it (long-lived readers).
  Result<sqlite3_stmt*> prepare(const std::string& sql, std::string_view doing);
  // A statement prepared once per connection and kept: writes and look-ups
  // run the same few statements for every record. Hold it in a StmtUse so it
  // is reset for the next caller.
  Result<sqlite3_stmt*> cached(const std::string& sql, std::string_view doing);

  // Column name -> declared type of a table; empty when it does not exist.
  Result<std::vector<std::pair<std::string, std::string>>> columns(const std::string& table);

  static std::string quote(std::string_view ident);
  // SQLite compares column names without case (ASCII).
  static bool same_column(std::string_view a, std::string_view b);
  // rowid, oid or _rowid_: the rowid itself, unless a column takes the name.
  static bool rowid_name(std::string_view name);
  static void bind(sqlite3_stmt* st, int index, const Value& v);
  // The same without a copy of text values: `v` must stay alive and
  // unchanged until the statement is reset. Copying every text bound
  // (malloc, copy, free) was the largest cost of writing a row.
  static void bind_borrowed(sqlite3_stmt* st, int index, const Value& v);
  static Value read(sqlite3_stmt* st, int col, const std::string& declared_type);

 private:
  static void bind_value(sqlite3_stmt* st, int index, const Value& v,
                         sqlite3_destructor_type text_lifetime);
  sqlite3* db_ = nullptr;
  std::string path_;
  std::map<std::string, sqlite3_stmt*> cache_;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // null when SQLite checkpoints itself
  bool checkpointer_attached_ = false;
};

// One use of a cached statement: reset and unbound when it ends.
// `keep_bindings` is for statements whose every parameter is bound on every
// use: their parameters' buffers are then reused instead of freed and
// allocated again for each row.
class StmtUse {
 public:
  enum Bindings { clear_bindings, keep_bindings };
  explicit StmtUse(sqlite3_stmt* st, Bindings b = clear_bindings) : st_(st), bindings_(b) {}
  ~StmtUse() {
    sqlite3_reset(st_);
    if (bindings_ == clear_bindings) sqlite3_clear_bindings(st_);
  }
  StmtUse(const StmtUse&) = delete;
  StmtUse& operator=(const StmtUse&) = delete;
  sqlite3_stmt* get() const { return st_; }

 private:
  sqlite3_stmt* st_;
  Bindings bindings_;
};

}  // namespace crmsync
