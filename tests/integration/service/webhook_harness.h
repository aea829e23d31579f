#pragma once

// serve (in process, ManualClock, 127.0.0.1:0) with a connection for each
// webhook scheme: `pd` (the Pipedrive sandbox, basic auth), `signed` (a
// SQLite source, Standard Webhooks) and `s1` (a SQLite source, S1's
// query-only GET behind a path secret); `wh` is a SQLite target.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/base64.h"
#include "net/http_client.h"
#include "net/standard_webhook.h"
#include "sandbox/pipedrive/pipedrive_sandbox.h"
#include "service/api.h"
#include "service/service.h"
#include "support/eventually.h"
#include "support/service_harness.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync::testing {

inline constexpr char kHookPassword[] = "hook-password-5d1e";
inline const std::string kSigningKey = "whsec_" + base64_encode("signing key number one, 32 bytes");
inline const std::string kOldSigningKey =
    "whsec_" + base64_encode("signing key number zero 32 bytes");
inline constexpr char kPathSecret[] = "path-secret-0123456789abcdef";
inline constexpr char kApiToken[] = "webhook-test-api-token-0123";

class WebhookHarness {
 public:
  explicit WebhookHarness(service::WebhookLimits limits = {}, std::string person_filter = "") {
    sandbox::pipedrive::PipedriveSandboxOptions so;
    so.burst_limit = 0;
    so.search_burst_limit = 0;
    so.daily_budget = 0;
    so.webhook_time_scale = 0.01;
    sandbox_ = std::make_unique<sandbox::pipedrive::PipedriveSandbox>(so);
    EXPECT_TRUE(sandbox_->start().ok());
    write_project(person_filter);
    service::ServeOptions o;
    o.config_path = dir_.file("crmsync.yaml");
    o.listen = "127.0.0.1:0";
    o.clock = &clock_;
    o.log = log_.sink();
    o.api_token = kApiToken;
    o.webhooks = limits;
    o.register_routes = [](net::HttpServer& server, service::ServiceControl& control,
                           service::Metrics& metrics) {
      service::register_api(server, control, metrics, {kApiToken});
    };
    auto created = service::Service::create(o);
    if (!created) {
      ADD_FAILURE() << created.error().message;
      return;
    }
    svc_ = std::move(*created);
    Status started = svc_->start();
    EXPECT_TRUE(started) << (started ? "" : started.error().message);
  }
  ~WebhookHarness() {
    if (svc_) svc_->stop();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(svc_->port()) + path;
  }
  net::HttpResponse send(const std::string& method, const std::string& path,
                         const std::string& body = "", net::HttpHeaders headers = {}) {
    net::HttpClientRequest req;
    req.method = method;
    req.url = url(path);
    req.body = body;
    req.headers = std::move(headers);
    if (!body.empty() && !req.headers.count("Content-Type"))
      req.headers.emplace("Content-Type", "application/json");
    auto res = client_.send(req);
    EXPECT_TRUE(res) << res.error().message;
    return res ? *res : net::HttpResponse{};
  }
  // A Pipedrive v2 body for person `id`, event `event_id`.
  static std::string pipedrive_body(const std::string& id, const std::string& event_id,
                                    const std::string& entity = "person") {
    return R"({"meta":{"action":"change","entity":")" + entity + R"(","entity_id":")" + id +
           R"(","id":")" + event_id +
           R"(","timestamp":"2026-12-06T03:59:00Z","version":"2.0"},"data":{},"previous":{}})";
  }
  static net::HttpHeaders basic(const std::string& user, const std::string& password) {
    net::HttpHeaders h;
    h.emplace("Authorization", "Basic " + base64_encode(user + ":" + password));
    return h;
  }
  // Standard Webhooks headers for `body`, signed with `keys` (one signature each).
  net::HttpHeaders signed_headers(const std::string& id, const std::string& body,
                                  std::vector<std::string> keys = {kSigningKey},
                                  int64_t skew_secs = 0) {
    std::string ts = std::to_string(clock_.now_micros() / 1'000'000 + skew_secs);
    std::string sigs;
    for (const std::string& k : keys)
      sigs += (sigs.empty() ? "" : " ") + net::sign_standard_webhook(k, id, ts, body);
    net::HttpHeaders h;
    h.emplace("webhook-id", id);
    h.emplace("webhook-timestamp", ts);
    h.emplace("webhook-signature", sigs);
    return h;
  }

  service::Service& service() { return *svc_; }
  StateStore& store() { return svc_->store(); }
  ManualClock& clock() { return clock_; }
  ServeLogLines& log() { return log_; }
  sandbox::pipedrive::PipedriveSandbox& sandbox() { return *sandbox_; }
  SqliteProbe source() { return SqliteProbe(dir_.file("source.db")); }
  SqliteProbe warehouse() { return SqliteProbe(dir_.file("warehouse.db")); }
  SqliteProbe state() { return SqliteProbe(dir_.file("crmsync.state.db")); }
  int64_t pending(const std::string& flow) {
    auto p = store().pending_events(flow, 100000);
    return p ? static_cast<int64_t>(p->size()) : -1;
  }
  // Inbox rows of a flow, drained or not.
  int64_t events_of(const std::string& flow) {
    auto rows = state().rows("select count(*) from inbox where flow = '" + flow + "'");
    return rows.empty() ? -1 : std::stoll(rows[0][0]);
  }
  int64_t inbox_rows() {
    auto rows = state().rows("select count(*) from inbox");
    return rows.empty() ? -1 : std::stoll(rows[0][0]);
  }

 private:
  void write_project(const std::string& person_filter) {
    std::string filter = person_filter.empty() ? "" : ", filter: \"" + person_filter + "\"";
    dir_.write("crmsync.yaml", R"(
connections:
  pd:
    type: pipedrive
    base_url: )" + sandbox_->base_url() +
                                   R"(
    api_token: demo-token
    search_burst_limit: 0
    webhooks: {scheme: pipedrive, user: crmsync, password: )" +
                                   kHookPassword + R"(}
  signed:
    type: sqlite
    path: source.db
    webhooks:
      scheme: standard
      secrets: [")" + kSigningKey + R"(", ")" +
                                   kOldSigningKey + R"("]
      id: body.data.id
      object: body.type
      event_id: header.webhook-id
  s1:
    type: sqlite
    path: source.db
    webhooks:
      scheme: path_secret
      path_secret: )" + kPathSecret +
                                   R"(
      id: query.id
      object: query.type
      action: query.event
      actions: {Insert: create, Update: update}
      objects: {Identity: people}
  wh: {type: sqlite, path: warehouse.db}
