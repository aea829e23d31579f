#pragma once

// Reads and edits a Salesforce sandbox through its HTTP API, as a user or an
// admin would: SOQL through /query (all pages), edits through /__admin.

#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "net/http_client.h"
#include "net/url.h"

namespace crmsync::testing {

struct SalesforceProbe {
  std::string base_url;
  net::HttpClient http;

  std::string sf_token() {
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = base_url + "/services/oauth2/token";
    req.body =
        "grant_type=password&client_id=demo-client&client_secret=demo-secret&username=demo%"
        "40example.com&password=demo";
    req.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
    auto r = http.send(req);
    if (!r.ok()) return "";
    auto v = parse_json(r->body);
    return v.ok() && v->find("access_token") ? v->find("access_token")->to_text() : "";
  }

  Value soql(const std::string& q) {
    std::string token = sf_token();
    Array all;
    std::string next = "/services/data/v60.0/query?q=" + net::url_encode(q);
    while (!next.empty()) {
      net::HttpClientRequest req;
      req.method = "GET";
      req.url = base_url + next;
      req.headers.emplace("Authorization", "Bearer " + token);
      auto r = http.send(req);
      EXPECT_TRUE(r.ok() && r->status == 200) << q << ": " << (r.ok() ? r->body : "");
      if (!r.ok() || r->status != 200) break;
      auto v = parse_json(r->body);
      if (!v.ok()) break;
      for (const Value& rec : v->find("records")->as_array()) all.push_back(rec);
      const Value* n = v->find("nextRecordsUrl");
      next = n && n->is_string() ? n->as_string() : "";
    }
    return Value(std::move(all));
  }

  // Edits a record as a Salesforce user would (not through crmsync).
  void edit_as_user(const std::string& object, const std::string& id, const std::string& json) {
    net::HttpClientRequest req;
    req.method = "PATCH";
    req.url = base_url + "/__admin/records/" + object + "/" + id;
    req.body = json;
    req.headers.emplace("Content-Type", "application/json");
    auto r = http.send(req);
    EXPECT_TRUE(r.ok() && r->status < 300) << (r.ok() ? r->body : r.error().message);
  }
};

}  // namespace crmsync::testing
