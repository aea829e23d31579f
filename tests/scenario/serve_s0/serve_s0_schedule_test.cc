// Story S0 under the service when the change stream is cut (issue 18,
// "Done when"): the Salesforce sandbox's Streaming API goes down, loans are
// edited meanwhile, and the example's `every 5m` schedule catches them up.
// A process cannot take an injected clock, so this part runs the service
// in-process (crmsync::service::Service, the code `crmsync serve` runs)
// with a ManualClock, and moves time 5 minutes on instead of waiting.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "core/clock.h"
#include "scenario/s0/s0_world.h"
#include "scenario/serve_s0/s0_edits.h"
#include "service/service.h"
#include "support/eventually.h"
#include "support/service_harness.h"

namespace crmsync::testing {
namespace {

int64_t system_now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(ServeS0, WhenTheChangeStreamIsCutTheFiveMinuteScheduleCatchesUp) {
  S0World w;
  w.start();
  CommandResult setup = w.crmsync("setup");
  ASSERT_EQ(setup.exit_code, 0) << setup.output;
  // The example reads its connections from the environment.
  for (const std::string& e : w.env()) {
    size_t eq = e.find('=');
    ::setenv(e.substr(0, eq).c_str(), e.substr(eq + 1).c_str(), 1);
  }

  // The service's time; the sandboxes keep theirs (record stamps).
  ManualClock clock(system_now_micros());
  ServeLogLines log;
  service::ServeOptions options;
  options.config_path = w.dir.file("crmsync.yaml");
  options.listen = "";  // no HTTP server: the test steers the service itself
  options.clock = &clock;
  options.log = log.sink();
  options.api_token = "scenario-api-token-0123456789";
  auto created = service::Service::create(options);
  ASSERT_TRUE(created.ok()) << created.error().message;
  std::unique_ptr<service::Service> svc = std::move(*created);
  RunFollower follower(*svc);
  ASSERT_TRUE(svc->start().ok()) << log.text();

  RunRequest first;
  first.flows = {"borrowers", "loans"};
  auto queued = svc->submit(first);
  ASSERT_TRUE(queued) << queued.error.message;
  auto loaded = follower.wait_final(*queued.value);
  ASSERT_TRUE(loaded && loaded->status == RunStatus::succeeded) << log.text();
  std::vector<Loan> loans = w.loans("Jake Elmendorf");
  ASSERT_EQ(loans.size(), 50u);

  // The stream works: 5 edits come through it.
  std::vector<Loan> some(loans.begin(), loans.begin() + 5);
  std::vector<Edit> through_cdc = edit_loans(w, some, 3000);
  ASSERT_TRUE(wait_for_edits(w, through_cdc, std::chrono::seconds(60))) << log.text();

  // Cut it, then 20 more edits: no change event reaches serve now.
  sandbox::salesforce::FaultOptions down;
  down.streaming_down = true;
  w.sf->set_faults(down);
  int64_t cut_at = clock.now_micros();
  std::vector<Loan> rest(loans.begin() + 10, loans.begin() + 30);
  std::vector<Edit> while_cut = edit_loans(w, rest, 5000);

  // Five minutes on by the service's clock, the schedule has run. (The
  // connectors' back-off sleeps on the ManualClock move it on as well, so
  // the slot may come sooner; either way only a scheduled run can have
  // written these edits, which the counts below check.)
  clock.advance_secs(300);
  ASSERT_TRUE(wait_for_edits(w, while_cut, std::chrono::seconds(60)))
      << edits_in_pipedrive(w, while_cut) << " of 20 edits arrived; log:\n"
      << log.text();
  // The edits are in Pipedrive once the run wrote them, a moment before
  // it ends and records its counts; later scheduled runs keep starting (the
  // back-off sleeps move the clock on). So count the loans updated by the
  // scheduled runs that ended, until the run that wrote the edits has.
  RunFilter filter;
  filter.flow = "loans";
  filter.limit = 100;
  auto updated_by_schedule = [&] {
    int64_t updated = 0;
    auto runs = svc->store().runs(filter);
    if (!runs.ok()) return int64_t{-1};
    for (const RunInfo& r : *runs) {
      // A run queued before the cut may write the edits made during it:
      // only runs that ended before the cut are left out.
      bool ended_before_cut = r.ended_at != 0 && r.ended_at < cut_at;
      if (!is_final(r.status) || ended_before_cut) continue;
      if (r.trigger != "schedule" && r.trigger != "catch_up") continue;
      EXPECT_EQ(r.status, RunStatus::succeeded) << "run " << r.id;
      updated += r.flows.count("loans") ? r.flows.at("loans").updated : 0;
    }
    return updated;
  };
  eventually([&] { return updated_by_schedule() >= 20; }, std::chrono::seconds(60));
  EXPECT_EQ(updated_by_schedule(), 20) << log.text();
  follower.release();
  svc->stop();
}

}  // namespace
}  // namespace crmsync::testing
