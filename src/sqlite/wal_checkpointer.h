#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"

namespace crmsync {

// Copies a WAL database's log back into the database file on a thread of
// its own, so the checkpoint's two fsyncs and its page copies overlap the
// writer's work instead of stalling it. SQLite's own autocheckpoint runs
// inside the commit that crosses its threshold; for a first sync that was a
// fifth of the wall time of the state store and a SQLite target together.
//
// The writer keeps the WAL bounded either way: SQLite starts the log over
// only at a write that finds it fully copied back, and a writer that never
// pauses may always find a few frames still uncopied. Past `limit_pages`,
// the writer finishes the checkpoint itself, as autocheckpoint would have.
class WalCheckpointer {
 public:
  struct Thresholds {
    // Background checkpoints from 16 MB of log. At SQLite's 4 MB a first
    // sync ran three times as many, each with its fsyncs and a restart of
    // the log (one more fsync, on the writer), for about 5% less
    // throughput (bench_pipeline, 1M records).
    int start_pages = 4000;
    int limit_pages = 10000;  // the writer checkpoints itself from here
  };

  // Takes over checkpointing of `writer`'s main database when it is a file
  // in WAL mode; nullptr otherwise (an in-memory database, or another
  // journal mode), and then SQLite's own autocheckpoint stays. `label` names
  // the database in errors ("state store /x/state.db").
  static Result<std::unique_ptr<WalCheckpointer>> attach(sqlite3* writer, std::string label,
                                                         Thresholds thresholds);
  static Result<std::unique_ptr<WalCheckpointer>> attach(sqlite3* writer, std::string label) {
    return attach(writer, std::move(label), Thresholds{});
  }
  // Stops the thread and gives checkpointing back to SQLite. Must run
  // before `writer` closes.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // A checkpoint that failed (disk full, I/O error) since the last call.
  // The data is safe in the WAL, but the log can no longer shrink: the
  // owner calls this before each write transaction and stops there.
  Status take_failure();

  // Checkpoints that succeeded, by whom (for tests and benches).
  int64_t background_checkpoints() const { return background_.load(); }
  int64_t writer_checkpoints() const { return by_writer_.load(); }

 private:
  WalCheckpointer(sqlite3* writer, sqlite3* own, std::string label, Thresholds t);
  static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void run();
  // Under `checkpoint_mutex_`; records a failure, returns whether it succeeded.
  bool checkpoint(sqlite3* db);

  sqlite3* writer_;
  sqlite3* own_;  // the thread's connection to the same file
  std::string label_;
  Thresholds thresholds_;

  std::mutex checkpoint_mutex_;  // one checkpoint at a time, thread or writer

  std::mutex mutex_;  // guards the three below
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::string failure_;

  std::atomic<int64_t> background_{0};
  std::atomic<int64_t> by_writer_{0};
  std::thread thread_;
};

}  // namespace crmsync
