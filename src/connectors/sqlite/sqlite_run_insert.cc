#include "connectors/sqlite/sqlite_run_insert.h"

#include <algorithm>
#include <bit>
#include <cstdint>

namespace crmsync {
namespace {

// Past a few dozen rows a statement saves nothing more, and the parameters
// of wide records would reach SQLite's limit.
constexpr size_t kMaxRunRows = 64;

}  // namespace

SqliteRunInsert::SqliteRunInsert(SqliteClient& c, const WriteRequest& req,
                                 const std::string& id_field)
    : c_(c), req_(req), id_field_(id_field), qt_(SqliteClient::quote(req.object)) {}

int SqliteRunInsert::rows_per_statement(size_t fields, bool with_rowid) const {
  size_t params = fields + (with_rowid ? 1 : 0);
  auto limit = static_cast<size_t>(sqlite3_limit(c_.db(), SQLITE_LIMIT_VARIABLE_NUMBER, -1));
  return static_cast<int>(std::min(kMaxRunRows, limit / params));
}

size_t SqliteRunInsert::run_length(size_t first) {
  const WriteItem& head = req_.items[first];
  if (head.op != WriteOp::create || head.record.size() == 0) return 0;
  const FieldNames* names = head.record.names().get();
  auto most =
      static_cast<size_t>(rows_per_statement(head.record.size(), names->index_of(id_field_) < 0));
  size_t n = 1;
  while (n < most && first + n < req_.items.size()) {
    const WriteItem& it = req_.items[first + n];
    if (it.op != WriteOp::create || it.record.names().get() != names) break;
    ++n;
  }
  // Runs of powers of two: a few statement texts per shape, whatever the
  // batch sizes.
  return std::bit_floor(n);
}

// Explicit rowids would differ from SQLite's own choice with AUTOINCREMENT
// (never reuses a deleted largest id), and cannot be given to a WITHOUT
// ROWID table or one whose column named rowid hides it.
bool SqliteRunInsert::table_allows_explicit_rowids() {
  if (rowid_ok_ >= 0) return rowid_ok_ == 1;
  rowid_ok_ = 0;
  // One row: whether the table's SQL or a column named rowid rules explicit
  // rowids out, and its INTEGER PRIMARY KEY column (another name of the
  // rowid) when there is exactly one.
  auto st = c_.cached(
      "SELECT (SELECT sql LIKE '%AUTOINCREMENT%' OR sql LIKE '%WITHOUT%ROWID%' FROM sqlite_master "
      "WHERE type = 'table' AND name = ?1) OR (SELECT count(*) FROM pragma_table_info(?1) "
      "WHERE name = 'rowid' COLLATE NOCASE) > 0, max(name), count(*) FROM pragma_table_info(?1) "
      "WHERE pk > 0 AND upper(type) = 'INTEGER'",
      "reading the schema");
  if (!st) return false;
  StmtUse use(*st);
  SqliteClient::bind(*st, 1, Value(req_.object));
  if (sqlite3_step(*st) != SQLITE_ROW || sqlite3_column_int(*st, 0) != 0) return false;
  const unsigned char* alias = sqlite3_column_text(*st, 1);
  if (alias != nullptr && sqlite3_column_int(*st, 2) == 1) {
    rowid_alias_ = reinterpret_cast<const char*>(alias);
  }
  rowid_ok_ = 1;
  return true;
}

// A field named like the rowid (any case) would set it a second time in the
// same row, and SQLite keeps the last.
bool SqliteRunInsert::names_rowid(const FieldNames& names) const {
  for (size_t k = 0; k < names.size(); ++k) {
    const std::string& n = names.name(k);
    if (SqliteClient::rowid_name(n) || SqliteClient::same_column(n, rowid_alias_)) return true;
  }
  return false;
}

sqlite3_stmt* SqliteRunInsert::statement(const Record& shape, size_t n, bool with_rowid) {
  sqlite3_stmt*& st = statements_[{shape.names().get(), n, with_rowid}];
  if (st != nullptr) return st;
  std::string cols = with_rowid ? "rowid" : "", row = with_rowid ? "?" : "";
  for (size_t k = 0; k < shape.size(); ++k) {
    if (!cols.empty()) cols += ", ";
    cols += SqliteClient::quote(shape.name(k));
    row += row.empty() ? "?" : ",?";
  }
  std::string sql = "INSERT INTO " + qt_ + " (" + cols + ") VALUES ";
  for (size_t j = 0; j < n; ++j) sql += (j ? ",(" : "(") + row + ")";
  auto prepared = c_.cached(sql, "preparing");
  st = prepared ? *prepared : nullptr;
  return st;
}

Result<SqliteRunInsert::Outcome> SqliteRunInsert::undo(Outcome outcome) {
  if (Status s = c_.exec("ROLLBACK TO crmsync_run", "undoing a run of inserts into " + req_.object);
      !s) {
    return s.error();
  }
  if (Status s = c_.exec("RELEASE crmsync_run", "undoing a run of inserts into " + req_.object);
      !s) {
    return s.error();
  }
  return outcome;
}

// Where this path cannot tell (a query it needs fails, a row fails), it
// answers one_by_one: the row-by-row path then meets the same problem and
// reports it for the record it belongs to.
Result<SqliteRunInsert::Outcome> SqliteRunInsert::insert(size_t first, size_t n,
                                                         std::vector<WriteResult>& results) {
  const Record& shape = req_.items[first].record;
  int id_index = shape.names()->index_of(id_field_);
  bool with_rowid = id_index < 0;
  int64_t base = 0;
  if (with_rowid) {
    if (!table_allows_explicit_rowids() || names_rowid(*shape.names())) {
      return Outcome::one_by_one;
    }
    auto st = c_.cached("SELECT max(rowid) FROM " + qt_, "reading the largest rowid");
    if (!st) return Outcome::one_by_one;
    StmtUse use(*st);
    if (sqlite3_step(*st) != SQLITE_ROW) return Outcome::one_by_one;
    int64_t largest = sqlite3_column_int64(*st, 0);  // 0 when empty (NULL)
    // At the top SQLite picks random free rowids instead.
    if (largest > INT64_MAX - static_cast<int64_t>(n)) return Outcome::one_by_one;
    base = largest + 1;
  } else {
    for (size_t j = 0; j < n; ++j) {
      if (req_.items[first + j].record.value(static_cast<size_t>(id_index)).is_null()) {
        return Outcome::one_by_one;  // SQLite picks that row's id
      }
    }
  }
  sqlite3_stmt* st = statement(shape, n, with_rowid);
  if (st == nullptr) return Outcome::one_by_one;
  if (Status s = c_.exec("SAVEPOINT crmsync_run", "inserting into " + req_.object); !s) {
    return s.error();
  }
  int rc;
  {
    StmtUse use(st, StmtUse::keep_bindings);
    int p = 1;
    for (size_t j = 0; j < n; ++j) {
      const Record& r = req_.items[first + j].record;
      if (with_rowid) sqlite3_bind_int64(st, p++, base + static_cast<int64_t>(j));
      for (size_t k = 0; k < r.size(); ++k) SqliteClient::bind_borrowed(st, p++, r.value(k));
    }
    rc = sqlite3_step(st);
  }
  if (rc != SQLITE_DONE) {
    // ON CONFLICT ROLLBACK ended the transaction, savepoint included.
    if (sqlite3_get_autocommit(c_.db())) return Outcome::rolled_back;
    return undo(Outcome::one_by_one);
  }
  // Fewer rows: a conflict clause (OR IGNORE) dropped some, which ones the
  // row-by-row path will say.
  if (sqlite3_changes(c_.db()) != static_cast<int>(n)) return undo(Outcome::one_by_one);
  if (Status s = c_.exec("RELEASE crmsync_run", "inserting into " + req_.object); !s) {
    return s.error();
  }
  for (size_t j = 0; j < n; ++j) {
    WriteResult& res = results[first + j];
    res.ok = true;
    res.created = true;
    res.target_id =
        with_rowid ? std::to_string(base + static_cast<int64_t>(j))
                   : req_.items[first + j].record.value(static_cast<size_t>(id_index)).to_text();
  }
  return Outcome::written;
}

}  // namespace crmsync
