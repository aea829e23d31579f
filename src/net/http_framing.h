#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crmsync::net {

// How the HTTP server decides a request's body length is trustworthy
// (RFC 9112 section 6). Beast's parser (Boost 1.74) takes a
// Transfer-Encoding whose last coding is not chunked as "no body" and then
// reads the body as the next request: a proxy that framed it otherwise
// would have a request smuggled past it. These checks run on the parsed
// headers before any body byte is read. Pure functions, any thread.

// Why the server refuses a request's framing: 400 (framing faulty) or 501
// (a transfer coding it does not implement), and what to say.
struct FramingRefusal {
  int status = 400;
  std::string message;
};

// `version` as Beast gives it (11 for HTTP/1.1); `transfer_encodings` the
// value of every Transfer-Encoding field in order; `has_content_length`
// whether any Content-Length field came. Refused: a Transfer-Encoding in
// an HTTP/1.0 request, with a Content-Length, empty, whose last coding is
// not chunked, or with chunked more than once (400); any coding besides
// chunked (501: the body would reach handlers still encoded).
std::optional<FramingRefusal> check_request_framing(
    int version, const std::vector<std::string_view>& transfer_encodings, bool has_content_length);

// The 413 for a Content-Length over the limit: says both numbers.
std::string announced_body_too_large(unsigned long long announced, size_t limit);

// The 413 for a body that grew past the limit while read (chunked).
std::string body_too_large(size_t limit);

}  // namespace crmsync::net
