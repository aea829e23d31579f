#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/redact.h"
#include "core/utf8.h"
#include "state/state_store.h"
#include "support/temp_dir.h"

namespace crmsync {
namespace {

// The state store's write boundary (issue 30 parts 4-5): run messages,
// record error messages and payloads are stored without registered secrets
// and as valid UTF-8, whatever the connectors handed in.
TEST(StateStoreScrub, NoSecretAndNoInvalidUtf8IsStored) {
  Redactor::process().clear();
  register_secret("s3cret-pass-word", {"admin"});
  testing::TempDir d;
  {
    auto store = open_sqlite_state_store(d.file("state.db"));
    ASSERT_TRUE(store.ok()) << store.error().message;
    StateStore& s = **store;
    auto run = s.begin_run("manual", 1);
    ASSERT_TRUE(run.ok());
    BatchCommit c;
    c.flow = "f";
    c.run_id = *run;
    RecordError e;
    e.run_id = *run;
    e.flow = "f";
    e.source_id = "1";
    e.message = "HTTP 401: you sent password=s3cret-pass-word \xFF\xFE";
    e.payload = R"({"note": "s3cret-pass-word"})";
    c.errors.push_back(e);
    ASSERT_TRUE(s.commit(c).ok());
    ASSERT_TRUE(s.end_run(*run, RunStatus::failed,
                          "Authorization=Basic YWRtaW46czNjcmV0LXBhc3Mtd29yZA==", 2)
                    .ok());
    auto errors = s.errors(*run, 10);
    ASSERT_TRUE(errors.ok());
    ASSERT_EQ(errors->size(), 1u);
    EXPECT_EQ((*errors)[0].message, "HTTP 401: you sent password=*** \xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ((*errors)[0].payload, R"({"note": "***"})");
    auto runs = s.runs(1);
    ASSERT_TRUE(runs.ok());
    EXPECT_EQ(runs->at(0).message, "Authorization=Basic ***");
  }
  std::ifstream in(d.file("state.db"), std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::ifstream wal(d.file("state.db-wal"), std::ios::binary);
  bytes << wal.rdbuf();
  EXPECT_EQ(bytes.str().find("s3cret-pass-word"), std::string::npos);
  EXPECT_EQ(bytes.str().find("YWRtaW46czNjcmV0"), std::string::npos);
  Redactor::process().clear();
}

}  // namespace
}  // namespace crmsync
