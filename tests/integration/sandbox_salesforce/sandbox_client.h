#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/json.h"
#include "net/http_client.h"
#include "sandbox/salesforce/salesforce_sandbox.h"

namespace crmsync::sandbox::salesforce {

// An in-process sandbox on a free port and an HTTP client logged in to it.
struct SandboxClient {
  std::unique_ptr<SalesforceSandbox> sandbox;
  net::HttpClient http;
  std::string token;

  explicit SandboxClient(SalesforceSandboxOptions o = {}) {
    sandbox = std::make_unique<SalesforceSandbox>(std::move(o));
    Status st = sandbox->start();
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    token = login();
  }

  std::string login() {
    auto r = send("POST", "/services/oauth2/token",
                  "grant_type=password&client_id=demo-client&client_secret=demo-secret&"
                  "username=demo%40example.com&password=demo",
                  false, "application/x-www-form-urlencoded");
    auto body = parse_json(r.body);
    const Value* t = body ? body->find("access_token") : nullptr;
    return t ? t->as_string() : "";
  }

  net::HttpResponse send(const std::string& method, const std::string& path,
                         const std::string& body = "", bool auth = true,
                         const std::string& type = "application/json",
                         net::HttpHeaders extra = {}) {
    net::HttpClientRequest req;
    req.method = method;
    req.url = sandbox->base_url() + path;
    req.body = body;
    req.headers = std::move(extra);
    if (!body.empty()) req.headers.emplace("Content-Type", type);
    if (auth) req.headers.emplace("Authorization", "Bearer " + token);
    auto r = http.send(req);
    EXPECT_TRUE(r.ok()) << method << " " << path << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : net::HttpResponse{};
  }

  Value json(const std::string& method, const std::string& path, const std::string& body = "",
             int expect_status = 0) {
    auto r = send(method, path, body);
    if (expect_status) {
      EXPECT_EQ(r.status, expect_status) << method << " " << path << ": " << r.body;
    }
    auto v = parse_json(r.body);
    return v ? *v : Value();
  }
};

// The errorCode of a REST error array body.
inline std::string error_code(const Value& body) {
  if (!body.is_array() || body.as_array().empty()) return "";
  const Value* c = body.as_array()[0].find("errorCode");
  return c ? c->as_string() : "";
}

}  // namespace crmsync::sandbox::salesforce
