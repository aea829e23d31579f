// The Pipedrive webhook parser: any body is a change hint or a rejected
// error; a hint names an object and an id.
#include "connectors/pipedrive/pipedrive_webhook.h"

#include <cstdint>
#include <string_view>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto hint = crmsync::parse_pipedrive_webhook(body);
  if (!hint) {
    FUZZ_CHECK(hint.error().kind == crmsync::ErrorKind::rejected, "%s",
               hint.error().message.c_str());
    return 0;
  }
  FUZZ_CHECK(!hint->object.empty() && !hint->id.empty(), "a hint without object or id");
  (void)crmsync::to_string(hint->action);
  return 0;
}
