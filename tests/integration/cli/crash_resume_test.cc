#include <fcntl.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "support/process.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

// 10,000 accounts and 90,000 contacts (100,000 records) from one SQLite
// database into another, with contacts referencing accounts.
const char* kConfig = R"(
connections:
  crm: {type: sqlite, path: source.db}
  dw: {type: sqlite, path: target.db}
flows:
  accounts:
    source: {connection: crm, object: accounts, id_field: id, cursor_field: updated_at, batch_size: 500}
    target: {connection: dw, object: accounts, id_field: id, batch_size: 200}
    match: {target_field: crm_id}
    mapping:
      crm_id: id
      name: name
  contacts:
    source: {connection: crm, object: contacts, id_field: id, cursor_field: updated_at, batch_size: 500}
    target: {connection: dw, object: contacts, id_field: id, batch_size: 200}
    match: {target_field: crm_id}
    mapping:
      crm_id: id
      email: email
      account_id: {ref: accounts, from: account_id}
)";

constexpr int kAccounts = 10000;
constexpr int kContacts = 90000;

void seed(const std::string& path) {
  SqliteProbe src(path);
  src.exec(
      "create table accounts (id text primary key, name text, updated_at integer);"
      "create table contacts (id text primary key, account_id text, email text, "
      "updated_at integer);"
      "begin;");
  std::string sql;
  for (int i = 0; i < kAccounts; ++i) {
    sql += "insert into accounts values ('A" + std::to_string(i) + "','Account " +
           std::to_string(i) + "'," + std::to_string(i / 7) + ");";
  }
  for (int i = 0; i < kContacts; ++i) {
    sql += "insert into contacts values ('K" + std::to_string(i) + "','A" +
           std::to_string((i * 7919) % kAccounts) + "','k" + std::to_string(i) + "@example.com'," +
           std::to_string(i / 3) + ");";
  }
  src.exec(sql + "commit;");
}

TEST(CrashResume, KilledTwentyTimesEndsWithEveryRecordExactlyOnce) {
  TempDir dir;
  dir.write("crmsync.yaml", kConfig);
  seed(dir.file("source.db"));
  std::string log = dir.file("runs.log");
  std::mt19937 rng(20261122);
  std::uniform_int_distribution<int> delay_ms(20, 600);

  int kills = 0;
  int attempts = 0;
  while (kills < 20 && attempts < 200) {
    ++attempts;
    Process p({CRMSYNC_BINARY, "run", "--no-progress"}, dir.path().string(), log);
    ASSERT_TRUE(p.started());
    if (p.kill_after(std::chrono::milliseconds(delay_ms(rng)))) {
      ++kills;
    } else {
      // Finished before the kill: start over from a clean target and state
      // so that every kill lands in a run that still has work to do.
      ASSERT_EQ(p.wait(), 0) << "see " << log;
      for (const char* f : {"target.db", "target.db-wal", "target.db-shm", "crmsync.state.db",
                            "crmsync.state.db-wal", "crmsync.state.db-shm"}) {
        std::filesystem::remove(dir.path() / f);
      }
    }
  }
  EXPECT_EQ(kills, 20) << "runs finished too fast to be killed 20 times";
  Process last({CRMSYNC_BINARY, "run", "--no-progress"}, dir.path().string(), log);
  ASSERT_EQ(last.wait(), 0) << "see " << log;

  SqliteProbe dw(dir.file("target.db"));
  EXPECT_EQ(dw.count("select count(*) from accounts"), kAccounts);
  EXPECT_EQ(dw.count("select count(distinct crm_id) from accounts"), kAccounts);
  EXPECT_EQ(dw.count("select count(*) from contacts"), kContacts);
  EXPECT_EQ(dw.count("select count(distinct crm_id) from contacts"), kContacts);
  EXPECT_EQ(dw.count("select count(*) from contacts c left join accounts a on a.id = "
                     "c.account_id where a.id is null"),
            0);
  // Each reference leads to the right account, not just to some account.
  EXPECT_EQ(dw.count("select count(*) from contacts c join accounts a on a.id = c.account_id "
                     "where a.crm_id != 'A' || ((cast(substr(c.crm_id, 2) as integer) * 7919) % " +
                     std::to_string(kAccounts) + ")"),
            0);
  // And a final run has nothing left to do.
  Process again({CRMSYNC_BINARY, "run", "--json"}, dir.path().string(), dir.file("final.json"));
  EXPECT_EQ(again.wait(), 0);
}

}  // namespace
}  // namespace crmsync::testing
