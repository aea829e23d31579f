#include "net/http_session.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/backoff.h"
#include "core/clock.h"
#include "net/http_server.h"

namespace crmsync::net {
namespace {

constexpr int64_t kStart = 1'700'000'000'000'000;

// A real server on 127.0.0.1:0 whose routes answer a fixed status and count
// what reached them, with the (manual) clock time of each arrival.
class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto status = [this](const HttpRequest& req, HttpResponse& res) {
      note(req);
      res.status = std::stoi(req.matches[1]);
      if (auto ra = req.query_param("retry_after")) res.headers.emplace("Retry-After", *ra);
      res.body = R"({"error":"status )" + req.matches[1] + "\"}";
    };
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"})
      server_.on(method, R"(/status/(\d+))", status);
    // 429 (Retry-After: 2) on the first request, 200 after.
    server_.on("GET", "/limited", [this](const HttpRequest& req, HttpResponse& res) {
      if (note(req) == 1) {
        res.status = 429;
        res.headers.emplace("Retry-After", "2");
      }
      res.body = "{}";
    });
    // 200 only with the current token.
    server_.on("GET", "/private", [this](const HttpRequest& req, HttpResponse& res) {
      note(req);
      res.status = req.header("Authorization") == "Bearer good" ? 200 : 401;
      if (res.status == 401 && refused_) {
        std::lock_guard lock(mu_);  // never below zero, even if a bug sends more 401s
        if (refusals_left_ > 0 && refusals_left_--) refused_->count_down();
      }
    });
    ASSERT_TRUE(server_.listen("127.0.0.1", 0).ok());
    ASSERT_TRUE(server_.start().ok());
  }

  // Counted down by every 401 of /private, when a test sets it.
  std::latch* refused_ = nullptr;
  int refusals_left_ = 0;  // guarded by mu_

  int note(const HttpRequest&) {
    std::lock_guard lock(mu_);
    arrivals_.push_back(clock_.now_micros());
    return static_cast<int>(arrivals_.size());
  }
  size_t arrived() {
    std::lock_guard lock(mu_);
    return arrivals_.size();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }

  SessionOptions options(int max_attempts = 5) {
    SessionOptions o;
    o.connection = "crm";
    o.max_attempts = max_attempts;
    o.timeout_secs = 5;
    o.jitter_seed = 7;
    return o;
  }

  std::unique_ptr<HttpSession> session(SessionOptions o,
                                       std::unique_ptr<AuthProvider> auth = nullptr) {
    return std::make_unique<HttpSession>(std::move(o), std::move(auth), SessionHooks{}, clock_,
                                         [this](std::string_view line) {
                                           std::lock_guard lock(mu_);
                                           log_.emplace_back(line);
                                         });
  }

  SessionRequest request(const std::string& method, const std::string& path) {
    SessionRequest r;
    r.method = method;
    r.url = url(path);
    if (method != "GET") r.body = R"({"name":"x"})";
    return r;
  }

  ManualClock clock_{kStart};
  HttpServer server_;
  std::mutex mu_;
  std::vector<int64_t> arrivals_;
  std::vector<std::string> log_;
};

