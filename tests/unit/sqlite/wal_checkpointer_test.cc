#include "sqlite/wal_checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "support/eventually.h"
#include "support/failing_sync_vfs.h"
#include "support/temp_dir.h"

namespace crmsync {
namespace {

using testing::eventually;
using testing::FailingSyncVfs;
using testing::TempDir;

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override { open_writer(nullptr); }
  void TearDown() override {
    checkpointer.reset();
    sqlite3_close(db);
    FailingSyncVfs::fail = false;
  }

  void open_writer(const char* vfs) {
    if (db) sqlite3_close(db);
    ASSERT_EQ(
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, vfs),
        SQLITE_OK);
    exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, body BLOB)");
  }

  void attach(int start_pages, int limit_pages) {
    auto c = WalCheckpointer::attach(db, "test db", {start_pages, limit_pages});
    ASSERT_TRUE(c) << c.error().to_string();
    ASSERT_NE(*c, nullptr);
    checkpointer = std::move(*c);
  }

  void exec(const char* sql) {
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  }

  // One transaction of about 12 pages of 4 KB.
  void write_batch() {
    exec(
        "BEGIN IMMEDIATE; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < 12) INSERT INTO t(body) SELECT randomblob(3000) FROM n; COMMIT");
  }

  int64_t wal_file_pages() const {
    std::error_code ec;
    auto size = std::filesystem::file_size(path + "-wal", ec);
    return ec ? 0 : static_cast<int64_t>(size / 4096);
  }

  int64_t rows_seen_by_a_new_connection() const {
    sqlite3* other = nullptr;
    sqlite3_open_v2(path.c_str(), &other, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(other, "SELECT count(*) FROM t", -1, &st, nullptr);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(other);
    return n;
  }

  TempDir dir;
  std::string path = dir.file("t.db");
  sqlite3* db = nullptr;
  std::unique_ptr<WalCheckpointer> checkpointer;
};

TEST_F(WalCheckpointerTest, BackgroundCheckpointsLetTheLogStartOver) {
  attach(8, 1'000'000);
  for (int i = 0; i < 50; ++i) {
    int64_t before = checkpointer->background_checkpoints();
    write_batch();  // past 8 pages: the commit asks the thread for a checkpoint
    ASSERT_TRUE(eventually([&] { return checkpointer->background_checkpoints() > before; }))
        << "no background checkpoint after commit " << i;
  }
  EXPECT_EQ(checkpointer->writer_checkpoints(), 0);
  // Each write found the log copied back and started it over: the file
  // holds about one batch, not fifty (600 pages without checkpoints).
  EXPECT_LT(wal_file_pages(), 60);
  EXPECT_EQ(rows_seen_by_a_new_connection(), 50 * 12);
  EXPECT_TRUE(checkpointer->take_failure());
}

TEST_F(WalCheckpointerTest, TheWriterCheckpointsItselfPastTheLimit) {
  attach(8, 8);
  for (int i = 0; i < 20; ++i) write_batch();
  EXPECT_EQ(checkpointer->writer_checkpoints(), 20);
  EXPECT_EQ(checkpointer->background_checkpoints(), 0);
  EXPECT_LT(wal_file_pages(), 60);
}

TEST_F(WalCheckpointerTest, GivesCheckpointingBackToSqliteWhenDestroyed) {
  attach(1'000'000, 8);
  checkpointer.reset();  // SQLite's autocheckpoint again, at 8 pages
  for (int i = 0; i < 20; ++i) write_batch();
  EXPECT_LT(wal_file_pages(), 60);
  EXPECT_EQ(rows_seen_by_a_new_connection(), 20 * 12);
}

TEST_F(WalCheckpointerTest, NotAttachedWithoutAFileInWalMode) {
  sqlite3* memory = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &memory), SQLITE_OK);
  auto in_memory = WalCheckpointer::attach(memory, "memory");
  ASSERT_TRUE(in_memory);
  EXPECT_EQ(*in_memory, nullptr);
  sqlite3_close(memory);

  sqlite3* rollback = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("rollback.db").c_str(), &rollback), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(rollback, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  auto journal = WalCheckpointer::attach(rollback, "rollback");
  ASSERT_TRUE(journal);
  EXPECT_EQ(*journal, nullptr);
  sqlite3_close(rollback);
}

TEST_F(WalCheckpointerTest, AFailedCheckpointIsReportedOnceAndNothingIsLost) {
  const char* vfs = FailingSyncVfs::name();
  ASSERT_NE(vfs, nullptr);
  open_writer(vfs);
  attach(8, 1'000'000);
  write_batch();
  FailingSyncVfs::fail = true;
  write_batch();
  Status failure;
  ASSERT_TRUE(eventually([&] {
    failure = checkpointer->take_failure();
    return !failure;
  }));
  EXPECT_EQ(failure.error().kind, ErrorKind::fatal);
  EXPECT_NE(failure.error().message.find("test db: checkpointing the write-ahead log: "),
            std::string::npos)
      << failure.error().message;
  EXPECT_TRUE(checkpointer->take_failure());  // reported once

  FailingSyncVfs::fail = false;
  write_batch();
  EXPECT_EQ(rows_seen_by_a_new_connection(), 3 * 12);
}

}  // namespace
}  // namespace crmsync
