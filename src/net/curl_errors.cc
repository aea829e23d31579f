#include "net/curl_errors.h"

#include <string>

namespace crmsync::net {

ErrorKind classify_curl_error(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_AGAIN:
      return ErrorKind::retryable;
    default:
      // Malformed URL, unsupported protocol, every TLS and certificate error,
      // out of memory: retrying the same call cannot help.
      return ErrorKind::fatal;
  }
}

Error curl_transport_error(CURLcode code, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += curl_easy_strerror(code);
  message += " (curl " + std::to_string(static_cast<int>(code)) + ")";
  return Error(classify_curl_error(code), std::move(message));
}

}  // namespace crmsync::net