TEST_F(SessionTest, WriteAnswered503IsSentExactlyMaxAttemptsInTotal) {
  auto s = session(options(5));
  auto res = s->send(request("POST", "/status/503"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::retryable);
  EXPECT_FALSE(res.error().outcome_unknown);  // a 503 refuses, it does not apply
  EXPECT_EQ(arrived(), 5u);
  EXPECT_EQ(s->sends(), 5);
  EXPECT_EQ(log_.size(), 4u);  // one line per retry
}

TEST_F(SessionTest, MaxAttemptsIsTheTotalForEveryValue) {
  for (int n : {1, 2, 3}) {
    arrivals_.clear();
    auto s = session(options(n));
    EXPECT_FALSE(s->send(request("PUT", "/status/500")).ok());
    EXPECT_EQ(arrived(), static_cast<size_t>(n)) << n;
  }
}

TEST_F(SessionTest, RetryAfterTwoIsNotRetriedSoonerThanTwoSecondsOfClockTime) {
  auto s = session(options());
  auto res = s->send(request("GET", "/limited"));
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(arrivals_.size(), 2u);
  EXPECT_GE(arrivals_[1] - arrivals_[0], 2'000'000);
}

TEST_F(SessionTest, WaitBeyondTheCeilingIsReturnedNotSlept) {
  SessionOptions o = options();
  o.max_wait_secs = 60;
  auto s = session(o);
  auto res = s->send(request("POST", "/status/429?retry_after=3600"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::retryable);
  EXPECT_DOUBLE_EQ(res.error().retry_after_secs, 3600);
  EXPECT_EQ(arrived(), 1u);
  EXPECT_EQ(clock_.now_micros(), kStart);  // no time passed waiting
}

TEST_F(SessionTest, PostAnswered502IsSentOnceWithUnknownOutcome) {
  for (const char* status : {"502", "500", "504", "408"}) {
    arrivals_.clear();
    auto s = session(options());
    auto res = s->send(request("POST", std::string("/status/") + status));
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.error().kind, ErrorKind::retryable);
    EXPECT_TRUE(res.error().outcome_unknown) << status;
    EXPECT_NE(res.error().message.find("POST /status/"), std::string::npos);
    EXPECT_NE(res.error().message.find("\"error\":\"status"), std::string::npos)
        << "the API's words: " << res.error().message;
    EXPECT_EQ(arrived(), 1u) << status;
  }
}

TEST_F(SessionTest, PatchIsNotIdempotentUnlessTheConnectorSaysSo) {
  auto s = session(options(3));
  EXPECT_TRUE(s->send(request("PATCH", "/status/502")).error().outcome_unknown);
  EXPECT_EQ(arrived(), 1u);
  SessionRequest upsert = request("PATCH", "/status/502");
  upsert.idempotent = true;  // PATCH by external id
  auto res = s->send(upsert);
  EXPECT_FALSE(res.error().outcome_unknown);
  EXPECT_EQ(arrived(), 4u);
}

TEST_F(SessionTest, PutAnswered502IsRetried) {
  auto s = session(options(4));
  auto res = s->send(request("PUT", "/status/502"));
  ASSERT_FALSE(res.ok());
  EXPECT_FALSE(res.error().outcome_unknown);
  EXPECT_EQ(arrived(), 4u);
}

TEST_F(SessionTest, FinalAnswersComeBackForTheConnector) {
  auto s = session(options());
  auto res = s->send(request("POST", "/status/422"));
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 422);
  EXPECT_EQ(arrived(), 1u);
}

TEST_F(SessionTest, ConnectFailureIsRetriedEvenForAPost) {
  HttpServer gone;
  ASSERT_TRUE(gone.listen("127.0.0.1", 0).ok());
  int port = gone.port();
  gone.stop();
  auto s = session(options(3));
  SessionRequest r;
  r.method = "POST";
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/items";
  auto res = s->send(r);
  ASSERT_FALSE(res.ok());
  EXPECT_FALSE(res.error().outcome_unknown);  // it never reached a server
  EXPECT_EQ(s->sends(), 3);
}

// Full jitter: each logged wait lies in [0, min(cap, base * 2^(n-1))).
TEST_F(SessionTest, BackoffWaitsAreFullJitterUnderTheCappedExponential) {
  SessionOptions o = options(8);
  o.backoff_base_secs = 0.5;
  o.backoff_cap_secs = 4;
  auto s = session(o);
  int64_t before = clock_.now_micros();
  EXPECT_FALSE(s->send(request("GET", "/status/503")).ok());
  ASSERT_EQ(log_.size(), 7u);
  int64_t total = 0;
  for (size_t i = 0; i < log_.size(); ++i) {
    auto at = log_[i].find("wait_secs=");
    ASSERT_NE(at, std::string::npos) << log_[i];
    double wait = std::stod(log_[i].substr(at + 10));
    double ceiling = std::min(4.0, 0.5 * std::ldexp(1.0, static_cast<int>(i)));
    EXPECT_GE(wait, 0);
    EXPECT_LT(wait, ceiling) << "retry " << i + 1;
    total += static_cast<int64_t>(std::llround(wait * 1e6));
  }
  EXPECT_NEAR(static_cast<double>(clock_.now_micros() - before), static_cast<double>(total),
              500.0 * static_cast<double>(log_.size()));  // logged in ms
  Backoff b(0.5, 4, 99);
  for (int n = 1; n <= 12; ++n)
    for (int k = 0; k < 200; ++k) {
      int64_t d = b.delay_micros(n);
      EXPECT_GE(d, 0);
      EXPECT_LT(d, static_cast<int64_t>(std::min(4.0, 0.5 * std::ldexp(1.0, n - 1)) * 1e6));
    }
}

TEST_F(SessionTest, RetryLogLineIsStructuredWithoutQueryOrSecrets) {
  auto s = session(options(2));
  EXPECT_FALSE(s->send(request("GET", "/status/503?api_key=s3cr3t-key")).ok());
  ASSERT_EQ(log_.size(), 1u);
  const std::string& line = log_[0];
  for (const char* part : {"connection=crm", "method=GET", "path=/status/503 ",
                           "reason=\"HTTP 503\"", "attempt=1/2", "wait_secs="})
    EXPECT_NE(line.find(part), std::string::npos) << line;
  EXPECT_EQ(line.find("s3cr3t"), std::string::npos) << line;
  EXPECT_EQ(line.find('?'), std::string::npos) << line;
}

