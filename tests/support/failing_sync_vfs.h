#pragma once

#include <sqlite3.h>

#include <atomic>
#include <mutex>

namespace crmsync::testing {

// SQLite's default VFS, except that syncing a WAL file fails while `fail`
// is set: how a full or failing disk shows itself to a checkpoint (the
// first thing a checkpoint does is sync the log).
struct FailingSyncVfs {
  static inline std::atomic<bool> fail{false};

  // Registered once; nullptr when SQLite refused it.
  static const char* name() {
    static const bool registered = [] {
      real = sqlite3_vfs_find(nullptr);
      vfs = *real;
      vfs.zName = "failing_sync";
      vfs.xOpen = &open;
      return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK;
    }();
    return registered ? "failing_sync" : nullptr;
  }

  // For code that opens its databases with the default VFS: this one is
  // the default while the guard lives, and `fail` is reset after.
  class AsDefault {
   public:
    AsDefault() : ok_(name() != nullptr && sqlite3_vfs_register(&vfs, 1) == SQLITE_OK) {}
    ~AsDefault() {
      if (ok_) sqlite3_vfs_register(real, 1);
      fail = false;
    }
    bool ok() const { return ok_; }

   private:
    bool ok_;
  };

 private:
  static inline sqlite3_vfs* real = nullptr;
  static inline sqlite3_vfs vfs{};
  static inline sqlite3_io_methods wal_methods{};
  static inline const sqlite3_io_methods* real_wal_methods = nullptr;
  static inline std::mutex mutex;

  static int open(sqlite3_vfs*, sqlite3_filename file, sqlite3_file* f, int flags, int* out) {
    int rc = real->xOpen(real, file, f, flags, out);
    if (rc != SQLITE_OK || f->pMethods == nullptr || !(flags & SQLITE_OPEN_WAL)) return rc;
    std::lock_guard lock(mutex);
    if (real_wal_methods == nullptr) {
      real_wal_methods = f->pMethods;
      wal_methods = *f->pMethods;
      wal_methods.xSync = &sync;
    }
    if (f->pMethods == real_wal_methods) f->pMethods = &wal_methods;
    return rc;
  }

  static int sync(sqlite3_file* f, int flags) {
    return fail ? SQLITE_IOERR_FSYNC : real_wal_methods->xSync(f, flags);
  }
};

}  // namespace crmsync::testing
