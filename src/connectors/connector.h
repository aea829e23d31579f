#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/record.h"
#include "core/result.h"
#include "filter/filter.h"

namespace crmsync {

// What a connection can do for one object. The engine plans around these:
// e.g. no `search_by_field` means matching relies on the id map alone.
struct Capabilities {
  bool read_full = false;
  bool read_since_cursor = false;  // honours ReadRequest::cursor_*
  bool ordered_by_cursor = false;  // records arrive in (cursor, id) order
  bool read_by_ids = false;
  bool pushdown_filter = false;  // applies ReadRequest::filter itself
  bool write_create = false;
  bool write_update = false;
  bool write_delete = false;
  bool write_upsert_external_id = false;
  bool search_by_field = false;
  bool search_ignoring_case = false;  // Connection::search_ignoring_case works
  bool describe = false;
  bool delete_feed = false;  // reads report deleted records (Record::deleted)
  bool subscribe = false;    // Connection::subscribe gives change hints (CDC)
};

struct FieldInfo {
  std::string name;
  ValueType type = ValueType::string;
  bool nullable = true;
  bool key = false;
};

struct ObjectSchema {
  std::string object;
  std::string id_field;
  std::vector<FieldInfo> fields;
};

struct ReadRequest {
  std::string object;
  std::vector<std::string> fields;         // empty = all fields
  const filter::Filter* filter = nullptr;  // applied by the source when pushdown_filter
  std::string id_field;                    // empty = the connector's default
  std::string cursor_field;                // empty = full read
  std::optional<Value> cursor_from;        // read cursor_field >= this value
  size_t batch_size = 500;
  bool include_deleted = false;
  // The flow's connector-specific source options (validated against the
  // spec's source_options), e.g. a SQL `query:`; nullptr = none.
  const OptionSet* options = nullptr;
};

// Streams the records of one read. Called from one thread.
class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Fills `batch` (cleared first) with up to the batch size. Returns false
  // when the read is finished (batch then empty). A malformed record does not
  // fail the read: it comes back with `bad_records` filled.
  virtual Result<bool> next(std::vector<Record>& batch) = 0;

  // Records the source could not parse (a broken CSV row), reported by the
  // last `next` call: where and why, and the raw text.
  struct BadRecord {
    std::string id;       // best effort ("line 17")
    std::string message;  // "line 17: expected 5 columns, found 3"
    std::string raw;
    // The whole source was empty where emptiness is suspect (a 0-byte file,
    // not even a header): a read error, unless the user allowed this flow's
    // deletes for the run (`crmsync run --allow-deletes FLOW`).
    bool empty_source = false;
  };
  std::vector<BadRecord> bad_records;
};

enum class WriteOp { create, update, upsert, remove };

struct WriteItem {
  WriteOp op = WriteOp::create;
  std::string target_id;  // update, remove
  Record record;          // create, update, upsert
};

// The outcome of one WriteItem, by index (STYLE.md: per-record results).
struct WriteResult {
  bool ok = false;
  std::string target_id;  // of the created/updated/upserted record
  bool created = false;   // upsert: whether it created
  Error error;            // when !ok
};

struct WriteRequest {
  std::string object;
  std::string id_field;     // target id field; empty = connector default
  std::string external_id;  // WriteOp::upsert: the field to upsert on
  std::span<const WriteItem> items;
};

// What `crmsync setup` asks a target object to have before a first run: the
// fields the flow's mapping writes and, where the mapping fixes them (value
// maps, constants), the values it can produce (e.g. Pipedrive stage names).
struct TargetFieldNeed {
  std::string name;
  std::vector<Value> values;  // empty = any value
};

struct SetupRequest {
  std::string object;
  std::vector<TargetFieldNeed> fields;
  bool apply = false;  // false: report what is missing, change nothing
};

// One line per finding, for people ("person field 'Salesforce Contact ID'
// (varchar)"). `to_create` is what apply=true creates (or created);
// `missing` is what the connector cannot create and the user must (a stage
// that no pipeline has), with what exists to choose from.
struct SetupReport {
  std::vector<std::string> to_create;
  std::vector<std::string> missing;
};

// What `crmsync setup` asks a source to push to `crmsync serve` as webhooks
// (docs/webhooks.md, "Registration"): one subscription per object a flow
// takes webhooks for, at `url` ({serve.public_url}/hooks/{connection}),
// sending HTTP basic auth `user` / `password`. Subscriptions at `url` that no
// object needs any more are deleted; subscriptions at any other URL are
// never touched.
struct WebhookSubscriptionRequest {
  std::string url;
  std::string user;
  std::string password;
  std::vector<std::string> objects;  // sorted, unique; empty: none needed any more
  bool apply = false;                // false: report the drift, change nothing
};

// A change a source reported (a CDC event): which records to look at again.
// A hint, not data: the engine reads the records' current state.
struct ChangeHint {
  enum class Action { created, updated, deleted, undeleted };
  std::string object;
  std::vector<std::string> ids;
  Action action = Action::updated;
  // Opaque resume token: subscribing again from it delivers what came after
  // this hint (Salesforce: the event's replay id).
  std::string position;
};

