#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "net/http_server.h"
#include "net/url.h"

namespace crmsync::testing {

// A small finance API in the shape of S1's Siagh system, on a loopback port:
// a session login whose password arrives as an MD5 hash, sessions the test
// can expire (the next call gets 401), customers paged by cursor, invoices
// paged by Link headers, pre-invoices with nested `dataRows`, 422 for
// invalid records and 429 with Retry-After on demand. Thread-safe.
class FinanceServer {
 public:
  static constexpr const char* kUser = "admin";
  static constexpr const char* kPassword = "s3cret-pass";
  // md5sum of kPassword, computed outside crmsync.
  static constexpr const char* kPasswordMd5 = "6e8659c11b3c058f2e5ab7febeb14e64";

  FinanceServer() {
    server_.set_pre_request_hook([this](const net::HttpRequest& req) {
      std::lock_guard lock(mu_);
      queries_.push_back(req.method + " " + req.path + query_text(req));
      if (req.path == "/api/login" || req.path == "/api/oauth/token") {
        return std::optional<net::HttpResponse>();
      }
      if (throttle_ > 0) {
        --throttle_;
        ++throttled_;
        net::HttpResponse r;
        r.status = 429;
        r.headers.emplace("Retry-After", std::to_string(retry_after_));
        r.body = R"({"message": "too many requests"})";
        return std::optional<net::HttpResponse>(r);
      }
      if (failing_ > 0) {
        --failing_;
        net::HttpResponse r;
        r.status = failing_status_;
        r.body = R"({"message": "maintenance"})";
        return std::optional<net::HttpResponse>(r);
      }
      if (!authorized(req)) {
        net::HttpResponse r;
        r.status = 401;
        r.body = R"({"message": "session expired or missing"})";
        return std::optional<net::HttpResponse>(r);
      }
      return std::optional<net::HttpResponse>();
    });
    server_.on("POST", "/api/login", [this](const net::HttpRequest& req, net::HttpResponse& res) {
      std::lock_guard lock(mu_);
      ++logins_;
      auto v = parse_json(req.body);
      const Value* u = v && v->is_object() ? v->find("UserName") : nullptr;
      const Value* p = v && v->is_object() ? v->find("Password") : nullptr;
      if (!u || !p || u->to_text() != kUser || p->to_text() != kPasswordMd5) {
        res.status = 401;
        res.body = R"({"message": "wrong user name or password"})";
        return;
      }
      std::string sid = "sid-" + std::to_string(++session_seq_);
      sessions_.insert({sid, 1});
      res.body = R"({"Data": {"SessionId": ")" + sid + R"("}})";
    });
    server_.on(
        "POST", "/api/oauth/token", [this](const net::HttpRequest& req, net::HttpResponse& res) {
          std::lock_guard lock(mu_);
          std::map<std::string, std::string> form;
          size_t pos = 0;
          while (pos <= req.body.size()) {
            size_t amp = req.body.find('&', pos);
            if (amp == std::string::npos) amp = req.body.size();
            std::string pair = req.body.substr(pos, amp - pos);
            size_t eq = pair.find('=');
            if (eq != std::string::npos) {
              form[net::url_decode(pair.substr(0, eq))] = net::url_decode(pair.substr(eq + 1));
            }
            pos = amp + 1;
          }
          std::string grant = form["grant_type"];
          bool ok = form["client_id"] == "app" &&
                    (grant == "client_credentials" ? form["client_secret"] == "app-secret"
                     : grant == "password"
                         ? form["username"] == kUser && form["password"] == kPassword
                         : grant == "refresh_token" && refresh_.count(form["refresh_token"]));
          if (!ok) {
            res.status = 400;
            res.body = R"({"error": "invalid_grant"})";
            return;
          }
          ++grants_[grant];
          std::string token = "tok-" + std::to_string(++session_seq_);
          sessions_.insert({token, 1});
          std::string body = R"({"access_token": ")" + token +
                             R"(", "token_type": "bearer", "expires_in": )" +
                             std::to_string(token_lifetime_);
          if (grant != "client_credentials") {
            std::string refresh = "ref-" + std::to_string(session_seq_);
            refresh_.insert(refresh);
            body += R"(, "refresh_token": ")" + refresh + R"(")";
          }
          res.body = body + "}";
        });
    server_.on(
        "GET", "/api/customers", [this](const net::HttpRequest& req, net::HttpResponse& res) {
          std::lock_guard lock(mu_);
          size_t limit = std::stoul(req.query_param("limit").value_or("10"));
          size_t from = std::stoul(req.query_param("cursor").value_or("0"));
          if (auto off = req.query_param("offset")) from = std::stoul(*off);
          if (auto p = req.query_param("page")) from = (std::stoul(*p) - 1) * limit;
          auto since = req.query_param("updated_since");
          auto code = req.query_param("code");
          Array items;
          size_t i = from;
          for (; i < customers_.size() && items.size() < limit; ++i) {
            const Value& c = customers_[i];
            if (since && c.find("updatedAt")->to_text() < *since) continue;
            if (code && c.find("code")->to_text() != *code) continue;
            items.push_back(c);
          }
          Object page{{"items", Value(std::move(items))}};
          page.push_back({"next", i < customers_.size() ? Value(std::to_string(i)) : Value()});
          page.push_back(
              {"links",
               Value(Object{{"next", i < customers_.size()
                                         ? Value("/api/customers?cursor=" + std::to_string(i) +
                                                 "&limit=" + std::to_string(limit))
                                         : Value()}})});
          res.body = to_json(Value(std::move(page)));
          if (auto c = corrupt_.find(from); c != corrupt_.end()) res.body = c->second(res.body);
        });
    server_.on("GET", "/api/customers/(\\d+)",
               [this](const net::HttpRequest& req, net::HttpResponse& res) {
                 std::lock_guard lock(mu_);
                 const Value* c = find_customer(req.matches[1]);
                 if (c == nullptr) {
                   res.status = 404;
                   res.body = R"({"message": "no such customer"})";
                   return;
                 }
                 res.body = to_json(*c);
               });
    server_.on(
        "POST", "/api/customers", [this](const net::HttpRequest& req, net::HttpResponse& res) {
          std::lock_guard lock(mu_);
          auto v = parse_json(req.body);
          if (!v || !v->is_object() || !v->find("name") || v->find("name")->to_text().empty()) {
            res.status = 422;
            res.body = R"({"message": "name is required"})";
            return;
          }
          ++writes_;
          Object c{{"id", Value(int64_t(next_id_++))}};
          for (const Member& m : v->as_object()) {
            if (m.key != "id") c.push_back(m);
          }
          c.push_back({"updatedAt", Value(stamp())});
          customers_.push_back(Value(std::move(c)));
          res.status = 201;
          res.body = R"({"data": )" + to_json(customers_.back()) + "}";
        });
    server_.on("PATCH", "/api/customers/(\\d+)",
               [this](const net::HttpRequest& req, net::HttpResponse& res) {
                 std::lock_guard lock(mu_);
                 Value* c = find_customer(req.matches[1]);
                 auto v = parse_json(req.body);
                 if (c == nullptr || !v || !v->is_object()) {
                   res.status = c ? 400 : 404;
                   res.body = R"({"message": "bad update"})";
                   return;
                 }
                 ++writes_;
                 for (const Member& m : v->as_object()) {
                   if (m.key != "id") set(*c, m.key, m.value);
                 }
                 set(*c, "updatedAt", Value(stamp()));
                 res.body = R"({"data": )" + to_json(*c) + "}";
               });
    server_.on("DELETE", "/api/customers/(\\d+)",
               [this](const net::HttpRequest& req, net::HttpResponse& res) {
                 std::lock_guard lock(mu_);
                 for (size_t i = 0; i < customers_.size(); ++i) {
                   if (customers_[i].find("id")->to_text() == req.matches[1]) {
                     ++writes_;
                     customers_.erase(customers_.begin() + static_cast<long>(i));
                     res.status = 204;
                     res.body.clear();
                     return;
                   }
                 }
                 res.status = 404;
                 res.body = R"({"message": "no such customer"})";
               });
    server_.on("GET", "/api/invoices", [this](const net::HttpRequest& req, net::HttpResponse& res) {
      std::lock_guard lock(mu_);
      size_t page = std::stoul(req.query_param("page").value_or("1"));
      size_t per = std::stoul(req.query_param("per_page").value_or("10"));
      Array items;
      for (size_t i = (page - 1) * per; i < invoices_.size() && items.size() < per; ++i) {
        items.push_back(invoices_[i]);
      }
      if (page * per < invoices_.size()) {
        std::string base = "http://127.0.0.1:" + std::to_string(port()) + "/api/invoices";
        res.headers.emplace("Link", "<" + base + "?page=1&per_page=" + std::to_string(per) +
                                        ">; rel=\"first\", <" + base +
                                        "?page=" + std::to_string(page + 1) +
                                        "&per_page=" + std::to_string(per) + ">; rel=\"next\"");
      }
      res.body = to_json(Value(std::move(items)));
    });
    server_.on("GET", "/api/preinvoices", [this](const net::HttpRequest&, net::HttpResponse& res) {
      std::lock_guard lock(mu_);
      res.body = R"({"Data": )" + to_json(Value(preinvoices_)) + "}";
    });
    server_.on("POST", "/api/preinvoices",
               [this](const net::HttpRequest& req, net::HttpResponse& res) {
                 std::lock_guard lock(mu_);
                 auto v = parse_json(req.body);
                 const Value* rows = v && v->is_object() ? v->find("dataRows") : nullptr;
                 if (!rows || !rows->is_array() || rows->as_array().empty()) {
                   res.status = 422;
                   res.body = R"({"message": "dataRows must be a non-empty list"})";
                   return;
                 }
                 for (const Value& r : rows->as_array()) {
                   const Value* q = r.is_object() ? r.find("quantity") : nullptr;
                   if (!q || !q->is_number() || q->to_text() == "0" || q->to_text()[0] == '-') {
                     res.status = 422;
                     res.body = R"({"message": "dataRows: quantity must be positive"})";
                     return;
                   }
                 }
                 ++writes_;
                 Object p{{"Code", Value("PI-" + std::to_string(next_id_++))}};
                 for (const Member& m : v->as_object()) p.push_back(m);
                 preinvoices_.push_back(Value(std::move(p)));
                 res.body = R"({"Data": )" + to_json(preinvoices_.back()) + "}";
               });
    server_.on("PUT", "/api/preinvoices/([^/]+)",
               [this](const net::HttpRequest& req, net::HttpResponse& res) {
                 std::lock_guard lock(mu_);
                 auto v = parse_json(req.body);
                 for (Value& p : preinvoices_) {
                   if (p.find("Code")->to_text() == req.matches[1] && v && v->is_object()) {
                     ++writes_;
                     Object n{{"Code", *p.find("Code")}};
                     for (const Member& m : v->as_object()) {
                       if (m.key != "Code") n.push_back(m);
                     }
                     p = Value(std::move(n));
                     res.body = R"({"Data": )" + to_json(p) + "}";
                     return;
                   }
                 }
                 res.status = 404;
                 res.body = R"({"message": "no such pre-invoice"})";
               });
    (void)server_.listen("127.0.0.1", 0);
    (void)server_.start();
  }

  int port() const { return server_.port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

  void add_customer(const std::string& code, const std::string& name) {
    std::lock_guard lock(mu_);
    customers_.push_back(Value(Object{{"id", Value(int64_t(next_id_++))},
                                      {"code", Value(code)},
                                      {"name", Value(name)},
                                      {"updatedAt", Value(stamp())}}));
  }
  void add_invoice(const std::string& number, int lines) {
    std::lock_guard lock(mu_);
    Array items;
    for (int i = 1; i <= lines; ++i) {
      items.push_back(Value(Object{{"sku", Value("SKU-" + std::to_string(i))},
                                   {"qty", Value(int64_t(i))},
                                   {"price", Value(*Decimal::parse("9.50"))}}));
    }
    invoices_.push_back(Value(Object{
        {"number", Value(number)}, {"customer", Value("C1")}, {"lines", Value(std::move(items))}}));
  }
  // Every open session becomes invalid: the next call answers 401.
  void expire_sessions() {
    std::lock_guard lock(mu_);
    sessions_.clear();
  }
  // The next `n` calls (logins excepted) answer 429 with Retry-After.
  void throttle(int n, int retry_after_secs) {
    std::lock_guard lock(mu_);
    throttle_ = n;
    retry_after_ = retry_after_secs;
  }
  // Changes a customer's name now (a newer updatedAt).
  void rename(const std::string& code, const std::string& name) {
    std::lock_guard lock(mu_);
    for (Value& c : customers_) {
      if (c.find("code")->to_text() == code) {
        set(c, "name", Value(name));
        set(c, "updatedAt", Value(stamp()));
      }
    }
  }

  // The customers page that starts at record `from` answers `rewrite` of
  // its body from now on (a broken page); heal() ends that.
  void corrupt_page(size_t from, std::function<std::string(const std::string&)> rewrite) {
    std::lock_guard lock(mu_);
    corrupt_[from] = std::move(rewrite);
  }
  void heal() {
    std::lock_guard lock(mu_);
    corrupt_.clear();
  }

  // The next `n` calls (logins excepted) answer `status` without doing anything.
  void fail(int n, int status = 503) {
    std::lock_guard lock(mu_);
    failing_ = n;
    failing_status_ = status;
  }
  // expires_in of the OAuth2 tokens handed out from now on.
  void set_token_lifetime(int secs) {
    std::lock_guard lock(mu_);
    token_lifetime_ = secs;
  }
  int grants(const std::string& type) const {
    std::lock_guard lock(mu_);
    auto it = grants_.find(type);
    return it == grants_.end() ? 0 : it->second;
  }
  int logins() const {
    std::lock_guard lock(mu_);
    return logins_;
  }
  int writes() const {
    std::lock_guard lock(mu_);
    return writes_;
  }
  int throttled() const {
    std::lock_guard lock(mu_);
    return throttled_;
  }
  std::vector<std::string> queries() const {
    std::lock_guard lock(mu_);
    return queries_;
  }
  std::vector<Value> customers() const {
    std::lock_guard lock(mu_);
    return customers_;
  }
  std::vector<Value> preinvoices() const {
    std::lock_guard lock(mu_);
    return preinvoices_;
  }
  void clear_queries() {
    std::lock_guard lock(mu_);
    queries_.clear();
  }

 private:
  // A session or OAuth2 token, Basic admin:s3cret-pass, or the API key
  // k-123 in X-API-Key or ?key=.
  bool authorized(const net::HttpRequest& req) const {
    auto session = req.header("X-Session");
    if (session && sessions_.count(*session)) return true;
    auto auth = req.header("Authorization").value_or("");
    if (auth.rfind("Bearer ", 0) == 0 && sessions_.count(auth.substr(7))) return true;
    if (auth == "Basic YWRtaW46czNjcmV0LXBhc3M=") return true;
    return req.header("X-API-Key").value_or("") == "k-123" ||
           req.query_param("key").value_or("") == "k-123";
  }
  static std::string query_text(const net::HttpRequest& req) {
    std::string q;
    for (const auto& [k, v] : req.query) q += (q.empty() ? "?" : "&") + k + "=" + v;
    return q;
  }
  static void set(Value& obj, const std::string& key, Value v) {
    for (Member& m : obj.as_object()) {
      if (m.key == key) {
        m.value = std::move(v);
        return;
      }
    }
    obj.as_object().push_back({key, std::move(v)});
  }
  Value* find_customer(const std::string& id) {
    for (Value& c : customers_) {
      if (c.find("id")->to_text() == id) return &c;
    }
    return nullptr;
  }
  // Strictly increasing change times, one second apart.
  std::string stamp() { return DateTime::from_unix_seconds(1700000000 + ++clock_).to_iso8601(); }

  mutable std::mutex mu_;
  net::HttpServer server_;
  std::map<std::string, int> sessions_;
  std::set<std::string> refresh_;
  std::map<std::string, int> grants_;
  int failing_ = 0, failing_status_ = 503, token_lifetime_ = 3600;
  int session_seq_ = 0, logins_ = 0, writes_ = 0, throttle_ = 0, retry_after_ = 1, throttled_ = 0;
  int64_t next_id_ = 1000, clock_ = 0;
  std::vector<Value> customers_, invoices_, preinvoices_;
  std::vector<std::string> queries_;
  std::map<size_t, std::function<std::string(const std::string&)>> corrupt_;
};

}  // namespace crmsync::testing
