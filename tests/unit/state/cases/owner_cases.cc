// Runs and flow locks owned by another process: a live owner keeps them, a
// dead one's runs are interrupted and its locks taken over.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "state/state_store.h"
#include "unit/state/cases/state_suite.h"

namespace crmsync {
namespace owner_cases {

using testing::OwnerSuite;
using testing::StateBackend;

int64_t first_run(StateStore& s, const char* trigger) {
  auto id = s.begin_run(trigger, 10);
  return id.ok() ? *id : 0;
}

// Another process on this host: it runs `work` on its own store, says so
// (one byte on a pipe, with the run id it began), then lives until
// release() (or dies at once when `die` is set). Forked before the parent
// opens a store, so no SQLite handle, PostgreSQL session or thread
// crosses the fork.
class OtherProcess {
 public:
  OtherProcess(StateBackend& backend, std::function<int64_t(StateStore&)> work, bool die) {
    int ready[2], hold[2];
    if (pipe(ready) != 0 || pipe(hold) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      close(ready[0]);
      close(hold[1]);
      int64_t id = 0;
      {
        auto s = backend.open();
        if (s.ok()) id = work(**s);
        if (!die) {
          (void)!write(ready[1], &id, sizeof id);
          char c;
          (void)!read(hold[0], &c, 1);  // returns when the parent closes its end
        }
      }
      if (die) (void)!write(ready[1], &id, sizeof id);
      _exit(0);  // not the test's atexit handlers: this is only a stand-in process
    }
    close(ready[1]);
    close(hold[0]);
    hold_ = hold[1];
    if (read(ready[0], &run_id_, sizeof run_id_) != sizeof run_id_) run_id_ = -1;
    close(ready[0]);
    if (die) reap();
  }
  ~OtherProcess() { release(); }
  void release() {
    if (hold_ >= 0) close(hold_);
    hold_ = -1;
    reap();
  }
  pid_t pid() const { return pid_; }
  int64_t run_id() const { return run_id_; }

