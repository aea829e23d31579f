#include "connectors/http_options.h"

#include "connectors/option_values.h"

namespace crmsync {

OptionSpec max_attempts_option() {
  OptionSpec o;
  o.name = "max_attempts";
  o.type = OptionSpec::Type::integer;
  o.default_value = Value(int64_t{kDefaultMaxAttempts});
  o.description =
      "sends of one API call in total, the first included (1-20), with exponential backoff "
      "and full jitter between them. Any call is retried when it never reached the server, "
      "on 429 and 503 (never sooner than Retry-After; a wait over 60 s is left to the engine) "
      "and once after a 401 renews the login; only idempotent calls (reads, updates and "
      "upserts by id) are retried on timeouts, resets, 408, 500, 502 and 504. A create that "
      "fails that way is not resent: its outcome is unknown and the engine looks it up";
  o.example = "5";
  return o;
}

Result<int> read_max_attempts(const OptionSet& options) {
  int64_t n = option_int(options, "max_attempts", kDefaultMaxAttempts);
  if (n < 1 || n > 20) return Error(ErrorKind::fatal, "max_attempts must be from 1 to 20");
  return static_cast<int>(n);
}

}  // namespace crmsync
