#include "net/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

#include "net/curl_errors.h"
#include "net/url.h"

namespace crmsync::net {

namespace {
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

int on_progress(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(cancel)->load() ? 1 : 0;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<HttpHeaders*>(user);
  std::string_view line(data, size * count);
  // A new status line (after 100 Continue or a redirect) starts a new set.
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    headers->emplace(std::string(trim(line.substr(0, colon))),
                     std::string(trim(line.substr(colon + 1))));
  }
  return size * count;
}

// The body of a non-idempotent request, handed to libcurl piece by piece.
// There is deliberately no seek callback: libcurl must rewind the body to
// resend it, and without one that rewind fails (CURLE_SEND_FAIL_REWIND),
// so a request whose answer was lost is never sent a second time by the
// transport.
struct BodyReader {
  std::string_view body;
  size_t offset = 0;
};

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* r = static_cast<BodyReader*>(user);
  size_t n = std::min(size * count, r->body.size() - r->offset);
  std::copy_n(r->body.data() + r->offset, n, buffer);
  r->offset += n;
  return n;
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};
}  // namespace

bool HttpClientRequest::is_idempotent() const {
  if (idempotent) return *idempotent;
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

struct HttpClient::Impl {
  CURL* easy = nullptr;
};

HttpClient::HttpClient() : impl_(std::make_unique<Impl>()) {
  init_curl_once();
  impl_->easy = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (impl_->easy != nullptr) curl_easy_cleanup(impl_->easy);
}

Result<HttpResponse> HttpClient::send(const HttpClientRequest& request) {
  std::string what = request.method + " " + redact_url(request.url);
  CURL* easy = impl_->easy;
  if (easy == nullptr) return Error(ErrorKind::fatal, what + ": libcurl handle not available");
  // Reset drops the previous request's options but keeps live connections.
  curl_easy_reset(easy);

  HttpResponse response;
  response.content_type.clear();
  BodyReader body_reader{request.body};
  HeaderList headers;
  for (const auto& [name, value] : request.headers) headers.add(name + ": " + value);
  headers.add("Expect:");  // no 100-continue round trip for bodies

  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout_secs * 1000));
  curl_easy_setopt(
      easy, CURLOPT_CONNECTTIMEOUT_MS,
      static_cast<long>(std::min(request.connect_timeout_secs, request.timeout_secs) * 1000));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, request.verify_tls ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, request.verify_tls ? 2L : 0L);
  curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
  // gzip only when asked: compressing every small answer costs the server
  // more CPU than the transfer saves; worth it for large pages over a WAN.
  if (request.accept_gzip) curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip");
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &response.headers);

  if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (request.is_idempotent()) {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    // POSTFIELDS sends the body (also an empty one) for any custom method.
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.c_str());
  } else {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(easy, CURLOPT_READDATA, &body_reader);
    // libcurl asks for a rewind only when body bytes were sent: with no
    // body its resend would go through. A fresh connection is never
    // resent, and a bodiless POST is rare enough to pay for the connect.
    if (request.body.empty()) curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
  }

  if (request.cancel != nullptr) {
    // libcurl calls this at least once a second while a transfer waits.
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, request.cancel);
  }

  CURLcode code = curl_easy_perform(easy);
  long request_bytes = 0;  // request headers sent; 0 = nothing reached the server
  curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_bytes);
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    Error e(ErrorKind::retryable, what + ": cancelled");
    e.outcome_unknown = request_bytes > 0;
    return e;
  }
  ++stats_.requests;
  long connects = 0;
  if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK)
    stats_.connections_opened += connects;
  if (code != CURLE_OK) return curl_transport_error(code, what, request_bytes > 0);

  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  if (auto type = response.header("Content-Type")) response.content_type = *type;
  return response;
}

}  // namespace crmsync::net
