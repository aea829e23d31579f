// `crmsync setup` on a big config shows a live count of the targets asked
// (of the total, a rate, an ETA) on a terminal only (issue 26): never in a
// pipe, with --json or with --quiet. The terminal is a real pseudo-terminal
// (util-linux `script`), the binary the real one.
#include <gtest/gtest.h>

#include <string>

#include "support/run_command.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

// 40 flows, each into its own SQLite table: 40 targets to set up.
std::string big_config() {
  std::string yaml = R"(version: 1
connections:
  crm: {type: sqlite, path: source.db}
  dw: {type: sqlite, path: dw.db}
flows:
)";
  for (int i = 0; i < 40; ++i) {
    std::string n = std::to_string(i);
    yaml += "  f" + n + ":\n    source: {connection: crm, object: items, id_field: id}\n" +
            "    target: {connection: dw, object: items_" + n + ", id_field: id}\n" +
            "    match: {target_field: item_id}\n    mapping:\n      item_id: id\n" +
            "      name: name\n";
  }
  return yaml;
}

class SetupProgress : public ::testing::Test {
 protected:
  void SetUp() override { dir.write("crmsync.yaml", big_config()); }
  // The command on a pseudo-terminal: everything it wrote there.
  CommandResult on_terminal(const std::string& args) {
    return run_command("cd '" + dir.path().string() + "' && NO_COLOR=1 script -qec '" +
                       CRMSYNC_BINARY + " " + args + "' /dev/null");
  }
  CommandResult in_pipe(const std::string& args) {
    return run_command("cd '" + dir.path().string() + "' && " + CRMSYNC_BINARY + " " + args);
  }
  TempDir dir;
};

TEST_F(SetupProgress, ATerminalSeesTheCountOfTargetsWithARate) {
  auto r = on_terminal("setup --check");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("setup  0/40 targets"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("done setup  40/40 targets  ("), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/s)"), std::string::npos) << r.output;
  // The report itself is still there, after the finished line.
  EXPECT_NE(r.output.find("f39 -> dw items_39"), std::string::npos) << r.output;
}

TEST_F(SetupProgress, NoLineInAPipeWithJsonOrQuiet) {
  auto piped = in_pipe("setup --check");
  ASSERT_EQ(piped.exit_code, 0) << piped.output;
  EXPECT_EQ(piped.output.find("targets"), std::string::npos) << piped.output;
  auto json = on_terminal("setup --check --json");
  EXPECT_EQ(json.output.find("40 targets"), std::string::npos) << json.output;
  auto quiet = on_terminal("setup --check -q");
  EXPECT_EQ(quiet.output.find("40 targets"), std::string::npos) << quiet.output;
}

}  // namespace
}  // namespace crmsync::testing
