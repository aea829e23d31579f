#include "service/metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "service/metrics_text.h"

namespace crmsync::service {
namespace {

// Every family's HELP and TYPE lines, in render order, for an empty registry.
// The webhook families (webhook_metrics.cc) close every rendering: with no
// webhook yet, their headers and the four inbox states at 0.
const char* const kIdleWebhooks =
    "# HELP crmsync_webhook_received_total Webhook deliveries to a connection that takes "
    "webhooks.\n"
    "# TYPE crmsync_webhook_received_total counter\n"
    "# HELP crmsync_webhook_rejected_total Webhook deliveries refused, by reason (malformed, "
    "auth failures, replayed, flood).\n"
    "# TYPE crmsync_webhook_rejected_total counter\n"
    "# HELP crmsync_webhook_ignored_total Webhook deliveries acknowledged for an object no "
    "webhook flow reads.\n"
    "# TYPE crmsync_webhook_ignored_total counter\n"
    "# HELP crmsync_webhook_duplicates_total Webhook events dropped because the inbox already "
    "held them.\n"
    "# TYPE crmsync_webhook_duplicates_total counter\n"
    "# HELP crmsync_webhook_skipped_total Drained webhook events for records outside the flow's "
    "filter.\n"
    "# TYPE crmsync_webhook_skipped_total counter\n"
    "# HELP crmsync_webhook_missed_total Records a scheduled run of a webhook flow wrote that no "
    "webhook announced.\n"
    "# TYPE crmsync_webhook_missed_total counter\n"
    "# HELP crmsync_inbox_events Webhook inbox events by state (pending, done, skipped, "
    "failed).\n"
    "# TYPE crmsync_inbox_events gauge\n"
    "crmsync_inbox_events{state=\"done\"} 0\n"
    "crmsync_inbox_events{state=\"failed\"} 0\n"
    "crmsync_inbox_events{state=\"pending\"} 0\n"
    "crmsync_inbox_events{state=\"skipped\"} 0\n"
    "# HELP crmsync_change_latency_seconds From a change in the source (the webhook's time) to "
    "its write's commit.\n"
    "# TYPE crmsync_change_latency_seconds histogram\n";

const char* const kEmpty =
    "# HELP crmsync_records_total Records handled by a flow, by operation (read, created, "
    "updated, skipped, deleted, failed).\n"
    "# TYPE crmsync_records_total counter\n"
    "# HELP crmsync_runs_total Runs of a flow that ended, by final status.\n"
    "# TYPE crmsync_runs_total counter\n"
    "# HELP crmsync_run_duration_seconds Duration of a flow's runs, in seconds.\n"
    "# TYPE crmsync_run_duration_seconds histogram\n"
    "# HELP crmsync_api_requests_total Answers from a connection's API (each attempt, retries "
    "included), by status class (error: no answer).\n"
    "# TYPE crmsync_api_requests_total counter\n"
    "# HELP crmsync_api_budget_remaining API calls left in the budget a connection reports "
    "(Salesforce daily API requests, Pipedrive tokens).\n"
    "# TYPE crmsync_api_budget_remaining gauge\n"
    "# HELP crmsync_flow_last_success_timestamp_seconds End of the flow's last successful run, "
    "in seconds since the Unix epoch.\n"
    "# TYPE crmsync_flow_last_success_timestamp_seconds gauge\n"
    "# HELP crmsync_jobs Jobs by state (queued, running).\n"
    "# TYPE crmsync_jobs gauge\n"
    "crmsync_jobs{state=\"queued\"} 0\n"
    "crmsync_jobs{state=\"running\"} 0\n";

TEST(Metrics, EmptyRegistryHasEveryFamilyAndIdleJobGauges) {
  Metrics m;
  EXPECT_EQ(m.render(), std::string(kEmpty) + kIdleWebhooks);
}

TEST(Metrics, SmallRegistryRendersExactly) {
  Metrics m;
  FlowCounts c;
  c.read = 10;
  c.created = 4;
  c.updated = 3;
  c.skipped = 2;
  c.failed = 1;
  c.api_calls = 99;  // not a record op: no series
  c.expected = 10;   // neither
  m.add_records("contacts", c);
  m.add_records("contacts", c);
  m.run_ended("contacts", RunStatus::succeeded, 2.5);
  m.api_answer("sf", 200);
  m.api_answer("sf", 201);
  m.api_answer("sf", 503);
  m.api_answer("sf", 0);
  m.set_budget_remaining("sf", 14950);
  m.set_last_success("contacts", 1765000000123456);
  m.set_jobs("running", 1);

  const std::string expected =
      "# HELP crmsync_records_total Records handled by a flow, by operation (read, created, "
      "updated, skipped, deleted, failed).\n"
      "# TYPE crmsync_records_total counter\n"
      "crmsync_records_total{flow=\"contacts\",op=\"created\"} 8\n"
      "crmsync_records_total{flow=\"contacts\",op=\"deleted\"} 0\n"
      "crmsync_records_total{flow=\"contacts\",op=\"failed\"} 2\n"
      "crmsync_records_total{flow=\"contacts\",op=\"read\"} 20\n"
      "crmsync_records_total{flow=\"contacts\",op=\"skipped\"} 4\n"
      "crmsync_records_total{flow=\"contacts\",op=\"updated\"} 6\n"
      "# HELP crmsync_runs_total Runs of a flow that ended, by final status.\n"
      "# TYPE crmsync_runs_total counter\n"
      "crmsync_runs_total{flow=\"contacts\",status=\"succeeded\"} 1\n"
      "# HELP crmsync_run_duration_seconds Duration of a flow's runs, in seconds.\n"
      "# TYPE crmsync_run_duration_seconds histogram\n"
      "crmsync_run_duration_seconds_bucket{flow=\"contacts\",le=\"1\"} 0\n"
      "crmsync_run_duration_seconds_bucket{flow=\"contacts\",le=\"5\"} 1\n"
      "crmsync_run_duration_seconds_bucket{flow=\"contacts\",le=\"15\"} 1\n"
      "crmsync_run_duration_seconds_bucket{flow=\"contacts\",le=\"60\"} 1\n"
      "crmsync_run_duration_seconds_bucket{flow=\"contacts\",le=\"300\"} 1\n"
      "crmsync_run_duration_seconds_bucket{flow=\"contacts\",le=\"900\"} 1\n"
      "crmsync_run_duration_seconds_bucket{flow=\"contacts\",le=\"1800\"} 1\n"
      "crmsync_run_duration_seconds_bucket{flow=\"contacts\",le=\"3600\"} 1\n"
      "crmsync_run_duration_seconds_bucket{flow=\"contacts\",le=\"10800\"} 1\n"
      "crmsync_run_duration_seconds_bucket{flow=\"contacts\",le=\"+Inf\"} 1\n"
      "crmsync_run_duration_seconds_sum{flow=\"contacts\"} 2.5\n"
      "crmsync_run_duration_seconds_count{flow=\"contacts\"} 1\n"
      "# HELP crmsync_api_requests_total Answers from a connection's API (each attempt, retries "
      "included), by status class (error: no answer).\n"
      "# TYPE crmsync_api_requests_total counter\n"
      "crmsync_api_requests_total{connection=\"sf\",status_class=\"2xx\"} 2\n"
      "crmsync_api_requests_total{connection=\"sf\",status_class=\"5xx\"} 1\n"
      "crmsync_api_requests_total{connection=\"sf\",status_class=\"error\"} 1\n"
      "# HELP crmsync_api_budget_remaining API calls left in the budget a connection reports "
      "(Salesforce daily API requests, Pipedrive tokens).\n"
      "# TYPE crmsync_api_budget_remaining gauge\n"
      "crmsync_api_budget_remaining{connection=\"sf\"} 14950\n"
      "# HELP crmsync_flow_last_success_timestamp_seconds End of the flow's last successful run, "
      "in seconds since the Unix epoch.\n"
      "# TYPE crmsync_flow_last_success_timestamp_seconds gauge\n"
      "crmsync_flow_last_success_timestamp_seconds{flow=\"contacts\"} 1765000000.123456\n"
      "# HELP crmsync_jobs Jobs by state (queued, running).\n"
      "# TYPE crmsync_jobs gauge\n"
      "crmsync_jobs{state=\"queued\"} 0\n"
      "crmsync_jobs{state=\"running\"} 1\n";
  EXPECT_EQ(m.render(), expected + kIdleWebhooks);
}

TEST(Metrics, LabelValuesEscapeBackslashQuoteAndNewline) {
  Metrics m;
  m.api_answer("a\"b\\c\nd", 404);
  EXPECT_NE(
      m.render().find(
          "crmsync_api_requests_total{connection=\"a\\\"b\\\\c\\nd\",status_class=\"4xx\"} 1\n"),
      std::string::npos)
      << m.render();
  EXPECT_EQ(metrics_text::escape_label_value("plain é ✓"), "plain é ✓");
  // Bytes that are not UTF-8 (a lone continuation byte, a truncated
  // sequence, an overlong '/') become U+FFFD, one per byte.
  EXPECT_EQ(metrics_text::escape_label_value("x\x80y\xE2\x9C"), "x\uFFFDy\uFFFD\uFFFD");
  EXPECT_EQ(metrics_text::escape_label_value("\xC0\xAF"), "\uFFFD\uFFFD");
}

TEST(Metrics, HistogramBucketsAreCumulativeAndBoundsInclusive) {
  Metrics m;
  // Exactly on a bound counts in that bucket (le: less or equal).
  for (double d : {0.0, 1.0, 1.5, 5.0, 60.0, 3600.0, 10800.0, 10800.5, 1e9}) {
    m.run_ended("f", RunStatus::failed, d);
  }
  const std::string out = m.render();
  auto bucket = [&](const std::string& le) {
    const std::string key = "crmsync_run_duration_seconds_bucket{flow=\"f\",le=\"" + le + "\"} ";
    const size_t at = out.find(key);
    EXPECT_NE(at, std::string::npos) << le;
    return std::stoll(out.substr(at + key.size()));
  };
  EXPECT_EQ(bucket("1"), 2);
  EXPECT_EQ(bucket("5"), 4);
  EXPECT_EQ(bucket("15"), 4);
  EXPECT_EQ(bucket("60"), 5);
  EXPECT_EQ(bucket("300"), 5);
  EXPECT_EQ(bucket("900"), 5);
  EXPECT_EQ(bucket("1800"), 5);
  EXPECT_EQ(bucket("3600"), 6);
  EXPECT_EQ(bucket("10800"), 7);
  EXPECT_EQ(bucket("+Inf"), 9);
  EXPECT_NE(out.find("crmsync_run_duration_seconds_count{flow=\"f\"} 9\n"), std::string::npos);
  EXPECT_NE(out.find("crmsync_run_duration_seconds_sum{flow=\"f\"} 1000025268\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("crmsync_runs_total{flow=\"f\",status=\"failed\"} 9\n"), std::string::npos);
}

TEST(Metrics, StatusClasses) {
  EXPECT_EQ(metrics_text::status_class(0), "error");
  EXPECT_EQ(metrics_text::status_class(200), "2xx");
  EXPECT_EQ(metrics_text::status_class(304), "3xx");
  EXPECT_EQ(metrics_text::status_class(429), "4xx");
  EXPECT_EQ(metrics_text::status_class(599), "5xx");
  EXPECT_EQ(metrics_text::status_class(600), "error");
  EXPECT_EQ(metrics_text::status_class(-1), "error");
}

TEST(Metrics, Values) {
  auto v = [](double d) {
    std::string s;
    metrics_text::append_value(d, s);
    return s;
  };
  EXPECT_EQ(v(0), "0");
  EXPECT_EQ(v(-3), "-3");
  EXPECT_EQ(v(0.25), "0.25");
  EXPECT_EQ(v(1e21), "1e+21");
  EXPECT_EQ(v(1.0 / 0.0), "+Inf");
  EXPECT_EQ(v(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(v(0.0 / 0.0), "NaN");
}

TEST(Metrics, ConcurrentUpdatesLoseNothing) {
  Metrics m;
  constexpr int kThreads = 4, kPerThread = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      FlowCounts one;
      one.read = 1;
      for (int i = 0; i < kPerThread; ++i) {
        m.add_records("f", one);
        m.api_answer("c", 200);
        m.run_ended("f", RunStatus::succeeded, 0.5);
        m.set_jobs("running", t);
        if (i % 100 == 0) (void)m.render();  // renders while others write
      }
    });
  }
  for (auto& th : threads) th.join();
  const std::string out = m.render();
  const std::string total = std::to_string(kThreads * kPerThread);
  EXPECT_NE(out.find("crmsync_records_total{flow=\"f\",op=\"read\"} " + total + "\n"),
            std::string::npos);
  EXPECT_NE(
      out.find("crmsync_api_requests_total{connection=\"c\",status_class=\"2xx\"} " + total + "\n"),
      std::string::npos);
  EXPECT_NE(out.find("crmsync_run_duration_seconds_count{flow=\"f\"} " + total + "\n"),
            std::string::npos);
  EXPECT_NE(out.find("crmsync_run_duration_seconds_sum{flow=\"f\"} " +
                     std::to_string(kThreads * kPerThread / 2) + "\n"),
            std::string::npos);
}

}  // namespace
}  // namespace crmsync::service
