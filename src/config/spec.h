#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace crmsync {

// The single declaration of a component's options (STYLE.md rule 5): it
// drives validation, `crmsync spec`, docs/reference and the JSON Schema.
struct OptionSpec {
  enum class Type { string, integer, number, boolean, path, list, object, enumeration };
  std::string name;
  Type type = Type::string;
  bool required = false;
  Value default_value;  // null = no default
  std::string description;
  std::string example;
  bool secret = false;                   // never logged; redacted in errors and output
  std::vector<std::string> enum_values;  // Type::enumeration
};

struct ComponentSpec {
  std::string type;  // "file", "sqlite", ...
  std::string summary;
  std::vector<OptionSpec> options;         // of the connection block
  std::vector<OptionSpec> source_options;  // of a flow's source block for this type
  std::vector<OptionSpec> target_options;  // of a flow's target block for this type
};

// Checks an option block against specs: unknown keys (with did-you-mean),
// missing required keys, wrong types, enum values. Fills defaults into a copy.
Diagnostics validate_options(const std::vector<OptionSpec>& specs, const OptionSet& options,
                             OptionSet* with_defaults = nullptr);

// Reference documentation of one component, in Markdown.
std::string render_markdown(const ComponentSpec& spec);
// JSON Schema (draft 2020-12) for the whole config file given every component.
std::string render_json_schema(const std::vector<ComponentSpec>& specs);

}  // namespace crmsync
