#include "connectors/salesforce/salesforce_jwt.h"

#include <fstream>
#include <sstream>

#include "core/base64.h"
#include "core/json.h"
#include "net/crypto.h"

namespace crmsync {

Result<std::string> salesforce_jwt_assertion(const std::string& client_id,
                                             const std::string& username,
                                             const std::string& audience,
                                             const std::string& private_key_file,
                                             int64_t now_secs) {
  std::ifstream in(private_key_file, std::ios::binary);
  if (!in) {
    return Error(ErrorKind::fatal, "auth: jwt: cannot read private_key_file " + private_key_file);
  }
  std::stringstream pem;
  pem << in.rdbuf();
  std::string claims = "{\"iss\":";
  append_json_string(client_id, claims);
  claims += ",\"sub\":";
  append_json_string(username, claims);
  claims += ",\"aud\":";
  append_json_string(audience, claims);
  claims += ",\"exp\":" + std::to_string(now_secs + 180) + "}";
  std::string signing_input =
      base64_encode("{\"alg\":\"RS256\"}", true) + "." + base64_encode(claims, true);
  auto signature = net::rs256_sign(pem.str(), signing_input);
  if (!signature) {
    return Error(ErrorKind::fatal, "auth: jwt: private_key_file " + private_key_file + ": " +
                                       signature.error().message);
  }
  return signing_input + "." + base64_encode(*signature, true);
}

}  // namespace crmsync
