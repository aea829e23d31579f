#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"

namespace crmsync {

// The token cost Pipedrive charges for a request (v2 from the OpenAPI
// spec's x-token-cost: list 10, one 1, POST/PATCH 5, DELETE 3, search 20;
// v1: list 20, one 2, POST/PUT 10, DELETE 6, search 40).
int pipedrive_token_cost(const std::string& method, const std::string& path);

// Keeps a connection's run under `max_daily_api_share` of the company's
// daily token budget, and stops it before the budget itself runs out.
//
// The budget is `daily_token_budget` when configured; otherwise it is what
// was left when the run started: the first `x-daily-requests-left` answer
// (Pipedrive sends it on POST/PUT answers to API-token requests) plus what
// the run had spent before it. That is never more than the real budget, so
// the share is never exceeded; a read-only run without the option has no
// header to go by and is only stopped by the server's 429.
//
// One per connection; called from its one thread before and after each
// request.
class PipedriveBudget {
 public:
  PipedriveBudget(double max_share, int64_t daily_budget)
      : max_share_(max_share), daily_budget_(daily_budget) {}

  // Before sending: an error (fatal: stop the flow; the message says
  // "budget reached, try after reset", which limit and the numbers) when
  // sending would go over the share or over what the server said is left.
  Status before(const std::string& method, const std::string& path) const;
  // After an answer: count the request, and note `x-daily-requests-left`.
  void after(const std::string& method, const std::string& path,
             const std::optional<std::string>& daily_left);

  int64_t spent() const { return spent_; }
  // The whole daily budget as known now (0 = unknown).
  int64_t daily_budget() const;

 private:
  double max_share_;
  int64_t daily_budget_;
  int64_t spent_ = 0;
  std::optional<int64_t> first_left_;
  int64_t spent_before_first_ = 0;
  std::optional<int64_t> left_;
  int64_t spent_at_left_ = 0;
};

// "budget reached, try after reset (00:00 UTC, in 3 h 12 min)": the error
// a request gets when a daily limit stops it, with `what` explaining which.
Error daily_budget_error(const std::string& what);

}  // namespace crmsync
