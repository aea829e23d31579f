#pragma once

#include <string>
#include <vector>

namespace crmsync::sandbox::salesforce {

// An error answer of the emulated Salesforce API: what the real service puts
// in its error arrays (`errorCode`, or `statusCode` inside collection
// results) and the HTTP status it answers with. This is a wire value the
// sandbox sends, not a failure of the sandbox itself.
struct SfError {
  int http_status = 400;
  std::string code;  // REQUIRED_FIELD_MISSING, INVALID_FIELD, ...
  std::string message;
  std::vector<std::string> fields;
};

inline SfError sf_error(int status, std::string code, std::string message,
                        std::vector<std::string> fields = {}) {
  return SfError{status, std::move(code), std::move(message), std::move(fields)};
}

}  // namespace crmsync::sandbox::salesforce
