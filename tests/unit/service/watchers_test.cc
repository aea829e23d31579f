// CDC flows are watched inside serve; a watcher that stops with an error is
// logged and started again after a backoff on the clock (1 s, 2 s, 4 s...),
// restarted on reload and stopped with serve.
#include <gtest/gtest.h>

#include "unit/service/serve_fixture.h"

namespace crmsync::testing {
namespace {

class Watchers : public ServeFixture {};

TEST_F(Watchers, AFailingWatcherIsStartedAgainWithBackoffOnTheClock) {
  // A CSV file has no change stream: each watch fails at once.
  write_project("cdc: true");
  int64_t t0 = clock.now_micros();
  ASSERT_NO_FATAL_FAILURE(start(2));  // the scheduler and the watcher in its backoff
  auto failed = log.events("watch_failed");
  ASSERT_EQ(failed.size(), 1u) << log.text();
  EXPECT_NE(failed[0].find("message")->to_text().find("cannot subscribe"), std::string::npos)
      << log.text();
  EXPECT_EQ(failed[0].find("retry_in_secs")->as_int(), 1);

  ASSERT_NO_FATAL_FAILURE(advance_to(t0 + 1'000'000, 2));
  EXPECT_EQ(log.count("watch_started"), 2u);
  EXPECT_EQ(log.events("watch_failed").back().find("retry_in_secs")->as_int(), 2);
  ASSERT_NO_FATAL_FAILURE(advance_to(t0 + 2'000'000, 2));
  EXPECT_EQ(log.count("watch_started"), 2u);  // 2 s not over yet
  ASSERT_NO_FATAL_FAILURE(advance_to(t0 + 3'000'000, 2));
  EXPECT_EQ(log.count("watch_started"), 3u);
  EXPECT_EQ(log.events("watch_failed").back().find("retry_in_secs")->as_int(), 4);

  // A reload starts the watchers again on the new config, at once.
  ASSERT_TRUE(svc->reload().ok());
  ASSERT_TRUE(log.wait_for("watch_started", 4)) << log.text();
  EXPECT_EQ(log.count("watch_stopped"), 1u);
  ASSERT_TRUE(clock.await_waiters(2, kServiceSafety));
  stop();
  EXPECT_EQ(log.count("watch_stopped"), 2u);
  EXPECT_EQ(log.count("stopped"), 1u);
}

}  // namespace
}  // namespace crmsync::testing