// What one ChangeSubscription::poll brought.
struct ChangeBatch {
  std::vector<ChangeHint> hints;  // in the source's order
  // The stored position (or the stream) is no longer retained: changes may
  // have been missed. The subscription is finished; the caller reads with
  // its cursor, then subscribes again from an empty position.
  bool gap = false;
};

struct SubscribeRequest {
  std::string object;
  // Resume after this position (a ChangeHint::position); empty: only
  // changes made from now on.
  std::string position;
  // When it becomes true, a poll in progress returns promptly (no hints).
  const std::atomic<bool>* stop = nullptr;
};

// A live subscription to one object's changes. Used from one thread.
class ChangeSubscription {
 public:
  virtual ~ChangeSubscription() = default;
  // Waits up to about `timeout` (a source may hold a long poll to its own
  // limit; `stop` ends it) and returns the hints that arrived, possibly none.
  // Reconnects, re-authenticates and backs off from transient failures
  // itself; an Error means it gave up (retryable: the service stayed
  // unreachable; auth/fatal: credentials or setup).
  virtual Result<ChangeBatch> poll(std::chrono::milliseconds timeout) = 0;
  // Ends the subscription on the service side (best effort).
  virtual void close() {}
};

// One configured system. Created once per run by the registry; used from one
// thread at a time. Errors follow STYLE.md rule 6; a whole-call failure
// (connection down) is an Error, a per-record failure is in WriteResult.
class Connection {
 public:
  virtual ~Connection() = default;

  virtual Capabilities capabilities(std::string_view object) const = 0;
  // Reachability and credentials; fatal/auth errors say what to fix.
  virtual Status check() = 0;
  virtual Result<ObjectSchema> describe(std::string_view object) = 0;
  virtual Result<std::unique_ptr<RecordReader>> read(const ReadRequest& request) = 0;
  // Current state of the given records; absent ids are simply missing.
  virtual Result<std::vector<Record>> read_by_ids(std::string_view object,
                                                  std::string_view id_field,
                                                  std::span<const std::string> ids) = 0;
  // Records whose `field` equals one of `values`, with ids set.
  virtual Result<std::vector<Record>> search(std::string_view object, std::string_view id_field,
                                             std::string_view field,
                                             std::span<const Value> values) = 0;
  // search() with text compared regardless of case (lower() on both
  // sides); for `match: {ignore_case: true}`, where capabilities say
  // search_ignoring_case. The engine pairs the answers case-insensitively.
  virtual Result<std::vector<Record>> search_ignoring_case(std::string_view object,
                                                           std::string_view id_field,
                                                           std::string_view field,
                                                           std::span<const Value> values) {
    (void)object, (void)id_field, (void)values;
    return Error(ErrorKind::fatal, "this connector cannot search " + std::string(field) +
                                       " ignoring case; remove match.ignore_case");
  }
  // Results has exactly one entry per item, same order.
  virtual Result<std::vector<WriteResult>> write(const WriteRequest& request) = 0;

  // Checks (and with request.apply, creates) what a flow writing to
  // `request.object` needs. Connectors whose objects have fixed or
  // user-managed schemas report nothing.
  virtual Result<SetupReport> setup_target(const SetupRequest& request) {
    (void)request;
    return SetupReport{};
  }

  // Brings the source's webhook subscriptions to what `request` asks
  // (registering, replacing ones whose auth or version drifted, deleting
  // unneeded ones at request.url), exactly once: what exists is listed
  // first, so running it again changes nothing. `to_create` lists each
  // change made (or, without apply, due); `missing` what it cannot do.
  // Called by `crmsync setup`, once per connection. Connectors that cannot
  // register webhooks answer a fatal error saying so.
  virtual Result<SetupReport> setup_webhooks(const WebhookSubscriptionRequest& request) {
    return Error(ErrorKind::fatal, "this connector cannot register webhooks; subscribe " +
                                       request.url + " in the sending system by hand");
  }

  // The objects this connection holds (tables and views, files, API
  // objects), for `crmsync discover`; each can be passed to describe().
  // Called from the CLI, once. Connectors that cannot enumerate their
  // objects return a fatal error saying so.
  virtual Result<std::vector<std::string>> list_objects() {
    return Error(ErrorKind::fatal,
                 "this connector cannot list its objects; name them: crmsync discover "
                 "CONNECTION OBJECT...");
  }

  // Change hints for `request.object` from `request.position` on
  // (Capabilities::subscribe). The subscription may keep using this
  // connection's session: use both from the same thread.
  virtual Result<std::unique_ptr<ChangeSubscription>> subscribe(const SubscribeRequest& request) {
    return Error(ErrorKind::fatal,
                 "this connector does not support subscriptions (object " + request.object + ")");
  }

  // How many records read(request) would return, when the source can say
  // cheaply (Salesforce COUNT(), SQL COUNT(*)), for progress; nullopt when
  // it cannot. Never required: an error here does not stop a run.
  virtual Result<std::optional<int64_t>> count(const ReadRequest& request) {
    (void)request;
    return std::optional<int64_t>{};
  }

  // API calls made so far (for run accounting and budgets).
  uint64_t api_calls() const { return api_calls_.load(); }

 protected:
  void count_api_call(uint64_t n = 1) { api_calls_ += n; }

 private:
  std::atomic<uint64_t> api_calls_{0};
};

}  // namespace crmsync
