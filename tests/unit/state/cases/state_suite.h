#pragma once

// The state-store suite, one set of test bodies run over every backend
// (issue 23): tests/unit/state/ instantiates it on SQLite files,
// tests/integration/state_postgres/ on a real PostgreSQL server. The bodies
// live in tests/unit/state/cases/*_cases.cc, compiled once into the
// state_store_cases library both test binaries link.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "state/state_store.h"

namespace crmsync::testing {

// One backend's database for one test: a fresh SQLite file or a fresh
// PostgreSQL database, opened as often as the test likes.
class StateBackend {
 public:
  virtual ~StateBackend() = default;
  // Opens (migrating when needed) the test's database; the same one each time.
  virtual Result<std::unique_ptr<StateStore>> open() = 0;
  // Raw SQL on the test's database, as another client would run it.
  virtual void exec(const std::string& sql) = 0;
  virtual std::string scalar(const std::string& query) = 0;
  // The schema version this build migrates the backend to.
  virtual int64_t schema_version() const = 0;
  // From now on, inserting a record error of `source_id` fails in the
  // database with the message "injected failure" (a trigger).
  virtual void fail_error_inserts_of(const std::string& source_id) = 0;
  // A secret's stored bytes (empty: none).
  virtual std::string raw_secret(const std::string& name) = 0;
  // What names the database in error messages.
  virtual std::string where() const = 0;
};

struct StateBackendParam {
  std::string name;  // "sqlite", "postgres"
  std::function<std::unique_ptr<StateBackend>()> make;
};

inline std::string PrintToString(const StateBackendParam& p) {
  return p.name;
}

class StateSuite : public ::testing::TestWithParam<StateBackendParam> {
 protected:
  void SetUp() override { backend_ = GetParam().make(); }
  StateBackend& backend() { return *backend_; }
  std::unique_ptr<StateStore> open() {
    auto s = backend_->open();
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? std::move(*s) : nullptr;
  }

 private:
  std::unique_ptr<StateBackend> backend_;
};

// One fixture per part of the store, so test names say which part.
class StateStoreSuite : public StateSuite {};
class JobsSuite : public StateSuite {};
class InboxSuite : public StateSuite {};
class OwnerSuite : public StateSuite {};
class SecretsSuite : public StateSuite {};
class IntentsSuite : public StateSuite {};

}  // namespace crmsync::testing

// Runs every part of the suite on `backend` (a StateBackendParam).
#define CRMSYNC_INSTANTIATE_STATE_SUITE(prefix, backend)                        \
  INSTANTIATE_TEST_SUITE_P(prefix, StateStoreSuite, ::testing::Values(backend), \
                           [](const auto& i) { return i.param.name; });         \
  INSTANTIATE_TEST_SUITE_P(prefix, JobsSuite, ::testing::Values(backend),       \
                           [](const auto& i) { return i.param.name; });         \
  INSTANTIATE_TEST_SUITE_P(prefix, InboxSuite, ::testing::Values(backend),      \
                           [](const auto& i) { return i.param.name; });         \
  INSTANTIATE_TEST_SUITE_P(prefix, OwnerSuite, ::testing::Values(backend),      \
                           [](const auto& i) { return i.param.name; });         \
  INSTANTIATE_TEST_SUITE_P(prefix, SecretsSuite, ::testing::Values(backend),    \
                           [](const auto& i) { return i.param.name; });         \
  INSTANTIATE_TEST_SUITE_P(prefix, IntentsSuite, ::testing::Values(backend),    \
                           [](const auto& i) { return i.param.name; })
