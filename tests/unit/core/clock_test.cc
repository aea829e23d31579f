#include "core/clock.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace crmsync {
namespace {

constexpr int64_t kStart = 1'800'000'000'000'000;
constexpr auto kSafety = std::chrono::seconds(10);

TEST(ManualClock, WaitEndsWhenTimeReachesTheDeadline) {
  ManualClock clock(kStart);
  ClockWakeup wakeup;
  auto waited =
      std::async(std::launch::async, [&] { return clock.wait_until(kStart + 60'000'000, wakeup); });
  ASSERT_TRUE(clock.await_waiters(1, kSafety));
  clock.advance_secs(59);  // not yet
  EXPECT_EQ(clock.waiters(), 1u);
  EXPECT_EQ(waited.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  clock.advance_secs(1);
  EXPECT_EQ(clock.waiters(), 0u);  // released at once, before it runs again
  ASSERT_EQ(waited.wait_for(kSafety), std::future_status::ready);
  EXPECT_TRUE(waited.get());
  EXPECT_EQ(clock.now_micros(), kStart + 60'000'000);
}

TEST(ManualClock, NotifyEndsTheWaitWithoutMovingTime) {
  ManualClock clock(kStart);
  ClockWakeup wakeup;
  auto waited = std::async(std::launch::async,
                           [&] { return clock.wait_until(kStart + 3'600'000'000, wakeup); });
  ASSERT_TRUE(clock.await_waiters(1, kSafety));
  wakeup.notify();
  EXPECT_EQ(clock.waiters(), 0u);
  ASSERT_EQ(waited.wait_for(kSafety), std::future_status::ready);
  EXPECT_FALSE(waited.get());
  EXPECT_EQ(clock.now_micros(), kStart);
}

TEST(ManualClock, ANotifyBeforeTheWaitIsNotLost) {
  ManualClock clock(kStart);
  ClockWakeup wakeup;
  wakeup.notify();
  EXPECT_FALSE(clock.wait_until(kStart + 1'000'000, wakeup));
  // Consumed: the next wait waits for its deadline.
  auto waited =
      std::async(std::launch::async, [&] { return clock.wait_until(kStart + 1'000'000, wakeup); });
  ASSERT_TRUE(clock.await_waiters(1, kSafety));
  clock.set_micros(kStart + 1'000'000);
  EXPECT_TRUE(waited.get());
}

TEST(ManualClock, APassedDeadlineReturnsAtOnce) {
  ManualClock clock(kStart);
  ClockWakeup wakeup;
  EXPECT_TRUE(clock.wait_until(kStart, wakeup));
  EXPECT_TRUE(clock.wait_until(kStart - 5, wakeup));
  EXPECT_EQ(clock.waiters(), 0u);
}

TEST(ManualClock, EachWaiterIsReleasedAtItsOwnDeadline) {
  ManualClock clock(kStart);
  ClockWakeup a, b;
  auto early = std::async(std::launch::async, [&] { return clock.wait_until(kStart + 10, a); });
  auto late = std::async(std::launch::async, [&] { return clock.wait_until(kStart + 20, b); });
  ASSERT_TRUE(clock.await_waiters(2, kSafety));
  clock.sleep_micros(15);  // sleep keeps moving time, and releases waiters too
  EXPECT_TRUE(early.get());
  EXPECT_EQ(clock.waiters(), 1u);
  clock.set_micros(kStart + 5);  // never backwards
  EXPECT_EQ(clock.now_micros(), kStart + 15);
  clock.advance_micros(5);
  EXPECT_TRUE(late.get());
}

TEST(ManualClock, AwaitWaitersTimesOutWhenNobodyWaits) {
  ManualClock clock(kStart);
  EXPECT_FALSE(clock.await_waiters(1, std::chrono::milliseconds(1)));
}

TEST(SystemClock, NotifyEndsAFarWait) {
  SystemClock clock;
  ClockWakeup wakeup;
  auto waited = std::async(std::launch::async, [&] {
    return clock.wait_until(clock.now_micros() + 3'600'000'000, wakeup);
  });
  wakeup.notify();
  ASSERT_EQ(waited.wait_for(kSafety), std::future_status::ready);
  EXPECT_FALSE(waited.get());
}

TEST(SystemClock, WaitEndsAtTheDeadline) {
  SystemClock clock;
  ClockWakeup wakeup;
  int64_t deadline = clock.now_micros() + 20'000;  // the thing under test is a timed wait
  EXPECT_TRUE(clock.wait_until(deadline, wakeup));
  EXPECT_GE(clock.now_micros(), deadline);
  EXPECT_TRUE(clock.wait_until(deadline - 1'000'000, wakeup));
}

}  // namespace
}  // namespace crmsync
