// Story S0 under `crmsync serve` (issue 18, "Done when"): the example
// config unchanged, the real binary, both sandboxes. After the first load
// (a run asked through the API), 50 loans edited in Salesforce reach
// Pipedrive through Change Data Capture: no `crmsync run`, no run asked
// for, the serve's watcher hears each change.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "scenario/s0/s0_world.h"
#include "scenario/serve_s0/s0_edits.h"
#include "support/serve_process.h"

namespace crmsync::testing {
namespace {

const char* kOfficer = "Jake Elmendorf";

// Changes of `flow` the change stream brought: the sum of N over the
// watcher's "flow F: N changes -> ..." log lines.
int64_t changes_heard(const ServeProcess& serve, const std::string& flow) {
  int64_t n = 0;
  std::string prefix = "flow " + flow + ": ";
  for (const Value& e : serve.events_named("watch")) {
    std::string m = text_of(e, "message");
    if (m.rfind(prefix, 0) != 0 || m.find(" changes -> ") == std::string::npos) continue;
    n += std::atoll(m.c_str() + prefix.size());
  }
  return n;
}

TEST(ServeS0, FiftySalesforceEditsReachPipedriveThroughCdcWithoutARun) {
  S0World w;
  w.start();
  CommandResult setup = w.crmsync("setup");
  ASSERT_EQ(setup.exit_code, 0) << setup.output;

  ServeProcess::Options options;
  options.dir = w.dir.path().string();
  options.env = w.env();
  ServeProcess serve(options);
  serve.start_ready();

  // The first load, asked through the API as an operator would.
  int64_t first = serve.submit({"borrowers", "loans"});
  Value loaded = serve.wait_run_final(first);
  ASSERT_EQ(text_of(loaded, "status"), "succeeded") << to_json(loaded);
  std::vector<Loan> loans = w.loans(kOfficer);
  ASSERT_EQ(loans.size(), 50u);
  ASSERT_EQ(w.deals().size(), loans.size());

  auto started = std::chrono::steady_clock::now();
  std::vector<Edit> edits = edit_loans(w, loans, 7000);
  ASSERT_TRUE(wait_for_edits(w, edits, std::chrono::seconds(60)))
      << edits_in_pipedrive(w, edits) << " of 50 edits reached Pipedrive; log:\n"
      << serve.log_tail();
  std::cout << "[ serve s0 ] 50 edits in Pipedrive "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count()
            << " ms after the first\n";

  // The change stream brought every edit; the only run asked for was the
  // first load. (A scheduled run would be no failure, as the example's
  // `every 5m` may fall into the test, but it is printed.)
  EXPECT_GE(changes_heard(serve, "loans"), 50) << serve.log_tail();
  for (const Value& r : serve.runs()) {
    if (int_of(r, "id") == first) break;  // newest first: the rest is older
    std::string trigger = text_of(r, "trigger");
    EXPECT_NE(trigger, "api") << "a run asked through the API besides the first: " << to_json(r);
    if (trigger != "watch")
      std::cout << "[ serve s0 ] a run besides the stream: " << to_json(r) << "\n";
  }
  EXPECT_EQ(w.deals().size(), loans.size());

  serve.signal(SIGTERM);
  std::optional<int> exit = serve.wait_exit(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value()) << "serve did not stop within 10 s of SIGTERM";
  EXPECT_EQ(*exit, 0) << serve.log_tail();
}

}  // namespace
}  // namespace crmsync::testing
