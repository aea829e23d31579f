// Runs the malformed-input table (malformed_cases.h): each row's input goes
// to its layer, which must answer with the row's error kind, say where the
// problem is and what it is, and leave the state store as it was (the
// records synced before are all still there, linked, and a good input
// afterwards changes nothing). CRMSYNC_MALFORMED_PRINT=1 prints what every
// row got instead of checking it (to write a new row's expectations).
#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>
#include <string>

#include "integration/malformed/malformed_cases.h"
#include "net/http_server.h"
#include "support/engine_fixture.h"
#include "support/raw_http.h"
#include "support/sqlite_probe.h"

namespace crmsync::testing::malformed {
namespace {

bool print_mode() {
  return std::getenv("CRMSYNC_MALFORMED_PRINT") != nullptr;
}

std::string printable(const std::string& s) {
  std::string out;
  for (unsigned char ch : s.substr(0, 400)) {
    if (ch == '\n') {
      out += "\\n";
    } else if (ch < 0x20 || ch >= 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += std::string("\\x") + hex[ch >> 4] + hex[ch & 15];
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out;
}

// What a layer said about one input: the kind and every message.
struct Said {
  std::string kind;
  std::string text;
};

void check(const Case& c, const Said& said) {
  if (print_mode()) {
    std::printf("ROW %s\n  kind: %s\n  said: %s\n", c.name.c_str(), said.kind.c_str(),
                printable(said.text).c_str());
    return;
  }
  EXPECT_EQ(said.kind, c.kind) << said.text;
  EXPECT_NE(said.text.find(c.where), std::string::npos) << "where: " << c.where << "\n"
                                                        << said.text;
  EXPECT_NE(said.text.find(c.why), std::string::npos) << "why: " << c.why << "\n" << said.text;
}

std::vector<Case> of_layer(Layer layer) {
  std::vector<Case> out;
  for (Case& c : all_cases()) {
    if (c.layer == layer) out.push_back(std::move(c));
  }
  return out;
}

TEST(MalformedTable, HasAHundredRowsAcrossEveryLayer) {
  auto all = all_cases();
  EXPECT_GE(all.size(), 100u);
  for (Layer l : {Layer::config, Layer::api, Layer::csv, Layer::http}) {
    EXPECT_GE(of_layer(l).size(), 15u);
  }
}

TEST(MalformedTable, Config) {
  for (const Case& c : of_layer(Layer::config)) {
    SCOPED_TRACE(c.name);
    LoadResult loaded = load_config_text(
        c.input, "crmsync.yaml", [](const std::string&) { return std::optional<std::string>(); });
    Diagnostics found = loaded.diagnostics;
    // What `crmsync validate` checks next: connector types and options.
    if (loaded.ok()) found = validate_config(loaded.config, false).errors;
    Said said;
    said.kind = found.empty() ? "ok" : "diagnostic";
    for (const Diagnostic& d : found) said.text += d.to_string() + "\n";
    check(c, said);
  }
}

// A flow that synced 3 records, then reads the bad input: what the run
// says, and the target and id map as they were.
class MalformedFlow : public EngineFixture {
 protected:
  std::string said_by(const RunReport& r, const std::string& flow, std::string& kind) {
    const FlowReport& f = r.flows.at(flow);
    std::string text = f.error.empty() ? "" : f.error + "\n";
    kind = f.error.empty() ? "" : std::string(to_string(f.error_kind));
    if (!f.deletes_withheld.reason.empty()) text += f.deletes_withheld.reason + "\n";
    if (auto errors = store->errors(r.run_id, 1000)) {
      for (const RecordError& e : *errors) {
        text += e.message + "\n";
        if (kind.empty()) kind = std::string(to_string(e.kind));
      }
    }
    if (kind.empty()) kind = "ok";
    return text;
  }

  void expect_state_kept(const std::string& flow, const std::string& table) {
    SqliteProbe db(dir.file("target.db"));
    EXPECT_EQ(db.count("select count(*) from " + table), 3);
    auto linked = store->count_id_map(flow);
    ASSERT_TRUE(linked.ok());
    EXPECT_EQ(*linked, 3);
  }
};

class MalformedApi : public MalformedFlow {
 protected:
  net::HttpServer server;
  std::mutex mu;
  net::HttpResponse answer;

  void serve(int status, const std::string& type, const std::string& body) {
    std::lock_guard lock(mu);
    answer = net::HttpResponse{};
    answer.status = status;
    answer.content_type = type;
    answer.body = body;
  }

  void SetUp() override {
    serve(200, "application/json", kGoodPage);
    server.on("GET", "/api/customers", [this](const net::HttpRequest&, net::HttpResponse& res) {
      std::lock_guard lock(mu);
      res = answer;
    });
    ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
    ASSERT_TRUE(server.start().ok());
    load(R"(
connections:
  api:
    type: rest
    base_url: http://127.0.0.1:)" +
         std::to_string(server.port()) + R"(/api
    max_attempts: 1
    objects:
      customers: {path: /customers, records_pointer: /items}
  db: {type: sqlite, path: target.db}
flows:
  customers_in:
    source: {connection: api, object: customers}
    target: {connection: db, object: customers, id_field: id}
    match: {target_field: code}
    mapping:
      code: id
      name: name
)");
    ASSERT_EQ(counts(run(), "customers_in").created, 3);
  }
};

TEST_F(MalformedApi, AnswersOfTheTable) {
  for (const Case& c : of_layer(Layer::api)) {
    SCOPED_TRACE(c.name);
    serve(c.status, c.content_type, c.input);
    SyncEngine engine(config, *store, clock);
    auto r = engine.run({});
    ASSERT_TRUE(r.ok()) << r.error().message;
    clock.advance_secs(60);
    Said said;
    said.text = said_by(*r, "customers_in", said.kind);
    check(c, said);
    expect_state_kept("customers_in", "customers");
    serve(200, "application/json", kGoodPage);
    RunReport again = run();
    EXPECT_EQ(again.status, RunStatus::succeeded);
    FlowCounts n = counts(again, "customers_in");
    EXPECT_EQ(n.created, 0);
    EXPECT_EQ(n.updated, 0);
    expect_state_kept("customers_in", "customers");
  }
}

class MalformedCsv : public MalformedFlow {
 protected:
  void SetUp() override {
    dir.write("data/customers.csv", kGoodCsv);
    load(kGoodConfig);
    ASSERT_EQ(counts(run(), "customers").created, 3);
  }
};

TEST_F(MalformedCsv, FilesOfTheTable) {
  for (const Case& c : of_layer(Layer::csv)) {
    SCOPED_TRACE(c.name);
    dir.write("data/customers.csv", c.input);
    SyncEngine engine(config, *store, clock);
    auto r = engine.run({});
    ASSERT_TRUE(r.ok()) << r.error().message;
    clock.advance_secs(60);
    Said said;
    said.text = said_by(*r, "customers", said.kind);
    check(c, said);
    expect_state_kept("customers", "customers");
    dir.write("data/customers.csv", kGoodCsv);
    RunReport again = run();
    EXPECT_EQ(again.status, RunStatus::succeeded);
    EXPECT_EQ(counts(again, "customers").created, 0);
    expect_state_kept("customers", "customers");
  }
}

TEST(MalformedTable, HttpRequests) {
  net::HttpServerOptions options;
  options.header_timeout_ms = 2000;
  options.body_timeout_ms = 2000;
  net::HttpServer server(options);
  auto ok = [](const net::HttpRequest&, net::HttpResponse& res) { res.body = "{\"runs\": []}"; };
  server.on("GET", "/api/v1/runs", ok);
  server.on("POST", "/api/v1/runs", ok, net::RouteOptions{1 << 20});
  ASSERT_TRUE(server.listen("127.0.0.1", 0).ok());
  ASSERT_TRUE(server.start().ok());
  for (const Case& c : of_layer(Layer::http)) {
    SCOPED_TRACE(c.name);
    RawConnection conn(server.port());
    ASSERT_TRUE(conn.ok());
    conn.send_all(c.input);
    std::string response = conn.read_response(std::chrono::seconds(10));
    Said said;
    said.kind = response.rfind("HTTP/1.1 ", 0) == 0 ? response.substr(9, 3) : "no answer";
    said.text = response;
    check(c, said);
  }
  // The server still answers after all of them.
  RawConnection conn(server.port());
  conn.send_all("GET /api/v1/runs HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(conn.read_response().substr(0, 12), "HTTP/1.1 200");
}

}  // namespace
}  // namespace crmsync::testing::malformed
