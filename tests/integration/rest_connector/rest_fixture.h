#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "config/loader.h"
#include "connectors/registry.h"
#include "integration/rest_connector/finance_server.h"

namespace crmsync::testing {

// The finance server and a `type: rest` connection to it, declared in YAML
// as a user would (session login with an md5 password, custom header).
class RestFixture : public ::testing::Test {
 protected:
  FinanceServer server;
  std::unique_ptr<Connection> conn;

  // The session login of the finance system, with `password`.
  static std::string session_auth(const std::string& password) {
    return R"(
    auth: session
    username: admin
    password: ")" +
           password + R"("
    password_transform: md5
    login_path: /login
    login_body: '{"UserName": "{username}", "Password": "{password}"}'
    token_pointer: /Data/SessionId
    token_header: X-Session
    token_template: "{token}"
)";
  }

  // `auth` is a block of connection options (session_auth by default);
  // `extra` more options.
  static std::string connection_yaml(const std::string& url, const std::string& auth,
                                     const std::string& extra = "") {
    return R"(
connections:
  finance:
    type: rest
    base_url: )" +
           url + "/api" + auth + "    max_attempts: 3\n" + extra + R"(
    objects:
      customers:
        path: /customers
        records_pointer: /items
        pagination: cursor
        cursor_param: cursor
        cursor_pointer: /next
        size_param: limit
        page_size: 10
        get_path: /customers/{id}
        get_pointer: ""
        write_pointer: /data
        update_method: PATCH
        changed_since_param: updated_since
        changed_field: updatedAt
      invoices:
        path: /invoices
        id_pointer: /number
        pagination: link_header
        page_param: page
        size_param: per_page
        page_size: 10
      preinvoices:
        path: /preinvoices
        records_pointer: /Data
        id_pointer: /Code
        write_pointer: /Data
        update_path: /preinvoices/{id}
        update_method: PUT
        delete_path: ""
        search: none
      customers_by_offset:
        path: /customers
        records_pointer: /items
        pagination: offset
        size_param: limit
        page_size: 10
      customers_by_page:
        path: /customers
        records_pointer: /items
        pagination: page
        size_param: limit
        page_size: 10
      customers_by_next_url:
        path: /customers
        records_pointer: /items
        pagination: next_url
        next_url_pointer: /links/next
        size_param: limit
        page_size: 10
flows:
  unused:
    source: {connection: finance, object: customers}
    target: {connection: finance, object: preinvoices}
    mapping: {description: code}
)";
  }

  void connect(const std::string& auth = session_auth(FinanceServer::kPassword),
               const std::string& extra = "") {
    LoadResult loaded =
        load_config_text(connection_yaml(server.url(), auth, extra), "crmsync.yaml");
    std::string errs;
    for (const auto& d : loaded.diagnostics) errs += d.to_string() + "\n";
    ASSERT_TRUE(loaded.ok()) << errs;
    const ConnectionConfig* c = loaded.config.connection("finance");
    ASSERT_NE(c, nullptr);
    auto made = ConnectorRegistry::instance().create(*c, ConnectorContext{"."});
    ASSERT_TRUE(made.ok()) << made.error().message;
    conn = std::move(*made);
  }

  std::vector<Record> read_all(const std::string& object, size_t batch = 500,
                               std::optional<Value> since = std::nullopt) {
    ReadRequest req;
    req.object = object;
    req.batch_size = batch;
    if (since) {
      req.cursor_field = "updatedAt";
      req.cursor_from = since;
    }
    auto reader = conn->read(req);
    EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().message);
    std::vector<Record> out, b;
    if (!reader.ok()) return out;
    while (true) {
      auto more = (*reader)->next(b);
      EXPECT_TRUE(more.ok()) << (more.ok() ? "" : more.error().message);
      if (!more.ok()) break;
      for (Record& r : b) out.push_back(std::move(r));
      if (!*more) break;
    }
    return out;
  }

  size_t count_queries(const std::string& prefix) const {
    size_t n = 0;
    for (const std::string& q : server.queries()) n += q.rfind(prefix, 0) == 0;
    return n;
  }
};

}  // namespace crmsync::testing
