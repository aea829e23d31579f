// JSON (core/json over simdjson): any text parses or is a rejected error;
// what parses writes back as JSON that parses to the same value.
#include "core/json.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "core/checksum.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto v = crmsync::parse_json(text);
  if (!v) {
    FUZZ_CHECK(v.error().kind == crmsync::ErrorKind::rejected, "%s", v.error().message.c_str());
    return 0;
  }
  std::string out = crmsync::to_json(*v);
  auto again = crmsync::parse_json(out);
  FUZZ_CHECK(again.ok(), "written: %s\nerror: %s", out.c_str(),
             again.ok() ? "" : again.error().message.c_str());
  FUZZ_CHECK(crmsync::to_json(*again) == out, "written: %s\nagain: %s", out.c_str(),
             crmsync::to_json(*again).c_str());
  FUZZ_CHECK(crmsync::checksum(*again) == crmsync::checksum(*v), "written: %s", out.c_str());
  return 0;
}
