// Transforms a target's own rules need (issue 21, BottleCRM): ids made by
// crmsync that come out the same on every run, a length limit that fails
// the record naming the field, and empty text stored as NULL.
#include <gtest/gtest.h>

#include "mapping/mapping.h"

// A namespace of its own: the unity build joins this file with mapping_test.cc.
namespace crmsync::mapping::target_rules_test {
namespace {

MappingEntry entry(const std::string& target, Value spec) {
  MappingEntry e;
  e.target = target;
  e.spec = std::move(spec);
  e.location = Location{"m.yaml", 7, 3, "flows.f.mapping." + target};
  return e;
}

Value obj(std::initializer_list<Member> m) {
  return Value(Object(m));
}

Value with(const char* from, Value transform) {
  return obj({{"from", Value(from)}, {"transform", std::move(transform)}});
}

Record source(const std::string& id, Value country, Value code) {
  Record r(make_field_names({"Id", "Country", "Code"}));
  r.value(0) = Value(id);
  r.value(1) = std::move(country);
  r.value(2) = std::move(code);
  return r;
}

std::unique_ptr<CompiledMapping> compiled(std::vector<MappingEntry> entries) {
  auto r = compile(entries);
  std::string errs;
  for (const auto& d : r.diagnostics) errs += d.to_string() + "\n";
  EXPECT_TRUE(r.mapping != nullptr) << errs;
  return std::move(r.mapping);
}

// Reference values from Python's uuid module (RFC 9562 version 5):
// uuid5(NAMESPACE_URL, "python.org"), uuid5(NAMESPACE_DNS, "python.org"),
// and uuid5(uuid5(NAMESPACE_URL, "bottlecrm/accounts"), "001A").
TEST(TargetRules, UuidIsTheRfcNameBasedUuidOfTheText) {
  auto m = compiled({
      entry("a", with("Id", obj({{"uuid", Value()}}))),
      entry("b", with("Id", obj({{"uuid", Value("6ba7b810-9dad-11d1-80b4-00c04fd430c8")}}))),
      entry("c", obj({{"template", Value("{Code}")},
                      {"transform", obj({{"uuid", Value("bottlecrm/accounts")}})}})),
  });
  ASSERT_TRUE(m);
  auto out = m->apply(source("python.org", Value(), Value("001A")));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->record.get("a")->to_text(), "7af94e2b-4dd9-50f0-9c9a-8a48519bdef0");
  EXPECT_EQ(out->record.get("b")->to_text(), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
  EXPECT_EQ(out->record.get("c")->to_text(), "c4dbc667-60ea-5dca-8148-8c3d0ff00e3b");
  // The same input, the same id; another input, another id.
  auto again = m->apply(source("python.org", Value(), Value("001B")));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->record.get("a")->to_text(), out->record.get("a")->to_text());
  EXPECT_NE(again->record.get("c")->to_text(), out->record.get("c")->to_text());
}

TEST(TargetRules, UnmappedKeepPassesValuesThenMaxLengthChecksThem) {
  auto m = compiled({entry(
      "country", obj({{"from", Value("Country")},
                      {"map", obj({{"United States", Value("US")}, {"Germany", Value("DE")}})},
                      {"unmapped", Value("keep")},
                      {"max_length", Value(3)}}))});
  ASSERT_TRUE(m);
  auto mapped = m->apply(source("1", Value("United States"), Value()));
  ASSERT_TRUE(mapped.ok()) << mapped.error().message;
  EXPECT_EQ(mapped->record.get("country")->to_text(), "US");
  auto fits = m->apply(source("1", Value("GBR"), Value()));
  ASSERT_TRUE(fits.ok()) << fits.error().message;
  EXPECT_EQ(fits->record.get("country")->to_text(), "GBR");
  // Counted in characters, not bytes.
  auto utf8 = m->apply(source("1", Value("Öst"), Value()));
  ASSERT_TRUE(utf8.ok()) << utf8.error().message;
  auto too_long = m->apply(source("1", Value("Republic of Moldova"), Value()));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().kind, ErrorKind::rejected);
  EXPECT_NE(too_long.error().message.find("country: 'Republic of Moldova' has 19 characters, "
                                          "more than max_length 3"),
            std::string::npos)
      << too_long.error().message;
  EXPECT_TRUE(m->apply(source("1", Value(), Value())).ok());
}

TEST(TargetRules, EmptyToNullKeepsBlankTextOutOfUniqueKeys) {
  auto m = compiled({entry("sku", with("Code", Value("empty_to_null")))});
  ASSERT_TRUE(m);
  for (const char* blank : {"", "   "}) {
    auto out = m->apply(source("1", Value(), Value(blank)));
    ASSERT_TRUE(out.ok());
    EXPECT_TRUE(out->record.get("sku")->is_null()) << "'" << blank << "'";
  }
  auto kept = m->apply(source("1", Value(), Value(" P-1 ")));
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->record.get("sku")->to_text(), " P-1 ");
}

TEST(TargetRules, BadArgumentsAreCompileErrors) {
  auto r = compile({entry("a", obj({{"from", Value("Id")}, {"max_length", Value("three")}})),
                    entry("b", with("Id", obj({{"uuid", Value(Array{})}}))),
                    entry("c", with("Id", obj({{"empty_to_null", Value(1)}}))),
                    entry("d", obj({{"from", Value("Id")}, {"unmapped", Value("keep")}}))});
  EXPECT_EQ(r.mapping, nullptr);
  ASSERT_EQ(r.diagnostics.size(), 4u);
  EXPECT_NE(r.diagnostics[0].message.find("a: expected a whole number of characters"),
            std::string::npos)
      << r.diagnostics[0].message;
  EXPECT_NE(r.diagnostics[3].message.find("unmapped: needs map:"), std::string::npos)
      << r.diagnostics[3].message;
}

}  // namespace
}  // namespace crmsync::mapping::target_rules_test
