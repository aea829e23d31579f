// `crmsync inbox`: serve's webhook inbox as the state store holds it (the
// same numbers as GET /api/v1/inbox): per flow, the events waiting and how
// long the oldest has waited; refused deliveries by connection and reason.
#include <chrono>

#include "cli/commands.h"
#include "cli/output.h"

namespace crmsync::cli {

int cmd_inbox(const Args& args) {
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;
  auto store = open_store(*config);
  if (!store) return kExitConnection;
  auto summary = store->inbox_summary();
  if (!summary) return fail(kExitConnection, summary.error().message);
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  if (args.json) {
    Array flows, rejected;
    for (const InboxFlowSummary& f : summary->flows) {
      flows.push_back(Value(Object{
          {"flow", Value(f.flow)},
          {"pending", Value(f.pending)},
          {"done", Value(f.done)},
          {"skipped", Value(f.skipped)},
          {"failed", Value(f.failed)},
          {"oldest_pending_age_secs",
           f.oldest_pending_at > 0 ? Value((now - f.oldest_pending_at) / 1'000'000) : Value()},
          {"last_received_at",
           f.last_received_at > 0 ? Value(format_time(f.last_received_at)) : Value()}}));
    }
    for (const WebhookRejections& r : summary->rejected) {
      rejected.push_back(Value(Object{{"connection", Value(r.connection)},
                                      {"reason", Value(r.reason)},
                                      {"count", Value(r.count)},
                                      {"last_at", Value(format_time(r.last_at))}}));
    }
    print_json(Value(
        Object{{"flows", Value(std::move(flows))}, {"rejected", Value(std::move(rejected))}}));
    return kExitOk;
  }
  if (summary->flows.empty()) {
    outf("the inbox is empty: no webhook received yet (docs/webhooks.md)\n");
  } else {
    Table t({"flow", "pending", "oldest pending", "done", "skipped", "failed", "last received"});
    for (const InboxFlowSummary& f : summary->flows) {
      t.add({f.flow, format_count(f.pending),
             f.oldest_pending_at > 0 ? format_duration(now - f.oldest_pending_at) : "-",
             format_count(f.done), format_count(f.skipped), format_count(f.failed),
             format_time(f.last_received_at)});
    }
    outf("%s", t.render().c_str());
  }
  if (!summary->rejected.empty()) {
    Table t({"connection", "refused because", "count", "last"});
    for (const WebhookRejections& r : summary->rejected) {
      t.add({r.connection, r.reason, format_count(r.count), format_time(r.last_at)});
    }
    outf("\n%s", t.render().c_str());
  }
  return kExitOk;
}

}  // namespace crmsync::cli
