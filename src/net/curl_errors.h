#pragma once

#include <curl/curl.h>

#include <string_view>

#include "core/error.h"

namespace crmsync::net {

// What a libcurl transport failure means for the caller: a network hiccup
// that the same call may survive later (retryable) or a setup problem that
// it never will (fatal: bad URL, TLS, certificates).
ErrorKind classify_curl_error(CURLcode code);

// Whether a request that failed with `code` may have been applied by the
// server: true for every failure after sending began (`request_sent`: some
// of the request left this process) and for a failed body rewind (libcurl
// wanted to resend a request that was sent); false for DNS, connect, TLS
// handshake and setup failures, which happen before a byte of the request
// is sent.
bool curl_outcome_unknown(CURLcode code, bool request_sent);

// "<what>: <curl's description>", with the kind from classify_curl_error
// and outcome_unknown from curl_outcome_unknown. `what` must already be
// free of credentials.
Error curl_transport_error(CURLcode code, std::string_view what, bool request_sent);

}  // namespace crmsync::net
