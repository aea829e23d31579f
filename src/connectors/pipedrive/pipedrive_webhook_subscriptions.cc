#include "connectors/pipedrive/pipedrive_webhook_subscriptions.h"

#include <algorithm>
#include <map>

#include "connectors/pipedrive/pipedrive_connection.h"
#include "core/json.h"
#include "net/crypto.h"

namespace crmsync {
namespace {

constexpr const char* kWebhookVersion = "2.0";
// One subscription per object with every action: creates and changes are
// synced, deletes follow the flow's delete policy, and one subscription
// instead of three keeps well under Pipedrive's 40 per user.
constexpr const char* kWebhookAction = "*";

std::string listed_text(const Value& item, const char* key) {
  const Value* v = item.find(key);
  if (v == nullptr || v->is_null()) return "";
  return v->to_text();
}

std::string trimmed_hook_url(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Why a subscription at our URL for a needed object is not what the
// request asks; empty when it is.
std::string subscription_drift(const PipedriveSubscription& s, const WebhookSubscriptionRequest& r,
                               const std::string& name) {
  if (s.event_action != kWebhookAction) return "event_action " + s.event_action + ", not *";
  if (s.version != kWebhookVersion) return "version " + s.version + ", not 2.0";
  if (s.user != r.user) return "http auth user changed";
  // A password the list gives back in clear is compared; a masked one is
  // known only through the fingerprint in the name.
  bool clear = !s.password.empty() && s.password.find_first_not_of('*') != std::string::npos;
  if ((clear && s.password != r.password) || s.name != name) return "http auth password changed";
  return "";
}

}  // namespace

Result<std::vector<PipedriveSubscription>> parse_pipedrive_subscriptions(const Value& data) {
  std::vector<PipedriveSubscription> out;
  if (data.is_null()) return out;
  if (!data.is_array()) {
    return Error(ErrorKind::fatal, "GET /v1/webhooks: data is not a list of webhooks");
  }
  for (const Value& item : data.as_array()) {
    const Value* id = item.is_object() ? item.find("id") : nullptr;
    if (id == nullptr || !id->is_int()) {
      return Error(ErrorKind::fatal, "GET /v1/webhooks: a webhook without a numeric id");
    }
    PipedriveSubscription s;
    s.id = id->as_int();
    s.url = listed_text(item, "subscription_url");
    s.event_action = listed_text(item, "event_action");
    s.event_object = listed_text(item, "event_object");
    s.version = listed_text(item, "version");
    s.user = listed_text(item, "http_auth_user");
    s.password = listed_text(item, "http_auth_password");
    s.name = listed_text(item, "name");
    out.push_back(std::move(s));
  }
  return out;
}

PipedriveSubscriptionPlan plan_pipedrive_subscriptions(
    const std::vector<PipedriveSubscription>& existing, const WebhookSubscriptionRequest& request) {
  const std::string url = trimmed_hook_url(request.url);
  const std::string name = pipedrive_subscription_name(request);
  PipedriveSubscriptionPlan plan;
  std::map<std::string, bool> have;  // needed object -> a good subscription exists
  for (const std::string& o : request.objects) have[o] = false;
  std::vector<std::string> delete_lines;
  for (const PipedriveSubscription& s : existing) {
    if (trimmed_hook_url(s.url) != url) continue;  // not ours: never touched
    const std::string what = s.event_object + " webhook " + std::to_string(s.id);
    auto need = have.find(s.event_object);
    std::string why;
    if (need == have.end()) {
      why = "no flow takes " + s.event_object + " webhooks";
    } else if (need->second) {
      why = "a duplicate";
    } else if (std::string d = subscription_drift(s, request, name); !d.empty()) {
      why = d;
    } else {
      need->second = true;
      continue;
    }
    plan.delete_ids.push_back(s.id);
    delete_lines.push_back("delete " + what + " (" + why + ")");
  }
  for (const auto& [object, good] : have) {
    if (good) continue;
    plan.create_objects.push_back(object);
    plan.lines.push_back("register " + object + " webhook");
  }
  plan.lines.insert(plan.lines.end(), delete_lines.begin(), delete_lines.end());
  return plan;
}

std::string pipedrive_subscription_name(const WebhookSubscriptionRequest& request) {
  static const char* kHex = "0123456789abcdef";
  std::string digest =
      net::sha256(trimmed_hook_url(request.url) + "\n" + request.user + "\n" + request.password);
  std::string out = "crmsync ";
  for (size_t i = 0; i < 8; ++i) {
    auto b = static_cast<unsigned char>(digest[i]);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string pipedrive_subscription_body(const WebhookSubscriptionRequest& request,
                                        const std::string& object) {
  std::string body = "{\"subscription_url\":";
  append_json_string(trimmed_hook_url(request.url), body);
  body += ",\"event_action\":\"*\",\"event_object\":";
  append_json_string(object, body);
  body += ",\"version\":\"2.0\",\"http_auth_user\":";
  append_json_string(request.user, body);
  body += ",\"http_auth_password\":";
  append_json_string(request.password, body);
  body += ",\"name\":";
  append_json_string(pipedrive_subscription_name(request), body);
  return body + "}";
}

// Lists, then creates what is missing, then deletes what is extra. The
// connection's session retries what may be retried; a create whose answer
// was lost is an outcome_unknown error, and `crmsync setup` calls this
// again, which lists first and so finds it instead of creating a duplicate.
Result<SetupReport> PipedriveConnection::setup_webhooks(const WebhookSubscriptionRequest& request) {
  SetupReport report;
  std::vector<std::string> objects;
  for (const std::string& o : request.objects) {
    // Webhooks name objects in the singular ("persons" is read as "person").
    if (auto obj = object(o)) {
      if (std::find(objects.begin(), objects.end(), (*obj)->name) == objects.end())
        objects.push_back((*obj)->name);
    } else {
      report.missing.push_back("webhooks for " + o + ": Pipedrive has no such object");
    }
  }
  WebhookSubscriptionRequest wanted = request;
  wanted.objects = std::move(objects);
  auto listed = call("GET", "/v1/webhooks");
  if (!listed) return listed.error().with_context("listing webhooks");
  auto existing = parse_pipedrive_subscriptions(listed->data);
  if (!existing) return existing.error();
  PipedriveSubscriptionPlan plan = plan_pipedrive_subscriptions(*existing, wanted);
  report.to_create = plan.lines;
  if (!request.apply) return report;
  for (const std::string& o : plan.create_objects) {
    auto made = call("POST", "/v1/webhooks", pipedrive_subscription_body(wanted, o));
    if (!made) return made.error().with_context("registering the " + o + " webhook");
  }
  for (int64_t id : plan.delete_ids) {
    auto gone = call("DELETE", "/v1/webhooks/" + std::to_string(id));
    // Already deleted (by a user, or by Pipedrive after 3 days without a
    // successful delivery): what was asked holds.
    if (!gone && gone.error().message.find("HTTP 404") == std::string::npos)
      return gone.error().with_context("deleting webhook " + std::to_string(id));
  }
  return report;
}

}  // namespace crmsync
