#include "net/daily_budget.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "net/bounded_parallel.h"

namespace crmsync::net {
namespace {

TEST(DailyShare, AllowsUpToTheShareRoundedDown) {
  DailyShare half{0.5};
  EXPECT_EQ(half.allowed(1001), 500);
  EXPECT_TRUE(half.allows(499, 1, 1001));
  EXPECT_FALSE(half.allows(500, 1, 1001));
  EXPECT_TRUE(half.allows(10'000, 1, 0));  // limit unknown yet
  DailyShare whole{1.0};
  EXPECT_TRUE(whole.allows(5000, 1, 1000));  // the server's own limit stops it
  EXPECT_EQ(half.text(), "0.5");
}

TEST(DailyShare, ErrorIsFatalAndSaysWhenItResets) {
  Error e = daily_limit_error("what was spent", "00:00 UTC", 60);
  EXPECT_EQ(e.kind, ErrorKind::fatal);
  EXPECT_EQ(e.message, "budget reached, try after reset (00:00 UTC): what was spent");
  EXPECT_EQ(e.retry_after_secs, 60);
  int64_t s = seconds_to_utc_midnight();
  EXPECT_GT(s, 0);
  EXPECT_LE(s, 86400);
}

TEST(BoundedParallel, RunsEveryTaskOnceNeverMoreThanTheBoundAtOnce) {
  std::atomic<int> running{0}, peak{0};
  std::mutex m;
  std::multiset<size_t> seen;
  run_bounded_parallel(40, 3, [&](size_t i) {
    int now = ++running;
    int p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    {
      std::lock_guard lock(m);
      seen.insert(i);
    }
    --running;
  });
  EXPECT_EQ(seen.size(), 40u);
  for (size_t i = 0; i < 40; ++i) EXPECT_EQ(seen.count(i), 1u);
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 2);  // it did run in parallel
}

TEST(BoundedParallel, NoTasksAndOneAtATime) {
  int calls = 0;
  run_bounded_parallel(0, 4, [&](size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
  std::vector<size_t> order;
  run_bounded_parallel(5, 1, [&](size_t i) { order.push_back(i); });
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace crmsync::net
