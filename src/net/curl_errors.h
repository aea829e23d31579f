#pragma once

#include <curl/curl.h>

#include <string_view>

#include "core/error.h"

namespace crmsync::net {

// What a libcurl transport failure means for the caller: a network hiccup
// that the same call may survive later (retryable) or a setup problem that
// it never will (fatal: bad URL, TLS, certificates).
ErrorKind classify_curl_error(CURLcode code);

// "<what>: <curl's description>", with the kind from classify_curl_error.
// `what` must already be free of credentials.
Error curl_transport_error(CURLcode code, std::string_view what);

}  // namespace crmsync::net
