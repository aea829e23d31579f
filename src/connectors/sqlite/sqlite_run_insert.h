#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "connectors/connector.h"
#include "connectors/sqlite/sqlite_client.h"
#include "core/result.h"

namespace crmsync {

// Inserts a run of create items that share their field names with one
// multi-row INSERT: a first sync is nearly all creates, and one statement
// per row spent more in starting and resetting statements than in the rows.
//
// Each item must get its own id. When the records carry the id column, that
// is it; otherwise the rows get explicit rowids after the table's largest,
// the ones SQLite would have chosen one by one (the call holds the write
// lock), because the order of RETURNING rows is not defined. Whatever this
// cannot do exactly as the row-by-row path would (AUTOINCREMENT, a column
// named rowid, WITHOUT ROWID, a record field that sets the rowid, a row
// that fails or is ignored by a conflict clause) it leaves to that path: the run is undone to a
// savepoint and answered `one_by_one`.
class SqliteRunInsert {
 public:
  enum class Outcome { written, one_by_one, rolled_back };

  SqliteRunInsert(SqliteClient& c, const WriteRequest& req, const std::string& id_field);

  // How many items from `first` on one statement takes; below 2 there is no
  // run to insert.
  size_t run_length(size_t first);
  // Inserts items [first, first + n) and fills their results when
  // `written`. `rolled_back`: a conflict clause ended the whole
  // transaction (ON CONFLICT ROLLBACK).
  // An error: undoing the run failed; the call's transaction must go.
  Result<Outcome> insert(size_t first, size_t n, std::vector<WriteResult>& results);

 private:
  int rows_per_statement(size_t fields, bool with_rowid) const;
  bool table_allows_explicit_rowids();
  bool names_rowid(const FieldNames& names) const;
  sqlite3_stmt* statement(const Record& shape, size_t n, bool with_rowid);
  Result<Outcome> undo(Outcome outcome);

  SqliteClient& c_;
  const WriteRequest& req_;
  std::string id_field_, qt_;
  int rowid_ok_ = -1;        // unknown until a run needs rowids
  std::string rowid_alias_;  // the INTEGER PRIMARY KEY column, if any
  std::map<std::tuple<const FieldNames*, size_t, bool>, sqlite3_stmt*> statements_;
};

}  // namespace crmsync
