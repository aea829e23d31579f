#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace crmsync {

// What the caller should do about an error (STYLE.md rule 6). Connectors
// classify; the engine decides retries, backoff and parking from the kind.
enum class ErrorKind {
  retryable,  // transient: 5xx, timeouts, 429 (with a wait); try the same call again later
  auth,       // credentials expired or refused: refresh once, then treat as fatal
  rejected,   // this record is bad: park it with the message, go on with the others
  fatal,      // the setup is wrong (config, schema, unreachable system): stop the flow
};

std::string_view to_string(ErrorKind kind);

// An error value with the context an operator needs: where (flow, record,
// field) and what the other side said. Never carries secrets.
struct Error {
  ErrorKind kind = ErrorKind::fatal;
  std::string message;
  // Seconds the other side asked us to wait (Retry-After); 0 when unknown.
  double retry_after_secs = 0;
  // The request may have been applied although no answer came back (a reset
  // or timeout after it was sent, a 500/502/504 from a proxy). A write with
  // this flag is never resent blindly: the caller looks the record up first
  // (DESIGN.md 4.4). Always false for errors from requests never sent.
  bool outcome_unknown = false;

  Error() = default;
  Error(ErrorKind k, std::string msg) : kind(k), message(std::move(msg)) {}

  // Returns a copy with "context: " prepended, for wrapping on the way up.
  Error with_context(std::string_view context) const;
  std::string to_string() const;
};

Error make_error(ErrorKind kind, std::string message);

}  // namespace crmsync
