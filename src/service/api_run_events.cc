// GET /api/v1/runs/{id}/events: the handler checks the request and hands the
// stream to the publisher (api_events.h), which writes every event.
#include <charconv>

#include "service/api_http.h"
#include "service/api_render.h"
#include "service/api_routes.h"

namespace crmsync::service {
namespace {

// What a reconnecting EventSource says it saw; anything unreadable counts as
// nothing seen (the client then gets the current state again).
uint64_t last_event_id(const net::HttpRequest& request) {
  auto header = request.header("Last-Event-ID");
  if (!header) return 0;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), v);
  if (ec != std::errc() || end != header->data() + header->size()) return 0;
  return v;
}

// Stream routes take no body from the response: a refusal is written to
// the stream, which is then closed.
void refuse(net::HttpResponse& response, const std::shared_ptr<net::ResponseStream>& stream,
            const RequestError& error) {
  answer_error(response, error);
  stream->write(std::move(response.body));
  response.body.clear();
  stream->close();
}

}  // namespace

void stream_run_events(ApiContext& api, const net::HttpRequest& request,
                       net::HttpResponse& response,
                       const std::shared_ptr<net::ResponseStream>& stream) {
  auto id = path_run_id(request);
  if (!id) return refuse(response, stream, id.error);
  if (auto ok = check_query(request, {}); !ok) return refuse(response, stream, ok.error);
  if (!api.control.progress(*id.value))
    return refuse(response, stream,
                  request_error(404, "not_found", "no run " + std::to_string(*id.value), "id"));
  response.status = 200;
  response.content_type = "text/event-stream; charset=utf-8";
  response.headers.emplace("Cache-Control", "no-store");
  response.headers.emplace("X-Accel-Buffering", "no");  // a proxy in front must not hold events
  stream->write("retry: 2000\n\n");
  api.events.add(*id.value, last_event_id(request), stream);
}

}  // namespace crmsync::service
