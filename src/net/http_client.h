#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "net/http_message.h"

namespace crmsync::net {

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  std::string body;
  double timeout_secs = 30;
  double connect_timeout_secs = 10;
  // Off only for tests against self-signed local servers; never from config
  // without the user saying so.
  bool verify_tls = true;
  // Offer gzip: worth it for large pages over a WAN, not for small answers.
  bool accept_gzip = false;
  // When it becomes true the transfer stops within about a second (a
  // retryable "cancelled" error): lets a long poll end on shutdown.
  const std::atomic<bool>* cancel = nullptr;
  // Whether sending the request twice does no harm. Unset: from the method
  // (GET, HEAD, PUT, DELETE, OPTIONS yes; POST, PATCH and others no). A
  // caller sets it for a POST that only reads (a query) or upserts by an
  // external id. A non-idempotent request is never resent by the transport
  // on its own (see send()).
  std::optional<bool> idempotent;

  bool is_idempotent() const;
};

struct HttpClientStats {
  long long requests = 0;
  long long connections_opened = 0;  // fewer than requests when keep-alive works
};

// A blocking HTTP client over one libcurl easy handle: connections are kept
// alive and reused between send() calls to the same host.
//
// Not thread-safe: one HttpClient per thread (or per connection slot).
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the request and returns any answer the server gave, whatever its
  // status: callers decide with classify_http_status / http_status_error.
  // Errors are transport failures only: retryable (timeout, connection
  // refused or reset, DNS failure, truncated answer) or fatal (malformed
  // URL, unsupported scheme, TLS/certificate problems). Messages name the
  // method and the URL with credentials redacted. `outcome_unknown` is set
  // when the request may have reached the server (the failure came after
  // its first bytes were sent: timeout, reset, nothing or part of an
  // answer); never for DNS, connect or TLS handshake failures.
  //
  // libcurl resends a request whose reused keep-alive connection turns out
  // dead (no byte of answer) on a fresh connection, POST bodies included.
  // For a non-idempotent request that resend is made impossible: the body
  // goes through a read callback that cannot rewind, so libcurl fails with
  // CURLE_SEND_FAIL_REWIND instead of sending it again; an empty body
  // (nothing to rewind) goes on a fresh connection, which libcurl never
  // retries.
  Result<HttpResponse> send(const HttpClientRequest& request);

  const HttpClientStats& stats() const { return stats_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  HttpClientStats stats_;
};

}  // namespace crmsync::net
