// The configured-places webhook parser (S1's query-only GET, a REST CRM's
// JSON body): the input is split into a query string, one header value and
// a body at 0x00 bytes. Any delivery is a change or a rejected error; a
// change names a record and one of create, update, delete.
#include "connectors/webhook_fields.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_check.h"

namespace {

// a=b&c=d into pairs (no percent-decoding: the receiver decodes before).
std::multimap<std::string, std::string> query_pairs(std::string_view q) {
  std::multimap<std::string, std::string> out;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    size_t eq = pair.find('=');
    out.emplace(std::string(pair.substr(0, eq)),
                eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

crmsync::WebhookConfig config(bool from_query) {
  crmsync::WebhookConfig c;
  c.scheme = crmsync::WebhookConfig::Scheme::path_secret;
  if (from_query) {
    c.id_at = "query.id";
    c.object_at = "query.type";
    c.action_at = "query.event";
    c.objects = {{"Identity", "identity"}};
    c.actions = {{"Update", "update"}, {"Delete", "delete"}, {"Create", "create"}};
  } else {
    c.id_at = "body.data.id";
    c.object_at = "body.type";
    c.action_at = "body.event";
    c.event_id_at = "header.x-event-id";
  }
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t a = in.find('\0');
  std::string_view query = in.substr(0, a);
  std::string_view rest = a == std::string_view::npos ? std::string_view() : in.substr(a + 1);
  size_t b = rest.find('\0');
  std::string_view header = rest.substr(0, b);
  std::string_view body = b == std::string_view::npos ? std::string_view() : rest.substr(b + 1);

  auto pairs = query_pairs(query);
  crmsync::net::HttpHeaders headers;
  headers.emplace("x-event-id", std::string(header));
  for (bool from_query : {true, false}) {
    crmsync::WebhookRequest req{from_query ? "GET" : "POST", &pairs, &headers, body};
    auto change = crmsync::parse_webhook_fields(config(from_query), req);
    if (!change) {
      FUZZ_CHECK(change.error().kind == crmsync::ErrorKind::rejected, "%s",
                 change.error().message.c_str());
      continue;
    }
    FUZZ_CHECK(!change->record_id.empty(), "a change without a record id");
    FUZZ_CHECK(
        change->action == "create" || change->action == "update" || change->action == "delete",
        "action %s", change->action.c_str());
  }
  return 0;
}
