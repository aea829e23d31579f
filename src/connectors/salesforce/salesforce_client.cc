#include "connectors/salesforce/salesforce_client.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "connectors/salesforce/salesforce_auth.h"
#include "core/json.h"
#include "core/redact.h"
#include "net/daily_budget.h"
#include "net/http_status.h"
#include "net/url.h"

namespace crmsync {

SalesforceClient::SalesforceClient(const SalesforceConfig& config, Clock& clock,
                                   net::SessionLog log, net::ApiObserver* api_observer)
    : config_(config) {
  net::SessionOptions o;
  o.observer = api_observer;
  o.connection = config.connection;
  o.label = "salesforce";
  o.max_attempts = config.max_attempts;
  o.timeout_secs = config.timeout_secs;
  o.verify_tls = config.verify_tls;
  net::SessionHooks hooks;
  hooks.before_send = [this](const net::SessionRequest& r) { return reserve(r.method, r.url); };
  hooks.classify = [this](const net::SessionRequest& r, const net::HttpResponse* a) {
    return classify(r, a);
  };
  hooks.error_text = [](const net::HttpResponse& res) { return salesforce_error_text(res.body); };
  hooks.budget_remaining = [](const net::HttpResponse& res) -> std::optional<double> {
    auto usage = parse_limit_info(res.header("Sforce-Limit-Info").value_or(""));
    if (!usage) return std::nullopt;
    return static_cast<double>(usage->second - usage->first);
  };
  session_ =
      std::make_unique<net::HttpSession>(std::move(o), std::make_unique<SalesforceLogin>(config),
                                         std::move(hooks), clock, std::move(log));
}

std::string SalesforceClient::url_for(const std::string& path) const {
  // Relative URLs go to the instance the login named.
  if (path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0) return path;
  if (path.rfind("/services/", 0) == 0) return path;
  return "/services/data/v" + config_.api_version + path;
}

std::optional<std::pair<int64_t, int64_t>> parse_limit_info(std::string_view header) {
  size_t at = header.find("api-usage=");
  if (at == std::string_view::npos) return std::nullopt;
  const char* p = header.data() + at + 10;
  const char* end = header.data() + header.size();
  int64_t used = 0, max = 0;
  auto r1 = std::from_chars(p, end, used);
  if (r1.ec != std::errc() || r1.ptr == end || *r1.ptr != '/') return std::nullopt;
  auto r2 = std::from_chars(r1.ptr + 1, end, max);
  if (r2.ec != std::errc()) return std::nullopt;
  return std::make_pair(used, max);
}

int64_t SalesforceClient::api_used() const {
  std::lock_guard lock(mutex_);
  return api_used_;
}

int64_t SalesforceClient::api_max() const {
  std::lock_guard lock(mutex_);
  return api_max_;
}

namespace {

// Salesforce counts API requests over a rolling 24 hours, not per day.
constexpr const char* kLimitReset = "Salesforce counts API requests over the last 24 hours";

}  // namespace

Status SalesforceClient::reserve(const std::string& method, const std::string& path) {
  std::lock_guard lock(mutex_);
  net::DailyShare share{config_.max_daily_api_share};
  // Calls in flight have not been counted in any answer yet.
  if (!share.allows(api_used_ + in_flight_, 1, api_max_)) {
    return net::daily_limit_error(
        "max_daily_api_share " + share.text() + " of the org's daily API request limit " +
            std::to_string(api_max_) + " allows " + std::to_string(share.allowed(api_max_)) +
            " requests; Sforce-Limit-Info says api-usage=" + std::to_string(api_used_) + "/" +
            std::to_string(api_max_) +
            (in_flight_ ? " with " + std::to_string(in_flight_) + " more in flight" : "") +
            ", so the next call (" + method + " " + net::path_of(path) + ") would go past it",
        kLimitReset, 0);
  }
  ++in_flight_;
  return {};
}

void SalesforceClient::release(const std::optional<std::string>& limit_info) {
  std::lock_guard lock(mutex_);
  --in_flight_;
  if (!limit_info) return;
  if (auto usage = parse_limit_info(*limit_info)) {
    // Answers of parallel calls arrive in any order: the highest count is
    // the newest.
    api_used_ = usage->second == api_max_ ? std::max(api_used_, usage->first) : usage->first;
    api_max_ = usage->second;
  }
}

Status SalesforceClient::ensure_session() {
  if (auto c = session_->credentials(); !c) return c.error();
  return {};
}

Result<SalesforceClient::Session> SalesforceClient::session() {
  auto c = session_->credentials();
  if (!c) return c.error();
  return Session{c->token, c->base_url};
}

Status SalesforceClient::renew_session() {
  // The stale token is the one the Streaming API refused: the current one,
  // unless a parallel call already renewed it.
  auto c = session_->credentials();
  if (!c) return c.error();
  return session_->renew(c->generation);
}

net::Verdict SalesforceClient::classify(const net::SessionRequest& request,
                                        const net::HttpResponse* res) {
  release(res ? res->header("Sforce-Limit-Info") : std::nullopt);
  if (res == nullptr || res->status != 403) return net::Verdict::standard();
  if (salesforce_error_code(res->body) != "REQUEST_LIMIT_EXCEEDED") return net::Verdict::standard();
  // The org's daily limit: retrying before the window moves on only spends
  // what other integrations need.
  auto usage = parse_limit_info(res->header("Sforce-Limit-Info").value_or(""));
  return net::Verdict::stop(
      net::daily_limit_error("the org's daily API request limit" +
                                 (usage ? " (api-usage=" + std::to_string(usage->first) + "/" +
                                              std::to_string(usage->second) + ")"
                                        : std::string()) +
                                 ": HTTP 403 " + salesforce_error_text(res->body),
                             kLimitReset, 0)
          .with_context("salesforce " + request.method + " " +
                        net::redact_url(net::path_of(request.url).substr(0, 200))));
}

Result<net::HttpResponse> SalesforceClient::call(const std::string& method, const std::string& path,
                                                 const std::string& body,
                                                 const net::HttpHeaders& extra_headers) {
  std::string what = "salesforce " + method + " " + net::redact_url(path.substr(0, 200));
  net::SessionRequest req;
  req.method = method;
  req.url = url_for(path);
  req.headers = {{"Accept", "application/json"}};
  if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
  // The caller's headers win (Bulk uploads are text/csv, results are CSV).
  for (const auto& h : extra_headers) net::set_header(req.headers, h.first, h.second);
  req.body = body;
  // Reads, updates (PATCH by id), upserts by external id and deletes are
  // safe to send again; a create (POST) is not: the engine settles those.
  // A collections retrieve (POST /composite/sobjects/{object}) only reads,
  // and creating a Bulk job again only leaves an empty job behind.
  req.idempotent = method != "POST" || path.rfind("/composite/sobjects/", 0) == 0 ||
                   path.rfind("/jobs/", 0) == 0;
  auto res = session_->send(req);
  if (!res) return res.error();
  if (res->status >= 200 && res->status < 300) return res;
  if (res->status == 300) return res;  // upsert matched several records: the caller says so
  std::string code = salesforce_error_code(res->body);
  Error e = net::http_status_error(*res, what);
  e.kind = salesforce_error_kind(code, res->status);
  e.message =
      what + ": HTTP " + std::to_string(res->status) + ": " + salesforce_error_text(res->body);
  return e;
}

Result<SalesforceToken> parse_token_answer(const net::HttpResponse& res) {
  auto body = parse_json(res.body);
  if (res.status != 200) {
    // {"error":"invalid_grant","error_description":"authentication failure"}
    std::string what = res.body.substr(0, 300);
    if (body && body->is_object()) {
      const Value* e = body->find("error");
      const Value* d = body->find("error_description");
      what = (e ? e->to_text() : std::string("error")) + ": " + (d ? d->to_text() : "");
    }
    ErrorKind kind =
        res.status >= 500 || res.status == 429 ? ErrorKind::retryable : ErrorKind::fatal;
    return Error(kind, "refused (HTTP " + std::to_string(res.status) + "): " + what);
  }
  auto text = [&](const char* key) -> std::string {
    const Value* v = body && body->is_object() ? body->find(key) : nullptr;
    return v && v->is_string() ? v->as_string() : "";
  };
  if (!body) return Error(ErrorKind::fatal, "the token answer: " + body.error().message);
  SalesforceToken t{text("access_token"), text("instance_url"), text("refresh_token")};
  register_secret(t.access_token);  // the session id: masked wherever it is echoed
  register_secret(t.refresh_token);
  if (t.access_token.empty() || t.instance_url.empty()) {
    return Error(ErrorKind::fatal, "the answer has no access_token or instance_url");
  }
  while (!t.instance_url.empty() && t.instance_url.back() == '/') t.instance_url.pop_back();
  return t;
}

namespace {

const Value* first_error(const Value& body) {
  if (body.is_array() && !body.as_array().empty()) return &body.as_array()[0];
  if (body.is_object()) return &body;
  return nullptr;
}

std::string code_of(const Value& e) {
  for (const char* key : {"errorCode", "statusCode"}) {
    if (const Value* c = e.find(key); c && c->is_string()) return c->as_string();
  }
  return "";
}

}  // namespace

std::string salesforce_error_code(std::string_view body) {
  auto v = parse_json(body);
  if (!v) return "";
  const Value* e = first_error(*v);
  return e ? code_of(*e) : "";
}

std::string salesforce_error_text(std::string_view body) {
  auto v = parse_json(body);
  if (!v || !(v->is_array() || v->is_object())) {
    return std::string(body.substr(0, 300)) + (body.size() > 300 ? "..." : "");
  }
  std::string out;
  const Array one = v->is_array() ? Array{} : Array{*v};
  for (const Value& e : v->is_array() ? v->as_array() : one) {
    if (!e.is_object()) continue;
    if (!out.empty()) out += "; ";
    const Value* msg = e.find("message");
    out += code_of(e) + ": " + (msg ? msg->to_text() : "");
    const Value* fields = e.find("fields");
    if (fields && fields->is_array() && !fields->as_array().empty()) {
      out += " (fields: ";
      for (size_t i = 0; i < fields->as_array().size(); ++i) {
        out += (i ? ", " : "") + fields->as_array()[i].to_text();
      }
      out += ")";
    }
  }
  return out.empty() ? std::string(body.substr(0, 300)) : out;
}

}  // namespace crmsync
