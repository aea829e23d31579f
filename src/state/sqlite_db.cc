#include "state/sqlite_db.h"

#include "sqlite/wal_checkpointer.h"

namespace crmsync {

namespace {

// SQLite keeps memory statistics by default, behind a global mutex taken on
// every allocation: a tenth of a first sync's SQLite time, for numbers no
// one reads. It is a process-wide setting that only holds if made before
// SQLite initializes; the state store opens before any flow's connections
// (engine), so this is the place. Later, it answers SQLITE_MISUSE and
// statistics stay on: slower, not wrong, so that answer is not an error.
void turn_off_memory_statistics() {
  static const bool once = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)once;
}

}  // namespace

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path) {
  turn_off_memory_statistics();
  auto db = std::make_unique<SqliteDb>();
  db->path_ = path;
  int rc =
      sqlite3_open_v2(path.c_str(), &db->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return db->error("opening");
  sqlite3_busy_timeout(db->db_, 5000);
  // WAL lets `crmsync status` read while a run writes; NORMAL keeps every
  // committed transaction atomic across a process crash. Under NORMAL the
  // fsyncs are a checkpoint's two, which run on a thread of their own
  // (sqlite/wal_checkpointer.h), and one when the log starts over.
  if (Status s = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                          "PRAGMA foreign_keys=ON;",
                          "configuring");
      !s) {
    return s.error();
  }
  auto checkpointer = WalCheckpointer::attach(db->db_, "state store " + path);
  if (!checkpointer) return checkpointer.error();
  db->checkpointer_ = std::move(*checkpointer);
  return db;
}

std::string sql_placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ",?" : "?";
  return s;
}

SqliteDb::~SqliteDb() {
  checkpointer_.reset();  // its thread must stop before the connection closes
  for (auto& [sql, s] : cache_) sqlite3_finalize(s);
  if (db_) sqlite3_close(db_);
}

Error SqliteDb::error(std::string_view doing) const {
  int code = db_ ? sqlite3_errcode(db_) : SQLITE_CANTOPEN;
  std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
  ErrorKind kind =
      code == SQLITE_BUSY || code == SQLITE_LOCKED ? ErrorKind::retryable : ErrorKind::fatal;
  return Error(kind, "state store " + path_ + ": " + std::string(doing) + ": " + msg);
}

Status SqliteDb::exec(const std::string& sql, std::string_view doing) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Error(ErrorKind::fatal, "state store " + path_ + ": " + std::string(doing) + ": " + msg);
  }
  return {};
}

Status SqliteDb::begin_write(std::string_view doing) {
  if (checkpointer_) {
    if (Status s = checkpointer_->take_failure(); !s) return s;
  }
  return exec("BEGIN IMMEDIATE", doing);
}

Result<sqlite3_stmt*> SqliteDb::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      return error("preparing a statement");
    }
    it = cache_.emplace(sql, s).first;
  }
  return it->second;
}

}  // namespace crmsync
