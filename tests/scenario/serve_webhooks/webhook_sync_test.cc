// Pipedrive sandbox -> webhooks -> serve's inbox -> a SQLite target (issue
// 19, "Done when"): 1,000 webhook events, a fifth of them delivered twice
// and all shuffled, leave the target equal to the source field by field.
// Then delivery is paused (the sandbox loses what changes meanwhile, as a
// sender that never delivers), 50 more edits are made, and the flow's
// 5-minute schedule catches them: crmsync_webhook_missed_total reads 50.
// A process cannot take an injected clock, so the service runs in process
// (crmsync::service::Service, the code `crmsync serve` runs, with its API
// and receivers on a real port) on a ManualClock moved 5 minutes on.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>

#include "core/clock.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"
#include "scenario/serve_webhooks/pipedrive_api.h"
#include "service/api.h"
#include "service/service.h"
#include "support/eventually.h"
#include "support/run_command.h"
#include "support/service_harness.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

constexpr const char* kToken = "scenario-api-token-0123456789";

std::string sync_config(const std::string& pd_url) {
  return R"(version: 1
serve:
  public_url: ${HOOK_BASE:-http://127.0.0.1:1}
connections:
  pd:
    type: pipedrive
    base_url: )" +
         pd_url + R"(
    api_token: demo-token
    webhooks: {scheme: pipedrive, password: hook-password-0123}
  wh: {type: sqlite, path: wh.db}
flows:
  people:
    source: {connection: pd, object: person, cursor_field: update_time}
    target: {connection: wh, object: people, id_field: id}
    match: {target_field: pd_id}
    trigger: {webhook: true, schedule: every 5m}
    mapping:
      pd_id: id
      name: name
)";
}

int64_t system_now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The target's rows: pd_id -> name (and how many rows, to see duplicates).
std::map<std::string, std::string> target_rows(const std::string& path, size_t* count = nullptr) {
  std::map<std::string, std::string> out;
  SqliteProbe db(path);
  if (db.rows("select name from sqlite_master where type = 'table' and name = 'people'").empty())
    return out;
  auto rows = db.rows("select pd_id, name from people");
  if (count) *count = rows.size();
  for (auto& r : rows) out[r[0]] = r[1];
  return out;
}

// The value of one sample of /metrics ("name{labels}"); -1 when absent.
double metric(const std::string& text, const std::string& sample) {
  size_t at = text.find("\n" + sample + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + sample.size() + 2));
}

