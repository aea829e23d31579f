#pragma once

#include <string>
#include <string_view>

#include "net/http_message.h"

namespace crmsync::net {

// The HTTP server's response compression: when the request accepts gzip and
// the body is text (JSON, XML, HTML, CSV; never an event stream), the body
// is gzipped and Content-Encoding set (streamed answers are never gzipped). Any thread; runs on
// handler threads.
void gzip_if_accepted(const HttpRequest& request, HttpResponse& response);

// gzip (RFC 1952) of `data`; empty on a zlib failure.
std::string gzip(std::string_view data);

}  // namespace crmsync::net
