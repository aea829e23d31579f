#include "engine/webhook_setup.h"

#include <algorithm>
#include <memory>

#include "connectors/registry.h"

namespace crmsync {
namespace {

bool flow_selected(const std::vector<std::string>& flows, const std::string& name) {
  return flows.empty() || std::find(flows.begin(), flows.end(), name) != flows.end();
}

}  // namespace

Result<std::vector<WebhookSetup>> setup_webhooks(const Config& config,
                                                 const std::vector<std::string>& flows,
                                                 bool apply) {
  std::vector<WebhookSetup> out;
  if (config.serve.public_url.empty()) return out;
  for (const ConnectionConfig& conn : config.connections) {
    if (!conn.webhooks || conn.webhooks->scheme != WebhookConfig::Scheme::pipedrive) continue;
    WebhookSubscriptionRequest request;
    request.url = config.serve.public_url + "/hooks/" + conn.name;
    request.user = conn.webhooks->user;
    request.password = conn.webhooks->password;
    request.apply = apply;
    bool asked = flows.empty();
    for (const FlowConfig& flow : config.flows) {
      if (flow.source.connection != conn.name) continue;
      asked = asked || flow_selected(flows, flow.name);
      if (!flow.trigger.webhook) continue;
      if (std::find(request.objects.begin(), request.objects.end(), flow.source.object) ==
          request.objects.end())
        request.objects.push_back(flow.source.object);
    }
    if (!asked) continue;
    std::sort(request.objects.begin(), request.objects.end());
    WebhookSetup s;
    s.connection = conn.name;
    s.url = request.url;
    auto created = ConnectorRegistry::instance().create(conn, ConnectorContext{config.dir});
    if (!created) return created.error().with_context("connection " + conn.name);
    // As in setup_targets: a lost answer to a create is looked up by
    // asking again, which lists the subscriptions first.
    auto report = (*created)->setup_webhooks(request);
    for (int again = 0; again < 3 && !report && report.error().outcome_unknown; ++again) {
      report = (*created)->setup_webhooks(request);
    }
    if (report) {
      s.report = std::move(*report);
    } else {
      s.error = report.error().message;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace crmsync
