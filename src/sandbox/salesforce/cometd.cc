#include "sandbox/salesforce/cometd.h"

#include <algorithm>

#include "core/json.h"
#include "sandbox/salesforce/cdc_log.h"
#include "sandbox/salesforce/sandbox_state.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

constexpr size_t kMaxEventsPerReply = 1000;
constexpr size_t kMaxClients = 10000;
const char* const kAllChanges = "/data/ChangeEvents";

std::string text_of(const Value& m, const char* key) {
  const Value* v = m.find(key);
  return v && v->is_string() ? v->as_string() : std::string();
}

// `"id":..,` echoing the request message's id as the client sent it.
void append_id(const Value& m, std::string& out) {
  if (const Value* id = m.find("id")) {
    out += "\"id\":";
    append_json(*id, out);
    out += ',';
  }
}

std::string reply_head(const Value& m, const char* channel, const std::string& client_id) {
  std::string out = "{";
  if (!client_id.empty()) {
    out += "\"clientId\":";
    append_json_string(client_id, out);
    out += ',';
  }
  out += "\"channel\":\"";
  out += channel;
  out += "\",";
  append_id(m, out);
  return out;
}

std::string failure(const Value& m, const char* channel, const std::string& client_id,
                    const std::string& error, const char* advice, const std::string& extra = "") {
  std::string out = reply_head(m, channel, client_id) + extra;
  if (advice) out += std::string("\"advice\":") + advice + ",";
  out += "\"error\":";
  append_json_string(error, out);
  return out + ",\"successful\":false}";
}

std::optional<std::string> token_of(const net::HttpRequest& req) {
  if (auto auth = req.header("Authorization")) {
    for (const char* scheme : {"OAuth ", "Bearer "}) {
      if (auth->rfind(scheme, 0) == 0) return auth->substr(std::string_view(scheme).size());
    }
  }
  return std::nullopt;
}

}  // namespace

CometdServer::CometdServer(SandboxState& s, CdcLog& log, int64_t timeout_ms, size_t max_waiting)
    : s_(s), log_(log), timeout_ms_(timeout_ms), max_waiting_(max_waiting == 0 ? 1 : max_waiting) {}

void CometdServer::shutdown() {
  log_.shutdown();
}

void CometdServer::set_down(bool down) {
  down_ = down;
  log_.wake();
}

std::string CometdServer::new_client_id() {
  static const char* k = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string id;
  for (int i = 0; i < 27; ++i) id += k[rng_() % 36];
  return id;
}

void CometdServer::handle(Call& c) {
  if (down_) {
    c.res.reset_connection = true;
    return;
  }
  // The Streaming API takes the REST session; it does not count against the
  // daily REST request limit.
  std::optional<std::string> token = token_of(c.req);
  std::optional<std::string> user = token ? s_.sessions->user_of(*token) : std::nullopt;
  std::string auth_error = !token  ? "401::Request requires authentication"
                           : !user ? "401::Authentication invalid"
                                   : "";
  Result<Value> body = parse_json(c.req.body);
  Array messages;
  if (body && body->is_array()) messages = body->as_array();
  if (body && body->is_object()) messages.push_back(*body);
  if (!body || messages.empty()) {
    return answer_json(c.res, 400,
                       "[{\"error\":\"400::Bad request: a JSON array of Bayeux messages is "
                       "expected\",\"successful\":false}]");
  }
  std::string out = "[";
  auto add = [&out](const std::string& reply) {
    if (out.size() > 1) out += ',';
    out += reply;
  };
  const Value* connect_msg = nullptr;
  for (const Value& m : messages) {
    if (!m.is_object()) continue;
    std::string channel = text_of(m, "channel");
    std::string client_id = text_of(m, "clientId");
    if (channel == "/meta/handshake") {
      add(handshake(m, auth_error, user.value_or("")));
      continue;
    }
    if (channel == "/meta/connect") {
      connect_msg = &m;  // answered last: it may wait for events
      continue;
    }
    const char* meta = channel == "/meta/subscribe"     ? "/meta/subscribe"
                       : channel == "/meta/unsubscribe" ? "/meta/unsubscribe"
                       : channel == "/meta/disconnect"  ? "/meta/disconnect"
                                                        : nullptr;
    if (!meta) {
      add(failure(m, "/meta/publish", client_id, "403::Publish denied", nullptr));
      continue;
    }
    if (!auth_error.empty()) {
      add(failure(m, meta, client_id, auth_error, "{\"reconnect\":\"none\",\"interval\":0}"));
      continue;
    }
    bool known;
    {
      std::lock_guard lock(mutex_);
      known = clients_.count(client_id) > 0;
    }
    if (!known) {
      add(failure(m, meta, client_id, "403::Unknown client",
                  "{\"reconnect\":\"handshake\",\"interval\":0}"));
      continue;
    }
    if (channel == "/meta/disconnect") {
      add(disconnect(m, client_id));
    } else {
      add(subscribe(m, client_id, channel == "/meta/unsubscribe"));
    }
  }
  if (connect_msg) {
    std::string client_id = text_of(*connect_msg, "clientId");
    if (!auth_error.empty()) {
      add(failure(*connect_msg, "/meta/connect", client_id, auth_error,
                  "{\"reconnect\":\"none\",\"interval\":0}"));
    } else {
      add(connect(*connect_msg, client_id));  // events due come first in it
    }
  }
  if (down_) {  // cut off while the long poll waited: the answer is lost
    c.res.reset_connection = true;
    return;
  }
  answer_json(c.res, 200, out + "]");
}

