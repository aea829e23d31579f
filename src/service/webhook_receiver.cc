#include "service/webhook_receiver.h"

#include <algorithm>
#include <set>

#include "connectors/webhook_parsers.h"
#include "core/redact.h"
#include "service/api_http.h"
#include "service/api_json.h"
#include "service/webhook_auth.h"

namespace crmsync::service {
namespace {

// Buckets of addresses quiet this long are forgotten (the map stays small).
constexpr int64_t kBucketIdleMicros = 600'000'000;
constexpr size_t kMaxBuckets = 10'000;

// The inbox key of a change (its dedup key, unique per flow). The sender's
// event id when it sends one. Else the change's own time: two deliveries
// of one change carry the same time, two changes do not (Pipedrive v1 sends
// microseconds). A sender with neither gets a key of its own for every
// delivery: a repeat is then drained twice (a second read, no second
// write: checksums), never a real change dropped as a "duplicate" (the
// lesson of n8n #21028).
std::string event_key(const WebhookChange& c, int64_t received_at, uint64_t sequence) {
  if (!c.event_id.empty()) return "id:" + c.event_id;
  if (c.changed_at != 0) {
    return "at:" + c.object + "/" + c.record_id + "/" + c.action + "/" +
           std::to_string(c.changed_at);
  }
  return "rx:" + std::to_string(received_at) + "/" + std::to_string(sequence);
}

// The flows a change concerns: webhook flows reading the named object of
// the connection. A delivery that names no object concerns the
// connection's webhook flows if they all read one object (else
// `ambiguous`: the config must say where the object is).
std::vector<const FlowConfig*> flows_for(const Config& config, const ConnectionConfig& conn,
                                         const WebhookChange& change, bool& ambiguous) {
  std::vector<const FlowConfig*> out;
  std::set<std::string> objects;
  for (const FlowConfig& f : config.flows) {
    if (!f.trigger.webhook || f.source.connection != conn.name) continue;
    std::string object = webhook_object_name(conn.type, f.source.object);
    objects.insert(object);
    if (change.object.empty() || object == webhook_object_name(conn.type, change.object)) {
      out.push_back(&f);
    }
  }
  ambiguous = change.object.empty() && objects.size() > 1;
  if (ambiguous) out.clear();
  return out;
}

}  // namespace

WebhookReceiver::WebhookReceiver(Clock& clock, StateStore& store, WebhookMetrics& metrics,
                                 ConfigSource config, std::function<void()> queued,
                                 WebhookLimits limits)
    : clock_(clock),
      store_(store),
      metrics_(metrics),
      config_(std::move(config)),
      queued_(std::move(queued)),
      limits_(limits) {}

void WebhookReceiver::register_routes(net::HttpServer& server) {
  net::RouteOptions options;
  options.max_body_bytes = limits_.max_body_bytes;
  for (const char* method : {"POST", "GET"}) {
    server.on(
        method, "/hooks/([^/]+)",
        [this](const net::HttpRequest& request, net::HttpResponse& response) {
          receive(request, response, request.matches.at(1), std::nullopt);
        },
        options);
    server.on(
        method, "/hooks/([^/]+)/([^/]+)",
        [this](const net::HttpRequest& request, net::HttpResponse& response) {
          receive(request, response, request.matches.at(1), request.matches.at(2));
        },
        options);
  }
}

bool WebhookReceiver::admit(const std::string& address) {
  int64_t now = clock_.now_micros();
  std::lock_guard lock(buckets_mu_);
  if (buckets_.size() > kMaxBuckets) {
    std::erase_if(buckets_, [now](const auto& b) { return now - b.second.at > kBucketIdleMicros; });
  }
  auto [it, fresh] = buckets_.try_emplace(address, Bucket{limits_.per_address_burst, now});
  Bucket& b = it->second;
  if (!fresh && now > b.at) {
    b.tokens = std::min(limits_.per_address_burst, b.tokens + static_cast<double>(now - b.at) /
                                                                  1e6 * limits_.per_address_rate);
    b.at = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

void WebhookReceiver::refuse(net::HttpResponse& response, const std::string& connection, int status,
                             const std::string& reason, const std::string& message) {
  metrics_.rejected(connection, reason);
  // Counted in the store too (crmsync inbox); a store that fails here
  // changes nothing about the answer.
  (void)store_.count_rejection(connection, reason, clock_.now_micros());
  answer_error(response, request_error(status, reason, scrub(message)));
}

void WebhookReceiver::receive(const net::HttpRequest& request, net::HttpResponse& response,
                              const std::string& connection,
                              std::optional<std::string_view> path_secret) {
  auto config = config_();
  const ConnectionConfig* conn = config ? config->connection(connection) : nullptr;
  if (conn == nullptr || !conn->webhooks) {
    answer_error(response, request_error(404, "not_found",
                                         "no connection takes webhooks at this path "
                                         "(a connection needs a webhooks: block)"));
    return;
  }
  metrics_.received(connection);
  if (!admit(request.remote_addr)) {
    metrics_.rejected(connection, "flood");
    answer_error(response,
                 request_error(429, "flood", "too many deliveries from this address; retry later"));
    response.headers.emplace("Retry-After", "1");
    return;
  }
  const WebhookConfig& hooks = *conn->webhooks;
  int64_t now = clock_.now_micros();
  if (auto failure = authenticate_webhook(hooks, request, path_secret, now)) {
    refuse(response, connection, 401, failure->reason, failure->message);
    return;
  }
  WebhookRequest parsed_request{request.method, &request.query, &request.headers, request.body};
  auto change = parse_webhook(conn->type, hooks, parsed_request);
  if (!change) {
    refuse(response, connection, 400, "malformed", change.error().message);
    return;
  }
  InboxDelivery delivery;
  delivery.connection = connection;
  if (hooks.scheme == WebhookConfig::Scheme::standard) {
    delivery.replay_id = request.header("webhook-id").value_or("");
    if (change->event_id.empty()) change->event_id = delivery.replay_id;
  }
  std::string key = event_key(*change, now, sequence_.fetch_add(1));
  bool ambiguous = false;
  auto flows = flows_for(*config, *conn, *change, ambiguous);
  if (ambiguous) {
    refuse(response, connection, 400, "no_object",
           "the delivery names no object and the connection's webhook flows read several; "
           "set webhooks.object (docs/webhooks.md)");
    return;
  }
  for (const FlowConfig* f : flows) {
    InboxEvent e;
    e.flow = f->name;
    e.event_key = key;
    e.object = change->object;
    e.record_id = change->record_id;
    e.action = change->action;
    e.changed_at = change->changed_at;
    delivery.events.push_back(std::move(e));
  }
  if (delivery.events.empty() && delivery.replay_id.empty()) {
    metrics_.ignored(connection);
    answer_json(response, 202, R"({"status":"ignored","events":0})");
    return;
  }
  auto outcome = store_.enqueue(std::span<const InboxDelivery>(&delivery, 1), now);
  if (!outcome) {
    // Not committed: not acknowledged. The sender retries.
    answer_error(response, request_error(503, "inbox_unavailable",
                                         "the delivery could not be stored; retry later"));
    response.headers.emplace("Retry-After", "5");
    return;
  }
  const InboxOutcome& o = outcome->front();
  if (o.replayed) {
    refuse(response, connection, 401, "replayed", "this webhook-id was delivered before (replay)");
    return;
  }
  if (delivery.events.empty()) {
    metrics_.ignored(connection);
    answer_json(response, 202, R"({"status":"ignored","events":0})");
    return;
  }
  if (o.duplicates > 0) metrics_.duplicates(connection, static_cast<int64_t>(o.duplicates));
  if (o.queued > 0 && queued_) queued_();
  JsonOut out;
  out.begin_object();
  out.key("status").string(o.queued > 0 ? "queued" : "duplicate");
  out.key("events").integer(static_cast<int64_t>(o.queued));
  out.end_object();
  answer_json(response, 202, out.take());
}

}  // namespace crmsync::service