// First login hands out a token the server refuses; later ones a good one.
class CountingAuth final : public AuthProvider {
 public:
  bool renewable() const override { return true; }
  Result<Credentials> login(HttpSession&) override {
    int n = ++logins;
    // The renewal finishes only once every thread has been refused, so all
    // of them ask for a renewal of the same stale token at once.
    if (n > 1 && all_refused) all_refused->wait();
    return Credentials{n == 1 ? "stale" : "good", "", 0, 0};
  }
  void apply(const Credentials& c, HttpClientRequest& req) const override {
    req.headers.emplace("Authorization", "Bearer " + c.token);
  }
  std::atomic<int> logins{0};
  std::latch* all_refused = nullptr;
};

TEST_F(SessionTest, ConcurrentUnauthorizedAnswersRenewOnce) {
  auto auth = std::make_unique<CountingAuth>();
  CountingAuth* counter = auth.get();
  auto s = session(options(), std::move(auth));
  ASSERT_TRUE(s->credentials().ok());  // every thread starts with the stale token
  constexpr int kThreads = 8;
  std::latch all_refused(kThreads);
  refusals_left_ = kThreads;
  refused_ = &all_refused;
  counter->all_refused = &all_refused;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto res = s->send(request("GET", "/private"));
      if (res.ok() && res->status == 200) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads);
  EXPECT_EQ(counter->logins.load(), 2);  // the first login and one renewal
}

// Two renewals a call (a renewed session can expire before its resend);
// the third 401 is the answer.
TEST_F(SessionTest, ThirdUnauthorizedIsTheAnswer) {
  class Refused final : public AuthProvider {
   public:
    bool renewable() const override { return true; }
    Result<Credentials> login(HttpSession&) override { return Credentials{"stale", "", 0, 0}; }
    void apply(const Credentials& c, HttpClientRequest& req) const override {
      req.headers.emplace("Authorization", "Bearer " + c.token);
    }
  };
  auto s = session(options(), std::make_unique<Refused>());
  auto res = s->send(request("GET", "/private"));
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(arrived(), 3u);
  EXPECT_EQ(s->logins(), 3);
}

TEST_F(SessionTest, ExpiredCredentialsAreRenewedBeforeSending) {
  class Expiring final : public AuthProvider {
   public:
    bool renewable() const override { return true; }
    Result<Credentials> login(HttpSession&) override {
      ++n;
      return Credentials{"good", "", 60, 0};
    }
    void apply(const Credentials& c, HttpClientRequest& req) const override {
      req.headers.emplace("Authorization", "Bearer " + c.token);
    }
    int n = 0;
  };
  auto s = session(options(), std::make_unique<Expiring>());
  ASSERT_TRUE(s->send(request("GET", "/private")).ok());
  ASSERT_TRUE(s->send(request("GET", "/private")).ok());
  EXPECT_EQ(s->logins(), 1);
  clock_.advance_secs(61);
  ASSERT_TRUE(s->send(request("GET", "/private")).ok());
  EXPECT_EQ(s->logins(), 2);
}

TEST_F(SessionTest, HookRetryAfterAndFailAreHonoured) {
  SessionHooks hooks;
  int seen = 0;
  hooks.classify = [&](const SessionRequest&, const HttpResponse* res) {
    ++seen;
    if (res && res->status == 429 && seen == 1) return Verdict::retry(5);
    if (res && res->status == 429) return Verdict::stop(Error(ErrorKind::fatal, "daily budget"));
    return Verdict::standard();
  };
  HttpSession s(options(), nullptr, hooks, clock_, [](std::string_view) {});
  int64_t before = clock_.now_micros();
  auto res = s.send(request("POST", "/status/429"));
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().kind, ErrorKind::fatal);
  EXPECT_EQ(arrived(), 2u);
  EXPECT_GE(clock_.now_micros() - before, 5'000'000);
}

TEST(RequestPacer, WaitsOnTheInjectedClock) {
  ManualClock clock(kStart);
  RequestPacer pacer(2, 1'000'000, clock);
  pacer.wait_turn();
  pacer.wait_turn();
  EXPECT_EQ(clock.now_micros(), kStart);
  pacer.wait_turn();  // the third in one second waits for the first to leave the window
  EXPECT_GE(clock.now_micros(), kStart + 1'000'000);
  EXPECT_EQ(pacer.waits(), 1);
  pacer.hold_for(3);
  int64_t held = clock.now_micros();
  pacer.wait_turn();
  EXPECT_GE(clock.now_micros(), held + 3'000'000);
}

}  // namespace
}  // namespace crmsync::net
