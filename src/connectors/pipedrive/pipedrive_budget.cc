#include "connectors/pipedrive/pipedrive_budget.h"

#include <cstdlib>

#include "net/daily_budget.h"

namespace crmsync {

int pipedrive_token_cost(const std::string& method, const std::string& path) {
  std::string bare = path.substr(0, path.find('?'));
  bool v2 = bare.rfind("/api/v2/", 0) == 0;
  bool search =
      bare.find("/search") != std::string::npos || bare.find("itemSearch") != std::string::npos;
  if (search) return v2 ? 20 : 40;
  if (method == "GET") {
    size_t slash = bare.find_last_of('/');
    bool one = slash != std::string::npos && slash + 1 < bare.size() &&
               bare.find_first_not_of("0123456789", slash + 1) == std::string::npos;
    if (one) return v2 ? 1 : 2;
    return v2 ? 10 : 20;
  }
  if (method == "DELETE") return v2 ? 3 : 6;
  return v2 ? 5 : 10;  // POST, PATCH, PUT
}

Error daily_budget_error(const std::string& what) {
  // The daily budget resets at the server's midnight; Pipedrive counts the
  // day in UTC.
  int64_t wait = net::seconds_to_utc_midnight();
  return net::daily_limit_error(what,
                                "00:00 UTC, in " + std::to_string(wait / 3600) + " h " +
                                    std::to_string(wait % 3600 / 60) + " min",
                                static_cast<double>(wait));
}

int64_t PipedriveBudget::daily_budget() const {
  if (daily_budget_ > 0) return daily_budget_;
  return first_left_ ? *first_left_ + spent_before_first_ : 0;
}

Status PipedriveBudget::before(const std::string& method, const std::string& path) const {
  int cost = pipedrive_token_cost(method, path);
  int64_t budget = daily_budget();
  net::DailyShare share{max_share_};
  if (!share.allows(spent_, cost, budget)) {
    return daily_budget_error(
        "max_daily_api_share " + share.text() + " of " + std::to_string(budget) + " daily tokens" +
        (daily_budget_ > 0 ? "" : " (left when the run started)") + " allows " +
        std::to_string(share.allowed(budget)) + "; this run spent " + std::to_string(spent_) +
        " and the next request (" + method + " " + path.substr(0, path.find('?')) + ") costs " +
        std::to_string(cost));
  }
  if (left_) {
    int64_t left_now = *left_ - (spent_ - spent_at_left_);
    if (left_now < cost) {
      return daily_budget_error("the company's daily token budget: " + std::to_string(left_now) +
                                " tokens left (x-daily-requests-left), the next request costs " +
                                std::to_string(cost));
    }
  }
  return {};
}

void PipedriveBudget::after(const std::string& method, const std::string& path,
                            const std::optional<std::string>& daily_left) {
  spent_ += pipedrive_token_cost(method, path);
  if (!daily_left) return;
  char* end = nullptr;
  long long left = std::strtoll(daily_left->c_str(), &end, 10);
  if (end == daily_left->c_str() || *end != '\0' || left < 0) return;
  if (!first_left_) {
    first_left_ = left;
    // What the run spent before this answer, this request included, was
    // part of the budget it started with.
    spent_before_first_ = spent_;
  }
  left_ = left;
  spent_at_left_ = spent_;
}

}  // namespace crmsync
