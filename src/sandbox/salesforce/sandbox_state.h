#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "sandbox/salesforce/bulk_jobs.h"
#include "sandbox/salesforce/cdc_log.h"
#include "sandbox/salesforce/cometd.h"
#include "sandbox/salesforce/router.h"
#include "sandbox/salesforce/sessions.h"
#include "sandbox/salesforce/soql_exec.h"
#include "sandbox/salesforce/store.h"

namespace crmsync::sandbox::salesforce {

// Faults the sandbox injects into session routes (admin-settable).
struct FaultOptions {
  double rate_429 = 0;  // probability per request, 0..1
  double rate_500 = 0;
  double rate_503 = 0;
  int latency_ms = 0;                     // added to every session request
  int64_t session_expiry_every_secs = 0;  // all tokens die at each multiple
  // The Streaming API is cut off: every /cometd request, a waiting long
  // poll included, loses its connection (reset) until this is cleared.
  // Events go on being recorded and can be replayed afterwards.
  bool streaming_down = false;
};

struct SalesforceSandboxOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  int seed_records = 0;
  std::string data_dir;     // JSON records per object, loaded at start
  std::string schema_file;  // empty: the built-in schema.json
  std::string username = "demo@example.com";
  std::string password = "demo";
  std::string client_id = "demo-client";
  std::string client_secret = "demo-secret";
  int64_t session_timeout_secs = 7200;
  // The connected app's certificate (PEM X.509) that JWT bearer assertions
  // are verified against; empty: every assertion is refused.
  std::string jwt_cert_pem;
  // How long an authorization code (web-server flow) can be exchanged.
  int64_t auth_code_lifetime_secs = 900;
  int64_t daily_api_limit = 100000;
  FaultOptions faults;
  size_t threads = 8;
  // Bulk query results per page when the client sends no maxRecords (the
  // real service cuts pages by size).
  size_t bulk_page_records = 50000;
  // Time source (unix micros); empty: the system clock.
  std::function<int64_t()> clock;
  // Streaming API: how long a /meta/connect long poll waits for events (the
  // real service's advice timeout), and how long change events are retained
  // (sandbox time) and how many at most.
  int64_t cometd_timeout_ms = 110000;
  int64_t cdc_retention_secs = 72 * 3600;
  size_t cdc_max_events = 1000000;
};

// A query cursor kept for nextRecordsUrl paging.
struct QueryCursor {
  QueryResult result;
  size_t batch_size = 2000;
};

// One line of the request log (admin /__admin/requests).
struct LoggedRequest {
  int64_t at_micros = 0;
  std::string method;
  std::string path;
  std::string endpoint;
  int status = 0;
  int64_t micros = 0;
};

// Everything the route handlers share. Members with their own locks are
// thread-safe; the rest is set before the server starts.
struct SandboxState {
  SalesforceSandboxOptions options;
  std::shared_ptr<const Schema> schema;
  std::unique_ptr<Store> store;
  std::unique_ptr<Sessions> sessions;
  std::string org_id;
  std::string user_id;  // the API user everyone logs in as
  std::string instance_url;

  std::mutex cursors_mutex;
  std::map<std::string, std::shared_ptr<QueryCursor>> cursors;  // locator id -> cursor
  uint64_t next_cursor = 1;

  BulkJobs bulk;  // Bulk API 2.0 jobs

  std::unique_ptr<CdcLog> cdc;  // Change Data Capture events
  std::unique_ptr<CometdServer> cometd;

  std::atomic<int64_t> api_requests{0};
  std::atomic<int64_t> daily_limit{100000};

  std::mutex faults_mutex;
  FaultOptions faults;
  std::mt19937_64 fault_rng{12345};

  std::mutex log_mutex;
  std::deque<LoggedRequest> log;            // newest last, at most 10,000
  std::map<std::string, int64_t> counters;  // endpoint -> requests

  Router router;

  // Records recently viewed or created through the API, newest first, at
  // most kMaxRecent (GET /recent, recentItems of sObject Basic Information).
  static constexpr size_t kMaxRecent = 200;
  std::mutex recent_mutex;
  std::deque<std::pair<const ObjectDef*, std::string>> recent;
  void note_recent(const ObjectDef& def, const std::string& id);
  // When the schema was loaded: describe's Last-Modified.
  int64_t schema_loaded_micros = 0;

  int64_t now() const { return store->now_micros(); }
  // Runs a request through the router as if it came over HTTP (composite
  // subrequests): no faults, no extra API count.
  void dispatch_internal(const net::HttpRequest& req, net::HttpResponse& res,
                         const std::string& user_id);
};

// Single-record writes answered as the REST API does (201 + save result,
// 204), shared by the sObject routes and the admin "UI user" routes.
void write_create(SandboxState& s, Call& c, const ObjectDef& def, const WriteContext& ctx,
                  const std::string& version);
void write_update(SandboxState& s, Call& c, const ObjectDef& def, const std::string& id,
                  const WriteContext& ctx);
void write_delete(SandboxState& s, Call& c, const ObjectDef& def, const std::string& id,
                  const WriteContext& ctx);

void add_auth_routes(SandboxState& s);
// GET/POST /services/oauth2/authorize: the login page of the web-server flow.
void add_authorize_routes(SandboxState& s);
void add_rest_routes(SandboxState& s);
void add_sobject_routes(SandboxState& s);
void add_query_routes(SandboxState& s);
void add_collection_routes(SandboxState& s);
void add_composite_routes(SandboxState& s);
void add_cometd_routes(SandboxState& s);
// GET/HEAD/PATCH/DELETE /sobjects/T/{field}/{value} and the relationship
// rows /sobjects/T/{id}/{relationship}.
void add_external_id_routes(SandboxState& s);
// composite/batch, composite/tree, composite/graph.
void add_composite_more_routes(SandboxState& s);
// SOSL search and parameterizedSearch.
void add_search_routes(SandboxState& s);

// describe JSON of one object / the global describe.
std::string describe_object_json(const ObjectDef& def, const Schema& schema,
                                 const std::string& version);
// The object's entry in the global describe (sObject Basic Information).
std::string object_summary_json(const ObjectDef& def, const std::string& version);
std::string describe_global_json(const Schema& schema, const std::string& version);

}  // namespace crmsync::sandbox::salesforce
