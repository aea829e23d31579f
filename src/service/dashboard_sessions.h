#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "net/http_message.h"

namespace crmsync::service {

// The dashboard's logins (docs/dashboard.md, "Login"): the API token is
// exchanged once for a session cookie, and the browser never holds the
// token. Each session has its own CSRF token, which the page sends as
// `X-CSRF-Token` on every state-changing request. A session unused for
// `idle` ends. Thread-safe.
class DashboardSessions {
 public:
  static constexpr int64_t kIdleMicros = int64_t{12} * 3600 * 1'000'000;
  static constexpr size_t kMaxSessions = 1000;

  explicit DashboardSessions(Clock& clock, int64_t idle_micros = kIdleMicros,
                             size_t max_sessions = kMaxSessions)
      : clock_(clock), idle_micros_(idle_micros), max_sessions_(max_sessions) {}

  struct Created {
    std::string id;    // the cookie's value (64 hex characters)
    std::string csrf;  // the page's CSRF token (64 hex characters)
  };
  // A new session; past max_sessions the least recently used one ends.
  Created create();
  // The CSRF token of the live session `id`, which counts as used now;
  // nullopt when unknown or idle too long (it ends then).
  std::optional<std::string> touch(std::string_view id);
  void end(std::string_view id);
  size_t size();

 private:
  struct Entry {
    std::string csrf;
    int64_t last_used = 0;
  };
  Clock& clock_;
  int64_t idle_micros_;
  size_t max_sessions_;
  std::mutex mu_;
  // Keyed by the SHA-256 of the id, so that the map's lookups compare no
  // secret byte by byte.
  std::map<std::string, Entry> sessions_;
};

inline constexpr std::string_view kSessionCookie = "crmsync_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The value of the session cookie in the request's Cookie headers.
std::optional<std::string> session_cookie(const net::HttpRequest& request);
// The Set-Cookie value that stores `id` (empty `id`: one that clears it).
std::string session_set_cookie(std::string_view id, bool secure);
// GET and HEAD change nothing; every other method needs the CSRF token.
bool changes_state(const net::HttpRequest& request);

// How /api/v1 takes a browser's session instead of the bearer token: a
// request with no Authorization header and a session cookie is let through
// when the session is live and, when it changes state, carries the
// session's CSRF token (else 401 / 403). nullopt in `answer` with `handled`
// false: not a session request (the bearer check decides).
struct SessionVerdict {
  bool handled = false;
  std::optional<net::HttpResponse> refusal;
};
SessionVerdict check_session(DashboardSessions& sessions, const net::HttpRequest& request);

}  // namespace crmsync::service
