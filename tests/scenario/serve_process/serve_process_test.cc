// `crmsync serve` as a process: exit 2 with every error on a bad config;
// SIGHUP reloads (an invalid file is refused and logged), SIGTERM stops it
// with exit 0; every line on stderr is one JSON object.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>

#include "core/json.h"
#include "support/eventually.h"
#include "support/process.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

std::string config(const std::string& tier) {
  return R"(
connections:
  files: {type: file, dir: data}
  db: {type: sqlite, path: target.db}
flows:
  customers:
    source: {connection: files, object: customers.csv, id_field: customer_no}
    target: {connection: db, object: customers, id_field: id}
    trigger: {schedule: "0 5 * * *"}
    mapping:
      customer_no: customer_no
      tier: {value: )" +
         tier + "}\n";
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ServeProcess, ABadConfigExitsWith2AndEveryError) {
  TempDir dir;
  std::string bad = config("gold");
  bad.replace(bad.find("connection: db"), 14, "connection: nowhere");
  bad.replace(bad.find("0 5 * * *"), 9, "0 25 * * *");
  dir.write("crmsync.yaml", bad);
  CommandResult r = run_command("cd " + dir.path().string() + " && " + CRMSYNC_BINARY + " serve");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("no connection named 'nowhere'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("flows.customers.trigger.schedule"), std::string::npos) << r.output;
}

TEST(ServeProcess, SighupReloadsAndSigtermStops) {
  TempDir dir;
  dir.write("data/customers.csv", "customer_no\nC1\n");
  dir.write("crmsync.yaml", config("gold"));
  std::string log = dir.file("serve.log");
  Process serve({CRMSYNC_BINARY, "serve", "--listen", "127.0.0.1:0"}, dir.path().string(), log);
  ASSERT_TRUE(serve.started());
  auto logged = [&](const std::string& event) {
    return read(log).find("\"event\":\"" + event + "\"") != std::string::npos;
  };
  ASSERT_TRUE(eventually([&] { return logged("started"); }, std::chrono::seconds(60))) << read(log);
  EXPECT_TRUE(logged("listen"));

  dir.write("crmsync.yaml", config("platinum"));
  ::kill(serve.pid(), SIGHUP);
  ASSERT_TRUE(eventually([&] { return logged("reload_ok"); })) << read(log);
  dir.write("crmsync.yaml", "flows: [");
  ::kill(serve.pid(), SIGHUP);
  ASSERT_TRUE(eventually([&] { return logged("reload_failed"); })) << read(log);
  EXPECT_TRUE(logged("config_error"));

  ::kill(serve.pid(), SIGTERM);
  EXPECT_FALSE(serve.kill_after(std::chrono::seconds(10))) << "serve did not stop in 10 s";
  EXPECT_EQ(serve.wait(), 0) << read(log);
  EXPECT_TRUE(logged("stopped"));
  std::stringstream lines(read(log));
  std::string line;
  while (std::getline(lines, line)) {
    EXPECT_TRUE(parse_json(line).ok()) << "not one JSON object: " << line;
  }
}

}  // namespace
}  // namespace crmsync::testing
