// The connector's calls go through net::HttpSession: max_attempts sends in
// total, waits on the injected clock (no real sleeping), and a create that
// may have been applied is never resent.
#include <chrono>

#include "connector_fixture.h"
#include "core/clock.h"

namespace crmsync::testing {
namespace {

constexpr int64_t kStart = 1'700'000'000'000'000;

std::vector<WriteItem> one_person(WriteOp op, const std::string& id) {
  auto names = make_field_names({"name"});
  Record r(names);
  r.value(0) = "Ada";
  return {{op, id, r}};
}

int count(const Value& log, const std::string& method, int status) {
  int n = 0;
  for (const Value& r : log.find("requests")->as_array())
    if (r.find("method")->to_text() == method && r.find("status")->as_int() == status) ++n;
  return n;
}

class PipedriveSessionTest : public PipedriveConnectorTest {
 protected:
  void SetUp() override {
    clock_ = &clock;
    PipedriveSandboxOptions o;
    o.search_burst_limit = 0;
    start_with(o);
    // The field definitions are read once, before faults start.
    ASSERT_TRUE(
        conn_->write(WriteRequest{"person", "id", "", one_person(WriteOp::create, "")}).ok());
  }
  void faults(const std::string& json) { admin("POST", "/__admin/faults", json); }

  ManualClock clock{kStart};
};

TEST_F(PipedriveSessionTest, Answered429EveryTimeIsSentMaxAttemptsTimesOnTheClock) {
  faults(R"({"rate_429":1.0})");  // Retry-After: 1 on each
  auto real_start = std::chrono::steady_clock::now();
  auto res = conn_->write(WriteRequest{"person", "id", "", one_person(WriteOp::create, "")});
  double real_secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - real_start).count();
  ASSERT_TRUE(res.ok());
  ASSERT_FALSE((*res)[0].ok);
  EXPECT_EQ((*res)[0].error.kind, ErrorKind::retryable);
  EXPECT_EQ(count(admin("GET", "/__admin/requests?limit=100"), "POST", 429), 5);
  EXPECT_GE(clock.now_micros() - kStart, 4'000'000);  // four waits of Retry-After: 1
  EXPECT_LT(real_secs, 3.0);                          // waited on the manual clock
}

TEST_F(PipedriveSessionTest, CreateAnswered500IsSentOnceWithUnknownOutcome) {
  faults(R"({"rate_500":1.0})");
  auto res = conn_->write(WriteRequest{"person", "id", "", one_person(WriteOp::create, "")});
  ASSERT_TRUE(res.ok());
  ASSERT_FALSE((*res)[0].ok);
  EXPECT_EQ((*res)[0].error.kind, ErrorKind::retryable);
  EXPECT_TRUE((*res)[0].error.outcome_unknown) << (*res)[0].error.message;
  EXPECT_EQ(count(admin("GET", "/__admin/requests?limit=100"), "POST", 500), 1);
}

TEST_F(PipedriveSessionTest, UpdateAnswered500IsRetried) {
  faults(R"({"rate_500":1.0})");
  auto res = conn_->write(WriteRequest{"person", "id", "", one_person(WriteOp::update, "1")});
  ASSERT_TRUE(res.ok());
  ASSERT_FALSE((*res)[0].ok);
  EXPECT_FALSE((*res)[0].error.outcome_unknown);
  EXPECT_EQ(count(admin("GET", "/__admin/requests?limit=100"), "PATCH", 500), 5);
}

}  // namespace
}  // namespace crmsync::testing
