#include "engine/planner.h"

#include <gtest/gtest.h>

#include "core/backoff.h"

namespace crmsync {
namespace {

Config flows(std::initializer_list<const char*> names) {
  Config c;
  for (const char* n : names) {
    FlowConfig f;
    f.name = n;
    f.location.file = "crmsync.yaml";
    f.location.line = 10;
    f.location.key = std::string("flows.") + n;
    c.flows.push_back(f);
  }
  return c;
}

TEST(Planner, ParentsRunBeforeChildrenWhateverTheConfigOrder) {
  Config c = flows({"line_items", "orders", "customers", "products"});
  auto order =
      plan_flow_order(c, {{"line_items", {"orders", "products"}}, {"orders", {"customers"}}});
  ASSERT_TRUE(order.diagnostics.empty());
  auto pos = [&](const std::string& n) {
    return std::find(order.order.begin(), order.order.end(), n) - order.order.begin();
  };
  EXPECT_EQ(order.order.size(), 4u);
  EXPECT_LT(pos("customers"), pos("orders"));
  EXPECT_LT(pos("orders"), pos("line_items"));
  EXPECT_LT(pos("products"), pos("line_items"));
}

TEST(Planner, CyclesAreReportedWithThePath) {
  Config c = flows({"a", "b", "c"});
  auto order = plan_flow_order(c, {{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}});
  ASSERT_EQ(order.diagnostics.size(), 1u);
  EXPECT_NE(order.diagnostics[0].message.find("a -> b -> c -> a"), std::string::npos);
  EXPECT_EQ(order.diagnostics[0].location.line, 10);
}

TEST(Planner, SelfReferenceIsAllowed) {
  // Accounts with a parent account: resolved through the flow's own id map.
  Config c = flows({"accounts"});
  auto order = plan_flow_order(c, {});
  EXPECT_TRUE(order.diagnostics.empty());
}

TEST(Planner, SelectionKeepsDependencyOrderAndRejectsUnknownFlows) {
  Config c = flows({"child", "parent", "other"});
  auto order = plan_flow_order(c, {{"child", {"parent"}}});
  auto sel = select_flows(order, {"child", "parent"});
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(*sel, (std::vector<std::string>{"parent", "child"}));
  auto bad = select_flows(order, {"chlid"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::fatal);
  EXPECT_NE(bad.error().message.find("child"), std::string::npos);  // did you mean
}

TEST(Backoff, FullJitterStaysUnderTheCappedExponential) {
  Backoff b(1.0, 10.0, 42);
  for (int attempt = 1; attempt <= 8; ++attempt) {
    double ceiling = std::min(10.0, 1.0 * (1 << (attempt - 1)));
    double max_seen = 0;
    for (int i = 0; i < 200; ++i) {
      double d = b.delay_micros(attempt) / 1e6;
      EXPECT_GE(d, 0);
      EXPECT_LT(d, ceiling);
      max_seen = std::max(max_seen, d);
    }
    EXPECT_GT(max_seen, ceiling * 0.8);  // spread over the whole range
  }
  EXPECT_LT(b.delay_micros(1000), 10 * 1000000);
}

}  // namespace
}  // namespace crmsync