flows:
  persons:
    source: {connection: pd, object: persons)" +
                                   filter + R"(}
    target: {connection: wh, object: persons, id_field: id}
    match: {target_field: pd_id}
    trigger: {webhook: true}
    mapping:
      pd_id: id
      name: name
  signed_people:
    source: {connection: signed, object: people, id_field: id}
    target: {connection: wh, object: signed_people, id_field: id}
    match: {target_field: src_id}
    trigger: {webhook: true}
    mapping:
      src_id: id
      name: name
  s1_people:
    source: {connection: s1, object: people, id_field: id}
    target: {connection: wh, object: s1_people, id_field: id}
    match: {target_field: src_id}
    trigger: {webhook: true}
    mapping:
      src_id: id
      name: name
)");
    SqliteProbe src(dir_.file("source.db"));
    src.exec(
        "create table people (id text primary key, name text);"
        "insert into people values ('p1', 'Ann'), ('p2', 'Bob');");
    SqliteProbe wh(dir_.file("warehouse.db"));
    wh.exec(
        "create table persons (id integer primary key, pd_id text unique, name text);"
        "create table signed_people (id integer primary key, src_id text unique, name text);"
        "create table s1_people (id integer primary key, src_id text unique, name text);");
  }

  TempDir dir_;
  ManualClock clock_{utc_micros(2026, 12, 6, 4, 0)};
  ServeLogLines log_;
  std::unique_ptr<sandbox::pipedrive::PipedriveSandbox> sandbox_;
  std::unique_ptr<service::Service> svc_;
  net::HttpClient client_;
};

}  // namespace crmsync::testing
