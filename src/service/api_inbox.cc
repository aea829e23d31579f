// GET /api/v1/inbox (docs/api.md "Inbox"): the webhook inbox per flow and
// the refused deliveries by connection and reason.
#include "service/api_http.h"
#include "service/api_json.h"
#include "service/api_routes.h"

namespace crmsync::service {

void get_inbox(ApiContext& api, const net::HttpRequest& request, net::HttpResponse& response) {
  if (auto ok = check_query(request, {}); !ok) return answer_error(response, ok.error);
  auto summary = api.control.store().inbox_summary();
  if (!summary) return answer_error(response, store_failure(summary.error()));
  JsonOut out;
  out.begin_object().key("flows").begin_array();
  for (const InboxFlowSummary& f : summary->flows) {
    out.begin_object();
    out.key("flow").string(f.flow);
    out.key("pending").integer(f.pending);
    out.key("done").integer(f.done);
    out.key("skipped").integer(f.skipped);
    out.key("failed").integer(f.failed);
    out.key("oldest_pending_at");
    if (f.oldest_pending_at > 0) {
      out.time(f.oldest_pending_at);
    } else {
      out.null();
    }
    out.key("last_received_at");
    if (f.last_received_at > 0) {
      out.time(f.last_received_at);
    } else {
      out.null();
    }
    out.end_object();
  }
  out.end_array().key("rejected").begin_array();
  for (const WebhookRejections& r : summary->rejected) {
    out.begin_object();
    out.key("connection").string(r.connection);
    out.key("reason").string(r.reason);
    out.key("count").integer(r.count);
    out.key("last_at").time(r.last_at);
    out.end_object();
  }
  out.end_array().end_object();
  answer_json(response, 200, out.take());
}

}  // namespace crmsync::service
