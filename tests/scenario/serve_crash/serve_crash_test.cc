// kill -9 of `crmsync serve` at 10 random moments while its scheduled runs
// write people from SQLite into the Pipedrive sandbox (one call per
// record, committed every 50): after each restart the killed run shows as
// interrupted and a later run resumes it, and once that run has ended the
// sandbox holds every source row exactly once, with its fields (issue 18,
// "Done when").
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <set>

#include "sandbox/pipedrive/pipedrive_sandbox.h"
#include "support/pipedrive_people.h"
#include "support/run_command.h"
#include "support/serve_process.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

std::string config(const std::string& pipedrive_url) {
  return R"(version: 1
connections:
  crm: {type: sqlite, path: source.db}
  pipedrive:
    type: pipedrive
    base_url: )" +
         pipedrive_url + R"(
    api_token: demo-token
flows:
  people:
    source: {connection: crm, object: people, id_field: id, cursor_field: updated_at, batch_size: 200}
    target: {connection: pipedrive, object: person, batch_size: 50}
    match: {target_field: Source ID}
    trigger: {schedule: every 1s}
    mapping:
      name: name
      email: email
      Source ID: id
)";
}

uint32_t scenario_seed() {
  if (const char* s = std::getenv("CRMSYNC_SCENARIO_SEED")) return std::strtoul(s, nullptr, 10);
  return std::random_device{}();
}

// Waits (the sandbox asked every 2 ms) until `writes` person writes exist;
// false when serve stopped first or nothing moved for 30 s.
bool wait_for_writes(PipedrivePeople& pd, ServeProcess& serve, int64_t writes) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int64_t seen = pd.person_writes();
  while (seen < writes) {
    if (!serve.running() || std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    int64_t now = pd.person_writes();
    if (now != seen) deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    seen = now;
  }
  return true;
}

// The id of the one run going on now (workers: 1, one flow).
int64_t running_run(ServeProcess& serve) {
  std::vector<Value> running = serve.runs("status=running");
  EXPECT_EQ(running.size(), 1u) << serve.log_tail();
  return running.empty() ? 0 : int_of(running[0], "id");
}

TEST(ServeCrash, KilledTenTimesWhileScheduledRunsWriteNothingIsLostOrDuplicated) {
  uint32_t seed = scenario_seed();
  std::cout << "[ serve crash ] seed " << seed << " (CRMSYNC_SCENARIO_SEED=" << seed
            << " repeats it)\n";
  std::mt19937 rng(seed);

  sandbox::pipedrive::PipedriveSandboxOptions pd_options;
  // Unpaced and unbudgeted: the test is about crashes, not limits.
  pd_options.burst_limit = 100000;
  pd_options.search_burst_limit = 100000;
  pd_options.daily_budget = 0;
  sandbox::pipedrive::PipedriveSandbox sandbox(pd_options);
  ASSERT_TRUE(sandbox.start().ok());
  PipedrivePeople pd(sandbox.base_url(), "demo-token");

  TempDir dir;
  dir.write("crmsync.yaml", config(sandbox.base_url()));
  PeopleSource source(dir.file("source.db"));
  source.add(600);
  CommandResult setup =
      run_command("cd " + dir.path().string() + " && " + CRMSYNC_BINARY + " setup");
  ASSERT_EQ(setup.exit_code, 0) << setup.output;

  ServeProcess::Options options;
  options.dir = dir.path().string();
  ServeProcess serve(options);
  for (int kill = 1; kill <= 10; ++kill) {
    SCOPED_TRACE("kill " + std::to_string(kill));
    // Changes made while serve is down: the first run after the start
    // writes them all, so the kill below lands inside that run.
    if (kill > 1) {
      source.add(100);
      source.rename(40, rng);
    }
    int64_t before = pd.person_writes();
    int64_t work = kill == 1 ? 600 : 140;
    // At least one write done, at least 10% left when serve dies.
    int64_t at = std::uniform_int_distribution<int64_t>(1, work * 9 / 10)(rng);
    serve.start_ready();
    ASSERT_TRUE(wait_for_writes(pd, serve, before + 1)) << serve.log_tail();
    int64_t killed = running_run(serve);
    ASSERT_GT(killed, 0);
    ASSERT_TRUE(wait_for_writes(pd, serve, before + at)) << serve.log_tail();
    serve.kill9();
    std::cout << "[ serve crash ] kill " << kill << ": run " << killed << " after "
              << pd.person_writes() - before << " of " << work << " writes (aimed at " << at
              << ")\n";

    serve.start_ready();
    Value interrupted = serve.run(killed);
    EXPECT_EQ(text_of(interrupted, "status"), "interrupted") << to_json(interrupted);
    int64_t resumed_by = int_of(interrupted, "resumed_by");
    ASSERT_GT(resumed_by, killed) << to_json(interrupted);
    Value resumed = serve.wait_run_final(resumed_by);
    EXPECT_EQ(resumed_from(resumed), killed) << to_json(resumed);
    EXPECT_EQ(text_of(resumed, "status"), "succeeded") << to_json(resumed);

    expect_exactly_once(source.all(), pd.by_custom_field("Source ID"),
                        "after restart " + std::to_string(kill));
    if (HasFailure()) break;

    serve.signal(SIGTERM);
    std::optional<int> exit = serve.wait_exit(std::chrono::seconds(10));
    ASSERT_TRUE(exit.has_value()) << "serve did not stop within 10 s of SIGTERM";
    EXPECT_EQ(*exit, 0) << serve.log_tail();
  }
}

}  // namespace
}  // namespace crmsync::testing
