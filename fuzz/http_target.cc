// The HTTP server's own request parsing above Beast: the request-target
// parser (net/http_wire), where any target is a path and query or an error
// for a 400 and a parsed path is valid UTF-8, and the access log line
// written for any target; then the framing check (net/http_framing) on the
// same bytes read as Transfer-Encoding field values, one a line: a
// framing it accepts has a known length (HTTP/1.1, no Content-Length,
// chunked), and a refusal is a 400 or 501 that says why.
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.h"
#include "fuzz_check.h"
#include "net/http_framing.h"
#include "net/http_wire.h"

namespace {

void check_framing(std::string_view text) {
  if (text.size() < 2) return;
  int version = text[0] & 1 ? 11 : 10;
  bool has_content_length = text[1] & 1;
  std::vector<std::string_view> fields;
  for (std::string_view rest = text.substr(2); !rest.empty();) {
    size_t nl = rest.find('\n');
    fields.push_back(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  auto refusal = crmsync::net::check_request_framing(version, fields, has_content_length);
  if (refusal) {
    FUZZ_CHECK(refusal->status == 400 || refusal->status == 501, "status %d", refusal->status);
    FUZZ_CHECK(!refusal->message.empty(), "a refusal without a reason");
    return;
  }
  if (fields.empty()) return;
  std::string all;
  for (std::string_view f : fields) {
    for (char c : f) all += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  FUZZ_CHECK(version == 11 && !has_content_length, "accepted a framing of unknown length");
  FUZZ_CHECK(all.find("chunked") != std::string::npos,
             "accepted a Transfer-Encoding without chunked");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  crmsync::net::HttpRequest request;
  if (crmsync::Status st = crmsync::net::parse_target(text, request); st) {
    FUZZ_CHECK(crmsync::is_valid_utf8(request.path), "path is not UTF-8");
  }
  (void)crmsync::net::access_log_line("GET", text, 200, 1);
  check_framing(text);
  return 0;
}
