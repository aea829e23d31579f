// The Pipedrive daily budget guard: token costs per endpoint, the run's
// share of the budget, and the budget the server says is left.
#include "connectors/pipedrive/pipedrive_budget.h"

#include <gtest/gtest.h>

namespace crmsync {
namespace {

TEST(PipedriveBudget, TokenCostsPerEndpoint) {
  EXPECT_EQ(pipedrive_token_cost("GET", "/api/v2/persons?limit=500"), 10);
  EXPECT_EQ(pipedrive_token_cost("GET", "/api/v2/persons/12"), 1);
  EXPECT_EQ(pipedrive_token_cost("POST", "/api/v2/persons"), 5);
  EXPECT_EQ(pipedrive_token_cost("PATCH", "/api/v2/deals/3"), 5);
  EXPECT_EQ(pipedrive_token_cost("DELETE", "/api/v2/deals/3"), 3);
  EXPECT_EQ(pipedrive_token_cost("GET", "/api/v2/persons/search?term=x"), 20);
  EXPECT_EQ(pipedrive_token_cost("GET", "/v1/personFields?start=0"), 20);
  EXPECT_EQ(pipedrive_token_cost("GET", "/v1/users/me"), 20);
  EXPECT_EQ(pipedrive_token_cost("PUT", "/v1/notes/4"), 10);
  EXPECT_EQ(pipedrive_token_cost("DELETE", "/v1/notes/4"), 6);
}

TEST(PipedriveBudget, ConfiguredBudgetShareStopsBeforeTheRequestThatWouldExceedIt) {
  PipedriveBudget b(0.001, 60000);  // 60 tokens: twelve POSTs of 5
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(b.before("POST", "/api/v2/persons").ok()) << i;
    b.after("POST", "/api/v2/persons", std::nullopt);
  }
  auto stop = b.before("POST", "/api/v2/persons");
  ASSERT_FALSE(stop.ok());
  EXPECT_EQ(stop.error().kind, ErrorKind::fatal);
  const std::string& m = stop.error().message;
  EXPECT_EQ(m.rfind("budget reached, try after reset", 0), 0u) << m;
  EXPECT_NE(m.find("max_daily_api_share 0.001 of 60000 daily tokens allows 60; this run spent 60"),
            std::string::npos)
      << m;
  EXPECT_GT(stop.error().retry_after_secs, 0);
  // A cheaper request that still fits is not the problem; none fits here.
  EXPECT_FALSE(b.before("GET", "/api/v2/persons/1").ok());
}

TEST(PipedriveBudget, LearnsTheBudgetFromTheHeaderWhenNotConfigured) {
  PipedriveBudget b(0.5, 0);
  EXPECT_TRUE(b.before("GET", "/api/v2/persons").ok());   // nothing known yet
  b.after("GET", "/api/v2/persons", std::nullopt);        // 10 spent
  b.after("POST", "/api/v2/persons", std::string("90"));  // 15 spent, 90 left
  EXPECT_EQ(b.daily_budget(), 105);                       // what was left at the start
  // Half of 105 is 52: seven more POSTs (15 + 35 = 50), not eight.
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(b.before("POST", "/api/v2/persons").ok()) << i;
    b.after("POST", "/api/v2/persons", std::nullopt);
  }
  EXPECT_FALSE(b.before("POST", "/api/v2/persons").ok());
}

TEST(PipedriveBudget, StopsWhenTheServerSaysTooLittleIsLeft) {
  PipedriveBudget b(1.0, 0);
  b.after("POST", "/api/v2/persons", std::string("7"));
  EXPECT_TRUE(b.before("POST", "/api/v2/persons").ok());
  b.after("POST", "/api/v2/persons", std::nullopt);  // 2 left by our count
  auto stop = b.before("POST", "/api/v2/persons");
  ASSERT_FALSE(stop.ok());
  EXPECT_NE(stop.error().message.find("daily token budget: 2 tokens left"), std::string::npos)
      << stop.error().message;
  // A fresh header wins over our own count.
  b.after("GET", "/api/v2/persons/1", std::string("500"));
  EXPECT_TRUE(b.before("POST", "/api/v2/persons").ok());
}

}  // namespace
}  // namespace crmsync
