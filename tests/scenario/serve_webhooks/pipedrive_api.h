#pragma once

// The Pipedrive sandbox as the serve_webhooks scenarios see it: its API
// with the token, its webhook subscriptions, its delivery controls and
// delivery log (/__admin), and every person's current state.

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/json.h"
#include "net/http_client.h"

namespace crmsync::testing {

// CRMSYNC_SCENARIO_SEED, or a new random seed (the tests print it).
inline uint32_t scenario_seed() {
  if (const char* s = std::getenv("CRMSYNC_SCENARIO_SEED")) return std::strtoul(s, nullptr, 10);
  return std::random_device{}();
}

// How many delivery attempts got each HTTP status ("404: 1200, 0: 3"), for
// failure messages.
inline std::string delivery_statuses(const std::vector<Value>& deliveries) {
  std::map<std::string, int> n;
  for (const Value& d : deliveries) {
    const Value* dropped = d.find("dropped");
    ++n[dropped && dropped->as_bool() ? "dropped" : d.find("status")->to_text()];
  }
  std::string out;
  for (const auto& [status, count] : n)
    out += (out.empty() ? "" : ", ") + status + ": " + std::to_string(count);
  return out;
}

struct Subscription {
  int64_t id = 0;
  std::string url, object, action, version, user, name;
};

class PipedriveApi {
 public:
  explicit PipedriveApi(std::string base_url, std::string token = "demo-token")
      : base_url_(std::move(base_url)), token_(std::move(token)) {}

  // The answer's JSON (null and a test failure when it is not 2xx).
  Value call(const std::string& method, const std::string& path, const std::string& body = "") {
    net::HttpClientRequest req;
    req.method = method;
    req.url = base_url_ + path;
    req.body = body;
    req.timeout_secs = 30;
    req.headers.emplace("x-api-token", token_);
    if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
    auto r = http_.send(req);
    bool ok = r.ok() && r->status >= 200 && r->status < 300;
    EXPECT_TRUE(ok) << method << " " << path << ": "
                    << (r.ok() ? std::to_string(r->status) + " " + r->body : r.error().message);
    if (!ok) return Value();
    auto v = parse_json(r->body);
    return v.ok() ? *v : Value();
  }

  std::vector<Subscription> subscriptions() {
    std::vector<Subscription> out;
    Value v = call("GET", "/v1/webhooks");
    const Value* data = v.is_object() ? v.find("data") : nullptr;
    if (data == nullptr || !data->is_array()) return out;
    for (const Value& h : data->as_array()) {
      auto text = [&](const char* k) {
        const Value* f = h.find(k);
        return f && !f->is_null() ? f->to_text() : std::string();
      };
      out.push_back({h.find("id")->as_int(), text("subscription_url"), text("event_object"),
                     text("event_action"), text("version"), text("http_auth_user"), text("name")});
    }
    return out;
  }

  // Subscribes `url` as another tool (or a user) would.
  int64_t subscribe(const std::string& url, const std::string& object,
                    const std::string& extra = "") {
    Value v = call("POST", "/v1/webhooks",
                   R"({"subscription_url":")" + url + R"(","event_action":"*","event_object":")" +
                       object + "\"" + extra + "}");
    const Value* data = v.is_object() ? v.find("data") : nullptr;
    return data && data->find("id") ? data->find("id")->as_int() : 0;
  }

  // POST /__admin/webhook_delivery ({"paused":true}, ...).
  void set_delivery(const std::string& json) { call("POST", "/__admin/webhook_delivery", json); }
  // GET /__admin/webhook_deliveries: every attempt, dropped changes included.
  std::vector<Value> deliveries() {
    Value v = call("GET", "/__admin/webhook_deliveries");
    const Value* d = v.is_object() ? v.find("deliveries") : nullptr;
    return d && d->is_array() ? d->as_array() : std::vector<Value>{};
  }

  // Every person: id -> name.
  std::map<std::string, std::string> persons() {
    std::map<std::string, std::string> out;
    std::string cursor;
    for (int page = 0; page < 1000; ++page) {
      Value v =
          call("GET", "/api/v2/persons?limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor));
      if (const Value* data = v.find("data"); data && data->is_array()) {
        for (const Value& p : data->as_array()) {
          out[p.find("id")->to_text()] = p.find("name") ? p.find("name")->to_text() : "";
        }
      }
      const Value* add = v.find("additional_data");
      const Value* next = add ? add->find("next_cursor") : nullptr;
      if (next == nullptr || !next->is_string()) break;
      cursor = next->as_string();
    }
    return out;
  }

  // Requests the sandbox answered for one endpoint ("POST /v1/webhooks").
  int64_t requests(const std::string& endpoint) {
    Value v = call("GET", "/__admin/counters");
    const Value* n = v.is_object() ? v.find(endpoint) : nullptr;
    return n && n->is_int() ? n->as_int() : 0;
  }

 private:
  std::string base_url_, token_;
  net::HttpClient http_;
};

}  // namespace crmsync::testing
