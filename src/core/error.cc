#include "core/error.h"

namespace crmsync {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::retryable:
      return "retryable";
    case ErrorKind::auth:
      return "auth";
    case ErrorKind::rejected:
      return "rejected";
    case ErrorKind::fatal:
      return "fatal";
  }
  return "unknown";
}

Error Error::with_context(std::string_view context) const {
  Error e = *this;
  e.message = std::string(context) + ": " + message;
  return e;
}

std::string Error::to_string() const {
  return std::string(crmsync::to_string(kind)) + ": " + message;
}

Error make_error(ErrorKind kind, std::string message) {
  return Error(kind, std::move(message));
}

}  // namespace crmsync