std::string CometdServer::handshake(const Value& m, const std::string& auth_error,
                                    const std::string& user) {
  if (!auth_error.empty()) {
    return failure(m, "/meta/handshake", "", "403::Handshake denied", "{\"reconnect\":\"none\"}",
                   "\"ext\":{\"sfdc\":{\"failureReason\":\"" + auth_error + "\"}},");
  }
  std::string id;
  {
    std::lock_guard lock(mutex_);
    // Clients that stopped polling long ago are forgotten (the real service
    // drops a client that does not reconnect within 40 s).
    auto now = std::chrono::steady_clock::now();
    auto idle = std::chrono::milliseconds(2 * timeout_ms_) + std::chrono::seconds(60);
    std::erase_if(clients_, [&](const auto& kv) { return now - kv.second.last_seen > idle; });
    while (clients_.size() >= kMaxClients) clients_.erase(clients_.begin());
    do id = new_client_id();
    while (clients_.count(id));
    Client& client = clients_[id];
    client.user_id = user;
    client.last_seen = now;
  }
  std::string out =
      "{\"ext\":{\"replay\":true,\"payload.format\":true},\"minimumVersion\":\"1.0\","
      "\"clientId\":";
  append_json_string(id, out);
  out +=
      ",\"supportedConnectionTypes\":[\"long-polling\"],\"advice\":{\"interval\":0,\"timeout\":" +
      std::to_string(timeout_ms_) + ",\"reconnect\":\"retry\"},\"channel\":\"/meta/handshake\",";
  append_id(m, out);
  return out + "\"version\":\"1.0\",\"successful\":true}";
}

std::string CometdServer::subscribe(const Value& m, const std::string& client_id,
                                    bool unsubscribe) {
  const char* meta = unsubscribe ? "/meta/unsubscribe" : "/meta/subscribe";
  std::string sub = text_of(m, "subscription");
  std::string sub_json;
  append_json_string(sub, sub_json);
  std::string with_sub = "\"subscription\":" + sub_json + ",";
  // The object of a /data/<Object>ChangeEvent channel, case-sensitive.
  std::string object;
  bool valid = sub == kAllChanges;
  const std::string prefix = "/data/", suffix = "ChangeEvent";
  if (!valid && sub.size() > prefix.size() + suffix.size() && sub.rfind(prefix, 0) == 0 &&
      sub.compare(sub.size() - suffix.size(), suffix.size(), suffix) == 0) {
    object = sub.substr(prefix.size(), sub.size() - prefix.size() - suffix.size());
    if (object.size() > 2 && object.compare(object.size() - 2, 2, "__") == 0) object += "c";
    const ObjectDef* def = s_.schema->find(object);
    valid = def && def->name == object;
  }
  if (!valid) {
    return failure(m, meta, client_id,
                   "400::The channel you requested to subscribe to does not exist {" + sub + "}",
                   nullptr, with_sub);
  }
  if (unsubscribe) {
    std::lock_guard lock(mutex_);
    if (auto it = clients_.find(client_id); it != clients_.end())
      it->second.subscriptions.erase(sub);
  } else {
    int64_t replay = -1;
    if (const Value* ext = m.find("ext"); ext && ext->is_object()) {
      if (const Value* r = ext->find("replay"); r && r->is_object()) {
        if (const Value* v = r->find(sub); v && v->is_int()) replay = v->as_int();
      }
    }
    std::optional<int64_t> start = log_.start_after(replay);
    if (!start) {
      return failure(m, meta, client_id,
                     "400::The replayId {" + std::to_string(replay) +
                         "} you provided was invalid. Please provide a valid ID, -2 to replay "
                         "all events, or -1 to replay only new events.",
                     nullptr, with_sub);
    }
    std::lock_guard lock(mutex_);
    auto it = clients_.find(client_id);
    if (it != clients_.end()) it->second.subscriptions[sub] = *start;
  }
  log_.wake();  // a waiting /meta/connect of this client may now have events
  return reply_head(m, meta, client_id) + with_sub + "\"successful\":true}";
}

