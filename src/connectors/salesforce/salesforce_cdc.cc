#include "connectors/salesforce/salesforce_cdc.h"

#include <algorithm>
#include <charconv>

#include "connectors/salesforce/salesforce_connection.h"
#include "core/json.h"

namespace crmsync {
namespace {

constexpr int kMaxFailuresInRow = 8;

std::string text_at(const Value& v, std::initializer_list<const char*> path) {
  const Value* cur = &v;
  for (const char* key : path) {
    if (!cur->is_object()) return "";
    cur = cur->find(key);
    if (cur == nullptr) return "";
  }
  return cur->is_string() ? cur->as_string() : cur->to_text();
}

const Value* reply_on(const Array& replies, std::string_view channel) {
  for (const Value& m : replies) {
    if (m.is_object() && text_at(m, {"channel"}) == channel) return &m;
  }
  return nullptr;
}

bool successful(const Value& m) {
  const Value* s = m.find("successful");
  return s != nullptr && s->is_bool() && s->as_bool();
}

// The CDC channel of an object: /data/AccountChangeEvent,
// /data/Loan__ChangeEvent for the custom object Loan__c.
std::string channel_of(std::string_view object) {
  std::string name(object);
  if (name.size() > 3 && name.compare(name.size() - 3, 3, "__c") == 0) name.pop_back();
  return "/data/" + name + "ChangeEvent";
}

std::optional<ChangeHint::Action> action_of(std::string_view type) {
  using A = ChangeHint::Action;
  if (type == "CREATE") return A::created;
  if (type == "UPDATE") return A::updated;
  if (type == "DELETE" || type == "GAP_DELETE") return A::deleted;
  if (type == "UNDELETE") return A::undeleted;
  // GAP_CREATE / GAP_UPDATE / GAP_UNDELETE: the change was not captured in
  // detail, the record ids still say what to read again.
  if (type.rfind("GAP_", 0) == 0 && type != "GAP_OVERFLOW") return A::updated;
  return std::nullopt;  // GAP_OVERFLOW and anything unknown: read everything
}

}  // namespace

SalesforceCdcSubscription::SalesforceCdcSubscription(SalesforceClient& client,
                                                     std::string api_version, double timeout_secs,
                                                     bool verify_tls, SubscribeRequest request)
    : client_(client),
      api_version_(std::move(api_version)),
      timeout_secs_(timeout_secs),
      verify_tls_(verify_tls),
      request_(std::move(request)),
      channel_(channel_of(request_.object)),
      position_(request_.position) {}

SalesforceCdcSubscription::~SalesforceCdcSubscription() {
  close();
}

Result<Array> SalesforceCdcSubscription::exchange(const std::string& messages,
                                                  double timeout_secs) {
  if (access_token_.empty()) {
    auto session = client_.session();
    if (!session) return session.error();
    access_token_ = session->access_token;
    cometd_url_ = session->instance_url + "/cometd/" + api_version_;
  }
  net::HttpClientRequest req;
  req.method = "POST";
  req.url = cometd_url_;
  req.headers = {{"Authorization", "OAuth " + access_token_},
                 {"Content-Type", "application/json"},
                 {"Accept", "application/json"}};
  req.body = messages;
  req.timeout_secs = timeout_secs;
  req.verify_tls = verify_tls_;
  req.cancel = request_.stop;
  auto res = http_.send(req);
  const std::string what = "salesforce streaming " + channel_;
  if (!res) return res.error().with_context(what);
  // Bayeux answers count whatever the HTTP status (Faye reads them so too).
  auto body = parse_json(res->body);
  if (body && body->is_array()) return std::move(body->as_array());
  std::string quoted = res->body.substr(0, 300);
  std::string msg = what + ": HTTP " + std::to_string(res->status) + ": " + quoted;
  if (res->status == 401) return Error(ErrorKind::auth, msg);
  if (res->status == 429 || res->status >= 500) return Error(ErrorKind::retryable, msg);
  return Error(ErrorKind::fatal, msg + " (not a Bayeux answer)");
}

Result<SalesforceCdcSubscription::Outcome> SalesforceCdcSubscription::failed(const Value& reply,
                                                                             const char* step) {
  std::string error = text_at(reply, {"error"});
  std::string reason = text_at(reply, {"ext", "sfdc", "failureReason"});
  std::string reconnect = text_at(reply, {"advice", "reconnect"});
  subscribed_ = false;
  if (error.rfind("401::", 0) == 0 || reason.rfind("401::", 0) == 0) {
    client_id_.clear();
    access_token_.clear();
    if (renewed_) {
      return Error(ErrorKind::auth,
                   "salesforce streaming " + channel_ + ": " + step +
                       " refused after a new login: " + (reason.empty() ? error : reason));
    }
    renewed_ = true;
    if (Status s = client_.renew_session(); !s) return s.error();
    return Outcome::retry;
  }
  if (error.rfind("400::The replayId", 0) == 0) return Outcome::gap;
  if (reconnect == "handshake" || error.rfind("403::Unknown client", 0) == 0) {
    client_id_.clear();
    return Outcome::retry;
  }
  return Error(ErrorKind::fatal, "salesforce streaming " + channel_ + ": " + step +
                                     " failed: " + (error.empty() ? to_json(reply) : error));
}

Result<SalesforceCdcSubscription::Outcome> SalesforceCdcSubscription::handshake() {
  std::string msg =
      "[{\"channel\":\"/meta/handshake\",\"version\":\"1.0\",\"minimumVersion\":\"1.0\","
      "\"supportedConnectionTypes\":[\"long-polling\"],\"id\":\"" +
      next_id() + "\"}]";
  auto replies = exchange(msg, timeout_secs_);
  if (!replies) return replies.error();
  const Value* r = reply_on(*replies, "/meta/handshake");
  if (r == nullptr) return Error(ErrorKind::retryable, "salesforce streaming: no handshake reply");
  if (!successful(*r)) return failed(*r, "handshake");
  client_id_ = text_at(*r, {"clientId"});
  if (const Value* t = r->find("advice"); t && t->is_object()) {
    if (const Value* ms = t->find("timeout"); ms && ms->is_int()) server_timeout_ms_ = ms->as_int();
  }
  subscribed_ = false;
  return Outcome::ok;
}

Result<SalesforceCdcSubscription::Outcome> SalesforceCdcSubscription::subscribe() {
  // Subscribing again with "new events only" after events may have passed
  // unseen would lose them: that is a gap for the caller to fill.
  if (position_.empty() && ever_subscribed_) return Outcome::gap;
  int64_t replay = -1;
  if (!position_.empty()) {
    auto [p, ec] = std::from_chars(position_.data(), position_.data() + position_.size(), replay);
    if (ec != std::errc() || p != position_.data() + position_.size()) {
      return Error(ErrorKind::fatal, "salesforce streaming " + channel_ +
                                         ": the stored position '" + position_.substr(0, 40) +
                                         "' is not a replay id");
    }
  }
  std::string msg = "[{\"channel\":\"/meta/subscribe\",\"clientId\":";
  append_json_string(client_id_, msg);
  msg += ",\"subscription\":";
  append_json_string(channel_, msg);
  msg += ",\"id\":\"" + next_id() + "\",\"ext\":{\"replay\":{";
  append_json_string(channel_, msg);
  msg += ":" + std::to_string(replay) + "}}}]";
  auto replies = exchange(msg, timeout_secs_);
  if (!replies) return replies.error();
  const Value* r = reply_on(*replies, "/meta/subscribe");
  if (r == nullptr) return Error(ErrorKind::retryable, "salesforce streaming: no subscribe reply");
  if (!successful(*r)) return failed(*r, "subscribe");
  subscribed_ = true;
  ever_subscribed_ = true;
  return Outcome::ok;
}

Result<SalesforceCdcSubscription::Outcome> SalesforceCdcSubscription::connect(int64_t wait_ms,
                                                                              ChangeBatch& batch) {
  std::string msg = "[{\"channel\":\"/meta/connect\",\"clientId\":";
  append_json_string(client_id_, msg);
  msg += ",\"connectionType\":\"long-polling\",\"id\":\"" + next_id() +
         "\",\"advice\":{\"timeout\":" + std::to_string(wait_ms) + "}}]";
  // The service may hold the poll to its own advice timeout.
  double http_timeout = static_cast<double>(std::max(server_timeout_ms_, wait_ms)) / 1000 + 30;
  auto replies = exchange(msg, http_timeout);
  if (!replies) return replies.error();
  for (const Value& m : *replies) {
    if (!m.is_object() || text_at(m, {"channel"}) != channel_) continue;
    const Value* data = m.find("data");
    const Value* header = nullptr;
    if (data && data->is_object()) {
      if (const Value* p = data->find("payload"); p && p->is_object())
        header = p->find("ChangeEventHeader");
    }
    std::string replay = data ? text_at(*data, {"event", "replayId"}) : "";
    if (header == nullptr || !header->is_object() || replay.empty()) continue;
    ChangeHint hint;
    hint.object = text_at(*header, {"entityName"});
    if (hint.object.empty()) hint.object = request_.object;
    auto action = action_of(text_at(*header, {"changeType"}));
    bool wildcard = false;
    if (const Value* ids = header->find("recordIds"); ids && ids->is_array()) {
      for (const Value& id : ids->as_array()) {
        if (!id.is_string()) continue;
        wildcard = wildcard || id.as_string().find('*') != std::string::npos;
        hint.ids.push_back(id.as_string());
      }
    }
    position_ = replay;
    if (!action || wildcard) {
      batch.gap = true;  // which records changed is not known
      continue;
    }
    hint.action = *action;
    hint.position = replay;
    batch.hints.push_back(std::move(hint));
  }
  const Value* r = reply_on(*replies, "/meta/connect");
  if (r == nullptr) return Error(ErrorKind::retryable, "salesforce streaming: no connect reply");
  if (!successful(*r)) return failed(*r, "connect");
  failures_ = 0;
  renewed_ = false;
  if (const Value* a = r->find("advice"); a && a->is_object()) {
    if (const Value* t = a->find("timeout"); t && t->is_int()) server_timeout_ms_ = t->as_int();
    if (const Value* i = a->find("interval"); i && i->is_int() && i->as_int() > 0) {
      if (batch.hints.empty()) pause(static_cast<double>(i->as_int()) / 1000);
    }
  }
  return Outcome::ok;
}

void SalesforceCdcSubscription::pause(double secs) {
  Clock& clock = client_.clock();
  int64_t until = clock.now_micros() + static_cast<int64_t>(secs * 1e6);
  // In slices, so that close() ends the wait within 20 ms.
  for (int64_t now = clock.now_micros(); !stopped() && now < until; now = clock.now_micros())
    clock.sleep_micros(std::min<int64_t>(until - now, 20'000));
}

Status SalesforceCdcSubscription::back_off(const Error& e) {
  client_id_.clear();  // a lost poll may have carried events: resubscribe from the position
  subscribed_ = false;
  if (++failures_ > kMaxFailuresInRow) {
    return e.with_context("salesforce streaming " + channel_ + ": gave up after " +
                          std::to_string(kMaxFailuresInRow) + " failures in a row");
  }
  double secs = std::min(30.0, 0.5 * static_cast<double>(1 << std::min(failures_ - 1, 6)));
  pause(secs);
  return Status();
}

Status SalesforceCdcSubscription::recover(const Error& e) {
  if (e.kind == ErrorKind::auth && !renewed_) {
    // An HTTP 401 without a Bayeux answer: the session, as in failed().
    renewed_ = true;
    client_id_.clear();
    subscribed_ = false;
    access_token_.clear();
    return client_.renew_session();
  }
  if (e.kind != ErrorKind::retryable) return e;
  return back_off(e);
}

Status SalesforceCdcSubscription::start() {
  while (!stopped() && !subscribed_ && !gap_) {
    auto r = client_id_.empty() ? handshake() : subscribe();
    if (!r) {
      if (Status s = recover(r.error()); !s) return s;
      continue;
    }
    if (*r == Outcome::gap) gap_ = true;
  }
  return Status();
}

Result<ChangeBatch> SalesforceCdcSubscription::poll(std::chrono::milliseconds timeout) {
  ChangeBatch batch;
  if (finished_) {
    return Error(ErrorKind::fatal, "salesforce streaming " + channel_ +
                                       ": the subscription ended with a gap; subscribe again");
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!stopped()) {
    if (gap_) {
      finished_ = true;
      batch.gap = true;
      return batch;
    }
    Result<Outcome> r = Outcome::ok;
    if (client_id_.empty()) {
      r = handshake();
    } else if (!subscribed_) {
      r = subscribe();
    } else {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      r = connect(std::max<int64_t>(0, left.count()), batch);
      if (r && *r == Outcome::ok &&
          (!batch.hints.empty() || batch.gap || std::chrono::steady_clock::now() >= deadline)) {
        if (batch.gap) finished_ = true;
        return batch;
      }
    }
    if (!r) {
      if (!batch.hints.empty() &&
          r.error().kind ==
              ErrorKind::retryable) {  // hand out what arrived; resubscribe on the next poll
        client_id_.clear();
        subscribed_ = false;
        return batch;
      }
      if (Status s = recover(r.error()); !s) return s.error();
      continue;
    }
    if (*r == Outcome::gap) gap_ = true;
  }
  return batch;
}

void SalesforceCdcSubscription::close() {
  if (client_id_.empty() || access_token_.empty()) return;
  std::string msg = "[{\"channel\":\"/meta/disconnect\",\"clientId\":";
  append_json_string(client_id_, msg);
  msg += ",\"id\":\"" + next_id() + "\"}]";
  client_id_.clear();
  net::HttpClientRequest req;
  req.method = "POST";
  req.url = cometd_url_;
  req.headers = {{"Authorization", "OAuth " + access_token_}, {"Content-Type", "application/json"}};
  req.body = msg;
  req.timeout_secs = 5;
  req.verify_tls = verify_tls_;
  (void)http_.send(req);  // best effort: the service forgets idle clients anyway
}

}  // namespace crmsync

namespace crmsync {

Result<std::unique_ptr<ChangeSubscription>> SalesforceConnection::subscribe(
    const SubscribeRequest& request) {
  auto sub = std::make_unique<SalesforceCdcSubscription>(
      client_, config_.api_version, config_.timeout_secs, config_.verify_tls, request);
  if (Status s = sub->start(); !s) return s.error();
  return std::unique_ptr<ChangeSubscription>(std::move(sub));
}

}  // namespace crmsync