 private:
  void reap() {
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  pid_t pid_ = -1;
  int hold_ = -1;
  int64_t run_id_ = -1;
};

// With `crmsync serve` running a flow, a `crmsync run` of another flow
// closes abandoned runs first: it must leave serve's run alone.
TEST_P(OwnerSuite, ALiveOwnersRunningRunIsNotInterrupted) {
  { auto s = open(); }  // migrate before the other process starts
  OtherProcess serve(
      backend(), [](StateStore& s) { return first_run(s, "schedule"); }, false);
  ASSERT_GT(serve.run_id(), 0);
  auto s = open();
  auto closed = s->close_abandoned_runs(20);
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  EXPECT_TRUE(closed->empty());
  EXPECT_EQ((*s->run(serve.run_id()))->status, RunStatus::running);
}

TEST_P(OwnerSuite, ADeadOwnersRunningRunIsInterruptedAndReturned) {
  { auto s = open(); }
  OtherProcess gone(
      backend(), [](StateStore& s) { return first_run(s, "cli"); }, true);
  ASSERT_GT(gone.run_id(), 0);
  auto s = open();
  auto closed = s->close_abandoned_runs(20);
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  ASSERT_EQ(closed->size(), 1u);
  EXPECT_EQ((*closed)[0].id, gone.run_id());
  EXPECT_EQ((*closed)[0].status, RunStatus::interrupted);
  EXPECT_EQ((*s->run(gone.run_id()))->status, RunStatus::interrupted);
}

int64_t lock_f(StateStore& s) {
  auto id = s.begin_run("schedule", 10);
  if (!id.ok()) return 0;
  std::vector<std::string> flows{"f"};
  auto held = s.lock_flows(flows, *id, 11);
  return held.ok() && held->empty() ? *id : 0;
}

TEST_P(OwnerSuite, ALiveOwnerKeepsItsLockAndItIsNamed) {
  { auto s = open(); }
  OtherProcess serve(backend(), lock_f, false);
  ASSERT_GT(serve.run_id(), 0);
  auto s = open();
  std::vector<std::string> flows{"g", "f"};
  auto held = s->lock_flows(flows, 99, 20);
  ASSERT_TRUE(held.ok()) << held.error().message;
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ((*held)[0].flow, "f");
  EXPECT_EQ((*held)[0].run_id, serve.run_id());
  EXPECT_EQ((*held)[0].since, 11);
  EXPECT_NE((*held)[0].owner.find("pid " + std::to_string(serve.pid())), std::string::npos)
      << (*held)[0].owner;
  // All or none: "g" was free but is not taken either.
  EXPECT_EQ(backend().scalar("select count(*) from flow_locks"), "1");
  auto locks = s->flow_locks();
  ASSERT_EQ(locks->size(), 1u);
  EXPECT_EQ((*locks)[0].run_id, serve.run_id());
  // Its unlock_flows is its own: ours does not free its lock.
  std::vector<std::string> f{"f"};
  ASSERT_TRUE(s->unlock_flows(f).ok());
  EXPECT_EQ(s->lock_flows(f, 99, 21)->size(), 1u);
  serve.release();  // gone now: the lock is taken over
  EXPECT_TRUE(s->flow_locks()->empty());
  EXPECT_TRUE(s->lock_flows(flows, 99, 22)->empty());
  EXPECT_EQ(s->flow_locks()->size(), 2u);
}

TEST_P(OwnerSuite, ADeadOwnersLockIsTakenOverAndItsRunInterrupted) {
  { auto s = open(); }
  OtherProcess gone(backend(), lock_f, true);
  ASSERT_GT(gone.run_id(), 0);
  auto s = open();
  EXPECT_TRUE(s->flow_locks()->empty());
  std::vector<std::string> f{"f"};
  auto held = s->lock_flows(f, 7, 30);
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(held->empty());
  auto closed = s->close_abandoned_runs(31);
  ASSERT_EQ(closed->size(), 1u);
  EXPECT_EQ((*closed)[0].id, gone.run_id());
  EXPECT_EQ(backend().scalar("select run_id || ' ' || since from flow_locks where flow = 'f'"),
            "7 30");
}

// The kernel reuses pids: a lock row naming this process's pid but another
// start time is a process that is gone, not this one.
TEST_P(OwnerSuite, AReusedPidIsNotTheOwnerAndAnotherHostIsAlive) {
  ProcessOwner me = ProcessOwner::self("test");
  EXPECT_GT(me.started, 0);
  EXPECT_FALSE(me.host.empty());
  EXPECT_TRUE(me.alive());
  ProcessOwner reused = me;
  reused.started = me.started + 1;
  EXPECT_FALSE(reused.alive());
  ProcessOwner elsewhere = reused;
  elsewhere.host = me.host + "-other";
  EXPECT_TRUE(elsewhere.alive());  // cannot be looked at: counts as alive
  ProcessOwner nobody;
  EXPECT_FALSE(nobody.alive());
  EXPECT_EQ(me.to_string(), "test pid " + std::to_string(me.pid) + " on " + me.host);

  auto s = open();
  {
    backend().exec("insert into flow_locks values ('old', 'x', '" + me.host + "', " +
                   std::to_string(me.pid) + ", " + std::to_string(reused.started) +
                   ", 5, 1), ('far', 'serve pid 1 on other', '" + elsewhere.host +
                   "', 1, 1, 6, 2)");
  }
  std::vector<std::string> old{"old"}, far{"far"};
  EXPECT_TRUE(s->lock_flows(old, 8, 3)->empty());
  auto held = s->lock_flows(far, 8, 3);
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ((*held)[0].owner, "serve pid 1 on other");
}

// Within one process (crmsync serve's threads) a lock is per run: the same
// run may take it again, another run may not.
TEST_P(OwnerSuite, OneProcessTwoRunsShareNoLock) {
  auto s = open();
  std::vector<std::string> f{"f"};
  EXPECT_TRUE(s->lock_flows(f, 1, 10)->empty());
  EXPECT_TRUE(s->lock_flows(f, 1, 11)->empty());
  auto held = s->lock_flows(f, 2, 12);
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ((*held)[0].run_id, 1);
  EXPECT_EQ((*held)[0].since, 10);
  ASSERT_TRUE(s->unlock_flows(f).ok());
  EXPECT_TRUE(s->lock_flows(f, 2, 13)->empty());
  ASSERT_TRUE(s->unlock_flows(f).ok());
  // Locked before the run began (run 0), then passed to the run.
  EXPECT_TRUE(s->lock_flows(f, 0, 14)->empty());
  EXPECT_TRUE(s->lock_flows(f, 3, 15)->empty());
  EXPECT_EQ((*s->flow_locks())[0].run_id, 3);
  EXPECT_EQ(s->lock_flows(f, 4, 16)->size(), 1u);
}

}  // namespace owner_cases
}  // namespace crmsync
