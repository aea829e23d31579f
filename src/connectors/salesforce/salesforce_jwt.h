#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace crmsync {

// The assertion of the OAuth 2.0 JWT bearer grant: header {"alg":"RS256"},
// claims iss = consumer key, sub = username, aud = login URL, exp =
// `now_secs` + 3 minutes (Salesforce refuses a later exp), signed with the
// PEM RSA private key in `private_key_file`.
// Fatal errors name the file and what is wrong with it, never its content.
Result<std::string> salesforce_jwt_assertion(const std::string& client_id,
                                             const std::string& username,
                                             const std::string& audience,
                                             const std::string& private_key_file, int64_t now_secs);

}  // namespace crmsync
