#include "sandbox/pipedrive/pipedrive_webhooks.h"

#include <algorithm>
#include <set>

#include "core/json.h"
#include "sandbox/common/json_object.h"
#include "sandbox/pipedrive/pipedrive_render.h"

namespace crmsync::sandbox::pipedrive {

namespace {
thread_local int as_user_depth = 0;

constexpr int kMaxWebhooks = 40;  // per user, as the real service

const char* v2_action(ChangeAction a) {
  return a == ChangeAction::create ? "create" : a == ChangeAction::change ? "change" : "delete";
}
const char* v1_action(ChangeAction a) {
  return a == ChangeAction::create ? "added" : a == ChangeAction::change ? "updated" : "deleted";
}

std::string text_member(const Value& body, const char* key, const std::string& fallback = "") {
  const Value* v = body.find(key);
  return v && v->is_string() ? v->as_string() : fallback;
}

// The fields of `after` that differ from `before`, with their old values.
Value changed_fields(const Value& before, const Value& after) {
  Object previous;
  for (const auto& m : after.as_object()) {
    if (m.key == "update_time") continue;
    const Value* old = before.find(m.key);
    if (old == nullptr || !(*old == m.value)) put(previous, m.key, old ? *old : Value());
  }
  return Value(std::move(previous));
}
}  // namespace

AsUserScope::AsUserScope() {
  ++as_user_depth;
}
AsUserScope::~AsUserScope() {
  --as_user_depth;
}
bool AsUserScope::active() {
  return as_user_depth > 0;
}

PipedriveWebhooks::PipedriveWebhooks(PipedriveStore& store, double time_scale)
    : store_(store), dispatcher_({3, 30, 150}, 10, time_scale) {}

Result<Webhook> PipedriveWebhooks::add(const Value& body) {
  static const std::set<std::string> kActions = {"create", "change", "delete", "*"};
  static const std::set<std::string> kObjects = {"person",   "organization", "deal", "note",
                                                 "activity", "product",      "*"};
  Webhook hook;
  hook.subscription_url = text_member(body, "subscription_url");
  hook.event_action = text_member(body, "event_action");
  hook.event_object = text_member(body, "event_object");
  hook.version = text_member(body, "version", "2.0");
  hook.http_auth_user = text_member(body, "http_auth_user");
  hook.http_auth_password = text_member(body, "http_auth_password");
  hook.name = text_member(body, "name");
  if (hook.subscription_url.rfind("http://", 0) != 0 &&
      hook.subscription_url.rfind("https://", 0) != 0)
    return Error(ErrorKind::rejected, "subscription_url must be an http(s) URL");
  if (!kActions.count(hook.event_action))
    return Error(ErrorKind::rejected, "event_action must be one of create, change, delete, *");
  if (!kObjects.count(hook.event_object))
    return Error(ErrorKind::rejected,
                 "event_object must be one of person, organization, deal, note, activity, "
                 "product, *");
  if (hook.version != "1.0" && hook.version != "2.0")
    return Error(ErrorKind::rejected, "version must be 1.0 or 2.0");
  std::lock_guard lock(mu_);
  if (hooks_.size() >= kMaxWebhooks)
    return Error(ErrorKind::rejected, "Webhooks limit reached");  // answered with 422
  hook.id = next_id_++;
  hook.add_time = store_.now();
  hooks_.push_back(hook);
  return hook;
}

std::vector<Webhook> PipedriveWebhooks::list() const {
  std::lock_guard lock(mu_);
  return hooks_;
}

bool PipedriveWebhooks::remove(int64_t id) {
  std::lock_guard lock(mu_);
  auto it =
      std::find_if(hooks_.begin(), hooks_.end(), [&](const Webhook& h) { return h.id == id; });
  if (it == hooks_.end()) return false;
  hooks_.erase(it);
  return true;
}

void PipedriveWebhooks::clear() {
  {
    std::lock_guard lock(mu_);
    hooks_.clear();
  }
  dispatcher_.clear();
}

void PipedriveWebhooks::on_change(Entity entity, ChangeAction action, const StoredRecord* before,
                                  const StoredRecord& after) {
  bool from_user = AsUserScope::active();
  int64_t seq = 0;
  {
    std::lock_guard lock(mu_);
    seq = ++change_seq_;
  }
  for (const auto& hook : list()) {
    if (hook.event_action != "*" && hook.event_action != v2_action(action)) continue;
    if (hook.event_object != "*" && hook.event_object != entity_name(entity)) continue;
    std::optional<StoredRecord> old;
    if (before) old = *before;
    WebhookDelivery delivery;
    delivery.webhook_id = hook.id;
    delivery.url = hook.subscription_url;
    delivery.basic_user = hook.http_auth_user;
    delivery.basic_password = hook.http_auth_password;
    std::string event_id = std::to_string(hook.id) + "-" + std::to_string(after.id) + "-" +
                           std::to_string(after.update_time) + "-" + v2_action(action) + "-" +
                           std::to_string(seq);
    delivery.event = {event_id, std::string(entity_name(entity)), std::to_string(after.id),
                      v2_action(action)};
    // Rendered now: a retry re-sends the state of the change, not a later one.
    delivery.make_body = [this, hook, entity, action, old, after, from_user,
                          event_id](int attempt) {
      return payload(hook, entity, action, old ? &*old : nullptr, after, from_user, event_id,
                     attempt);
    };
    dispatcher_.enqueue(std::move(delivery));
  }
}

std::string PipedriveWebhooks::payload(const Webhook& hook, Entity entity, ChangeAction action,
                                       const StoredRecord* before, const StoredRecord& after,
                                       bool from_user, const std::string& event_id,
                                       int attempt) const {
  std::string source = from_user ? "app" : "api";
  if (hook.version == "1.0") {
    Object meta{{"v", 1},
                {"action", v1_action(action)},
                {"object", std::string(entity_name(entity))},
                {"id", after.id},
                {"company_id", kCompanyId},
                {"user_id", kUserId},
                {"host", "127.0.0.1"},
                {"timestamp", after.update_time},
                {"timestamp_micro", after.update_time * 1000000},
                {"change_source", source},
                {"is_bulk_update", false},
                {"webhook_id", hook.id}};
    Value current = action == ChangeAction::remove ? Value() : render_v1(entity, after, store_);
    Value previous = before ? render_v1(entity, *before, store_) : Value();
    Object body{{"v", 1},
                {"matches_filters", Value(Object{{"current", Array{}}})},
                {"meta", Value(std::move(meta))},
                {"retry", attempt - 1},
                {"current", current},
                {"previous", previous},
                {"event", std::string(v1_action(action)) + "." + std::string(entity_name(entity))}};
    return to_json(Value(std::move(body)));
  }
  Object meta{{"action", v2_action(action)},
              {"entity", std::string(entity_name(entity))},
              {"entity_id", std::to_string(after.id)},
              {"id", event_id},
              {"company_id", std::to_string(kCompanyId)},
              {"user_id", std::to_string(kUserId)},
              {"correlation_id", event_id},
              {"is_bulk_edit", false},
              {"timestamp", rfc3339(after.update_time)},
              {"type", "general"},
              {"version", "2.0"},
              {"webhook_id", std::to_string(hook.id)},
              {"webhook_owner_id", std::to_string(kUserId)},
              {"change_source", source},
              {"attempt", attempt},
              {"host", "127.0.0.1"},
              {"permitted_user_ids", Array{Value(std::to_string(kUserId))}}};
  Value now = render_v2(entity, after);
  Value data = action == ChangeAction::remove ? Value() : now;
  Value previous;
  if (action == ChangeAction::change && before)
    previous = changed_fields(render_v2(entity, *before), now);
  if (action == ChangeAction::remove && before) previous = render_v2(entity, *before);
  Object body{{"meta", Value(std::move(meta))}, {"data", data}, {"previous", previous}};
  return to_json(Value(std::move(body)));
}

Value render_webhook(const Webhook& h) {
  return Value(
      Object{{"id", h.id},
             {"company_id", kCompanyId},
             {"owner_id", kUserId},
             {"user_id", kUserId},
             {"event_action", h.event_action},
             {"event_object", h.event_object},
             {"subscription_url", h.subscription_url},
             {"version", h.version},
             {"is_active", 1},
             {"add_time", rfc3339(h.add_time)},
             {"remove_time", nullptr},
             {"type", "general"},
             {"http_auth_user", h.http_auth_user.empty() ? Value() : Value(h.http_auth_user)},
             {"http_auth_password", h.http_auth_password.empty() ? Value() : Value("***")},
             {"remove_reason", nullptr},
             {"last_delivery_time", nullptr},
             {"last_http_status", nullptr},
             {"admin_id", kUserId},
             {"name", h.name}});
}

}  // namespace crmsync::sandbox::pipedrive
