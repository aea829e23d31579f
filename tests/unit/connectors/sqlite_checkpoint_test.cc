// The sqlite target's log is checkpointed on another thread; a checkpoint
// that fails stops the next write with the reason, and loses nothing.
#include <gtest/gtest.h>

#include "connectors/registry.h"
#include "support/eventually.h"
#include "support/failing_sync_vfs.h"
#include "support/sqlite_connection.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync {
namespace {

using testing::eventually;
using testing::FailingSyncVfs;
using testing::open_sqlite_connection;
using testing::SqliteProbe;
using testing::TempDir;

std::vector<WriteItem> creates(int from, int count, size_t body_size) {
  auto names = make_field_names({"ext", "body"});
  std::vector<WriteItem> items;
  for (int i = from; i < from + count; ++i) {
    Record r(names);
    r.value(0) = Value("E" + std::to_string(i));
    r.value(1) = Value(std::string(body_size, 'x'));
    items.push_back({WriteOp::create, "", std::move(r)});
  }
  return items;
}

TEST(SqliteTarget, AFailedCheckpointStopsTheNextWriteAndLosesNothing) {
  FailingSyncVfs::AsDefault failing_disk;
  ASSERT_TRUE(failing_disk.ok());
  TempDir dir;
  SqliteProbe(dir.file("t.db")).exec("CREATE TABLE t(id INTEGER PRIMARY KEY, ext TEXT, body TEXT)");
  auto conn = open_sqlite_connection(dir);
  ASSERT_NE(conn, nullptr);
  // A write that starts a new log syncs its header: this one still may.
  ASSERT_TRUE(conn->write(WriteRequest{"t", "id", "", creates(0, 1, 10)}).ok());
  FailingSyncVfs::fail = true;
  // 20 MB of rows: past the 16 MB of log that starts a checkpoint.
  auto big = conn->write(WriteRequest{"t", "id", "", creates(1, 80, 256 * 1024)});
  ASSERT_TRUE(big.ok()) << big.error().message;
  int written = 81;
  Result<std::vector<WriteResult>> next = std::vector<WriteResult>{};
  ASSERT_TRUE(eventually([&] {
    next = conn->write(WriteRequest{"t", "id", "", creates(written, 1, 10)});
    if (next.ok()) ++written;
    return !next.ok();
  }));
  EXPECT_EQ(next.error().kind, ErrorKind::fatal);
  EXPECT_NE(next.error().message.find("sqlite " + dir.file("t.db") +
                                      ": checkpointing the write-ahead log: "),
            std::string::npos)
      << next.error().message;

  FailingSyncVfs::fail = false;
  conn.reset();
  EXPECT_EQ(SqliteProbe(dir.file("t.db")).count("SELECT count(*) FROM t"), written);
}

}  // namespace
}  // namespace crmsync