std::string CometdServer::disconnect(const Value& m, const std::string& client_id) {
  {
    std::lock_guard lock(mutex_);
    clients_.erase(client_id);
  }
  log_.wake();
  return reply_head(m, "/meta/disconnect", client_id) + "\"successful\":true}";
}

bool CometdServer::deliver(const std::string& client_id, std::string& out, size_t& count) {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(client_id);
  if (it == clients_.end()) return false;
  it->second.last_seen = std::chrono::steady_clock::now();
  std::vector<CdcEvent> events;
  for (auto& [channel, cursor] : it->second.subscriptions) {
    if (count >= kMaxEventsPerReply) break;
    std::string object;
    if (channel != kAllChanges) {
      object = channel.substr(6, channel.size() - 6 - 11);
      if (object.size() > 2 && object.compare(object.size() - 2, 2, "__") == 0) object += "c";
    }
    events.clear();
    cursor = log_.collect(cursor, object, kMaxEventsPerReply - count, events);
    for (const CdcEvent& e : events) {
      out += "{\"channel\":";
      append_json_string(channel, out);
      out += ",\"data\":" + e.data_json + "},";
    }
    count += events.size();
  }
  return true;
}

std::string CometdServer::connect(const Value& m, const std::string& client_id) {
  const std::string advice =
      "\"advice\":{\"interval\":0,\"timeout\":" + std::to_string(timeout_ms_) +
      ",\"reconnect\":\"retry\"},";
  bool first;
  {
    std::lock_guard lock(mutex_);
    auto it = clients_.find(client_id);
    if (it == clients_.end()) {
      return failure(m, "/meta/connect", client_id, "403::Unknown client",
                     "{\"reconnect\":\"handshake\",\"interval\":0}");
    }
    first = !it->second.connected;
    it->second.connected = true;
    it->second.last_seen = std::chrono::steady_clock::now();
  }
  std::string events;
  size_t count = 0;
  // Bayeux lets a client ask for a shorter long poll in its connect advice.
  int64_t wait_ms = timeout_ms_;
  if (const Value* a = m.find("advice"); a && a->is_object()) {
    if (const Value* t = a->find("timeout"); t && t->is_int() && t->as_int() >= 0)
      wait_ms = std::min(wait_ms, t->as_int());
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  bool may_wait = !first && waiting_.fetch_add(1) < max_waiting_;
  if (!first && !may_wait) waiting_.fetch_sub(1);
  std::string busy_advice;
  if (!first && !may_wait) {
    // Every long poll we allow holds a server worker: tell this client to
    // come back in a second instead of holding one more.
    busy_advice = "\"advice\":{\"interval\":1000,\"timeout\":" + std::to_string(timeout_ms_) +
                  ",\"reconnect\":\"retry\"},";
  }
  while (true) {
    CdcLog::Mark seen = log_.mark();
    if (!deliver(client_id, events, count)) {
      if (may_wait) waiting_.fetch_sub(1);
      return events + failure(m, "/meta/connect", client_id, "403::Unknown client",
                              "{\"reconnect\":\"handshake\",\"interval\":0}");
    }
    if (count > 0 || !may_wait || down_ || std::chrono::steady_clock::now() >= deadline) break;
    if (!log_.wait(seen, deadline)) break;  // shutting down
  }
  if (may_wait) waiting_.fetch_sub(1);
  return events + reply_head(m, "/meta/connect", client_id) +
         (busy_advice.empty() ? advice : busy_advice) + "\"successful\":true}";
}

}  // namespace crmsync::sandbox::salesforce

namespace crmsync::sandbox::salesforce {

void add_cometd_routes(SandboxState& s) {
  s.router.add("POST", "/cometd/v?[0-9]+\\.[0-9]+/?", "cometd", Router::Access::open,
               [&s](Call& c) { s.cometd->handle(c); });
}

}  // namespace crmsync::sandbox::salesforce
