// /metrics against a real Prometheus parser: `promtool check metrics`
// (Debian's prometheus package, installed by scripts/setup.sh) reads the
// exposition on stdin and prints every parse error and lint problem.
#include <gtest/gtest.h>

#include <string>

#include "service/metrics.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace crmsync::service {
namespace {

using testing::run_command;
using testing::TempDir;

// promtool's output for the exposition (empty when it has nothing to say)
// and its exit code.
testing::CommandResult promtool_check(const std::string& exposition) {
  const std::string promtool = CRMSYNC_PROMTOOL;
  EXPECT_FALSE(promtool.empty())
      << "promtool was not found when CMake configured the build: run scripts/setup.sh "
         "(it installs Debian's prometheus package), then configure again";
  if (promtool.empty()) return {};
  TempDir dir;
  dir.write("metrics.txt", exposition);
  return run_command("'" + promtool + "' check metrics < '" + dir.file("metrics.txt") + "'");
}

// Every family, with label values that need escaping or are not UTF-8.
std::string populated_exposition() {
  Metrics m;
  FlowCounts c;
  c.read = 7;
  c.created = 3;
  c.updated = 2;
  c.skipped = 1;
  c.deleted = 1;
  c.failed = 1;
  c.expected = 7;
  for (const char* flow : {"contacts", "a\"b\\c", "line\nbreak", "caf\xC3\xA9", "bad\xFF"}) {
    m.add_records(flow, c);
    m.run_ended(flow, RunStatus::succeeded, 0.5);
    m.run_ended(flow, RunStatus::partial, 42);
    m.run_ended(flow, RunStatus::failed, 20000);
    m.set_last_success(flow, 1765000000123456);
  }
  for (const char* conn : {"sf", "a\"b\\c", "pipe\ndrive"}) {
    for (int status : {200, 204, 304, 401, 429, 500, 503, 0}) m.api_answer(conn, status);
    m.set_budget_remaining(conn, 14950);
  }
  m.set_jobs("queued", 3);
  m.set_jobs("running", 1);
  return m.render();
}

TEST(MetricsPromtool, PopulatedRegistryPassesCheckMetrics) {
  const std::string exposition = populated_exposition();
  const auto r = promtool_check(exposition);
  EXPECT_EQ(r.exit_code, 0) << r.output << "\n--- exposition:\n" << exposition;
  EXPECT_EQ(r.output, "") << "\n--- exposition:\n" << exposition;
}

TEST(MetricsPromtool, EmptyRegistryPassesCheckMetrics) {
  const auto r = promtool_check(Metrics().render());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
}

// The check can fail: an unescaped quote in a label value is what the
// escaping above prevents, and promtool rejects it.
TEST(MetricsPromtool, CheckRejectsAnUnescapedLabelValue) {
  const auto r = promtool_check(
      "# HELP crmsync_jobs Jobs.\n# TYPE crmsync_jobs gauge\ncrmsync_jobs{state=\"a\"b\"} 1\n");
  EXPECT_NE(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace crmsync::service
