#include "sqlite/wal_checkpointer.h"

#include <cstring>

namespace crmsync {

namespace {

bool in_wal_mode(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA main.journal_mode", -1, &st, nullptr) != SQLITE_OK) {
    return false;
  }
  const unsigned char* mode = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : nullptr;
  bool wal = mode != nullptr && std::strcmp(reinterpret_cast<const char*>(mode), "wal") == 0;
  sqlite3_finalize(st);
  return wal;
}

}  // namespace

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::attach(sqlite3* writer, std::string label,
                                                                 Thresholds thresholds) {
  const char* file = sqlite3_db_filename(writer, "main");
  // Without a file there is no log to copy back; a SQLite built without
  // threads cannot share the file between two threads' connections.
  if (file == nullptr || *file == '\0' || sqlite3_threadsafe() == 0 || !in_wal_mode(writer)) {
    return std::unique_ptr<WalCheckpointer>();
  }
  // Through the writer's VFS: the same file access, locks and shared memory.
  sqlite3_vfs* vfs = nullptr;
  sqlite3_file_control(writer, "main", SQLITE_FCNTL_VFS_POINTER, &vfs);
  sqlite3* own = nullptr;
  int rc = sqlite3_open_v2(file, &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                           vfs ? vfs->zName : nullptr);
  // A first read opens the connection's log: a checkpoint on a connection
  // that has never read the file has no WAL to work on.
  if (rc == SQLITE_OK) rc = sqlite3_exec(own, "PRAGMA schema_version", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = own ? sqlite3_errmsg(own) : sqlite3_errstr(rc);
    sqlite3_close(own);
    return Error(ErrorKind::fatal, label + ": opening a connection for WAL checkpoints: " + msg);
  }
  return std::unique_ptr<WalCheckpointer>(
      new WalCheckpointer(writer, own, std::move(label), thresholds));
}

WalCheckpointer::WalCheckpointer(sqlite3* writer, sqlite3* own, std::string label, Thresholds t)
    : writer_(writer), own_(own), label_(std::move(label)), thresholds_(t) {
  thread_ = std::thread([this] { run(); });
  // Replaces SQLite's autocheckpoint, which is itself a WAL hook.
  sqlite3_wal_hook(writer_, &WalCheckpointer::on_commit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_autocheckpoint(writer_, thresholds_.limit_pages);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close(own_);
}

Status WalCheckpointer::take_failure() {
  std::lock_guard lock(mutex_);
  if (failure_.empty()) return {};
  std::string msg = std::move(failure_);
  failure_.clear();
  return Error(ErrorKind::fatal, msg);
}

// Runs on the writer's thread after each commit, with the log's size.
int WalCheckpointer::on_commit(void* self_ptr, sqlite3* db, const char* schema, int wal_pages) {
  auto* self = static_cast<WalCheckpointer*>(self_ptr);
  if (std::strcmp(schema, "main") != 0 || wal_pages < self->thresholds_.start_pages) {
    return SQLITE_OK;
  }
  if (wal_pages >= self->thresholds_.limit_pages) {
    std::lock_guard lock(self->checkpoint_mutex_);
    if (self->checkpoint(db)) ++self->by_writer_;
    return SQLITE_OK;
  }
  {
    std::lock_guard lock(self->mutex_);
    self->requested_ = true;
  }
  self->wake_.notify_one();
  // The commit has happened whatever a checkpoint does; its failures are
  // reported before the next write (take_failure), not as this commit's.
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    lock.unlock();
    {
      std::lock_guard checkpointing(checkpoint_mutex_);
      if (checkpoint(own_)) ++background_;
    }
    lock.lock();
  }
}

bool WalCheckpointer::checkpoint(sqlite3* db) {
  int rc = sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc == SQLITE_OK) return true;
  // Another process is checkpointing (a closing `crmsync status`): the
  // next commit asks again.
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return false;
  std::string msg = label_ + ": checkpointing the write-ahead log: " + sqlite3_errmsg(db);
  std::lock_guard lock(mutex_);
  if (failure_.empty()) failure_ = std::move(msg);
  return false;
}

}  // namespace crmsync
