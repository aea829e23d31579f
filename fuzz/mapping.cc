// Mapping compile: the input is a JSON object of `target: spec` entries (the
// shape a config's `mapping:` block becomes). Any entries compile or give
// diagnostics; a compiled mapping maps a sample record or rejects it.
#include "mapping/mapping.h"

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = crmsync::parse_json(text);
  if (!spec || !spec->is_object()) return 0;
  std::vector<crmsync::MappingEntry> entries;
  for (const crmsync::Member& m : spec->as_object()) {
    crmsync::MappingEntry e;
    e.target = m.key;
    e.spec = m.value;
    e.location.file = "fuzz.yaml";
    entries.push_back(std::move(e));
  }
  crmsync::mapping::SchemaHints hints;
  hints.flows = {"contacts", "accounts"};
  auto compiled = crmsync::mapping::compile(entries, hints);
  FUZZ_CHECK((compiled.mapping == nullptr) == !compiled.diagnostics.empty(),
             "a mapping and diagnostics both, or neither");
  if (!compiled.mapping) return 0;

  crmsync::Record source(crmsync::make_field_names(
      {"Id", "Name", "Email", "Amount", "Stage", "Closed", "Items", "Account"}));
  source.set_id("003000000000001AAA");
  source.value(0) = "003000000000001AAA";
  source.value(1) = "  Ada Lovelace ";
  source.value(3) = *crmsync::Decimal::parse("1500.50");
  source.value(4) = "Closed Won";
  source.value(5) = *crmsync::Date::parse("2024-03-14");
  source.value(6) = crmsync::Value(crmsync::Array{
      crmsync::Value(crmsync::Object{{"Sku", crmsync::Value("A-1")}, {"Qty", crmsync::Value(2)}})});
  source.value(7) = crmsync::Value(crmsync::Object{{"Name", crmsync::Value("Parent Inc")}});
  auto mapped = compiled.mapping->apply(source);
  if (!mapped) {
    FUZZ_CHECK(mapped.error().kind == crmsync::ErrorKind::rejected, "%s",
               mapped.error().message.c_str());
  }
  for (const std::string& target : compiled.mapping->target_fields()) {
    (void)compiled.mapping->fixed_values(target);
  }
  return 0;
}
