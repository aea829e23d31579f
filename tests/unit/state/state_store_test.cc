#include "state/state_store.h"

#include <gtest/gtest.h>

#include "support/eventually.h"
#include "support/failing_sync_vfs.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync {
namespace {

using testing::eventually;
using testing::FailingSyncVfs;
using testing::SqliteProbe;
using testing::TempDir;

std::unique_ptr<StateStore> open(const TempDir& d) {
  auto s = open_sqlite_state_store(d.file("state.db"));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(*s) : nullptr;
}

TEST(StateStore, MigratesOnceAndRefusesNewerSchemas) {
  TempDir d;
  { auto s = open(d); }
  { auto s = open(d); }  // idempotent reopen
  {
    SqliteProbe db(d.file("state.db"));
    EXPECT_EQ(db.count("select count(*) from schema_migrations"), 7);
    // Migration 2 dropped the unused target-id index (a random write per record).
    EXPECT_EQ(db.count("select count(*) from pragma_index_list('id_map') "
                       "where name = 'id_map_target'"),
              0);
    db.exec("insert into schema_migrations values (99, 0)");
  }
  auto s = open_sqlite_state_store(d.file("state.db"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("newer crmsync"), std::string::npos);
}

// The log is checkpointed on another thread; when that fails (here a WAL
// that cannot be synced, as on a failing disk), the next batch stops with
// the reason instead of letting the log grow, and every committed batch is
// still there.
TEST(StateStore, AFailedCheckpointStopsTheNextBatchAndLosesNothing) {
  FailingSyncVfs::AsDefault failing_disk;
  ASSERT_TRUE(failing_disk.ok());
  TempDir d;
  auto s = open(d);
  FailingSyncVfs::fail = true;
  // 20 MB of error payloads: past the 16 MB of log that starts a checkpoint.
  BatchCommit big;
  big.flow = "f";
  for (int i = 0; i < 80; ++i) {
    RecordError e;
    e.flow = "f";
    e.source_id = "S" + std::to_string(i);
    e.payload = std::string(256 * 1024, 'x');
    big.errors.push_back(std::move(e));
  }
  ASSERT_TRUE(s->commit(big).ok());
  int small = 0;
  Status failed;
  ASSERT_TRUE(eventually([&] {
    BatchCommit c;
    c.flow = "f";
    c.upserts.push_back({"A" + std::to_string(small), "1", 0, 0, 0, 0, false});
    failed = s->commit(c);
    if (failed) ++small;
    return !failed;
  }));
  EXPECT_EQ(failed.error().kind, ErrorKind::fatal);
  EXPECT_NE(failed.error().message.find("state store " + d.file("state.db") +
                                        ": checkpointing the write-ahead log: "),
            std::string::npos)
      << failed.error().message;

  FailingSyncVfs::fail = false;
  s.reset();
  s = open(d);
  EXPECT_EQ(s->errors(0, 1000)->size(), 80u);
  EXPECT_EQ(*s->count_id_map("f"), small);
}

}  // namespace
}  // namespace crmsync