TEST(ServeWebhooks, AThousandShuffledDuplicatedEventsThenThePausedOnesComeByTheSchedule) {
  uint32_t seed = scenario_seed();
  std::cout << "[ serve webhooks ] seed " << seed << " (CRMSYNC_SCENARIO_SEED=" << seed
            << " repeats it)\n";
  std::mt19937 rng(seed);

  sandbox::pipedrive::PipedriveSandboxOptions o;
  o.burst_limit = 0;
  o.search_burst_limit = 0;
  o.daily_budget = 0;
  o.webhook_time_scale = 0.01;  // a failed delivery is retried after 30 ms
  o.webhook_delivery.duplicate_rate = 0.2;
  o.webhook_delivery.shuffle_window_ms = 300;
  o.webhook_delivery.seed = seed;
  sandbox::pipedrive::PipedriveSandbox sandbox(o);
  ASSERT_TRUE(sandbox.start().ok());
  PipedriveApi pd(sandbox.base_url());

  TempDir dir;
  dir.write("crmsync.yaml", sync_config(sandbox.base_url()));

  ManualClock clock(system_now_micros());
  ServeLogLines log;
  service::ServeOptions options;
  options.config_path = dir.file("crmsync.yaml");
  options.listen = "127.0.0.1:0";
  options.clock = &clock;
  options.log = log.sink();
  options.api_token = kToken;
  options.register_routes = [](net::HttpServer& server, service::ServiceControl& control,
                               service::Metrics& metrics) {
    service::register_api(server, control, metrics, service::ApiOptions{kToken});
  };
  auto created = service::Service::create(options);
  ASSERT_TRUE(created.ok()) << created.error().message;
  std::unique_ptr<service::Service> svc = std::move(*created);
  ASSERT_TRUE(svc->start().ok()) << log.text();
  const std::string base = "http://127.0.0.1:" + std::to_string(svc->port());

  // `crmsync setup` registers the subscription at serve's address.
  CommandResult setup = run_command("cd " + dir.path().string() + " && HOOK_BASE=" + base + " " +
                                    CRMSYNC_BINARY + " setup");
  ASSERT_EQ(setup.exit_code, 0) << setup.output;
  ASSERT_EQ(pd.subscriptions().size(), 1u) << setup.output;

  // 1,000 events: 200 persons created, then 800 renames of random ones.
  constexpr int kCreates = 200;
  constexpr int kEvents = 1000;
  for (int i = 0; i < kCreates; ++i) {
    pd.call("POST", "/api/v2/persons", R"({"name":"Person )" + std::to_string(i) + R"("})");
  }
  std::uniform_int_distribution<int> pick(1, kCreates);
  for (int i = kCreates; i < kEvents; ++i) {
    pd.call("PATCH", "/api/v2/persons/" + std::to_string(pick(rng)),
            R"({"name":"Renamed )" + std::to_string(i) + R"("})");
  }
  std::map<std::string, std::string> source = pd.persons();
  ASSERT_EQ(source.size(), static_cast<size_t>(kCreates));
  size_t rows = 0;
  bool equal = eventually([&] { return target_rows(dir.file("wh.db"), &rows) == source; },
                          std::chrono::seconds(60));
  ASSERT_TRUE(equal) << "target has " << target_rows(dir.file("wh.db")).size() << " of "
                     << source.size() << " persons equal; deliveries by status: "
                     << delivery_statuses(pd.deliveries()) << "; log:\n"
                     << log.text();
  EXPECT_EQ(rows, source.size()) << "a person was written twice";
  // The target can be equal before the last deliveries (state is read
  // again): count them once every one is in.
  size_t delivered = 0, duplicates = 0;
  eventually([&] {
    delivered = duplicates = 0;
    for (const Value& d : pd.deliveries()) {
      delivered += d.find("delivered")->as_bool();
      duplicates += d.find("duplicate")->as_bool() && d.find("attempt")->as_int() == 1;
    }
    return delivered >= static_cast<size_t>(kEvents) + duplicates;
  });
  std::cout << "[ serve webhooks ] " << delivered << " deliveries acknowledged, " << duplicates
            << " of them copies\n";
  EXPECT_GE(delivered, static_cast<size_t>(kEvents));
  EXPECT_GE(duplicates, 120u);  // about 200 expected
  EXPECT_LE(duplicates, 280u);

  // Every acknowledged event drained, so the storm is over for the flow.
  // (A poll that runs while events still wait counts a record whose older
  // event waits as announced: docs/webhooks.md, "Missed webhooks".)
  ASSERT_TRUE(eventually(
      [&] {
        auto inbox = svc->store().inbox_summary();
        if (!inbox.ok()) return false;
        for (const auto& f : inbox->flows) {
          if (f.pending != 0) return false;
        }
        return true;
      },
      std::chrono::seconds(60)))
      << log.text();

  // Delivery paused: 50 renames of different persons are never announced.
  pd.set_delivery(R"({"paused":true})");
  std::vector<int> ids;
  for (int i = 1; i <= kCreates; ++i) ids.push_back(i);
  std::shuffle(ids.begin(), ids.end(), rng);
  for (int i = 0; i < 50; ++i) {
    pd.call("PATCH", "/api/v2/persons/" + std::to_string(ids[static_cast<size_t>(i)]),
            R"({"name":"Unannounced )" + std::to_string(i) + R"("})");
  }
  source = pd.persons();
  EXPECT_NE(target_rows(dir.file("wh.db")), source);

  // Five minutes on by the service's clock: the schedule reads from its
  // cursor and finds the 50 changes no webhook announced.
  clock.advance_secs(300);
  equal = eventually([&] { return target_rows(dir.file("wh.db"), &rows) == source; },
                     std::chrono::seconds(60));
  ASSERT_TRUE(equal) << "log:\n" << log.text();
  EXPECT_EQ(rows, source.size());
  net::HttpClient http;
  net::HttpClientRequest req;
  req.url = base + "/metrics";
  double missed = -1;
  std::string metrics;
  eventually([&] {
    auto r = http.send(req);
    metrics = r.ok() ? r->body : "";
    missed = metric(metrics, "crmsync_webhook_missed_total{flow=\"people\"}");
    return missed == 50;
  });
  std::string webhook_lines;
  for (size_t at = metrics.find("crmsync_webhook"); at != std::string::npos;
       at = metrics.find("crmsync_webhook", at + 1)) {
    webhook_lines += metrics.substr(at, metrics.find('\n', at) - at) + "\n";
  }
  EXPECT_EQ(missed, 50) << webhook_lines << "log:\n" << log.text().substr(0, 20000);
  svc->stop();
}

}  // namespace
}  // namespace crmsync::testing
