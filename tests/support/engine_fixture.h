#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "config/loader.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "engine/validator.h"
#include "state/state_store.h"
#include "support/temp_dir.h"

namespace crmsync::testing {

// A project directory with a config, its state store and an engine on a
// manual clock: what `crmsync run` does, in process.
class EngineFixture : public ::testing::Test {
 protected:
  TempDir dir;
  ManualClock clock{1700000000LL * 1000000};
  Config config;
  std::unique_ptr<StateStore> store;

  void load(const std::string& yaml) {
    dir.write("crmsync.yaml", yaml);
    LoadResult loaded = load_config_file(
        dir.file("crmsync.yaml"), [](const std::string&) { return std::optional<std::string>(); });
    std::string errs;
    for (const auto& d : loaded.diagnostics) errs += d.to_string() + "\n";
    ASSERT_TRUE(loaded.ok()) << errs;
    ValidationResult v = validate_config(loaded.config, false);
    for (const auto& d : v.errors) errs += d.to_string() + "\n";
    ASSERT_TRUE(v.errors.empty()) << errs;
    config = std::move(loaded.config);
    auto s = open_sqlite_state_store(config.state.path);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store = std::move(*s);
  }

  RunReport run(RunOptions options = {}) {
    SyncEngine engine(config, *store, clock);
    auto r = engine.run(options);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    clock.advance_secs(60);
    return r.ok() ? *r : RunReport{};
  }

  static FlowCounts counts(const RunReport& r, const std::string& flow) {
    auto it = r.flows.find(flow);
    EXPECT_NE(it, r.flows.end()) << flow;
    if (it == r.flows.end()) return {};
    EXPECT_EQ(it->second.error, "") << flow;
    return it->second.counts;
  }
};

}  // namespace crmsync::testing
