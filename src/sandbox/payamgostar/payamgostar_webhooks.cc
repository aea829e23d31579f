#include "sandbox/payamgostar/payamgostar_webhooks.h"

#include "core/json.h"
#include "net/url.h"
#include "sandbox/common/json_object.h"

namespace crmsync::sandbox::payamgostar {

namespace {
constexpr double kTimeoutSecs = 10;  // unpublished; the clients' own is 30 s

std::string type_of(Kind kind) {
  return kind == Kind::quote ? "Quote" : kind == Kind::product ? "Product" : "Identity";
}

std::string field_text(const CrmRecord& r, std::string_view key) {
  const Value* v = member(r.fields, key);
  return v && v->is_string() ? v->as_string() : "";
}
}  // namespace

std::string form_encode(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t space = text.find(' ', start);
    out += net::url_encode(
        text.substr(start, space == std::string_view::npos ? space : space - start));
    if (space == std::string_view::npos) break;
    out += '+';
    start = space + 1;
  }
  return out;
}

std::string to_json(const PgWebhook& hook) {
  Array events;
  for (const std::string& e : hook.events) events.emplace_back(e);
  return crmsync::to_json(Value(Object{{"id", Value(hook.id)},
                                       {"url", Value(hook.url)},
                                       {"type", Value(hook.type)},
                                       {"events", Value(std::move(events))}}));
}

PgWebhooks::PgWebhooks(const TypeNames& names)
    : names_(names), dispatcher_({}, kTimeoutSecs, 1.0) {}

Result<PgWebhook> PgWebhooks::add(std::string_view json) {
  auto parsed = parse_json(json);
  if (!parsed.ok() || !parsed->is_object())
    return Error(ErrorKind::rejected, "webhook: expected {\"url\",\"type\",\"events\"}");
  PgWebhook hook;
  hook.events = {"Insert", "Update"};
  for (const Member& m : parsed->as_object()) {
    if (m.key == "url" && m.value.is_string() && m.value.as_string().rfind("http", 0) == 0) {
      hook.url = m.value.as_string();
    } else if (m.key == "type" && m.value.is_string() &&
               (m.value.as_string() == "Identity" || m.value.as_string() == "Quote" ||
                m.value.as_string() == "Product")) {
      hook.type = m.value.as_string();
    } else if (m.key == "events" && m.value.is_array()) {
      hook.events.clear();
      for (const Value& e : m.value.as_array()) {
        if (!e.is_string() ||
            (e.as_string() != "Insert" && e.as_string() != "Update" && e.as_string() != "Delete"))
          return Error(ErrorKind::rejected, "webhook: events are Insert, Update or Delete");
        hook.events.insert(e.as_string());
      }
    } else {
      return Error(ErrorKind::rejected, "webhook: bad or unknown key " + m.key);
    }
  }
  if (hook.url.empty() || hook.type.empty())
    return Error(ErrorKind::rejected,
                 "webhook: url (http...) and type (Identity, Quote, "
                 "Product) are required");
  std::lock_guard lock(mu_);
  hook.id = next_id_++;
  hooks_.push_back(hook);
  return hook;
}

bool PgWebhooks::remove(int64_t id) {
  std::lock_guard lock(mu_);
  return std::erase_if(hooks_, [id](const PgWebhook& h) { return h.id == id; }) > 0;
}

std::vector<PgWebhook> PgWebhooks::list() const {
  std::lock_guard lock(mu_);
  return hooks_;
}

void PgWebhooks::clear() {
  dispatcher_.clear();
  std::lock_guard lock(mu_);
  hooks_.clear();
  next_id_ = 1;
}

void PgWebhooks::on_change(const CrmRecord& record, const std::string& event) {
  std::string type = type_of(record.kind);
  std::string query;
  if (record.kind == Kind::product) {
    const char* code = event == "Delete" ? "0" : event == "Update" ? "1" : "2";
    query = std::string("Event=") + code + "&Id=" + record.id +
            "&Code=" + form_encode(field_text(record, "code")) +
            "&Name=" + form_encode(field_text(record, "name"));
  } else {
    std::string subtype = record.kind == Kind::person         ? names_.person
                          : record.kind == Kind::organization ? names_.organization
                                                              : names_.quote;
    query = "event=" + event + "&id=" + record.id + "&type=" + type +
            "&subtype=" + form_encode(subtype);
  }
  std::vector<PgWebhook> hooks = list();
  for (const PgWebhook& hook : hooks) {
    if (hook.type != type || !hook.events.count(event)) continue;
    WebhookDelivery d;
    d.webhook_id = hook.id;
    d.method = "GET";
    d.url = hook.url + (hook.url.find('?') == std::string::npos ? "?" : "&") + query;
    d.event = WebhookEvent{event + ":" + record.id + ":" + std::to_string(record.modified_ms),
                           kind_name(record.kind), record.id, event};
    dispatcher_.enqueue(std::move(d));
  }
}

}  // namespace crmsync::sandbox::payamgostar
