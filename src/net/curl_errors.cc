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
    // libcurl wanted to resend a request whose answer was lost on a dead
    // keep-alive connection; the caller decides after a look-up.
    case CURLE_SEND_FAIL_REWIND:
      return ErrorKind::retryable;
    default:
      // Malformed URL, unsupported protocol, every TLS and certificate error,
      // out of memory: retrying the same call cannot help.
      return ErrorKind::fatal;
  }
}

bool curl_outcome_unknown(CURLcode code, bool request_sent) {
  switch (code) {
    case CURLE_SEND_FAIL_REWIND:
      return true;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return false;
    default:
      return request_sent;
  }
}

Error curl_transport_error(CURLcode code, std::string_view what, bool request_sent) {
  std::string message(what);
  message += ": ";
  message += curl_easy_strerror(code);
  if (code == CURLE_SEND_FAIL_REWIND) {
    message += " (the connection died after the request was sent; not resent)";
  }
  message += " (curl " + std::to_string(static_cast<int>(code)) + ")";
  Error e(classify_curl_error(code), std::move(message));
  e.outcome_unknown = curl_outcome_unknown(code, request_sent);
  return e;
}

}  // namespace crmsync::net
