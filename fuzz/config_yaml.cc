// YAML config loading with ${ENV} interpolation: any text is a config or
// diagnostics that each name the file. The environment holds a few names,
// one of them with a `${...}` of its own (interpolation must not recurse).
#include <cstdint>
#include <optional>
#include <string>

#include "config/loader.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  crmsync::EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SF_TOKEN") return "s3cr3t-token";
    if (name == "EMPTY") return "";
    if (name == "NESTED") return "${SF_TOKEN}";
    if (name == "PORT") return "8080";
    return std::nullopt;
  };
  crmsync::LoadResult loaded = crmsync::load_config_text(text, "fuzz.yaml", env);
  // The secret reaches a message only through interpolation, unless the
  // text itself holds it.
  const bool secret_in_text = text.find("s3cr3t-token") != std::string::npos;
  for (const crmsync::Diagnostic& d : loaded.diagnostics) {
    std::string line = d.to_string();
    FUZZ_CHECK(line.rfind("fuzz.yaml", 0) == 0, "diagnostic without the file: %s", line.c_str());
    FUZZ_CHECK(secret_in_text || line.find("s3cr3t-token") == std::string::npos, "a secret in: %s",
               line.c_str());
  }
  return 0;
}
