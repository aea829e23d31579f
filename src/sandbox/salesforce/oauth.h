#pragma once

#include <map>
#include <string>

#include "sandbox/salesforce/sandbox_state.h"

namespace crmsync::sandbox::salesforce {

// The token endpoint's pieces, shared by routes_auth.cc (password, refresh,
// client credentials), oauth_jwt.cc and oauth_code.cc. Handlers run on the
// server's threads; everything they touch is thread-safe.

// `{"error":..,"error_description":..}` with `status`, as Salesforce answers.
void oauth_error(net::HttpResponse& res, int status, const char* error, const char* description);
// 200 with a new access token for `user` (and a refresh token when asked).
void token_answer(SandboxState& s, net::HttpResponse& res, const std::string& user,
                  bool with_refresh);

// grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer with `assertion`.
void jwt_bearer_grant(SandboxState& s, Call& c, std::map<std::string, std::string>& form);
// grant_type=authorization_code: `code` from the authorize page.
void authorization_code_grant(SandboxState& s, Call& c, std::map<std::string, std::string>& form);

}  // namespace crmsync::sandbox::salesforce
