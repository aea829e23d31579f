#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/location.h"
#include "core/value.h"

namespace crmsync {

// A block of options whose keys are defined by a component's spec (a
// connector's connection options, a flow side's per-connector options). Kept
// as a Value object with the location of every key so the component can
// validate it later against its spec (config/spec.h) with precise errors.
struct OptionSet {
  Value values = Value(Object{});             // always an object
  std::map<std::string, Location> locations;  // key -> where it was written
  // key -> where its value starts (its own line when written below the key):
  // a bad value is reported there.
  std::map<std::string, Location> value_locations;
  Location location;  // the block itself

  const Value* get(std::string_view key) const { return values.find(key); }
};

struct StateConfig {
  std::string type = "sqlite";  // sqlite (default) | postgres
  // sqlite file; default: <config dir>/<config stem>.state.db. With postgres
  // it still names the directory of serve's API token.
  std::string path;
  std::string url;  // postgres: postgres://USER:PASSWORD@HOST:PORT/DB (secret: has the password)
  Location location;
  // What messages and logs call the store: the path, or the URL without
  // its password.
  std::string display() const;
};
// The password of a postgres://USER:PASSWORD@HOST/DB URL (empty: none),
// registered with the redactor when the config is read.
std::string state_url_password(std::string_view url);

// How `crmsync serve` takes this connection's webhooks, at
// POST (or GET) /hooks/{connection} (docs/webhooks.md). Every secret here is
// registered with the redactor when the config is read.
struct WebhookConfig {
  enum class Scheme {
    pipedrive,    // Pipedrive's v1/v2 bodies, HTTP basic auth (user, password)
    standard,     // Standard Webhooks: HMAC-SHA256 over id.timestamp.body (secrets)
    path_secret,  // no auth of its own (S1's query-only GET): /hooks/{connection}/{path_secret}
  };
  Scheme scheme = Scheme::pipedrive;
  std::string user = "crmsync";      // pipedrive: the basic-auth user
  std::string password;              // pipedrive: the basic-auth password
  std::vector<std::string> secrets;  // standard: signing keys ("whsec_..."); several while rotating
  std::string path_secret;           // path_secret: the last path segment
  int64_t tolerance_micros = 300'000'000;  // standard: a timestamp further off is rejected
  // Where a delivery names the change, for connectors without a parser of
  // their own (rest): "query.NAME", "header.NAME" or "body.a.b" (a JSON
  // path). Empty: the connector's built-in parser decides.
  std::string event_id_at;
  std::string object_at;
  std::string id_at;
  std::string action_at;
  // The sender's action names -> create | update | delete ("Update" -> update).
  std::map<std::string, std::string> actions;
  // The sender's object names -> the source object flows read ("Identity" -> "identity").
  std::map<std::string, std::string> objects;
  Location location;
};

struct ConnectionConfig {
  std::string name;
  std::string type;   // registry name: file, sqlite, salesforce, ...
  OptionSet options;  // everything but `type`
  Location location;
  Location type_location;                 // the `type:` value, where an unknown type is reported
  std::optional<WebhookConfig> webhooks;  // `webhooks:`; none: serve takes none for it
};

struct SourceConfig {
  std::string connection;
  std::string object;
  std::string filter;  // filter language text; empty = everything
  Location filter_location;
  std::string id_field;      // field holding the record id; empty = connector default
  std::string cursor_field;  // incremental reads; empty = full read each run
  double lookback_secs = 0;  // read overlap before the cursor
  int batch_size = 500;
  OptionSet options;  // connector-specific keys of this side
  Location location;
};

struct TargetConfig {
  std::string connection;
  std::string object;
  std::string id_field;     // field holding the target id; empty = connector default
  std::string external_id;  // upsert by this target field when the connector can
  int batch_size = 200;
  OptionSet options;
  Location location;
};

enum class SyncMode { upsert, update, insert, mirror };

struct DeletePolicy {
  enum class Kind { ignore, remove, flag } kind = Kind::ignore;
  std::string flag_field;  // kind == flag
  Value flag_value = Value(true);
  Location location;
};

// The mass-delete guard (`max_deletes:`): the most full-scan deletes a run of
// the flow may make, as a count or a percent of the records the flow has in
// the state store. Beyond it the run deletes nothing in that flow. Default
// 10%: a source that suddenly lacks a tenth of a CRM table is far more often
// a broken export than real churn (docs/configuration.md says why).
struct DeleteLimit {
  int64_t count = -1;   // given as a count; -1: use percent
  double percent = 10;  // given as "N%"
  Location location;
  // The limit in records for a flow with `known` records in the state store:
  // at least 1, so a single delete from a small table is never held back.
  int64_t limit_for(int64_t known) const;
  std::string to_string() const;  // "500" or "10%"
};

// How to find an existing target record when the id map has none: search the
// target's `target_field` for the value of `source_field` (or the mapped
// value of that target field when source_field is empty).
struct MatchConfig {
  std::string target_field;
  std::string source_field;
  // Text compared without regard to case (`lower()` on both sides), as a
  // target's unique index on lower(name) compares it.
  bool ignore_case = false;
  Location location;
};

// One entry of a flow's `mapping:`: the target field and its spec as written
// (a string = copy from that source field, or a map interpreted by the
// mapping layer). The mapping layer compiles and validates it.
struct MappingEntry {
  std::string target;
  Value spec;
  Location location;
  // Locations of keys inside the spec, by dotted sub-path ("map.Closed Won").
  std::map<std::string, Location> key_locations;
};

struct RetryConfig {
  int max_attempts = 5;           // then the error is parked for `crmsync retry`
  double backoff_base_secs = 30;  // full-jitter exponential backoff between runs
  double backoff_max_secs = 3600;
  int parent_wait_runs = 3;  // runs a child waits for a missing parent before parking
};

// When `crmsync serve` runs a flow (docs/configuration.md, trigger).
struct TriggerConfig {
  std::string schedule;          // "every 5m", or a cron expression; empty: none
  std::string timezone = "UTC";  // IANA zone the cron expression is read in
  bool cdc = false;              // real-time trigger from the source's change stream (CDC)
  // Driven by the source connection's webhooks (through serve's inbox); the
  // schedule, if any, still runs as the fallback that catches lost ones.
  bool webhook = false;
  // Only through the API or `crmsync run` (set when no schedule, no cdc, no webhook,
  // or `manual: true`).
  bool manual = false;
  // On start, a slot missed while serve was down runs once if it is at
  // most this old; -1: one interval of the schedule (the default), 0: never.
  int64_t catch_up_micros = -1;
  // Each fire is delayed by a random 0..jitter (spreads many flows).
  int64_t jitter_micros = 0;
  Location location;
};

struct FlowConfig {
  std::string name;
  SourceConfig source;
  TargetConfig target;
  SyncMode mode = SyncMode::upsert;
  std::optional<MatchConfig> match;
  DeletePolicy on_delete;
  DeleteLimit max_deletes;
  std::vector<MappingEntry> mapping;
  RetryConfig retry;
  TriggerConfig trigger;
  Location location;
};

// A run parameter declared under `params:` and given as `--param NAME=VALUE`;
// `${param.NAME}` in any value is replaced by it. One config can so serve
// several companies (a connection, a filter, a state file per company).
struct ParamConfig {
  std::string name;
  std::optional<std::string> default_value;  // none: the parameter is required
  std::vector<std::string> values;           // allowed values; empty: any safe text
  std::string description;
  Location location;
};

// The `serve:` block: what `crmsync serve` and `crmsync setup` need to know
// about the service itself.
struct ServeConfig {
  // The address the outside world reaches serve at ("https://sync.example.com"):
  // `crmsync setup` registers webhooks at {public_url}/hooks/{connection}.
  std::string public_url;
  Location location;
};

struct Config {
  std::string file;  // path as given
  std::string dir;   // directory of the file, for relative paths
  std::vector<ParamConfig> params;
  std::map<std::string, std::string> param_values;  // as used for this load
  StateConfig state;
  ServeConfig serve;
  std::vector<ConnectionConfig> connections;
  std::vector<FlowConfig> flows;

  const ConnectionConfig* connection(std::string_view name) const;
  const FlowConfig* flow(std::string_view name) const;
};

std::string_view to_string(SyncMode mode);

}  // namespace crmsync
