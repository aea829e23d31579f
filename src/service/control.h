#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "engine/engine.h"
#include "state/state_store.h"

namespace crmsync::service {

// What the API (and the dashboard) can see of and ask from a running
// `crmsync serve`. Implemented by Service (service.h); every method is
// thread-safe and quick (no method waits for a run).

// A request the service refuses, as the API answers it:
// {"error": {"code", "message", "field"}} with `status`.
struct RequestError {
  int status = 400;     // 400, 404, 409, 503
  std::string code;     // "invalid_json", "unknown_flow", "unknown_param", "not_found", ...
  std::string message;  // for people; names what was wrong; never a secret
  std::string field;    // the request field at fault ("flows[1]", "params.company"); may be empty
};

template <typename T>
struct Answer {
  std::optional<T> value;
  RequestError error;  // when !value
  explicit operator bool() const { return value.has_value(); }
};

struct FlowStatus {
  std::string name;
  std::string source_connection, target_connection;
  std::string schedule;  // as written; empty: none
  std::string timezone;
  bool cdc = false;
  bool manual = false;
  int64_t next_fire_at = 0;  // unix micros of the next slot (jitter not included); 0: none
  std::optional<FlowLastRun> last_run;
  std::optional<Cursor> cursor;
  bool running = false;  // a run of it is going on now
  // The flows its mapping's `ref:` fields point at (they run first; the
  // dashboard selects them with it).
  std::vector<std::string> depends_on;
  // Its pending and parked record errors; counted up to 10,000, and when
  // there were more, `open_errors_capped` (the count is a lower bound).
  int64_t open_errors = 0;
  bool open_errors_capped = false;
};

struct ConnectionStatus {
  std::string name;
  std::string type;
  int64_t checked_at = 0;  // unix micros of the last check; 0: not checked yet
  bool ok = false;
  std::string message;  // why not ok (the connector's error, scrubbed)
  // Connections that log in through the browser (OAuth web-server flow):
  // whether a token is stored. nullopt for every other connection.
  std::optional<bool> connected;
  // The API calls left in the budget its last answer reported (Salesforce's
  // daily limit, Pipedrive's token budget); nullopt: none reported yet.
  std::optional<double> budget_remaining;
};

// A run's progress while it goes (Server-Sent Events). `version` grows
// with every change of this run; the last one has a final status.
struct RunProgress {
  int64_t run_id = 0;
  RunStatus status = RunStatus::queued;
  std::string flow;  // the flow running now; empty when none
  std::map<std::string, FlowCounts> flows;
  int64_t updated_at = 0;  // unix micros
  uint64_t version = 0;
};

struct Readiness {
  bool ready = false;
  std::string reason;  // why not ready ("state store not writable: ...", "scheduler idle for 74 s")
};

class ServiceControl {
 public:
  virtual ~ServiceControl() = default;

  // Queues a run (trigger as given in the request); validates flows and
  // params first: nothing is queued when the request is bad.
  virtual Answer<int64_t> submit(const RunRequest& request) = 0;
  // 404 for an unknown run, 409 for one that already ended.
  virtual Answer<RunInfo> cancel(int64_t run_id) = 0;
  // Makes the run's open record errors due now and queues a run of its
  // flows that retries them (like `crmsync retry RUN`): the new run's id.
  virtual Answer<int64_t> retry(int64_t run_id) = 0;
  // Makes the one open record error `error_id` due now and queues a run of
  // its flow, which retries it (with any other error of the flow due by
  // then): the new run's id. 404 for an unknown or resolved error.
  virtual Answer<int64_t> retry_error(int64_t error_id) = 0;
  // A dry run (`crmsync plan`) of the request's flows, now, on the calling
  // thread: each flow's counts and its first `max_diffs` changes. Writes
  // nothing; validates flows and params as submit() does.
  virtual Answer<RunReport> plan(const RunRequest& request, size_t max_diffs) = 0;

  virtual std::vector<FlowStatus> flows() = 0;
  virtual std::vector<ConnectionStatus> connections() = 0;
  // Checks the connection now (blocks for the check; its result is then
  // what connections() tells). 404 unknown_connection for an unknown name.
  virtual Answer<ConnectionStatus> check_connection(const std::string& name) = 0;
  // The dashboard's Connect (service/oauth_connect.h): the authorize URL
  // for connection `name`, whose redirect comes to
  // {serve.public_url, else `origin`}/oauth/callback.
  virtual Answer<std::string> begin_connect(const std::string& name, const std::string& origin) = 0;
  // The redirect's state and code: the connection now logged in (its token
  // stored; it is checked again).
  virtual Answer<std::string> finish_connect(const std::string& state, const std::string& code) = 0;
  // Revokes where the API can and deletes the stored token: what became of
  // the revocation.
  virtual Answer<std::string> disconnect(const std::string& name) = 0;

  // Live progress of a queued or running run; for an ended run, its final
  // counts from the store. nullopt: no such run.
  virtual std::optional<RunProgress> progress(int64_t run_id) = 0;
  // Called (on the service's threads; keep it quick) on every progress
  // change of any run. Returns a handle for unwatch_progress.
  virtual int64_t watch_progress(std::function<void(const RunProgress&)> listener) = 0;
  virtual void unwatch_progress(int64_t handle) = 0;

  // The store, safe to call from any thread (serialized).
  virtual StateStore& store() = 0;

  virtual Readiness readiness() = 0;
};

}  // namespace crmsync::service
