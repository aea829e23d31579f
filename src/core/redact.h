#pragma once

#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace crmsync {

// The one redactor (issue 30 part 5). Every secret a connection holds is
// registered here once: options flagged `secret` in a connector's spec when
// the config is loaded, stored secrets when they are read, and runtime tokens
// (access and refresh tokens, session ids) where a connector parses them.
// Every text that leaves the process - CLI stdout/stderr, the state store's
// messages and payloads - passes through `scrub`.
//
// Registered with each secret are the forms an API may echo it in: as is,
// URL-encoded (upper- and lower-case hex, space as %20 and as +),
// JSON-escaped, base64 (standard and URL-safe, without padding), and the
// Basic header value base64(user:secret) for each of the connection's user
// names (and base64(secret:) for a key sent as the Basic user). A text cut
// short (at its end or before "...") that ends in the first
// kMinSecretLength or more characters of a form loses that tail too.
//
// A secret shorter than kMinSecretLength bytes is not matched as is: "abc"
// would turn ordinary words into asterisks. Its Basic and base64 forms are
// still matched when they are long enough. `crmsync validate` cannot warn
// about short secrets it does not see, so docs/redaction.md says it.
class Redactor {
 public:
  static constexpr size_t kMinSecretLength = 6;
  static constexpr std::string_view kMask = "***";

  // The process-wide instance. STYLE rule 8 says no non-trivial globals;
  // this one is deliberate: secrets arrive in connectors (tokens), config
  // (options) and state (stored secrets), and text leaves through the CLI,
  // the state store and logs, in layers that do not know each other. One
  // registry below all of them is the only way every exit sees every secret.
  // It only grows (a rotated token stays masked); thread-safe.
  static Redactor& process();

  // Registers `secret` and its derived forms. `users` are the user names it
  // may be paired with in a Basic header. Empty secrets are ignored.
  void add(std::string_view secret, const std::vector<std::string>& users = {});
  // `text` with every registered form replaced by kMask.
  std::string redact(std::string_view text) const;
  size_t form_count() const;
  // Tests only: forget every secret.
  void clear();

 private:
  void add_form(std::string form);

  mutable std::shared_mutex mu_;
  std::vector<std::string> forms_;  // longest first, so a form inside another goes second
};

// Shorthands for Redactor::process().
void register_secret(std::string_view secret, const std::vector<std::string>& users = {});
std::string redact(std::string_view text);
// redact() then to_valid_utf8(): the call for every text that leaves the
// process or is stored.
std::string scrub(std::string_view text);

}  // namespace crmsync
