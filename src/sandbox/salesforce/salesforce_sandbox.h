#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "sandbox/salesforce/sandbox_state.h"

namespace crmsync::net {
class HttpServer;
}

namespace crmsync::sandbox::salesforce {

// A local, stateful Salesforce: the REST, OAuth and SOAP-login calls jsforce
// and the crmsync connector make, over HTTP on `host`:`port` (0 picks a free
// port). Used by `crmsync sandbox salesforce` and, in-process, by tests:
//   SalesforceSandbox sb(options);  sb.start();  ... sb.port() ...  sb.stop();
// Handlers run on the server's threads; the store is thread-safe.
class SalesforceSandbox {
 public:
  explicit SalesforceSandbox(SalesforceSandboxOptions options);
  ~SalesforceSandbox();
  SalesforceSandbox(const SalesforceSandbox&) = delete;
  SalesforceSandbox& operator=(const SalesforceSandbox&) = delete;

  // Loads the schema, creates the API user, seeds/loads records, listens and
  // serves. Fatal errors: bad schema or data, address in use.
  Status start();
  void stop();
  int port() const { return port_; }
  std::string base_url() const { return state_->instance_url; }

  // Direct access for assertions and admin-style edits in tests.
  Store& store() { return *state_->store; }
  const std::string& api_user_id() const { return state_->user_id; }
  // Replaces the injected faults (also settable over /__admin/faults).
  void set_faults(const FaultOptions& faults);
  int64_t api_requests() const { return state_->api_requests.load(); }

  // Drops all records and sessions, recreates the users and the seed.
  Status reset();

 private:
  void handle(const net::HttpRequest& req, net::HttpResponse& res);

  std::unique_ptr<SandboxState> state_;
  std::unique_ptr<net::HttpServer> server_;
  int port_ = 0;
};

// Registers /__admin/ (needs the sandbox for reset and faults).
void add_admin_routes(SandboxState& s, SalesforceSandbox& sandbox);

// The admin endpoints, for --help.
const char* salesforce_admin_help();

}  // namespace crmsync::sandbox::salesforce
