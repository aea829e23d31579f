// The HTTP server's request-target parser (net/http_wire): any target is a
// path and query or an error for a 400; a parsed path is valid UTF-8. The
// access log line is written for any target.
#include <cstdint>
#include <string_view>

#include "core/utf8.h"
#include "fuzz_check.h"
#include "net/http_wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  crmsync::net::HttpRequest request;
  if (crmsync::Status st = crmsync::net::parse_target(text, request); st) {
    FUZZ_CHECK(crmsync::is_valid_utf8(request.path), "path is not UTF-8");
  }
  (void)crmsync::net::access_log_line("GET", text, 200, 1);
  return 0;
}
