#include "service/api_render.h"

#include <algorithm>

#include "core/json.h"

namespace crmsync::service {
namespace {

void write_counts(JsonOut& out, const FlowCounts& c) {
  out.begin_object();
  out.key("read").integer(c.read);
  out.key("created").integer(c.created);
  out.key("updated").integer(c.updated);
  out.key("skipped").integer(c.skipped);
  out.key("deleted").integer(c.deleted);
  out.key("failed").integer(c.failed);
  out.key("api_calls").integer(c.api_calls);
  out.key("expected");
  if (c.expected >= 0)
    out.integer(c.expected);
  else
    out.null();
  out.end_object();
}

void write_id_or_null(JsonOut& out, int64_t id) {
  if (id > 0)
    out.integer(id);
  else
    out.null();
}

// How far a live run is: records read against the totals the sources
// announced (flows whose source cannot count are left out of both).
void write_progress_summary(JsonOut& out, const RunProgress& p) {
  int64_t read = 0, read_counted = 0, expected = 0;
  bool any_expected = false;
  for (const auto& [name, c] : p.flows) {
    read += c.read;
    if (c.expected >= 0) {
      any_expected = true;
      expected += c.expected;
      read_counted += c.read;
    }
  }
  out.begin_object();
  out.key("flow").string_or_null(p.flow);
  out.key("version").integer(static_cast<int64_t>(p.version));
  out.key("updated_at").time(p.updated_at);
  out.key("read").integer(read);
  out.key("expected");
  if (any_expected)
    out.integer(expected);
  else
    out.null();
  out.key("percent");
  if (any_expected && expected > 0)
    out.number(
        std::min(100.0, 100.0 * static_cast<double>(read_counted) / static_cast<double>(expected)));
  else if (any_expected)
    out.number(100.0);
  else
    out.null();
  out.end_object();
}

}  // namespace

void write_flow_counts(JsonOut& out, const std::map<std::string, FlowCounts>& flows) {
  out.begin_object();
  for (const auto& [name, counts] : flows) {
    out.key(name);
    write_counts(out, counts);
  }
  out.end_object();
}

void write_run(JsonOut& out, const RunInfo& run, const std::optional<RunProgress>& progress) {
  bool live = progress && !is_final(run.status) && !is_final(progress->status);
  out.begin_object();
  out.key("id").integer(run.id);
  out.key("status").string(to_string(live ? progress->status : run.status));
  out.key("trigger").string(run.trigger.empty() ? run.request.trigger : run.trigger);
  out.key("request").begin_object();
  out.key("flows").begin_array();
  for (const auto& flow : run.request.flows) out.string(flow);
  out.end_array();
  out.key("params").begin_object();
  for (const auto& [name, value] : run.request.params) out.key(name).string(value);
  out.end_object();
  out.key("full").boolean(run.request.full);
  out.key("resumed_from");
  write_id_or_null(out, run.request.resumed_from);
  out.end_object();
  out.key("queued_at").time(run.queued_at);
  out.key("started_at").time(run.started_at);
  out.key("ended_at").time(run.ended_at);
  out.key("message").string_or_null(run.message);
  out.key("cancel_requested").boolean(run.cancel_requested);
  out.key("resumed_by");
  write_id_or_null(out, run.resumed_by);
  out.key("owner").string_or_null(run.owner);
  out.key("flows");
  // A live run's counts run ahead of the store's, which move per batch.
  write_flow_counts(out, live ? progress->flows : run.flows);
  out.key("progress");
  if (live)
    write_progress_summary(out, *progress);
  else
    out.null();
  out.end_object();
}

void write_progress(JsonOut& out, const RunProgress& p) {
  out.begin_object();
  out.key("run_id").integer(p.run_id);
  out.key("status").string(to_string(p.status));
  out.key("flow").string_or_null(p.flow);
  out.key("flows");
  write_flow_counts(out, p.flows);
  out.key("updated_at").time(p.updated_at);
  out.key("version").integer(static_cast<int64_t>(p.version));
  out.end_object();
}

void write_record_error(JsonOut& out, const RecordError& e) {
  out.begin_object();
  out.key("id").integer(e.id);
  out.key("run_id").integer(e.run_id);
  out.key("flow").string(e.flow);
  out.key("source_id").string(e.source_id);
  out.key("kind").string(to_string(e.kind));
  out.key("message").string(e.message);
  out.key("payload");
  // Stored as JSON text; one that does not parse (cut short) stays a string.
  if (e.payload.empty()) {
    out.null();
  } else if (auto parsed = parse_json(e.payload)) {
    out.value(*parsed);
  } else {
    out.string(e.payload);
  }
  out.key("attempts").integer(e.attempts);
  out.key("status").string(to_string(e.status));
  out.key("outcome_unknown").boolean(e.outcome_unknown);
  out.key("next_attempt_at").time(e.next_attempt_at);
  out.key("created_at").time(e.created_at);
  out.key("updated_at").time(e.updated_at);
  out.end_object();
}

void write_flow_status(JsonOut& out, const FlowStatus& f) {
  out.begin_object();
  out.key("name").string(f.name);
  out.key("source_connection").string(f.source_connection);
  out.key("target_connection").string(f.target_connection);
  out.key("trigger").begin_object();
  out.key("schedule").string_or_null(f.schedule);
  out.key("timezone").string_or_null(f.schedule.empty() ? "" : f.timezone);
  out.key("cdc").boolean(f.cdc);
  out.key("manual").boolean(f.manual);
  out.end_object();
  out.key("next_fire_at").time(f.next_fire_at);
  out.key("running").boolean(f.running);
  out.key("last_run");
  if (f.last_run) {
    out.begin_object();
    out.key("run_id").integer(f.last_run->run_id);
    out.key("status").string(to_string(f.last_run->status));
    out.key("ended_at").time(f.last_run->ended_at);
    out.key("last_success_at").time(f.last_run->last_success_at);
    out.end_object();
  } else {
    out.null();
  }
  out.key("cursor");
  if (f.cursor) {
    out.begin_object();
    out.key("value").value(f.cursor->value);
    out.key("id").string(f.cursor->id);
    out.end_object();
  } else {
    out.null();
  }
  out.key("depends_on").begin_array();
  for (const std::string& d : f.depends_on) out.string(d);
  out.end_array();
  out.key("open_errors").integer(f.open_errors);
  out.key("open_errors_capped").boolean(f.open_errors_capped);
  out.end_object();
}

void write_connection_status(JsonOut& out, const ConnectionStatus& c) {
  out.begin_object();
  out.key("name").string(c.name);
  out.key("type").string(c.type);
  out.key("checked_at").time(c.checked_at);
  out.key("ok");
  if (c.checked_at == 0)
    out.null();  // not checked yet: neither good nor bad
  else
    out.boolean(c.ok);
  out.key("message").string_or_null(c.message);
  out.key("connected");
  if (c.connected)
    out.boolean(*c.connected);
  else
    out.null();  // not a connection that logs in through the browser
  out.key("budget_remaining");
  if (c.budget_remaining)
    out.number(*c.budget_remaining);
  else
    out.null();  // no answer of it reported a budget yet
  out.end_object();
}

std::string error_body(const RequestError& error) {
  JsonOut out;
  out.begin_object().key("error").begin_object();
  out.key("code").string(error.code);
  out.key("message").string(error.message);
  out.key("field").string_or_null(error.field);
  out.end_object().end_object();
  return out.take();
}

}  // namespace crmsync::service
