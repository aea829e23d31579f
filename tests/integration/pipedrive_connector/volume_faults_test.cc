// 20,000 persons through the connector with the sandbox injecting faults
// (10% 5xx, some 429s): after retrying what failed, as the engine does,
// every person exists exactly once, and the sandbox's own burst limiter
// never had to refuse the connector (it paces itself under the window).
#include <algorithm>
#include <cstdio>
#include <map>

#include "connector_fixture.h"

namespace crmsync::testing {
namespace {

constexpr int kPersons = 20000;
// High enough to keep the run short, low enough that pacing binds: the
// sanitized sandbox answers faster than 500 requests a second.
constexpr int64_t kBurst = 1000;

TEST_F(PipedriveConnectorTest, TwentyThousandPersonsUnderFaultsNoneLostNoneDuplicated) {
  PipedriveSandboxOptions o;
  o.burst_limit = kBurst;
  o.search_burst_limit = 0;
  o.daily_budget = 0;  // 20,000 POSTs cost 100,000 tokens
  o.threads = 8;
  o.faults.rate_500 = 0.05;
  o.faults.rate_503 = 0.05;
  o.faults.rate_429 = 0.0005;  // each answered with Retry-After: 1
  start_with(o, Object{{"burst_limit", Value(kBurst)}});

  auto names = make_field_names({"name"});
  std::vector<std::string> pending;
  for (int i = 0; i < kPersons; ++i) pending.push_back("P" + std::to_string(100000 + i));
  int rounds = 0, failed_writes = 0;
  while (!pending.empty() && rounds < 10) {
    ++rounds;
    std::vector<std::string> again;
    for (size_t start = 0; start < pending.size(); start += 500) {
      std::vector<WriteItem> items;
      for (size_t i = start; i < std::min(pending.size(), start + 500); ++i) {
        Record r(names);
        r.value(0) = pending[i];
        items.push_back({WriteOp::create, "", r});
      }
      auto res = conn_->write(WriteRequest{"person", "id", "", items});
      ASSERT_TRUE(res.ok()) << res.error().message;
      for (size_t i = 0; i < items.size(); ++i) {
        const WriteResult& w = (*res)[i];
        if (w.ok) continue;
        // A 5xx on a create is not retried by the client (POST is not
        // idempotent): the engine retries it, as this loop does.
        ASSERT_EQ(w.error.kind, ErrorKind::retryable) << w.error.message;
        ++failed_writes;
        again.push_back(pending[start + i]);
      }
    }
    pending = std::move(again);
  }
  EXPECT_TRUE(pending.empty()) << pending.size() << " persons never written";
  EXPECT_GT(failed_writes, kPersons / 20);  // the faults were really on

  auto people = read_all("person");
  std::map<std::string, int> seen;
  for (const Record& p : people) ++seen[p.get("name")->as_string()];
  EXPECT_EQ(people.size(), static_cast<size_t>(kPersons));
  EXPECT_EQ(seen.size(), static_cast<size_t>(kPersons));
  for (const auto& [name, n] : seen) ASSERT_EQ(n, 1) << name << " written " << n << " times";

  // The sandbox refuses by arrival time over a rolling 2 s window per token,
  // as Pipedrive does; it never had to.
  Value counters = admin("GET", "/__admin/counters");
  const Value* refused = counters.find("refused");
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->find("burst"), nullptr) << to_json(*refused);
  // And the log agrees. Its times are when answers left, not when requests
  // arrived, so answers of uneven duration may crowd a window by a few.
  Value log = admin("GET", "/__admin/requests?limit=100000");
  std::vector<int64_t> at;
  int injected_5xx = 0, answered_429 = 0;
  for (const Value& r : log.find("requests")->as_array()) {
    at.push_back(r.find("at_ms")->as_int());
    int status = static_cast<int>(r.find("status")->as_int());
    if (status >= 500) ++injected_5xx;
    if (status == 429) ++answered_429;
  }
  std::sort(at.begin(), at.end());
  size_t most = 0;
  for (size_t lo = 0, hi = 0; hi < at.size(); ++hi) {
    while (at[hi] - at[lo] >= 2000) ++lo;
    most = std::max(most, hi - lo + 1);
  }
  EXPECT_LE(most, static_cast<size_t>(kBurst + kBurst / 100));
  EXPECT_GT(injected_5xx, 0);
  std::printf(
      "[ volume ] %d persons, %d rounds, %d failed creates retried, %d 5xx, %d 429, "
      "busiest 2 s: %zu requests (limit %lld), %zu requests logged\n",
      kPersons, rounds, failed_writes, injected_5xx, answered_429, most,
      static_cast<long long>(kBurst), at.size());
}

}  // namespace
}  // namespace crmsync::testing
