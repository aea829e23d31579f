// What a page of runs costs with a long history in SQLite (the suite of
// jobs over every backend: cases/jobs_cases.cc).
#include <gtest/gtest.h>

#include <chrono>

#include "state/state_store.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync {
namespace jobs_test {

using testing::SqliteProbe;
using testing::TempDir;

std::unique_ptr<StateStore> open(const TempDir& d) {
  auto s = open_sqlite_state_store(d.file("state.db"));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(*s) : nullptr;
}

// Not a timing assertion: prints what a page costs with a long history
// (the budget is 20 ms for GET /runs with 100,000 runs).
TEST(Jobs, PagesStayCheapWithALongHistory) {
  TempDir d;
  {
    auto s = open(d);  // the schema
  }
  {
    SqliteProbe db(d.file("state.db"));
    db.exec(
        "BEGIN;"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
        "INSERT INTO runs (id, queued_at, started_at, ended_at, status, trigger) SELECT i, i, i, "
        "i, CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'succeeded' END, 'schedule' FROM n;"
        "INSERT INTO run_flows (run_id, flow, read) SELECT id, 'flow' || (id % 20), 1 FROM runs;"
        "INSERT INTO run_flows (run_id, flow, read) SELECT id, 'rare', 1 FROM runs WHERE id % "
        "1000 = 0;"
        "COMMIT;");
  }
  auto s = open(d);
  auto time = [&](const char* what, RunFilter f) {
    constexpr int kRounds = 20;
    size_t rows = 0;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i) {
      auto page = s->runs(f);
      ASSERT_TRUE(page.ok());
      rows = page->size();
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count() /
                kRounds;
    std::printf("runs page (%s): %zu rows, %.2f ms\n", what, rows, ms);
    EXPECT_GT(rows, 0u);
  };
  time("newest", RunFilter{});
  time("deep", RunFilter{"", std::nullopt, 20000, 50});
  time("status failed", RunFilter{"", RunStatus::failed, 0, 50});
  time("flow", RunFilter{"flow7", std::nullopt, 0, 50});
  time("rare flow", RunFilter{"rare", std::nullopt, 0, 50});
  time("flow + status", RunFilter{"flow0", RunStatus::failed, 50000, 50});
  time("rare flow + status", RunFilter{"rare", RunStatus::failed, 0, 50});
  for (int round = 0; round < 2; ++round) {  // cold, then warm
    auto start = std::chrono::steady_clock::now();
    auto last = s->flow_last_runs();
    std::printf("flow_last_runs: %zu flows, %.2f ms\n", last->size(),
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count());
    EXPECT_EQ(last->size(), 21u);
  }
}

}  // namespace jobs_test
}  // namespace crmsync
