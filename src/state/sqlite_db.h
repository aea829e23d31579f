#pragma once

#include <sqlite3.h>

#include <map>
#include <memory>
#include <string>

#include "core/result.h"

namespace crmsync {

class WalCheckpointer;

// "?,?,...,?" with n parameters, for `IN (...)` lists and multi-row values.
std::string sql_placeholders(size_t n);

// A prepared statement, reset for reuse when it goes out of scope.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  ~Stmt() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  sqlite3_stmt* get() const { return s_; }
  void bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  // Without a copy: `v` must stay alive until this Stmt is destroyed (the
  // copies were most of the cost of writing a batch's id-map rows).
  void bind_borrowed(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void bind_null(int i) { sqlite3_bind_null(s_, i); }
  int step() { return sqlite3_step(s_); }
  std::string text(int i) const {
    const unsigned char* t = sqlite3_column_text(s_, i);
    return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(s_, i)) : "";
  }
  int64_t int64(int i) const { return sqlite3_column_int64(s_, i); }

 private:
  sqlite3_stmt* s_;
};

// The state store's SQLite connection with a cache of prepared statements
// (prepared once, reused for every batch).
class SqliteDb {
 public:
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path);
  ~SqliteDb();

  Status exec(const std::string& sql, std::string_view doing);
  // BEGIN IMMEDIATE, unless the log could not be checkpointed since the
  // last write: that stops the run before it writes more.
  Status begin_write(std::string_view doing);
  // Cached; wrap it in a Stmt on the stack for one use.
  Result<sqlite3_stmt*> prepare(const std::string& sql);
  Error error(std::string_view doing) const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::map<std::string, sqlite3_stmt*> cache_;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // null when SQLite checkpoints itself
};

}  // namespace crmsync
