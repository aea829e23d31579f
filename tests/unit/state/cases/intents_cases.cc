// Create intents are stored one row per add_intents call; these pin down
// that the row-per-call layout keeps the per-record contract.
#include <gtest/gtest.h>

#include "state/state_store.h"
#include "unit/state/cases/state_suite.h"

namespace crmsync {
namespace intents_cases {

using testing::IntentsSuite;

std::vector<std::string> open_ids(StateStore& s, const std::string& flow) {
  auto open = s.open_intents(flow);
  EXPECT_TRUE(open.ok());
  std::vector<std::string> ids;
  if (open.ok()) {
    for (const CreateIntent& in : *open) ids.push_back(in.source_id);
  }
  return ids;
}

Status settle(StateStore& s, const std::string& flow, std::vector<std::string> ids) {
  BatchCommit c;
  c.flow = flow;
  c.settled_intents = std::move(ids);
  return s.commit(c);
}

TEST_P(IntentsSuite, ALaterIntentForTheSameRecordReplacesTheEarlierOne) {
  auto s = open();
  ASSERT_TRUE(s->add_intents("f", std::vector<CreateIntent>{{"r", "email", Value("old"), 1, 1},
                                                            {"q", "email", Value("q"), 1, 1}})
                  .ok());
  ASSERT_TRUE(
      s->add_intents("f", std::vector<CreateIntent>{{"r", "email", Value("new"), 2, 2}}).ok());
  auto open_f = s->open_intents("f");
  ASSERT_TRUE(open_f.ok());
  ASSERT_EQ(open_f->size(), 2u);
  EXPECT_EQ((*open_f)[1].source_id, "r");
  EXPECT_EQ((*open_f)[1].match_value.as_string(), "new");
  ASSERT_TRUE(settle(*s, "f", {"r"}).ok());
  EXPECT_EQ(open_ids(*s, "f"), std::vector<std::string>{"q"});
}

}  // namespace intents_cases
}  // namespace crmsync

namespace crmsync {
namespace intents_cases {

// The batch settles the intent, then fails on an error row: all of it is
// rolled back, so the intent is still open afterwards, and settling it
// again (same store, no re-read in between) really settles it.
TEST_P(IntentsSuite, AFailedCommitLeavesTheIntentOpen) {
  auto s = open();
  ASSERT_TRUE(
      s->add_intents("f", std::vector<CreateIntent>{{"r", "email", Value("v"), 1, 1}}).ok());
  backend().fail_error_inserts_of("BOOM");
  BatchCommit c;
  c.flow = "f";
  c.settled_intents = {"r"};
  RecordError e;
  e.flow = "f";
  e.source_id = "BOOM";
  c.errors.push_back(e);
  Status failed = s->commit(c);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("injected failure"), std::string::npos);
  EXPECT_EQ(open_ids(*s, "f"), std::vector<std::string>{"r"});
  ASSERT_TRUE(settle(*s, "f", {"r"}).ok());
  EXPECT_TRUE(open_ids(*s, "f").empty());
}

}  // namespace intents_cases
}  // namespace crmsync
