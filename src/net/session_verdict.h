#pragma once

#include <functional>
#include <optional>

#include "core/error.h"
#include "core/result.h"
#include "net/http_message.h"

namespace crmsync::net {

struct SessionRequest;

// What a connector makes of an answer before the session's own rules.
struct Verdict {
  enum class Kind {
    standard,     // the session's rules decide (status codes, Retry-After)
    retry_after,  // a limit refused it (the request was not executed): retry after wait_secs
    fail,         // stop now with `error` (a spent daily budget: fatal)
  };
  Kind kind = Kind::standard;
  double wait_secs = 0;
  Error error;

  static Verdict standard() { return {}; }
  static Verdict retry(double secs) { return {Kind::retry_after, secs, {}}; }
  static Verdict stop(Error e) { return {Kind::fail, 0, std::move(e)}; }
};

// A connection's hooks into its session; each may be empty. Called on the
// calling thread, for every send (so a call retried three times calls them
// three times).
struct SessionHooks {
  // Before a send: an error stops the call unsent (a budget the next
  // request would exceed).
  std::function<Status(const SessionRequest&)> before_send;
  // After a send: `answer` is null when no answer came. Reads rate and
  // budget headers, counts, and says what the answer means.
  std::function<Verdict(const SessionRequest&, const HttpResponse* answer)> classify;
  // The API's own words in an error answer, for messages (never headers).
  std::function<std::string(const HttpResponse&)> error_text;
  // The API calls left in the budget an answer reports, if it reports one
  // (for SessionOptions::observer; not called when there is none).
  std::function<std::optional<double>(const HttpResponse&)> budget_remaining;
};

}  // namespace crmsync::net
